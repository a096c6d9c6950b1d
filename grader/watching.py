"""Re-check an exercise every time its file is saved, and show the first failing test.

Saves are seen through filesystem events (watchfiles: inotify on Linux,
FSEvents on macOS, ReadDirectoryChangesW on Windows), not by polling. An
editor's save is often several events (a temporary file, a rename, a
second write); events are grouped until the folder has been quiet for
`quiet_ms`, and each exercise saved in that group is checked once.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable, TextIO

from grader.course import Day
from grader.progress import first_failure, message_for_student, points
from grader.runner import GraderError


class FolderGone(Exception):
    """The watched folder was deleted, moved or replaced: its saves can no longer be seen."""


def exercise_of(day: Day, path: str | Path) -> str | None:
    """The exercise id of a saved file (losses.py -> losses); None for any other file."""
    name = Path(path).name
    return next((ex.id for ex in day.exercises if ex.filename == name), None)


def report_lines(day: Day, exercise_id: str, result) -> list[str]:
    """A short verdict: all clear, or the first failing test with its whole message."""
    ex = result.exercises[0]
    head = f"{exercise_id}: {points(ex.score)} / {points(ex.max_score)} points"
    failed = first_failure(ex)
    if failed is None:
        return [f"✓ {head}, every test passes."]
    count = sum(not t.passed for t in ex.tests)
    lines = [f"✗ {head}, {count} of {len(ex.tests)} tests fail. First: {failed.function} ({failed.name})"]
    lines += ["    " + line for line in message_for_student(failed).splitlines()]
    if count > 1:
        lines.append(f"  (all failures: grader check {day.id} {exercise_id} --seed {result.seed})")
    return lines


def watch(day: Day, folder: Path, *, check: Callable[[str], object], out: TextIO, quiet_ms: int = 200,
          stop_event=None) -> None:
    """Check each exercise file saved in `folder` with check(exercise_id) -> DayResult, until stopped.

    Returns when stop_event is set; Ctrl-C raises KeyboardInterrupt to the caller, and FolderGone
    is raised when the folder is deleted or replaced.
    """
    import watchfiles
    from watchfiles._rust_notify import WatchfilesRustInternalError

    def is_exercise(_change, path: str) -> bool:
        return exercise_of(day, path) is not None

    names = ", ".join(ex.filename for ex in day.exercises)
    identity = _identity(folder)
    ready = noted = False
    while True:
        try:
            # yield_on_timeout: the first (empty) batch arrives once the watcher is really running, so
            # "Watching" is never printed before a save could be seen; and an empty batch every
            # rust_timeout lets a deleted folder be noticed (no event says so).
            for changes in watchfiles.watch(folder, watch_filter=is_exercise, debounce=max(1600, 4 * quiet_ms),
                                            step=quiet_ms, rust_timeout=300, yield_on_timeout=True,
                                            recursive=False, stop_event=stop_event):
                if _identity(folder) != identity:
                    raise FolderGone(f"{folder} was deleted or moved: stopped watching")
                if not ready:
                    ready = True
                    print(f"Watching {folder} for saves of {names} (Ctrl-C to stop).", file=out, flush=True)
                _check_saved(day, changes, check, out)
            return
        except OSError:  # the Rust watcher may say "No such file or directory" when its folder goes
            if _identity(folder) != identity:
                raise FolderGone(f"{folder} was deleted or moved: stopped watching") from None
            raise
        except WatchfilesRustInternalError as exc:
            # A file whose name is not UTF-8 (`\xff.txt`) ends the Rust watcher with this error,
            # whatever the filter says: start a new one. It is never an exercise file.
            if "decode" not in str(exc):
                raise
            if not noted:
                noted = True
                print("(a file whose name is not UTF-8 was created here; it is ignored)", file=out, flush=True)


def _identity(folder: Path) -> tuple[int, int] | None:
    try:
        st = folder.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _check_saved(day: Day, changes, check: Callable[[str], object], out: TextIO) -> None:
    saved = [ex.id for ex in day.exercises
             if any(exercise_of(day, path) == ex.id and Path(path).exists() for _, path in changes)]
    for exercise_id in saved:
        print(f"\n── {time.strftime('%H:%M:%S')} {exercise_id}.py saved: checking…", file=out, flush=True)
        try:
            lines = report_lines(day, exercise_id, check(exercise_id))
        except GraderError as exc:  # the grader's own trouble: say so and keep watching
            lines = [f"grader: error: {exc}"]
        for line in lines:
            print(line, file=out)
        out.flush()
