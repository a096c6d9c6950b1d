"""Correct code never gets a mistake's name, even when the matcher is made to look at it.

run_day(audit=True) runs the matcher on every test, passing ones included,
so a catalogue entry whose wrong variant coincides with the right answer on
the suites' inputs would show up here as a misconception on a passed test.
The reference solutions and every alternative correct implementation in
tests/alternatives/day13/ are audited on several seeds.
"""

import shutil
from pathlib import Path

import pytest

from grader.course import load_day
from grader.runner import run_day
from tests.conftest import SOLUTIONS

ALTERNATIVES = Path(__file__).resolve().parents[1] / "alternatives" / "day13"
VARIANTS = sorted(p for p in ALTERNATIVES.iterdir() if p.is_dir() and any(p.glob("*.py"))) if ALTERNATIVES.exists() else []
DAY = load_day("day13")


def _named(result) -> list[str]:
    return [f"{e.id}/{t.name}: {t.misconception}" for e in result.exercises for t in e.tests if t.misconception]


@pytest.mark.parametrize("seed", [3, 20261123])
def test_reference_solutions_are_never_named(seed):
    result = run_day(DAY, SOLUTIONS, seed=seed, timeout=60, audit=True)
    assert result.score == result.max_score, "the reference solutions must pass to be audited"
    assert not result.notes, result.notes
    assert not _named(result), "\n".join(_named(result))


@pytest.mark.parametrize("variant", VARIANTS, ids=[p.name for p in VARIANTS])
def test_alternative_correct_code_is_never_named(variant, tmp_path):
    folder = tmp_path / "sub"
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    modules = sorted(p.stem for p in variant.glob("*.py"))
    for name in modules:
        shutil.copy(variant / f"{name}.py", folder / f"{name}.py")
    result = run_day(DAY, folder, modules, seed=5, timeout=60, audit=True)
    assert not result.notes, result.notes
    assert not _named(result), "\n".join(_named(result))


def _rigged(monkeypatch, mode: str, source: str):
    """The real catalogue with mse_grad.missing_factor_2 replaced by a variant that is in fact right."""
    from dataclasses import replace

    from grader.misconceptions import catalogue as catalogue_module

    real = catalogue_module.load_catalogue("day13")
    entry = real.entry("mse_grad.missing_factor_2")
    rigged = replace(entry, mode=mode, expression=catalogue_module.Expression.parse(source, "rigged"))
    fake = catalogue_module.Catalogue(real.day, real.functions,
                                      tuple(rigged if e is entry else e for e in real.entries), real.helpers)
    monkeypatch.setattr("grader.misconceptions.load_catalogue", lambda day_id: fake)


def test_the_audit_reports_a_call_variant_that_equals_correct_code(submission, monkeypatch):
    """The audit is not vacuous: a `call` entry computing the right result is caught on passing tests."""
    _rigged(monkeypatch, "call", "2 * (y_pred - y) / np.size(y)")
    result = run_day(DAY, submission, ["losses"], seed=1, audit=True)
    named = {t.name for e in result.exercises for t in e.tests if t.passed and t.misconception}
    assert "test_mse_grad_matches_finite_differences[1d-float64]" in named


def test_an_answer_variant_equal_to_the_expected_answer_is_never_a_match(submission, monkeypatch):
    """The guard: an entry whose wrong answer is the right one cannot name anything, pass or fail."""
    _rigged(monkeypatch, "answer", "expected")
    result = run_day(DAY, submission, ["losses"], seed=1, audit=True)
    assert not _named(result)
