"""Find a student's work in whatever an engine hands over, and unpack it with grader.submissions.

Gradescope puts an upload in /autograder/submission: the files themselves, a
whole repository (exercises/day13/*.py, two levels down), notebooks, or a
zip. `module_folder` picks what to grade:

1. the folder, at any depth, holding the most of the day's `<id>.py` files;
2. else the folder holding the most notebooks;
3. else a zip found there;

and unpacks it the way `grader grade` unpacks a student's entry
(grader.submissions.unpack: regular files only, size limits, notebooks'
`# module: <id>` cells turned into modules), so every engine reads a
submission by the same rules.
"""

from __future__ import annotations

import os
from pathlib import Path

from grader import submissions
from grader.course import Day

MAX_DEPTH = 6


def _folders(root: Path):
    for folder, dirs, files in os.walk(root):
        depth = len(Path(folder).relative_to(root).parts)
        dirs[:] = sorted(d for d in dirs if d not in submissions.JUNK and not d.startswith(".")
                         and not os.path.islink(os.path.join(folder, d)) and depth < MAX_DEPTH)
        yield Path(folder), [f for f in files if not os.path.islink(os.path.join(folder, f))]


def _best(root: Path, count) -> tuple[Path | None, int]:
    best, best_count = None, 0
    for folder, files in _folders(root):
        n = count(files)
        if n > best_count:
            best, best_count = folder, n
    return best, best_count


def module_folder(submission: Path, day: Day, scratch: Path) -> tuple[Path, str]:
    """(folder of modules to grade, a sentence saying what was graded)."""
    submission, scratch = Path(submission), Path(scratch)
    wanted = {ex.filename for ex in day.exercises}
    chosen, kind = None, "folder"
    folder, n = _best(submission, lambda files: len(wanted & set(files)))
    if folder is None:
        folder, n = _best(submission, lambda files: sum(f.endswith(".ipynb") for f in files))
    if folder is not None:
        chosen = folder
    else:
        zips = [f / name for f, files in _folders(submission) for name in sorted(files) if name.endswith(".zip")]
        if zips:
            chosen, kind = zips[0], "zip"
    if chosen is None:
        empty = scratch / "empty"
        empty.mkdir(parents=True, exist_ok=True)
        return empty, (f"found no exercise file in the submission (expected some of: {', '.join(sorted(wanted))}, "
                       "notebooks with `# module: <name>` cells, or a zip of them)")
    unpacked = submissions.unpack(submissions.Submission("submission", chosen, kind), scratch / "unpacked", day)
    where = chosen.relative_to(submission).as_posix()
    where = "the submission" if where == "." else where
    if unpacked.problem:
        return unpacked.folder, f"found nothing to grade in {where}: {unpacked.problem}"
    notes = "".join(f"; {note}" for note in unpacked.notes)
    return unpacked.folder, f"graded {', '.join(unpacked.modules)} from {where}{notes}"
