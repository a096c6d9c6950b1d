"""`grader list DAY` (or `grader status DAY`): each exercise, its points, and whether it passes now."""

from __future__ import annotations

import json
import sys

from grader.commands import add_student_options, student_files


def register(sub):
    p = sub.add_parser(
        "list",
        aliases=["status"],
        help="list the exercises, their points and whether they pass now",
        description="Check every exercise of the day once and print one line each: points earned "
        "out of the total, and whether it passes, is not started, or which test fails first.",
    )
    p.add_argument("day", help="the day, e.g. day13")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    add_student_options(p)
    return p


def run(args) -> int:
    from grader.course import load_day
    from grader.progress import points, status
    from grader.runner import run_day

    day = load_day(args.day)
    with student_files(args, day) as folder:
        result = run_day(day, folder, timeout=args.timeout, parallel=True)
    for note in getattr(args, "unpack_notes", []):  # how the submission was read
        print(f"grader: {note}", file=sys.stderr)
    folder = args.path or folder
    rows = [status(ex) for ex in result.exercises]
    args.verdict = 0  # decided before printing: see cli.main
    if args.json:
        json.dump({"day": day.id, "score": result.score, "max_score": result.max_score,
                   "exercises": [r.to_json() for r in rows]}, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    done = sum(r.passed for r in rows)
    print(f"{day.id} in {folder}: {points(result.score)} / {points(result.max_score)} points, "
          f"{done} of {len(rows)} exercises pass")
    width = max(len(r.exercise) for r in rows)
    for r in rows:
        mark = "✓" if r.passed else "✗"
        print(f"{mark} {r.exercise:<{width}}  {points(r.score):>5} / {points(r.max_score):<3} {r.summary}")
    upcoming = next((r for r in rows if not r.passed), None)
    if upcoming:
        print(f"next: grader check {day.id} {upcoming.exercise}   (stuck? grader hint {day.id} {upcoming.exercise})")
    return 0
