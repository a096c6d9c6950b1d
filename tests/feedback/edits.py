"""Helpers for the message tests: put one mistake into a copy of the solutions, grade one exercise."""

import grader.runner as runner
from grader.course import load_day

DAY = load_day("day13")


def replace_once(path, old, new):
    """Replace the one occurrence of `old` in the file (the test is wrong if there is not exactly one)."""
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path.name}"
    path.write_text(text.replace(old, new))


def failed_messages(submission, exercise: str, seed: int) -> dict[str, str]:
    """test name -> message of every failed test of `exercise`."""
    result = runner.run_day(DAY, submission, [exercise], seed=seed)
    return {t.name: t.message for e in result.exercises for t in e.tests if not t.passed}
