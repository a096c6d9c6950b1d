"""nbgrader for real: build the course, generate_assignment, collect notebooks, autograde,
feedback, export, and grader nbgrader-import writing the same gradebook.

Students (one notebook each, 05-losses, to keep the run short; the others
count as not submitted):
  alice    the reference solution typed into the released notebook;
  bob      mse_grad without its factor 2 (linear_regression_gradients uses it, so it fails too);
  mallory  bob's code plus a cell that replaces our check() in her kernel by one that
           claims full marks: nbgrader's autograde believes it, nbgrader-import does not.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from grader.course import load_day
from grader.integrations.nbgrader_course import notebook_name
from grader.runner import run_day
from tests.conftest import SOLUTIONS
from tests.integrations.conftest import BIN, grader, run, tool_env

nbgrader_api = pytest.importorskip("nbgrader.api", reason="nbgrader is part of the dev extra")

DAY = load_day("day13")
LOSSES = DAY.exercise("losses")
NOTEBOOK = notebook_name(DAY, LOSSES)  # 05-losses
BROKEN = ("return 2 * (np.asarray(y_pred)", "return (np.asarray(y_pred)")
FORGERY = """\
import grader.integrations.nbgrader_cell as cells
cells.check = lambda day, exercise, function, tests="public": 2.0 if function == "mse_grad" else None
"""


def nbgrader(*args, course):
    return run([BIN / "nbgrader", *args, "--log-level=WARN"], cwd=course, env=tool_env(), timeout=600, check=True)


def submit(course: Path, student: str, code: str, extra_cell: str | None = None) -> None:
    """Put a student's copy of the released notebook, with their code, into submitted/."""
    notebook = json.loads((course / "release" / "day13" / f"{NOTEBOOK}.ipynb").read_text())
    code_cell = next(c for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "losses_code")
    code_cell["source"] = "# module: losses\n" + code
    if extra_cell:
        position = notebook["cells"].index(code_cell) + 1
        notebook["cells"].insert(position, {"cell_type": "code", "execution_count": None, "id": "scratch",
                                            "metadata": {}, "outputs": [], "source": extra_cell})
    folder = course / "submitted" / student / "day13"
    folder.mkdir(parents=True)
    (folder / f"{NOTEBOOK}.ipynb").write_text(json.dumps(notebook))
    (folder / "timestamp.txt").write_text("2026-03-02 10:00:00.000000 UTC")


def grades(course: Path, student: str) -> dict[str, float]:
    with nbgrader_api.Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        notebook = gb.find_submission_notebook(NOTEBOOK, "day13", student)
        return {g.name: g.score for g in notebook.grades}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    folder = tmp_path_factory.mktemp("course")
    built = grader("nbgrader", "day13", "--course", folder, "--solutions", SOLUTIONS)
    assert built.returncode == 0, built.stderr
    nbgrader("generate_assignment", "day13", course=folder)
    right = (SOLUTIONS / "losses.py").read_text()
    wrong = right.replace(*BROKEN)
    assert wrong != right
    submit(folder, "alice", right)
    submit(folder, "bob", wrong)
    submit(folder, "mallory", wrong, extra_cell=FORGERY)
    nbgrader("autograde", "day13", course=folder)
    return folder


def test_the_course_has_one_notebook_per_exercise_with_a_test_cell_per_function(course):
    source = course / "source" / "day13"
    names = sorted(p.stem for p in source.glob("*.ipynb"))
    assert names == [notebook_name(DAY, ex) for ex in DAY.exercises] == [
        "01-slopes", "02-activations", "03-rules", "04-gradients", "05-losses", "06-descent",
        "07-backprop", "08-house_prices", "09-autodiff"]
    total = 0.0
    for ex in DAY.exercises:
        cells = json.loads((source / f"{notebook_name(DAY, ex)}.ipynb").read_text())["cells"]
        meta = [c["metadata"]["nbgrader"] for c in cells]
        solution = [c for c, m in zip(cells, meta) if m["solution"]]
        assert len(solution) == 1 and solution[0]["source"].startswith(f"# module: {ex.id}\n")
        assert "### BEGIN SOLUTION" in solution[0]["source"]
        tests = {m["grade_id"]: m["points"] for m in meta if m["grade"]}
        assert tests == {f"check_{fn.name}": fn.points for fn in ex.functions}
        total += sum(tests.values())
    assert total == DAY.max_score == 90


def test_generate_assignment_strips_solutions_and_hidden_tests(course):
    released = (course / "release" / "day13" / f"{NOTEBOOK}.ipynb").read_text()
    assert "BEGIN SOLUTION" not in released and "HIDDEN TESTS" not in released
    assert 'tests = \\"all\\"' not in released
    code = "".join(next(c for c in json.loads(released)["cells"] if c["id"] == "losses_code")["source"])
    assert code.count("raise NotImplementedError()") == len(LOSSES.functions)
    assert "np.mean(diff * diff)" not in code  # a line of the reference mse


def test_autograde_scores_a_right_and_a_wrong_notebook_with_the_hidden_tests(course):
    alice, bob = grades(course, "alice"), grades(course, "bob")
    points = {f"check_{fn.name}": fn.points for fn in LOSSES.functions}
    assert {k: alice[k] for k in points} == points
    lost = {"check_mse_grad", "check_linear_regression_gradients"}
    assert {k: bob[k] for k in points} == {k: (0.0 if k in lost else v) for k, v in points.items()}
    # The cells ran the hidden tests too: their outputs count public + hidden tests.
    public = run_day(DAY, SOLUTIONS, ["losses"], include_hidden=False).exercises[0].tests
    everything = run_day(DAY, SOLUTIONS, ["losses"]).exercises[0].tests
    assert len(everything) > len(public)
    cells = json.loads((course / "autograded" / "bob" / "day13" / f"{NOTEBOOK}.ipynb").read_text())["cells"]
    for fn in LOSSES.functions:
        cell = next(c for c in cells if c["metadata"].get("nbgrader", {}).get("grade_id") == f"check_{fn.name}")
        text = "".join("".join(o.get("text", "")) for o in cell["outputs"] if o["output_type"] == "stream")
        counted = int(re.search(r"of (\d+) tests passed", text).group(1))
        assert counted == sum(t.function == fn.name for t in everything) > sum(t.function == fn.name for t in public)


def test_feedback_and_export_work_unchanged(course):
    nbgrader("generate_feedback", "day13", course=course)
    for student in ("alice", "bob", "mallory"):
        page = course / "feedback" / student / "day13" / f"{NOTEBOOK}.html"
        assert page.is_file() and "mse_grad" in page.read_text()
    nbgrader("export", course=course)
    with open(course / "grades.csv", newline="") as fh:
        rows = {row["student_id"]: row for row in csv.DictReader(fh)}
    assert float(rows["alice"]["score"]) == pytest.approx(10.0)
    assert float(rows["bob"]["score"]) == pytest.approx(5.0)
    assert float(rows["alice"]["max_score"]) == DAY.max_score


def test_a_kernel_can_forge_autograde_but_not_the_import(course):
    # nbgrader trusts what the cell reports inside the student's kernel...
    assert grades(course, "mallory")["check_mse_grad"] == 2.0
    # ...grader nbgrader-import grades the saved notebooks outside it and rewrites the gradebook.
    imported = grader("nbgrader-import", "day13", "--course", course, "--jobs", "2")
    assert imported.returncode == 0, imported.stderr
    assert "changed 05-losses/check_mse_grad: 2 -> 0" in imported.stdout
    assert grades(course, "mallory")["check_mse_grad"] == 0.0
    for student in ("alice", "bob"):  # the honest ones keep the scores autograde gave them
        assert f"{student}: " in imported.stdout
        block = imported.stdout.split(f"{student}: ", 1)[1].split("\n", 1)[1]
        assert not block.startswith("  changed")
    assert sum(grades(course, "bob").values()) == 5.0
    nbgrader("export", course=course)
    with open(course / "grades.csv", newline="") as fh:
        rows = {row["student_id"]: row for row in csv.DictReader(fh)}
    assert float(rows["mallory"]["score"]) == pytest.approx(5.0)


@pytest.mark.parametrize("args, needle", [
    (["nbgrader", "day13"], "--course"),
    (["nbgrader", "day13", "--course", "{tmp}", "--solutions", "/nonexistent"], "no folder /nonexistent"),
    (["nbgrader-import", "day13", "--course", "{tmp}"], "no gradebook"),
    (["nbgrader", "day99", "--course", "{tmp}"], "unknown day"),
])
def test_usage_errors_are_one_line_and_exit_2(tmp_path, args, needle):
    result = grader(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.returncode == 2 and needle in result.stderr
    assert "Traceback" not in result.stderr
