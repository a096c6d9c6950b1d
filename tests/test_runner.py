"""The runner: a parallel check equals a serial one, and a failed half is graded again."""

import os

import grader.runner as runner
from grader.course import load_day

DAY = load_day("day13")


def _verdicts(result):
    return [(e.id, t.name, t.passed, t.message, t.misconception) for e in result.exercises for t in e.tests]


def test_parallel_and_serial_checks_agree_on_a_buggy_submission(submission):
    path = submission / "losses.py"
    path.write_text(path.read_text().replace("return 2 * (np.asarray(y_pred)", "return (np.asarray(y_pred)"))
    serial = runner.run_day(DAY, submission, seed=42)
    parallel = runner.run_day(DAY, submission, seed=42, parallel=True)
    assert _verdicts(parallel) == _verdicts(serial)
    assert [e.id for e in parallel.exercises] == [e.id for e in DAY.exercises]
    assert parallel.score == serial.score < parallel.max_score


def test_a_forked_half_that_dies_is_graded_in_the_parent(submission, monkeypatch):
    parent = os.getpid()
    real = runner._run_suites

    def dies_in_the_child(*args):
        if os.getpid() != parent:
            raise RuntimeError("simulated crash of the forked half")
        return real(*args)

    monkeypatch.setattr(runner, "_run_suites", dies_in_the_child)
    result = runner.run_day(DAY, submission, ["slopes", "activations", "rules"], seed=1, parallel=True)
    assert [e.id for e in result.exercises] == ["slopes", "activations", "rules"]
    assert result.score == result.max_score == 30
