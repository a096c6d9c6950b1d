"""Let search work on a site opened straight from disk.

Over HTTP, Material for MkDocs fetches ``search/search_index.json``. From a
``file://`` URL a page cannot fetch, so Material loads
``search/search_index.js`` as a script instead and reads the index from the
global ``__index``. The search plugin writes only the JSON; this hook writes
the script beside it.
"""

from pathlib import Path


def on_post_build(config):
    folder = Path(config["site_dir"]) / "search"
    index = folder / "search_index.json"
    if index.is_file():
        (folder / "search_index.js").write_text("var __index = " + index.read_text(encoding="utf-8") + ";\n", encoding="utf-8")
