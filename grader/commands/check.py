"""`grader check DAY [EXERCISE ...]`: grade your own folder and say what to fix."""

from __future__ import annotations

import json
import sys

from grader.commands import add_student_options, check_seed, student_files


def register(sub):
    p = sub.add_parser(
        "check",
        intermixed=True,  # `check day13 --json losses`: options may come between the names
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
    from grader.course import load_day
    from grader.runner import run_day

    day = load_day(args.day)
    check_seed(args.seed)
    # `check day13 losses losses` is losses once, not two tests of the same name
    exercises = list(dict.fromkeys(args.exercises)) or None
    with student_files(args, day) as folder:
        result = run_day(day, folder, exercises, seed=args.seed, timeout=args.timeout, parallel=True)
    result.notes[:0] = getattr(args, "unpack_notes", [])  # how the submission was read, as in grade's feedback
    folder = args.path or folder  # the report names what the student passed, not a temporary copy
    args.verdict = 0 if result.all_passed else 1  # decided before printing: see cli.main
    if args.json:
        json.dump(result.to_json(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        from grader.report import print_report

        print_report(result, folder)
    return args.verdict
