"""The `grader` console script, run for real as a student would run it."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SOLUTIONS

GRADER = shutil.which("grader", path=str(Path(sys.executable).parent)) or shutil.which("grader")


def grader(*args, cwd=ROOT, timeout=120):
    assert GRADER, "the grader console script is not installed (pip install -e .)"
    return subprocess.run([GRADER, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def test_solutions_get_full_marks_as_json():
    run = grader("check", "day13", "--path", str(SOLUTIONS), "--json")
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads(run.stdout)
    assert report["day"] == "day13"
    assert report["score"] == report["max_score"] == 90.0
    assert [e["id"] for e in report["exercises"]] == [
        "slopes", "activations", "rules", "gradients", "losses", "descent", "backprop", "house_prices", "autodiff"]
    for exercise in report["exercises"]:
        assert exercise["score"] == exercise["max_score"] > 0
        assert exercise["tests"], exercise["id"]
        for test in exercise["tests"]:
            assert set(test) >= {"name", "passed", "message", "misconception"}
            assert test["passed"] is True and test["message"] == ""


def test_untouched_stubs_score_zero_with_one_line_each():
    run = grader("check", "day13")  # default folder: exercises/day13 under the current directory
    assert run.returncode == 1
    lines = run.stdout.strip().splitlines()
    assert lines[0].startswith("day13 in exercises/day13: 0 / 90 points")
    exercise_lines = [line for line in lines if line.startswith("✗ ")]
    assert len(exercise_lines) == 9
    for line in exercise_lines:
        assert " 0 / 10  " in line and "is not implemented yet: " in line, line
    assert not any(line.startswith("✓") for line in lines)


def test_a_missing_factor_two_is_reported_with_input_expected_got_error_and_seed(submission):
    path = submission / "losses.py"
    path.write_text(path.read_text().replace("return 2 * (np.asarray(y_pred)", "return (np.asarray(y_pred)"))
    run = grader("check", "day13", "losses", "--path", str(submission), "--seed", "11")
    assert run.returncode == 1
    out = run.stdout
    assert "losses.mse_grad(y_pred, y) is wrong" in out
    assert "inputs: y_pred = [" in out and "expected" in out and "got" in out
    assert "max relative error" in out and "(seed 11)" in out and "--seed 11" in out
    assert "0.5x the expected" in out
    fixed = grader("check", "day13", "losses", "--path", str(SOLUTIONS), "--json")
    assert json.loads(fixed.stdout)["exercises"][0]["score"] == 10.0


def test_the_same_seed_gives_the_same_inputs_and_runs_differ_by_default(submission):
    path = submission / "losses.py"
    path.write_text(path.read_text().replace("return 2 * (np.asarray(y_pred)", "return (np.asarray(y_pred)"))
    first = grader("check", "day13", "losses", "--path", str(submission), "--seed", "5", "--json").stdout
    again = grader("check", "day13", "losses", "--path", str(submission), "--seed", "5", "--json").stdout
    assert first == again
    seeds = {json.loads(grader("check", "day13", "losses", "--path", str(submission), "--json").stdout)["seed"]
             for _ in range(2)}
    assert len(seeds) == 2


@pytest.mark.parametrize("args, needle", [
    (["check", "day99"], "unknown day 'day99'"),
    (["check", "day13", "nosuch"], "has no exercise 'nosuch'"),
    (["check", "day13", "--path", "/nonexistent/folder"], "no folder /nonexistent/folder"),
    (["check", "day13", "--seed", "-3"], "--seed"),
    (["check"], "the following arguments are required"),
])
def test_usage_errors_exit_2_with_a_message_and_no_traceback(args, needle):
    run = grader(*args)
    assert run.returncode == 2
    assert needle in run.stderr
    assert "Traceback" not in run.stderr + run.stdout


def test_check_outside_the_course_folder_says_where_to_run(tmp_path):
    run = grader("check", "day13", cwd=tmp_path)
    assert run.returncode == 2
    assert "no folder exercises/day13" in run.stderr and "--path" in run.stderr


def test_version_and_help():
    assert grader("--version").stdout.startswith("grader ")
    help_text = grader("check", "--help").stdout
    for option in ("--path", "--json", "--seed", "EXERCISE"):
        assert option in help_text


def test_module_entry_point_matches_the_console_script():
    run = subprocess.run([sys.executable, "-m", "grader", "check", "day13", "slopes", "--path", str(SOLUTIONS), "--json"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120, env=os.environ)
    assert run.returncode == 0 and json.loads(run.stdout)["score"] == 10.0


def test_a_bug_in_the_grader_is_one_line_exit_3_and_a_saved_traceback(monkeypatch, capsys, tmp_path):
    """No command fails this way on purpose, so one is made to: the handler is what is under test."""
    import tempfile

    from grader import cli
    from grader.commands import list as list_command

    def broken(args):
        return {}["a key the grader forgot"]

    monkeypatch.setattr(list_command, "run", broken)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert cli.main(["list", "day13"]) == 3
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "internal error" in err and "KeyError" in err and "not in your code" in err
    saved = list(tmp_path.glob("grader-crash-*.txt"))
    assert len(saved) == 1 and str(saved[0]) in err
    assert "Traceback" in saved[0].read_text() and "a key the grader forgot" in saved[0].read_text()


def test_check_sandbox_confines_code_you_did_not_write(submission, tmp_path):
    # `check` runs your own code as you; --sandbox runs a stranger's as `grade` does.
    outside = tmp_path / "written-by-the-submission"
    path = submission / "losses.py"
    path.write_text(path.read_text() + f"\nopen({str(outside)!r}, 'w').write('here')\n")
    done = grader("check", "day13", "losses", "--path", str(submission), "--sandbox", "--json")
    assert done.returncode == 1, done.stderr
    assert not outside.exists()
    assert json.loads(done.stdout)["score"] == 0  # the import failed inside: nothing to grade
    done = grader("check", "day13", "losses", "--path", str(submission), "--json")  # unconfined, as documented
    assert outside.read_text() == "here" and json.loads(done.stdout)["score"] == 10


def test_check_sandbox_grades_the_solutions_in_full_and_refuses_where_no_sandbox_runs(tmp_path):
    done = grader("check", "day13", "--path", str(SOLUTIONS), "--sandbox", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["score"] == 90
    env = os.environ | {"GRADER_BWRAP": str(tmp_path / "no-bwrap")}
    done = subprocess.run([GRADER, "check", "day13", "losses", "--path", str(SOLUTIONS), "--sandbox"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 2 and done.stdout == ""
    assert "grader: error: --sandbox: no sandbox can run here" in done.stderr
