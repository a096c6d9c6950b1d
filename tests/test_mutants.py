"""Every test in the day-13 suites can fail: each mutant (one realistic bug) is caught.

A mutant is graded on its own exercise with a fixed seed; the tests it names
must fail. The last test proves the union of the failures covers every test.
"""

import shutil

import pytest

from grader.course import load_day
from grader.runner import run_day
from tests.conftest import SOLUTIONS
from tests.mutants import Mutant, all_mutants

MUTANTS = all_mutants()
SEED = 20261123
DAY = load_day("day13")
_failed_by_mutants: dict[str, set[str]] = {}


def _apply(mutant: Mutant, folder):
    path = folder / f"{mutant.module}.py"
    source = path.read_text()
    assert source.count(mutant.old) == 1, f"{mutant.id}: the text to replace must occur once in {path.name}"
    path.write_text(source.replace(mutant.old, mutant.new))
    for name, text in mutant.extra_files.items():
        (folder / name).write_text(text)


@pytest.mark.parametrize("mutant", MUTANTS, ids=[m.id for m in MUTANTS])
def test_mutant_is_caught(mutant, tmp_path):
    folder = tmp_path / "sub"
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    _apply(mutant, folder)
    result = run_day(DAY, folder, [mutant.module], seed=SEED, timeout=20)
    tests = result.exercises[0].tests
    failed = {t.name for t in tests if not t.passed}
    _failed_by_mutants.setdefault(mutant.module, set()).update(failed)
    for prefix in mutant.kills:
        matching = [t for t in tests if t.name.startswith(prefix)]
        assert matching, f"{mutant.id}: no test is named {prefix}*"
        survivors = [t.name for t in matching if t.passed]
        assert not survivors, f"{mutant.id} ({mutant.why}) survived {survivors}"


def test_every_suite_test_is_killed_by_some_mutant():
    if len(_failed_by_mutants) < len(DAY.exercises):
        pytest.fail("run the whole file: this check needs every mutant's result")
    reference = run_day(DAY, SOLUTIONS, seed=SEED)
    for exercise in reference.exercises:
        names = {t.name for t in exercise.tests}
        unkilled = sorted(names - _failed_by_mutants.get(exercise.id, set()))
        assert not unkilled, f"{exercise.id}: no mutant makes these fail: {unkilled}"
