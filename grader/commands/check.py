"""`grader check DAY [EXERCISE ...]`: grade your own folder and say what to fix."""

from __future__ import annotations

import json
import sys

from grader.commands import add_student_options, student_files


def register(sub):
    p = sub.add_parser(
        "check",
        help="check your exercises and get feedback",
        description="Run the day's tests on your exercise files. Exit 0 only when every test passed.",
    )
    p.add_argument("day", help="the day to check, e.g. day13")
    p.add_argument("exercises", nargs="*", metavar="EXERCISE", help="only these exercises (default: all)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the report")
    p.add_argument("--seed", type=int, help="reuse the random inputs of an earlier run")
    add_student_options(p)
    return p


def run(args) -> int:
    from grader.cli import UsageError
    from grader.course import load_day
    from grader.runner import run_day

    day = load_day(args.day)
    if args.seed is not None and not 0 <= args.seed < 2**63:
        raise UsageError("--seed takes a whole number from 0 up")
    with student_files(args, day) as folder:
        result = run_day(day, folder, args.exercises or None, seed=args.seed, timeout=args.timeout, parallel=True)
    folder = args.path or folder  # the report names what the student passed, not a temporary copy
    if args.json:
        json.dump(result.to_json(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        from grader.report import print_report

        print_report(result, folder)
    return 0 if result.all_passed else 1
