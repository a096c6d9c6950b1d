"""`grader watch DAY`: re-check the exercise you are editing every time you save it."""

from __future__ import annotations

import sys
from pathlib import Path


def register(sub):
    p = sub.add_parser(
        "watch",
        help="re-check an exercise each time you save its file",
        description="Watch your exercise folder. Each time you save an exercise file, check that "
        "exercise and show its first failing test (or that it passes). Ctrl-C stops.",
    )
    p.add_argument("day", help="the day, e.g. day13")
    p.add_argument("--path", type=Path, help="folder with your files (default: exercises/DAY)")
    p.add_argument("--quiet-ms", type=int, default=200, metavar="MS",
                   help="wait until no file has changed for MS milliseconds before checking, so one "
                        "save that an editor writes in several steps is checked once (default 200)")
    p.add_argument("--timeout", type=float, help="seconds each call of your code may take (default 10)")
    return p


def run(args) -> int:
    from grader.cli import UsageError
    from grader.course import load_day
    from grader.runner import run_day
    from grader.watching import watch

    day = load_day(args.day)
    folder = args.path or Path("exercises") / day.id
    if not folder.is_dir():
        hint = "" if args.path else " (run it from the course folder, or pass --path DIR)"
        raise UsageError(f"no folder {folder}{hint}")
    if not 10 <= args.quiet_ms <= 10_000:
        raise UsageError("--quiet-ms takes milliseconds between 10 and 10000")
    if args.timeout is not None and not 0 < args.timeout <= 3600:
        raise UsageError("--timeout takes seconds between 0 and 3600")
    try:
        watch(day, folder, quiet_ms=args.quiet_ms, out=sys.stdout,
              check=lambda exercise_id: run_day(day, folder, [exercise_id], timeout=args.timeout))
    except KeyboardInterrupt:
        print("\nStopped watching.", flush=True)
    return 0
