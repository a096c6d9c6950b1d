"""One module per `grader` subcommand: register(subparsers) and run(args).

The student-facing commands (check, list, watch, hint) share the options
and checks below, and so do the instructor's grading commands (grade,
nbgrader-import), so they accept and reject the same things.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path
from typing import Iterator


def add_student_options(parser, *, packed: bool = True) -> None:
    """--path and --timeout; packed: --path may also be a notebook or a .zip (see student_files)."""
    what = "folder with your files, or your .ipynb notebook or .zip" if packed else "folder with your files"
    parser.add_argument("--path", type=Path, help=f"{what} (default: exercises/DAY)")
    parser.add_argument("--timeout", type=float, help="seconds each call of your code may take (default 10)")


def student_folder(args, day) -> Path:
    """The folder to check, after validating --path and --timeout (UsageError otherwise)."""
    from grader.cli import UsageError

    folder = args.path or Path("exercises") / day.id
    readable(folder)
    packed = folder.suffix.lower() in (".ipynb", ".zip")
    if folder.is_file() and packed:
        raise UsageError(f"--path here takes a folder, not {folder.name}; "
                         f"`grader check {day.id} --path {folder}` checks a notebook or a .zip")
    if folder.is_file():
        raise UsageError(f"--path takes the folder holding your files, not the file {folder.name} "
                         f"(--path {folder.parent})")
    if packed and not folder.exists():
        raise UsageError(f"no {'notebook' if folder.suffix.lower() == '.ipynb' else 'file'} {folder}")
    if not folder.is_dir():
        hint = "" if args.path else " (run it from the course folder, or pass --path DIR)"
        raise UsageError(f"no folder {folder}{hint}")
    check_timeout(getattr(args, "timeout", None))
    return folder


def readable(path: Path) -> None:
    """UsageError when path, or a folder on the way to it, may not be read; a path that does
    not exist is left to the caller's own message."""
    from grader.cli import UsageError

    try:
        is_dir = path.is_dir()  # raises PermissionError under a folder that may not be searched
    except PermissionError:
        raise UsageError(f"cannot read {path}: Permission denied") from None
    # found here rather than later, when the student's process fails to start in it, or a
    # notebook fails to open, as an internal error
    if path.exists() and not os.access(path, os.R_OK | (os.X_OK if is_dir else 0)):
        raise UsageError(f"cannot read {path}: Permission denied")


@contextlib.contextmanager
def student_files(args, day) -> Iterator[Path]:
    """student_folder, or, when --path is a notebook or a .zip, a temporary folder of the module
    files it holds, unpacked as batch grading unpacks a submission (grader.submissions)."""
    from grader import submissions
    from grader.cli import UsageError

    if args.path:
        readable(args.path)
    kind = submissions.kind_of(args.path) if args.path else None
    if kind not in ("notebook", "zip"):
        folder = student_folder(args, day)
        if not args.path or _read_as_is(folder, day):  # the usual case: the files are checked where they are
            yield folder
            return
        kind = "folder"  # alice/day13/, Losses.py, notebooks: read as `grader grade` reads a submission
    check_timeout(getattr(args, "timeout", None))
    with tempfile.TemporaryDirectory(prefix="grader-") as scratch:
        found = submissions.Submission(args.path.stem if kind != "folder" else args.path.name, args.path, kind)
        unpacked = submissions.unpack(found, Path(scratch) / "files", day)
        args.unpack_notes = unpacked.notes  # check puts them in its result, as grade's feedback has them
        if unpacked.problem:
            raise UsageError(unpacked.problem)
        yield unpacked.folder


def _read_as_is(folder: Path, day) -> bool:
    """Whether `grader grade` would grade this folder's own files as they are: module files under
    their exact names, none in another case (Losses.py) and no notebook beside them."""
    names = {p.name for p in folder.iterdir()}
    wanted = {ex.filename for ex in day.exercises}
    return bool(names & wanted) and not any(n.lower() in wanted - names or n.endswith(".ipynb") for n in names)


def check_grading_numbers(args) -> None:
    """--jobs, --seed and --timeout of the instructor's grading commands (UsageError otherwise)."""
    from grader.cli import UsageError

    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs takes a whole number from 1 up")
    check_seed(args.seed)
    check_timeout(args.timeout)


def check_seed(seed: int | None) -> None:
    from grader.cli import UsageError

    if seed is not None and not 0 <= seed < 2**63:  # numpy's generators take 63 bits
        raise UsageError("--seed takes a whole number from 0 to 2**63 - 1")


def check_timeout(timeout: float | None) -> None:
    from grader.cli import UsageError

    # below 0.05 s starting a call takes longer than the limit, and every call would be
    # blamed on the student's code
    if timeout is not None and not 0.05 <= timeout <= 3600:
        raise UsageError("--timeout takes seconds between 0.05 and 3600")
