"""`grader stubs DAY [--check]`: maintainers regenerate the exercise stubs from the solutions."""

from __future__ import annotations

from pathlib import Path


def register(sub):
    p = sub.add_parser(
        "stubs",
        help="(maintainers) regenerate exercises/DAY from solutions/DAY",
        description="Write exercises/DAY/<id>.py from solutions/DAY/<id>.py by replacing every "
        "### BEGIN SOLUTION / ### END SOLUTION region. With --check, change nothing and "
        "exit 1 if the stubs drifted from the solutions or a file is not in the manifest.",
    )
    p.add_argument("day", help="e.g. day13")
    p.add_argument("--check", action="store_true", help="only report drift")
    p.add_argument("--root", type=Path, default=Path("."), help="the course repository (default: .)")
    return p


def run(args) -> int:
    from grader.stubs import main

    argv = [args.day, "--root", str(args.root)] + (["--check"] if args.check else [])
    return main(argv)
