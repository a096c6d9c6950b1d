"""`grader watch DAY`: re-check the exercise you are editing every time you save it."""

from __future__ import annotations

import sys

from grader.commands import add_student_options, student_folder


def register(sub):
    p = sub.add_parser(
        "watch",
        help="re-check an exercise each time you save its file",
        description="Watch your exercise folder. Each time you save an exercise file, check that "
        "exercise and show its first failing test (or that it passes). Ctrl-C stops.",
    )
    p.add_argument("day", help="the day, e.g. day13")
    p.add_argument("--quiet-ms", type=int, default=200, metavar="MS",
                   help="wait until no file has changed for MS milliseconds before checking, so one "
                        "save that an editor writes in several steps is checked once (default 200)")
    add_student_options(p, packed=False)
    return p


def run(args) -> int:
    from grader.cli import UsageError
    from grader.course import load_day
    from grader.runner import run_day
    from grader.watching import FolderGone, watch

    day = load_day(args.day)
    folder = student_folder(args, day)
    if not 10 <= args.quiet_ms <= 10_000:
        raise UsageError("--quiet-ms takes milliseconds between 10 and 10000")
    try:
        watch(day, folder, quiet_ms=args.quiet_ms, out=sys.stdout,
              check=lambda exercise_id: run_day(day, folder, [exercise_id], timeout=args.timeout))
    except KeyboardInterrupt:
        print("\nStopped watching.", flush=True)
    except FolderGone as exc:  # watching on would be silent forever
        raise UsageError(str(exc)) from None
    return 0
