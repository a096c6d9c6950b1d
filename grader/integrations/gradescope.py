"""Gradescope: an autograder bundle, and the program it runs for each submission.

`build_bundle` writes the zip Gradescope's autograder specification asks for:
``setup.sh`` and ``run_autograder`` at its root, plus ``wheels/`` with the
grader (hidden suites included) and, when given, the wheels of its
dependencies so that setup installs offline. ``run_autograder`` calls
``python -m grader.integrations.gradescope run DAY``, which grades
``$AUTOGRADER_ROOT/submission`` (default /autograder) and writes
``$AUTOGRADER_ROOT/results/results.json``: one entry per test, public ones
visible at once, hidden ones from the due date on (or once published).

When the grader itself fails it writes no results and exits non-zero, so
Gradescope reports an autograder failure instead of recording a zero.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from grader import __version__
from grader.course import Day
from grader.integrations.wheel import build_wheel, dependency_names, project

DEFAULT_ROOT = "/autograder"
VISIBILITIES = ("after_due_date", "after_published", "hidden", "visible")

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder image.
# It installs the grader from wheels/ into its own virtual environment: offline
# when the bundle carries the dependency wheels too, else from PyPI.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

python_ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; }
PYTHON=""
for candidate in python3.13 python3.12 python3.11 python3; do
  if command -v "$candidate" >/dev/null && python_ok "$candidate"; then PYTHON="$candidate"; break; fi
done
if [ -z "$PYTHON" ]; then
  # Older base images ship Python 3.10 or less; the grader needs 3.11.
  apt-get install -y python3.11 python3.11-venv
  PYTHON=python3.11
fi

"$PYTHON" -m venv "$ROOT/venv"
# The grader by its file, never by name: PyPI could answer the name with another package.
WHEEL="$SOURCE/wheels/{wheel}"
if ! "$ROOT/venv/bin/pip" install --no-index --find-links "$SOURCE/wheels" "$WHEEL"; then
  echo "setup.sh: some dependency wheels are not in the bundle; installing them from PyPI"
  "$ROOT/venv/bin/pip" install --find-links "$SOURCE/wheels" "$WHEEL"
fi
"$ROOT/venv/bin/grader" --version
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this for every submission. The grader writes results/results.json.
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
if [ ! -x "$ROOT/venv/bin/python" ]; then
  echo "run_autograder: $ROOT/venv is missing: setup.sh did not finish" >&2
  exit 1
fi
exec "$ROOT/venv/bin/python" -I -m grader.integrations.gradescope run {day} --root "$ROOT"{options}
"""


def build_bundle(
    day: Day,
    out: Path,
    *,
    wheels: Path | None = None,
    hidden_visibility: str = "after_due_date",
    reveal_hidden: bool = False,
    timeout: float | None = None,
) -> Path:
    """Write the autograder zip for `day` and return its path."""
    if hidden_visibility not in VISIBILITIES:
        raise ValueError(f"hidden_visibility must be one of {', '.join(VISIBILITIES)}")
    options = f" --hidden-visibility {hidden_visibility}"
    options += " --reveal-hidden" if reveal_hidden else ""
    options += f" --timeout {timeout:g}" if timeout else ""
    out = Path(out)
    partial = out.with_name(out.name + ".part")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="grader-gradescope-") as tmp:
            grader_wheel = build_wheel(Path(tmp), include_hidden=True)
            extra = sorted(Path(wheels).glob("*.whl")) if wheels else []
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as bundle:
                # {wheel} only: the script's other braces are bash's
                _add(bundle, "setup.sh", SETUP_SH.replace("{wheel}", grader_wheel.name).encode(), executable=True)
                _add(bundle, "run_autograder", RUN_AUTOGRADER.format(day=day.id, options=options).encode(),
                     executable=True)
                _add(bundle, f"wheels/{grader_wheel.name}", grader_wheel.read_bytes())
                for wheel in extra:
                    if not wheel.name.startswith("calc4ml_grader-"):
                        _add(bundle, f"wheels/{wheel.name}", wheel.read_bytes())
            os.replace(partial, out)
    except BaseException:
        with contextlib.suppress(OSError):  # a full disk or an interrupt leaves no half-written zip behind
            partial.unlink()
        raise
    return out


def missing_dependencies(wheels: Path) -> list[str]:
    """The grader's runtime dependencies that have no wheel in `wheels` (setup.sh fetches those from PyPI)."""
    def norm(name: str) -> str:  # wheel file names write "rich_click" for "rich-click" or "Rich.Click"
        return re.sub(r"[-_.]+", "_", name).lower()

    present = {norm(path.name.split("-")[0]) for path in Path(wheels).glob("*.whl")}
    return [name for name in dependency_names(project()) if norm(name) not in present]


def _add(bundle: zipfile.ZipFile, name: str, data: bytes, *, executable: bool = False) -> None:
    member = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    member.external_attr = (0o755 if executable else 0o644) << 16
    member.compress_type = zipfile.ZIP_DEFLATED
    bundle.writestr(member, data)


# --- what runs for each submission -------------------------------------------


def results_json(result, note: str, elapsed: float, durations: dict, *, hidden_visibility: str,
                 reveal_hidden: bool) -> dict:
    """Gradescope's results.json object for one graded submission (a grader.results.DayResult)."""
    tests = []
    for number, exercise in enumerate(result.exercises, start=1):
        for index, test in enumerate(exercise.tests, start=1):
            shown = test.to_json(reveal_hidden=reveal_hidden)
            entry = {
                "name": f"{exercise.id}: {test.name}",
                "number": f"{number}.{index}",
                "score": round(test.points, 6),
                "max_score": round(test.max_points, 6),
                "status": "passed" if test.passed else "failed",
                "output": shown["message"] or "passed",
                "tags": [exercise.id, test.function],
                "visibility": hidden_visibility if test.hidden else "visible",
            }
            seconds = durations.get((exercise.id, test.name))
            if seconds is not None:
                entry["execution_time"] = round(seconds, 4)
            tests.append(entry)
    return {
        "score": result.score,
        "execution_time": round(elapsed, 3),
        "output": f"{result.day}: {result.score:g} / {result.max_score:g} points. {note[0].upper()}{note[1:]}. "
                  f"Random inputs of this run: seed {result.seed}.",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {"day": result.day, "seed": result.seed, "grader_version": __version__},
    }


def run_submission(day: Day, root: Path, *, hidden_visibility: str = "after_due_date",
                   reveal_hidden: bool = False, timeout: float | None = None) -> Path:
    """Grade root/submission and write root/results/results.json (atomically); return its path."""
    from grader import sandbox
    from grader.integrations import durations
    from grader.integrations.locate import module_folder
    from grader.runner import run_day

    root = Path(root)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="grader-submission-") as scratch:
        os.chmod(scratch, 0o755)  # a worker running as a uid of its own reaches its copy in here
        folder, note = module_folder(root / "submission", day, Path(scratch))
        # Gradescope runs this as root: unconfined student code could write results.json itself and
        # kill this process. In a sandbox, or at least as another uid, it can do neither.
        box = sandbox.choose(Path(scratch) / "probe", forking=False)
        why = f" ({box.reason})" if box.kind == "rlimits" else ""
        print(f"student code runs in: {box.describe()}{why}", file=sys.stderr)
        prepared = box.prepare(folder)
        try:
            with durations.timed() as times:
                result = run_day(day, prepared.submission, timeout=timeout, launcher=prepared.launcher)
        finally:
            prepared.cleanup()
            box.close()
        payload = results_json(result, note, time.monotonic() - started, dict(times),
                               hidden_visibility=hidden_visibility, reveal_hidden=reveal_hidden)
    target = root / "results" / "results.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name("results.json.part")
    partial.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.integrations.gradescope")
    sub = parser.add_subparsers(dest="action", required=True)
    run = sub.add_parser("run", help="grade ROOT/submission, write ROOT/results/results.json")
    run.add_argument("day")
    run.add_argument("--root", type=Path, default=Path(os.environ.get("AUTOGRADER_ROOT", DEFAULT_ROOT)))
    run.add_argument("--hidden-visibility", choices=VISIBILITIES, default="after_due_date")
    run.add_argument("--reveal-hidden", action="store_true")
    run.add_argument("--timeout", type=float)
    args = parser.parse_args(argv)

    from grader.course import ManifestError, load_day
    from grader.runner import GraderError

    try:
        path = run_submission(load_day(args.day), args.root, hidden_visibility=args.hidden_visibility,
                              reveal_hidden=args.reveal_hidden, timeout=args.timeout)
    except (ManifestError, GraderError, OSError) as exc:
        # No results.json: Gradescope shows an autograder failure rather than a zero.
        print(f"grader: the autograder failed, not the submission: {exc}", file=sys.stderr)
        return 2
    payload = json.loads(path.read_text())
    print(payload["output"])  # for the instructor's view of stdout
    failed = [t["name"] for t in payload["tests"] if t["status"] == "failed"]
    print(f"{len(payload['tests']) - len(failed)} passed, {len(failed)} failed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
