"""Every catalogued misconception is recognised, by name, in a submission that has exactly that bug.

Each buggy submission is the reference solution with one text edit
(tests/feedback/bugs.py), graded on its own exercise with fixed seeds. At
least one failing test must carry the entry's id, and no test of that
function may carry another id: a bug is named for what it is, or not at
all. (Tests of other functions may name what the bug does to them:
linear_regression_gradients calls mse_grad, so a missing 2 in mse_grad
is rightly a missing 2 in its gradients too.)
"""

import shutil

import pytest

from grader.course import load_day
from grader.misconceptions import load_catalogue
from grader.runner import run_day
from tests.conftest import SOLUTIONS
from tests.feedback.bugs import BUGS, apply

DAY = load_day("day13")
CATALOGUE = load_catalogue("day13")
SEEDS = (20261123, 7)


def test_every_catalogue_entry_has_exactly_one_bug():
    entries = {m.id for m in CATALOGUE.entries}
    bugs = [b.misconception for b in BUGS]
    assert len(bugs) == len(set(bugs)), "two bugs for one misconception"
    assert not entries - set(bugs), f"misconceptions with no buggy submission: {sorted(entries - set(bugs))}"
    assert not set(bugs) - entries, f"bugs for misconceptions not in the catalogue: {sorted(set(bugs) - entries)}"


def test_bugs_edit_the_module_of_their_misconception():
    for bug in BUGS:
        assert CATALOGUE.entry(bug.misconception).exercise == bug.module, bug.misconception


@pytest.mark.parametrize("bug", BUGS, ids=[b.misconception for b in BUGS])
@pytest.mark.parametrize("seed", SEEDS)
def test_bug_is_named(bug, seed, tmp_path):
    folder = tmp_path / "sub"
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    path = folder / f"{bug.module}.py"
    path.write_text(apply(bug, path.read_text()))
    result = run_day(DAY, folder, [bug.module], seed=seed, timeout=30)
    assert not result.notes, result.notes
    tests = result.exercises[0].tests
    failed = [t for t in tests if not t.passed]
    assert failed, f"{bug.misconception}: the bug fails no test"
    entry = CATALOGUE.entry(bug.misconception)
    named = {t.name: t.misconception for t in failed if t.misconception and t.function == entry.function}
    others = {name: found for name, found in named.items() if found != bug.misconception}
    assert not others, f"{bug.misconception}: other names given: {others}"
    assert named, f"{bug.misconception}: not recognised; failures:\n" + "\n\n".join(
        f"{t.name}:\n{t.message}" for t in failed[:3])
    for test in tests:  # the message names the mistake the id names, with its lesson
        if test.misconception:
            named_entry = CATALOGUE.entry(test.misconception)
            assert named_entry.explanation in test.message and named_entry.lesson_link in test.message
