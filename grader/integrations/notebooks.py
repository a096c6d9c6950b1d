"""Read the modules a folder's notebooks hold, inside a student's kernel.

A code cell belongs to module `losses` when its first line is
``# module: losses`` or its metadata tags include ``module:losses`` (the
convention of grader.submissions, which does the unpacking for grading).
This lighter reader writes nothing: the nbgrader notebooks use it to import
one notebook's module from another (house_prices imports backprop) and to
find the cells a student last ran.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

MODULE_LINE = re.compile(r"^#\s*module:\s*([A-Za-z_][A-Za-z0-9_]*)\s*$")
MODULE_TAG = re.compile(r"^module:([A-Za-z_][A-Za-z0-9_]*)$")


class NotebookError(ValueError):
    """A notebook cannot be read (not JSON, not a notebook)."""


def cell_source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def cell_module(cell: dict) -> str | None:
    """The module a code cell belongs to, or None."""
    if cell.get("cell_type") != "code":
        return None
    for tag in (cell.get("metadata") or {}).get("tags") or ():
        match = MODULE_TAG.match(str(tag))
        if match:
            return match.group(1)
    first = cell_source(cell).lstrip("\n").split("\n", 1)[0]
    match = MODULE_LINE.match(first.strip())
    return match.group(1) if match else None


def read_notebook(path: Path) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NotebookError(f"{path}: not a readable notebook ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise NotebookError(f"{path}: not a Jupyter notebook (no list of cells)")
    return data


def modules_from_notebook(path: Path) -> dict[str, str]:
    """{module name: source} of every module a notebook holds."""
    modules: dict[str, list[str]] = {}
    for cell in read_notebook(path)["cells"]:
        if not isinstance(cell, dict):
            continue
        name = cell_module(cell)
        if name:
            modules.setdefault(name, []).append(cell_source(cell).rstrip("\n") + "\n")
    return {name: "\n\n".join(parts) for name, parts in modules.items()}


def modules_from_folder(folder: Path) -> dict[str, str]:
    """Every module held by the notebooks of a folder (later notebooks win a clash, in name order)."""
    modules: dict[str, str] = {}
    for notebook in sorted(Path(folder).glob("*.ipynb")):
        try:
            modules.update(modules_from_notebook(notebook))
        except NotebookError:
            continue  # a broken notebook holds no module; the tests say which module is missing
    return modules


def write_modules(modules: dict[str, str], target: Path) -> Path:
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    for name, source in modules.items():
        (target / f"{name}.py").write_text(source, encoding="utf-8")
    return target
