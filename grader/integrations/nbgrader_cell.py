"""What the autograder test cells of an nbgrader notebook call, inside the student's kernel.

`check` grades nothing here. It unpacks the notebooks of the kernel's folder
into modules (grader.submissions, the rules of `grader grade`), starts ``python -m grader.integrations.nbgrader_run`` (which
runs the suites through our runner, with student code in its own worker
process) and reports one function's verdicts:

* ``tests="public"`` (the released notebook): public tests only, on the code
  you last ran in this kernel; raises when a test fails, so the cell turns red
  and nbgrader's Validate button notices.
* ``tests="all"`` (restored by nbgrader when autograding): public and hidden
  tests on the notebooks as saved; never raises for a wrong answer and returns
  the points earned, which nbgrader records as the cell's partial credit.

Everything goes to stdout: nbgrader scores a test cell that wrote to stderr
as zero.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

from grader import submissions
from grader.course import load_day
from grader.integrations.notebooks import MODULE_LINE, modules_from_folder, write_modules
from grader.integrations.points import function_scores

RUN_TIMEOUT = 900  # seconds for one exercise's suites; each call of student code has its own limit
_results: dict[tuple, dict] = {}


class CheckFailed(AssertionError):
    """Some public test failed; the printed lines above say which and why."""


def check(day: str, exercise: str, function: str, tests: str = "public"):
    if tests not in ("public", "all"):
        raise ValueError('tests must be "public" or "all"')
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ran_here = _modules_run_in_this_kernel() if tests == "public" else {}
        report = _exercise_report(day, exercise, tests, ran_here)
    score = function_scores(load_day(day), report).get((exercise, function))
    if score is None or not score.total:
        raise RuntimeError(f"the grader returned no verdict on {day}/{exercise}.{function}")
    source = "the code you last ran in this notebook" if exercise in ran_here else "the saved notebook"
    print(f"{function}: {score.earned:g} / {score.possible:g} points, "
          f"{score.passed} of {score.total} tests passed ({source})")
    for exercise_report in report["exercises"]:
        for t in exercise_report["tests"]:
            if t["function"] == function and not t["passed"]:
                print(f"✗ {t['name']}: {t['message']}")
    if tests == "public":
        if score.passed < score.total:
            raise CheckFailed(f"{function}: {score.total - score.passed} test(s) failed, see above")
        return None
    return score.earned


def _modules_run_in_this_kernel() -> dict[str, str]:
    """The last version of each `# module: X` cell run in this kernel (students rarely save first)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return {}
    shell = get_ipython()
    history = shell.user_ns.get("In", []) if shell is not None else []
    latest: dict[str, str] = {}
    for source in history:
        first = source.lstrip("\n").split("\n", 1)[0].strip() if isinstance(source, str) else ""
        match = MODULE_LINE.match(first)
        if match:
            latest[match.group(1)] = source
    return latest


def _exercise_report(day: str, exercise: str, tests: str, ran_here: dict[str, str]) -> dict:
    """The `check --json` report of one exercise on this folder's notebooks (cached while they do not change)."""
    with tempfile.TemporaryDirectory(prefix="grader-nb-") as tmp:
        # The saved notebooks, read by the same rules as `grader grade`; then the cells run in this kernel.
        folder = submissions.unpack(submissions.Submission("notebook", Path.cwd(), "folder"),
                                    Path(tmp) / "submission", load_day(day)).folder
        write_modules(ran_here, folder)
        sources = sorted((p.name, p.read_text(encoding="utf-8", errors="replace")) for p in folder.glob("*.py"))
        key = (day, exercise, tests, hashlib.sha256(json.dumps(sources).encode()).hexdigest())
        if key not in _results:
            argv = [sys.executable, "-I", "-m", "grader.integrations.nbgrader_run",
                    day, exercise, str(folder), "--tests", tests]
            try:
                run = subprocess.run(argv, capture_output=True, text=True, timeout=RUN_TIMEOUT,
                                     stdin=subprocess.DEVNULL)
            except subprocess.TimeoutExpired:
                raise RuntimeError(f"the {exercise} checks took longer than {RUN_TIMEOUT} s") from None
            if run.returncode != 0:
                raise RuntimeError(f"the grader could not check {exercise}: {run.stderr.strip()[-1500:]}")
            _results[key] = json.loads(run.stdout)
    return _results[key]


# --- importing the modules of other notebooks ---------------------------------


class _NotebookModules:
    """A meta path finder: `import backprop` loads the `# module: backprop` cells of this folder."""

    def find_spec(self, name, path=None, target=None):
        import importlib.util

        if path is not None or "." in name:
            return None
        source = modules_from_folder(Path.cwd()).get(name)
        if source is None:
            return None
        return importlib.util.spec_from_loader(name, _SourceLoader(name, source))


class _SourceLoader:
    def __init__(self, name: str, source: str):
        self.name, self.source = name, source

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        exec(compile(self.source, f"<notebook module {self.name}>", "exec"), module.__dict__)


def import_sibling_notebooks() -> None:
    """Make `import <module>` find the modules held by the notebooks of the current folder."""
    if not any(isinstance(f, _NotebookModules) for f in sys.meta_path):
        sys.meta_path.append(_NotebookModules())
