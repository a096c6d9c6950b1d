"""Find a student's modules in whatever an engine hands over.

Gradescope puts an upload in /autograder/submission: the files themselves, a
whole repository (exercises/day13/*.py), notebooks, or a zip. `module_folder`
returns one folder holding `<id>.py` files the worker can import:

1. the folder (at any depth) holding the most of the day's `<id>.py` files;
2. else the modules of every notebook found (``# module: <id>`` cells);
3. else the contents of a zip found there, searched the same way.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from grader.course import Day
from grader.integrations.notebooks import NotebookError, modules_from_notebook, write_modules

SKIPPED = {"__pycache__", "node_modules", "site-packages", ".git"}
MAX_DEPTH = 6
MAX_UNZIPPED = 50 * 1024 * 1024  # a submission is a few small text files


def _folders(root: Path):
    for folder, dirs, files in os.walk(root):
        depth = len(Path(folder).relative_to(root).parts)
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED and not d.startswith(".") and depth < MAX_DEPTH)
        yield Path(folder), files


def module_folder(submission: Path, day: Day, scratch: Path) -> tuple[Path, str]:
    """(folder to grade, a sentence saying what was graded)."""
    submission, scratch = Path(submission), Path(scratch)
    wanted = {ex.filename for ex in day.exercises}
    best, best_count = None, 0
    for folder, files in _folders(submission):
        count = len(wanted & set(files))
        if count > best_count:
            best, best_count = folder, count
    if best is not None:
        where = best.relative_to(submission).as_posix()
        return best, f"graded {best_count} exercise file(s) in {'the submission' if where == '.' else where}"

    notebooks = [folder / f for folder, files in _folders(submission) for f in sorted(files) if f.endswith(".ipynb")]
    modules: dict[str, str] = {}
    for notebook in notebooks:
        try:
            modules.update(modules_from_notebook(notebook))
        except NotebookError:
            continue
    modules = {name: source for name, source in modules.items() if f"{name}.py" in wanted}
    if modules:
        folder = write_modules(modules, scratch / "from-notebooks")
        return folder, f"graded the modules {', '.join(sorted(modules))} from {len(notebooks)} notebook(s)"

    for folder, files in _folders(submission):
        for name in sorted(files):
            if name.endswith(".zip") and not (scratch / "unzipped").exists():
                target = scratch / "unzipped"
                if _safe_extract(folder / name, target):
                    found, note = module_folder(target, day, scratch / "from-zip")
                    return found, f"{note} (inside {name})"
    empty = scratch / "empty"
    empty.mkdir(parents=True, exist_ok=True)
    names = ", ".join(sorted(wanted))
    return empty, f"found no exercise file in the submission (expected some of: {names}, or notebooks)"


def _safe_extract(archive: Path, target: Path) -> bool:
    """Extract a zip unless it is broken, huge, or has paths that leave the target."""
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
            if sum(m.file_size for m in members) > MAX_UNZIPPED:
                return False
            root = target.resolve()
            for member in members:
                destination = (target / member.filename).resolve()
                if root not in destination.parents and destination != root:
                    return False
            target.mkdir(parents=True, exist_ok=True)
            zf.extractall(target)
            return True
    except (zipfile.BadZipFile, OSError):
        return False
