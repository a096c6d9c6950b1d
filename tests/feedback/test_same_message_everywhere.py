"""A named mistake reads the same in the terminal, in --json, in batch feedback and in the exports.

One student's losses.py has lost the 2 of the MSE gradient. Batch grading
writes their feedback with the seed it used; `grader check` with that seed
must then print the very same message, and every rendering must carry the
same misconception id.
"""

import json
import shutil

import pytest

from grader.integrations.gradescope import results_json
from grader.gradebook import result_from_json
from tests.conftest import SOLUTIONS
from tests.test_cli import grader

BUG = ("return 2 * (np.asarray(y_pred) - np.asarray(y)) / np.size(y)",
       "return (np.asarray(y_pred) - np.asarray(y)) / np.size(y)")
TEST = "test_mse_grad_matches_finite_differences[1d-float64]"
ID = "mse_grad.missing_factor_2"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    subs = root / "submissions"
    for student in ("alice", "bob"):
        shutil.copytree(SOLUTIONS, subs / student, ignore=shutil.ignore_patterns("__pycache__"))
    losses = subs / "alice" / "losses.py"
    losses.write_text(losses.read_text().replace(*BUG))
    run = grader("grade", "day13", str(subs), "--out", str(root / "out"), "--exercises", "losses",
                 "--seed", "99", "--jobs", "1", timeout=600)
    assert run.returncode in (0, 1), run.stdout + run.stderr
    return subs, root / "out"


def _test(report: dict, name: str = TEST) -> dict:
    return next(t for ex in report["exercises"] for t in ex["tests"] if t["name"] == name)


def test_batch_feedback_json_and_markdown_name_the_mistake(graded):
    _, out = graded
    feedback = json.loads((out / "feedback" / "alice.json").read_text())
    test = _test(feedback)
    assert test["misconception"] == ID and not test["passed"]
    assert "mistake: missing factor 2" in test["message"] and "docs/day13/05-losses.md#" in test["message"]
    page = (out / "feedback" / "alice.md").read_text()  # the message in a code block, indented by 2
    assert "\n".join("  " + line for line in test["message"].splitlines()) in page
    bob = json.loads((out / "feedback" / "bob.json").read_text())
    assert all(t["misconception"] is None for ex in bob["exercises"] for t in ex["tests"])


def test_check_with_the_batch_seed_prints_the_same_message_and_id(graded):
    subs, out = graded
    feedback = json.loads((out / "feedback" / "alice.json").read_text())
    seed = str(feedback["seed"])
    as_json = grader("check", "day13", "losses", "--path", str(subs / "alice"), "--seed", seed, "--json")
    checked = _test(json.loads(as_json.stdout))
    assert checked == _test(feedback)
    terminal = grader("check", "day13", "losses", "--path", str(subs / "alice"), "--seed", seed).stdout
    printed = [line.strip() for line in terminal.splitlines()]
    assert all(line.strip() in printed for line in checked["message"].splitlines())


def test_the_gradescope_export_shows_the_same_message(graded):
    _, out = graded
    record = json.loads((out / "results" / "alice.json").read_text())
    result = result_from_json(record["result"])
    exported = results_json(result, "graded", 1.0, {}, hidden_visibility="after_due_date", reveal_hidden=False)
    entry = next(t for t in exported["tests"] if t["name"].endswith(TEST))
    feedback = json.loads((out / "feedback" / "alice.json").read_text())
    assert entry["output"] == _test(feedback)["message"]
    assert any(t.misconception == ID for ex in result.exercises for t in ex.tests)


def test_hidden_tests_keep_their_message_and_mistake_to_themselves(graded):
    _, out = graded
    feedback = json.loads((out / "feedback" / "alice.json").read_text())
    hidden = _test(feedback, "test_mse_grad_on_a_large_batch")
    assert not hidden["passed"] and hidden["misconception"] is None and "hidden test" in hidden["message"]
    record = json.loads((out / "results" / "alice.json").read_text())  # the instructor's record keeps both
    kept = _test(record["result"], "test_mse_grad_on_a_large_batch")
    assert kept["misconception"] == ID and "mistake: missing factor 2" in kept["message"]
