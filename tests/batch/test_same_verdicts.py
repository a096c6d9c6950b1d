"""A batch round judges exactly as `grader check` does.

Batch rounds resolve fixtures themselves (grader.fixtures), reuse the
grader's own reference numbers from one submission to the next
(grader.memo), and send a worker the requests a fully correct round made
before the tests ask for them (grader.ahead); none of it may change a verdict
or a message. Each class below
mixes correct code with two submissions that carry a realistic bug in every
module, graded in an order where later rounds reuse what earlier ones
computed, and every result must equal `grader check` on the same folder and
seed, test by test.
"""

from __future__ import annotations

import shutil

import pytest

from grader import ahead, suite_session
from grader.course import load_day
from grader.fixtures import Fixtures
from grader.runner import run_day
from tests.conftest import EXERCISES, SOLUTIONS
from tests.mutants import all_mutants
from tests.test_mutants import _apply

DAY = load_day("day13")
SEED = 4242


def _buggy_class(root, pick: int):
    """A submission with the pick-th catalogued mutant of every module applied."""
    folder = root / f"bugs{pick}"
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    by_module: dict[str, list] = {}
    for mutant in all_mutants():
        if not mutant.extra_files:
            by_module.setdefault(mutant.module, []).append(mutant)
    for mutants in by_module.values():
        _apply(mutants[pick % len(mutants)], folder)
    return folder


def _verdicts(result) -> list:
    return [(ex.id, t.name, t.passed, t.message, t.misconception, t.hidden, round(t.points, 9))
            for ex in result.exercises for t in ex.tests]


@pytest.fixture(scope="module")
def submissions(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    # After the first correct round, the others follow its plan: bugs and stubs leave it.
    first = _buggy_class(root, 0)
    return [first, SOLUTIONS, _buggy_class(root, 1), SOLUTIONS, EXERCISES, first]


@pytest.fixture(scope="module")
def checked(submissions):
    return {folder: _verdicts(run_day(DAY, folder, seed=SEED, timeout=20)) for folder in set(submissions)}


@pytest.mark.parametrize("fixtures", ["direct", "pytest"])
def test_batch_rounds_give_the_verdicts_of_check(submissions, checked, fixtures, monkeypatch):
    if fixtures == "pytest":  # what a suite with a fixture grader.fixtures does not support gets
        monkeypatch.setattr(Fixtures, "supports", staticmethod(lambda items: False))
    graded, planned = [], []
    expect = ahead.Ahead.expect
    monkeypatch.setattr(ahead.Ahead, "expect", lambda self, frame: planned.append(expect(self, frame)) or planned[-1])
    rounds = [suite_session.Round(folder, SEED, timeout=20) for folder in submissions]
    suite_session.serve(DAY, iter(rounds), lambda job, result: graded.append((job.submission, result)))
    assert planned.count(True) > 300 and planned.count(False) >= 2  # requests went ahead; some rounds left the plan
    assert [folder for folder, _ in graded] == submissions
    for folder, result in graded:
        assert _verdicts(result) == checked[folder]
    bugs = [v for v in _verdicts(graded[0][1]) if not v[2]]
    assert len(bugs) > 20 and any(v[4] for v in bugs)  # the bugs failed tests and some were named
    assert all(v[2] for v in _verdicts(graded[1][1]))


def test_the_suites_need_nothing_grader_fixtures_cannot_do():
    """Else batches quietly fall back to pytest's slower fixture set-up."""
    captured = []

    class Spy(Fixtures):
        @staticmethod
        def supports(items):
            captured.append(Fixtures.supports(items))
            return captured[-1]

    import grader.suite_session as module

    original = module.Fixtures
    module.Fixtures = Spy
    try:
        suite_session.serve(DAY, iter([]), lambda job, result: None)
    finally:
        module.Fixtures = original
    assert captured == [True]
