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
    p.add_argument("--sandbox", action="store_true",
                   help="run the code in bubblewrap, as `grader grade` does: for code you did not write "
                        "(a student's submission); exit 2 where there is no sandbox")
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
        if args.sandbox:
            result = _run_sandboxed(day, folder, exercises, args)
        else:  # your own code, as you: the worker is still another process, but not confined
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


def _run_sandboxed(day, folder, exercises, args):
    """run_day with the worker in a bubblewrap sandbox of its own (as Gradescope's runs are)."""
    import os
    import tempfile
    from pathlib import Path

    from grader import sandbox
    from grader.cli import UsageError
    from grader.runner import run_day

    with tempfile.TemporaryDirectory(prefix="grader-check-") as scratch:
        os.chmod(scratch, 0o755)  # as root the worker runs as a uid of its own, which must reach its copy
        box = sandbox.choose(Path(scratch) / "probe", forking=False)
        if box.kind == "rlimits":
            raise UsageError(f"--sandbox: no sandbox can run here ({box.reason})")
        prepared = box.prepare(Path(folder).resolve())
        try:
            return run_day(day, prepared.submission, exercises, seed=args.seed, timeout=args.timeout,
                           launcher=prepared.launcher)
        finally:
            prepared.cleanup()
            box.close()
