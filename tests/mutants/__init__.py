"""Broken variants of the reference solutions, each a realistic single mistake.

A mutant replaces one exact piece of text in solutions/day13/<module>.py and
names the tests that must fail on it. tests/test_mutants.py applies each one,
grades it, and proves that every test in the suites fails on some mutant.
Keep them as varied as real students' mistakes.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mutant:
    id: str
    module: str
    old: str  # must occur exactly once in the solution
    new: str
    kills: tuple[str, ...]  # test-name prefixes: every matching test must fail
    why: str = ""
    extra_files: dict = field(default_factory=dict)  # whole-file replacements, if a text edit cannot say it


def all_mutants() -> list[Mutant]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.extend(getattr(module, "MUTANTS", []))
    ids = [m.id for m in found]
    assert len(ids) == len(set(ids)), "mutant ids must be unique"
    return found
