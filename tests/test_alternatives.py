"""Correct code written unlike ours earns full marks.

Each folder in tests/alternatives/day13/ holds some modules written another
way (loops, float32 arithmetic, other formulas, other cache contents); the
rest of the submission is the reference. Graded on several seeds.
"""

import shutil
from pathlib import Path

import pytest

from grader.course import load_day
from grader.runner import run_day
from tests.conftest import SOLUTIONS

ALTERNATIVES = Path(__file__).parent / "alternatives" / "day13"
VARIANTS = sorted(p for p in ALTERNATIVES.iterdir() if p.is_dir()) if ALTERNATIVES.exists() else []
DAY = load_day("day13")


@pytest.mark.parametrize("variant", VARIANTS, ids=[p.name for p in VARIANTS])
@pytest.mark.parametrize("seed", [1, 2])
def test_alternative_correct_code_scores_full_marks(variant, seed, tmp_path):
    folder = tmp_path / "sub"
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    modules = sorted(p.stem for p in variant.glob("*.py"))
    assert modules, f"{variant.name} holds no module"
    for name in modules:
        shutil.copy(variant / f"{name}.py", folder / f"{name}.py")
    result = run_day(DAY, folder, modules, seed=seed, timeout=30)
    lost = [f"{e.id}/{t.name}: {t.message}" for e in result.exercises for t in e.tests if not t.passed]
    assert not lost, "\n".join(lost)
    assert result.score == result.max_score


def test_there_are_alternatives_for_every_exercise():
    covered = {p.stem for v in VARIANTS for p in v.glob("*.py")}
    missing = sorted({e.id for e in DAY.exercises} - covered)
    assert not missing, f"no alternative correct implementation for: {missing}"


def test_a_forward_difference_rounded_another_way_passes_near_a_flat_point(tmp_path):
    """f(x + h) / h - f(x) / h is the same quotient as ours, rounded differently. With seed 5968 the
    cubic is nearly flat at x (slope 2.4e-4), where that rounding is 1.7e-7 of the slope: above a
    plain relative tolerance of 1e-7, below the noise any way of writing it carries."""
    folder = tmp_path / "sub"
    folder.mkdir()
    shutil.copy(ALTERNATIVES / "own_exceptions" / "slopes.py", folder / "slopes.py")
    result = run_day(DAY, folder, ["slopes"], seed=5968, timeout=30)
    lost = [f"{t.name}: {t.message}" for e in result.exercises for t in e.tests if not t.passed]
    assert not lost, "\n".join(lost)
