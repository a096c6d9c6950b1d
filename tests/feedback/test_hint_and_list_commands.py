"""`grader hint` and `grader list` / `grader status`, run as the real console script."""

import json
import shutil

import pytest

from grader.course import load_day
from tests.conftest import EXERCISES, SOLUTIONS
from tests.test_cli import grader

DAY = load_day("day13")
LOSSES = DAY.exercise("losses")


@pytest.fixture
def folder(tmp_path):
    """A student's exercise folder: the untouched stubs."""
    target = tmp_path / "exercises"
    shutil.copytree(EXERCISES, target, ignore=shutil.ignore_patterns("__pycache__", ".grader-hints.json"))
    return target


def hint(folder, *args):
    return grader("hint", "day13", *args, "--path", str(folder))


def test_hints_come_in_steps_and_are_remembered_in_the_folder(folder):
    shown = []
    for number in range(1, len(LOSSES.hints) + 1):
        run = hint(folder, "losses")
        assert run.returncode == 0, run.stderr
        assert f"Hint {number} of {len(LOSSES.hints)} for losses" in run.stdout
        assert LOSSES.hints[number - 1][:40] in " ".join(run.stdout.split())
        shown.append(run.stdout)
        state = json.loads((folder / ".grader-hints.json").read_text())
        assert state == {"format": 1, "days": {"day13": {"losses": number}}}
    assert "the last hint" in shown[-1] and "docs/day13/05-losses.md" in shown[-1]
    again = hint(folder, "losses")
    assert again.returncode == 0 and f"You have seen all {len(LOSSES.hints)} hints" in again.stdout
    assert all(h[:30] in " ".join(again.stdout.split()) for h in LOSSES.hints)


def test_each_exercise_has_its_own_count_and_reset_forgets(folder):
    hint(folder, "losses")
    hint(folder, "losses")
    first_slopes = hint(folder, "slopes")
    assert "Hint 1 of" in first_slopes.stdout
    reset = hint(folder, "losses", "--reset")
    assert reset.returncode == 0 and "Forgot the hints shown for losses" in reset.stdout
    assert "Hint 1 of" in hint(folder, "losses").stdout
    assert "Hint 2 of" in hint(folder, "slopes").stdout
    assert hint(folder, "--reset").returncode == 0
    assert json.loads((folder / ".grader-hints.json").read_text())["days"] == {}
    assert "Hint 1 of" in hint(folder, "slopes").stdout


def test_a_damaged_progress_file_is_replaced_with_a_warning(folder):
    (folder / ".grader-hints.json").write_text("{not json")
    run = hint(folder, "losses")
    assert run.returncode == 0 and "Hint 1 of" in run.stdout
    assert "could not be read" in run.stderr
    assert json.loads((folder / ".grader-hints.json").read_text())["days"]["day13"]["losses"] == 1


@pytest.mark.parametrize("args, needle", [
    (["hint", "day13", "nosuch"], "has no exercise 'nosuch'"),
    (["hint", "day13"], "which exercise?"),
    (["hint", "day99", "losses"], "unknown day 'day99'"),
    (["hint", "day13", "losses", "--path", "/nonexistent/folder"], "no folder /nonexistent/folder"),
    (["list", "day13", "--path", "/nonexistent/folder"], "no folder /nonexistent/folder"),
    (["status", "day99"], "unknown day 'day99'"),
    (["watch", "day13", "--path", "/nonexistent/folder"], "no folder /nonexistent/folder"),
    (["watch", "day13", "--quiet-ms", "0"], "--quiet-ms"),
])
def test_bad_input_is_one_clear_line_and_exit_2(args, needle):
    run = grader(*args)
    assert run.returncode == 2, run.stdout + run.stderr
    assert needle in run.stderr and "Traceback" not in run.stderr


def test_hint_progress_that_cannot_be_saved_is_an_error_not_a_traceback(folder):
    (folder / ".grader-hints.json").mkdir()  # a directory where the file should be: nothing can be written
    run = hint(folder, "losses")
    assert run.returncode == 2 and "cannot remember hints" in run.stderr and "Traceback" not in run.stderr


def test_list_shows_each_exercise_its_points_and_whether_it_passes(folder):
    shutil.copy(SOLUTIONS / "slopes.py", folder / "slopes.py")
    losses = (SOLUTIONS / "losses.py").read_text()
    (folder / "losses.py").write_text(losses.replace("return 2 * lam * np.asarray(W)", "return lam * np.asarray(W)"))
    (folder / "rules.py").unlink()
    run = grader("list", "day13", "--path", str(folder))
    assert run.returncode == 0, run.stderr
    lines = {line.split()[1]: line for line in run.stdout.splitlines() if line[:1] in "✓✗"}
    assert list(lines) == [e.id for e in DAY.exercises]
    assert lines["slopes"].startswith("✓") and "10 / 10" in lines["slopes"] and "passes" in lines["slopes"]
    assert lines["losses"].startswith("✗") and "9 / 10" in lines["losses"] and "first: l2_penalty_grad" in lines["losses"]
    assert "0 / 10" in lines["rules"] and "rules.py was not found" in lines["rules"]
    assert "not started" in lines["descent"]
    assert "19 / 90 points, 1 of 9 exercises pass" in run.stdout
    assert "next: grader check day13 activations" in run.stdout


def test_status_is_list_and_json_has_the_same_facts(folder):
    shutil.copy(SOLUTIONS / "losses.py", folder / "losses.py")
    listed = grader("list", "day13", "--path", str(folder), "--json")
    status = grader("status", "day13", "--path", str(folder), "--json")
    assert listed.returncode == status.returncode == 0
    report = json.loads(listed.stdout)
    assert report == json.loads(status.stdout)
    by_id = {e["id"]: e for e in report["exercises"]}
    assert by_id["losses"] == {"id": "losses", "score": 10.0, "max_score": 10.0, "passed": True, "status": "passes"}
    assert by_id["slopes"]["status"] == "not started" and not by_id["slopes"]["passed"]
    assert report["score"] == 10.0 and report["max_score"] == 90.0
