"""Shared fixtures for the project's own tests."""

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions" / "day13"
EXERCISES = ROOT / "exercises" / "day13"


@pytest.fixture
def submission(tmp_path):
    """A fresh copy of the reference solutions to break or replace."""
    target = tmp_path / "submission"
    shutil.copytree(SOLUTIONS, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target
