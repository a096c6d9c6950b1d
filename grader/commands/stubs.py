"""`grader stubs DAY [--check | --force]`: maintainers regenerate the exercise stubs from the solutions."""

from __future__ import annotations

from pathlib import Path


def register(sub):
    p = sub.add_parser(
        "stubs",
        help="(maintainers) regenerate exercises/DAY from solutions/DAY",
        description="Write exercises/DAY/<id>.py from solutions/DAY/<id>.py by replacing every "
        "### BEGIN SOLUTION / ### END SOLUTION region. Writes nothing if an existing exercise file "
        "differs from its new stub (a student's work, or a stub from an older solution) unless --force. "
        "With --check, change nothing and exit 1 if the stubs drifted from the solutions or a file is "
        "not in the manifest.",
    )
    p.add_argument("day", help="e.g. day13")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="only report drift")
    mode.add_argument("--force", action="store_true",
                      help="overwrite exercise files that differ from their new stub (edits in them are lost)")
    p.add_argument("--root", type=Path, default=Path("."), help="the course repository (default: .)")
    return p


def run(args) -> int:
    from grader.stubs import main

    argv = [args.day, "--root", str(args.root)]
    argv += [flag for flag, on in (("--check", args.check), ("--force", args.force)) if on]
    return main(argv)
