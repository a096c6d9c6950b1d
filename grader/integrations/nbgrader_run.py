"""`python -m grader.integrations.nbgrader_run DAY EXERCISE FOLDER --tests public|all`.

The grading process an nbgrader test cell starts: it runs one exercise's
suites on a module folder through grader.runner (student code in the
worker, as always) and prints the `grader check --json` object.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.integrations.nbgrader_run")
    parser.add_argument("day")
    parser.add_argument("exercise")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--tests", choices=("public", "all"), default="public")
    args = parser.parse_args(argv)

    from grader.course import ManifestError, load_day
    from grader.runner import GraderError, run_day

    try:
        day = load_day(args.day)
        if args.tests == "all" and not (day.suite_dir / "hidden").is_dir():
            raise GraderError("this grader was installed without the hidden tests (a student release); "
                              "autograde with the instructor's grader")
        result = run_day(day, args.folder, [args.exercise], include_hidden=args.tests == "all")
    except (ManifestError, GraderError) as exc:
        print(f"grader: error: {exc}", file=sys.stderr)
        return 2
    json.dump(result.to_json(), sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
