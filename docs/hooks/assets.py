"""Fetch the site's third-party scripts from package registries, never from a CDN.

The built site must work with no network (an offline classroom, CI), so
MathJax and plotly.js are served from ``docs/assets/vendor/`` like any other
file of the site. They are not committed: this module fetches them.

* plotly.js comes from the ``plotly`` Python package, which ships
  ``plotly.min.js`` (the version that matches the Python API we draw with).
* MathJax comes from the npm registry (``npm pack mathjax@VERSION``); we keep
  one self-contained file, ``tex-svg-full.js``: every TeX extension is inside
  and glyphs are drawn as SVG paths, so no font or extension is loaded later.

Run by mkdocs as a hook (``hooks:`` in mkdocs.yml, before every build) or by
hand: ``python docs/hooks/assets.py``. A file that is present with the right
checksum is left alone, so only the first build needs the npm registry.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
import sys
import tarfile
import tempfile
from importlib import resources
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.assets")

VENDOR_DIR = Path(__file__).resolve().parent.parent / "assets" / "vendor"

MATHJAX_VERSION = "3.2.2"
MATHJAX_FILE = "tex-svg-full.js"
# sha256 of package/es5/tex-svg-full.js in mathjax-3.2.2.tgz: a changed file is refused.
MATHJAX_SHA256 = "a4354ff94fd868aea0cc6eaaa79a57fda0588646fc46ee3700a349ee0a11cbe6"


class AssetError(RuntimeError):
    """An asset could not be fetched; the message says what to do."""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch_plotly(vendor_dir: Path) -> Path:
    """Copy plotly.min.js out of the installed plotly package (no network)."""
    target = vendor_dir / "plotly.min.js"
    try:
        source = resources.files("plotly") / "package_data" / "plotly.min.js"
    except ModuleNotFoundError as err:
        raise AssetError("the Python package 'plotly' is not installed: pip install plotly") from err
    data = source.read_bytes()
    if not target.exists() or target.read_bytes() != data:
        target.write_bytes(data)
        log.info("assets: copied plotly.min.js from the plotly package")
    return target


def fetch_mathjax(vendor_dir: Path) -> Path:
    """Take MathJax's single-file TeX-to-SVG bundle from the npm registry."""
    target = vendor_dir / "mathjax" / MATHJAX_FILE
    if target.exists() and _sha256(target) == MATHJAX_SHA256:
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise AssetError("npm is needed once to fetch MathJax from the npm registry (apt-get install npm)")
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [npm, "pack", f"mathjax@{MATHJAX_VERSION}", "--pack-destination", tmp, "--silent"],
            capture_output=True, text=True, timeout=300,
        )
        tarballs = list(Path(tmp).glob("mathjax-*.tgz"))
        if done.returncode != 0 or not tarballs:
            raise AssetError(f"npm pack mathjax@{MATHJAX_VERSION} failed: {done.stderr.strip()[-500:]}")
        with tarfile.open(tarballs[0]) as tar:
            member = tar.extractfile(f"package/es5/{MATHJAX_FILE}")
            license_text = tar.extractfile("package/LICENSE").read()
            data = member.read()
    if hashlib.sha256(data).hexdigest() != MATHJAX_SHA256:
        raise AssetError(f"mathjax@{MATHJAX_VERSION}/{MATHJAX_FILE} does not have the expected sha256")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    (target.parent / "LICENSE").write_bytes(license_text)
    log.info("assets: fetched MathJax %s from the npm registry", MATHJAX_VERSION)
    return target


def fetch_all(vendor_dir: Path = VENDOR_DIR) -> list[Path]:
    vendor_dir.mkdir(parents=True, exist_ok=True)
    return [fetch_plotly(vendor_dir), fetch_mathjax(vendor_dir)]


def on_config(config):
    """mkdocs hook: make sure the vendored files exist before files are collected."""
    from mkdocs.exceptions import PluginError

    try:
        fetch_all()
    except (AssetError, OSError, subprocess.SubprocessError) as err:
        raise PluginError(f"could not fetch the site's scripts: {err}") from err
    return config


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        for path in fetch_all():
            print(f"{path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    except AssetError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(1)
