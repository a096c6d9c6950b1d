"""Section anchors of the lesson pages, computed the way the site computes them.

Markdown pages get their heading ids from Python-Markdown's toc extension
(explicit `{#id}` attributes win; repeated slugs get _1, _2...); notebooks
get theirs from mkdocs-jupyter, which lower-cases and slugifies the same way.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from markdown.extensions.toc import slugify

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
ATTR_LIST = re.compile(r"\s*\{[^}]*\}\s*$")
EXPLICIT_ID = re.compile(r"\{[^}]*#([\w-]+)[^}]*\}\s*$")
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def heading_texts(path: Path) -> list[str]:
    """Heading lines of a .md page, or of the markdown cells of an .ipynb notebook (code fences skipped)."""
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c.get("cell_type") == "markdown")
    else:
        text = path.read_text(encoding="utf-8")
    lines, fenced = [], False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and HEADING.match(line):
            lines.append(HEADING.match(line).group(2))
    return lines


def anchor(heading: str) -> str:
    explicit = EXPLICIT_ID.search(heading)
    if explicit:
        return explicit.group(1)
    text = LINK.sub(r"\1", ATTR_LIST.sub("", heading))
    text = re.sub(r"[`*$\\]", "", text)
    return slugify(text, "-")


def anchors(path: Path) -> list[str]:
    seen: dict[str, int] = {}
    found = []
    for heading in heading_texts(path):
        slug = anchor(heading)
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        found.append(slug if n == 0 else f"{slug}_{n}")
    return found
