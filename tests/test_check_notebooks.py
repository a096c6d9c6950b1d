"""`grader check --path` on a notebook or a .zip: a student who works in Jupyter gets the same
feedback as one with module files, unpacked as batch grading unpacks it (grader.submissions)."""

import json

import pytest

from tests.batch.classroom import make_zip, notebook, solution_body
from tests.conftest import EXERCISES, SOLUTIONS
from tests.test_cli import grader

MODULES = [path.stem for path in sorted(SOLUTIONS.glob("*.py"))]


def whole_day_notebook(path, replace=None):
    """Every reference module in a cell of its own, marked `# module: <name>`; `replace` swaps a
    module's source for other text."""
    replace = replace or {}
    return notebook(path, [(f"# module: {m}\n" + replace.get(m, solution_body(m)), []) for m in MODULES])


def test_a_notebook_of_the_reference_gets_full_marks_and_the_report_names_it(tmp_path):
    path = whole_day_notebook(tmp_path / "my work.ipynb")
    run = grader("check", "day13", "--path", str(path))
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.splitlines()[0] == f"day13 in {path}: 90 / 90 points"
    as_json = json.loads(grader("check", "day13", "--path", str(path), "--json").stdout)
    assert as_json["score"] == as_json["max_score"] == 90.0
    assert not list(tmp_path.glob("*.py")), "nothing is unpacked next to the notebook"


def test_one_wrong_cell_fails_only_its_function_with_the_usual_message(tmp_path):
    losses = solution_body("losses").replace("return 2 * (np.asarray(y_pred)", "return (np.asarray(y_pred)")
    path = whole_day_notebook(tmp_path / "work.ipynb", {"losses": losses})
    run = grader("check", "day13", "losses", "--path", str(path), "--seed", "3")
    assert run.returncode == 1
    assert "losses.mse_grad(y_pred, y) is wrong" in run.stdout and "0.5x the expected" in run.stdout


def test_an_unmarked_notebook_is_graded_whole_and_the_student_is_told(tmp_path):
    path = notebook(tmp_path / "scratch.ipynb", [
        ("import numpy as np\n", []),
        ("def mse(y_pred, y):\n    return float(np.mean((y_pred - y) ** 2))\n\n"
         "def mse_grad(y_pred, y):\n    return 2 * (y_pred - y) / y.size\n", []),
    ])
    run = grader("check", "day13", "--path", str(path), "--json")
    assert run.returncode == 1  # only some of losses, and nothing else, is there
    report = json.loads(run.stdout)
    assert any("no cell starts with `# module: <name>`" in note for note in report["notes"])  # as in grade's feedback
    scores = {ex["id"]: ex for ex in report["exercises"]}
    passed = {t["name"] for t in scores["losses"]["tests"] if t["passed"]}
    assert any("mse_grad" in name for name in passed)
    assert scores["slopes"]["score"] == 0


def test_a_folder_is_read_as_grade_reads_it_nested_or_named_in_another_case(tmp_path):
    nested = tmp_path / "bob" / "day13"  # the folder handed in, with the modules one level down
    nested.mkdir(parents=True)
    other_case = tmp_path / "ken"
    other_case.mkdir()
    for module in ("slopes", "losses"):
        (nested / f"{module}.py").write_text(solution_body(module))
        (other_case / f"{module.capitalize()}.py").write_text(solution_body(module))
    for folder in (tmp_path / "bob", other_case):
        run = grader("check", "day13", "slopes", "losses", "--path", str(folder), "--json")
        report = json.loads(run.stdout)
        assert run.returncode == 0 and report["score"] == 20.0, report
    assert any("Losses.py was graded as losses.py" in note for note in report["notes"])


def test_a_zip_of_stubs_says_what_to_implement(tmp_path):
    stubs = {f"day13/{m}.py": (EXERCISES / f"{m}.py").read_text()
             for m in MODULES}
    path = make_zip(tmp_path / "handin.zip", stubs)
    run = grader("check", "day13", "--path", str(path))
    assert run.returncode == 1
    lines = [line for line in run.stdout.splitlines() if line.startswith("✗ ")]
    assert len(lines) == 9 and all("is not implemented yet: " in line for line in lines)


def test_list_and_hint_take_a_notebook_too(tmp_path):
    path = whole_day_notebook(tmp_path / "work.ipynb")
    listed = grader("list", "day13", "--path", str(path))
    assert listed.returncode == 0 and "90 / 90 points, 9 of 9 exercises pass" in listed.stdout
    hint = grader("hint", "day13", "losses", "--path", str(path))
    assert hint.returncode == 0 and hint.stdout.startswith("Hint 1 of ")
    assert (tmp_path / ".grader-hints.json").is_file()  # remembered next to the notebook


@pytest.mark.parametrize("make, args, needle", [
    (lambda d: notebook(d / "empty.ipynb", [("x = 1\n", [])]), ["check", "day13"],
     "nothing to grade in empty.ipynb"),
    (lambda d: (d / "bad.ipynb").write_text("{not json") and d / "bad.ipynb", ["check", "day13"],
     "bad.ipynb is not a readable notebook"),
    (lambda d: d / "missing.ipynb", ["check", "day13"], "no notebook"),
    (lambda d: (d / "losses.py").write_text("x = 1\n") and d / "losses.py", ["check", "day13"],
     "--path takes the folder holding your files, not the file losses.py"),
    (lambda d: whole_day_notebook(d / "work.ipynb"), ["watch", "day13"],
     "`grader check day13 --path"),
])
def test_what_cannot_be_checked_exits_2_with_a_reason(tmp_path, make, args, needle):
    path = make(tmp_path)
    run = grader(*args, "--path", str(path))
    assert run.returncode == 2, run.stdout + run.stderr
    assert needle in run.stderr and "Traceback" not in run.stderr


def test_a_notebook_named_on_another_system_is_checked_even_where_output_must_be_utf8(tmp_path):
    """b'Zo\\xeb.ipynb' (Latin-1, not UTF-8) on a terminal that takes only UTF-8: its name is
    printed with a backslash escape, never a crash of the grader or of its crash report."""
    import os
    import subprocess

    from tests.test_cli import GRADER, ROOT

    path = tmp_path / os.fsdecode(b"Zo\xeb.ipynb")
    notebook(path, [("# module: losses\n" + solution_body("losses"), [])])
    env = os.environ | {"PYTHONIOENCODING": "utf-8:strict"}
    run = subprocess.run([GRADER, "check", "day13", "losses", "--path", str(path)], cwd=ROOT, env=env,
                         capture_output=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.decode().splitlines()[0].endswith("Zo\\udceb.ipynb: 10 / 10 points")
