"""GitHub Actions: a workflow for the student template repository, and its job summary.

The workflow runs on every push in any repository (nothing from GitHub
Classroom): it installs the grader, runs ``grader check DAY --json`` into a
file, writes a per-exercise table of points to the job summary with
``python -m grader.integrations.github_actions summary FILE``, and uploads
the JSON as an artifact. The job fails when a test fails, like the command.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from grader.course import Day
from grader.integrations.wheel import project, wheel_name

HEADER = "# Written by `grader export github-actions"  # how the export knows a workflow it may overwrite


def default_install() -> str:
    """Install the release's wheel by its file: given the name, pip would also ask PyPI for it."""
    return f"python -m pip install wheels/{wheel_name(project())}"


WORKFLOW = """\
# Written by `grader export github-actions {day}`. On every push it checks
# exercises/{day} with the course's public tests, shows the points of each
# exercise in the job summary and keeps the JSON report as an artifact.
# It needs nothing from GitHub Classroom: it works in any repository.
name: grader {day}

on:
  push:
  workflow_dispatch:

permissions:
  contents: read

jobs:
  check:
    name: grader check {day}
    runs-on: ubuntu-latest
    timeout-minutes: 20
    steps:
      - name: Check out the repository
        uses: actions/checkout@v4

      - name: Set up Python
        uses: actions/setup-python@v5
        with:
          python-version: "{python}"

      - name: Install the grader
        run: {install}

      - name: Check {day}
        id: check
        run: grader check {day} --json > {report}

      - name: Points per exercise
        if: always()
        run: python -m grader.integrations.github_actions summary {report} >> "$GITHUB_STEP_SUMMARY"

      - name: Keep the JSON report
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: grader-{day}
          path: {report}
          if-no-files-found: warn
"""


def report_name(day: Day) -> str:
    return f"grader-{day.id}.json"


def workflow(day: Day, *, python: str = "3.11", install: str | None = None) -> str:
    """The workflow file's text (YAML); install defaults to default_install()."""
    install = install or default_install()
    if "\n" in install:
        raise ValueError("the install command must be one line")
    if not re.fullmatch(r"\d+(\.\d+)*", python):  # it goes between quotes in the YAML
        raise ValueError(f"--python takes a version such as 3.11 or 3.12, not {python!r}")
    return WORKFLOW.format(day=day.id, python=python, install=install, report=report_name(day))


def workflow_path(day: Day) -> str:
    """Where the workflow lives in a repository."""
    return f".github/workflows/grader-{day.id}.yml"


def summary_markdown(report: dict) -> str:
    """The job summary: total, one row per exercise, and the first failure of each."""
    day = report.get("day", "?")
    lines = [
        f"## grader check {day}: {_num(report['score'])} / {_num(report['max_score'])} points",
        "",
        "| | exercise | points | tests passed |",
        "| --- | --- | ---: | ---: |",
    ]
    failures = []
    for exercise in report["exercises"]:
        tests = exercise["tests"]
        passed = sum(bool(t["passed"]) for t in tests)
        mark = "✅" if tests and passed == len(tests) else "❌"
        lines.append(f"| {mark} | `{exercise['id']}` | {_num(exercise['score'])} / {_num(exercise['max_score'])} "
                     f"| {passed} / {len(tests)} |")
        first = next((t for t in tests if not t["passed"]), None)
        if first is not None:
            failures.append((exercise["id"], first))
    if failures:
        lines += ["", "<details><summary>First failure of each exercise</summary>", ""]
        for exercise_id, test in failures:
            lines += [f"**{exercise_id}** · `{test['name']}`", "", "```text", _fence_safe(test["message"]), "```", ""]
        lines.append("</details>")
    if "seed" in report:
        lines += ["", f"Random inputs of this run: `grader check {day} --seed {report['seed']}` repeats them."]
    return "\n".join(lines) + "\n"


def _num(x) -> str:
    return f"{float(x):g}"


def _fence_safe(text: str) -> str:
    return (text or "").replace("```", "ˋˋˋ")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.integrations.github_actions")
    sub = parser.add_subparsers(dest="action", required=True)
    summary = sub.add_parser("summary", help="print the job-summary Markdown of a `grader check --json` file")
    summary.add_argument("report", type=Path)
    args = parser.parse_args(argv)
    try:
        report = json.loads(args.report.read_text(encoding="utf-8"))
        text = summary_markdown(report)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        # The check step failed before writing its JSON: say so in the summary, not with a traceback.
        print(f"## grader: no report\n\n`{args.report}` could not be read ({type(exc).__name__}); "
              "see the log of the check step.")
        return 1
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
