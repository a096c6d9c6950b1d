"""The rule behind the exercise boxes: lessons and manifest must agree.

find_problems is what the mkdocs hook runs on every build (each problem is
a warning, so `mkdocs build --strict` fails); here it runs on the real
course and on broken copies of it.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import shutil
import sys

import pytest

from grader import course

from .conftest import DOCS, ROOT, copy_docs


def _load_hook():
    spec = importlib.util.spec_from_file_location("exercises_hook", DOCS / "hooks" / "exercises.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


hook = _load_hook()
DAY = course.load_day("day13")


def test_the_real_course_has_no_problem():
    assert hook.find_problems([DAY], DOCS, ROOT) == []


@pytest.fixture
def docs(tmp_path):
    return copy_docs(tmp_path / "docs")


def test_a_lesson_naming_a_missing_exercise_is_refused(docs):
    page = docs / "day13" / "03-rules.md"
    page.write_text(page.read_text() + "\nNow run `grader check day13 rules chain_rules`.\n")
    problems = hook.find_problems([DAY], docs, ROOT)
    assert problems == [
        "docs/day13/03-rules.md names exercise day13/chain_rules, which the manifest does not have"
    ]


def test_a_stub_path_of_a_missing_exercise_is_refused(docs):
    page = docs / "index.md"
    page.write_text(page.read_text() + "\nOpen `exercises/day13/integrals.py`.\n")
    assert any("day13/integrals" in problem for problem in hook.find_problems([DAY], docs, ROOT))


def test_an_exercise_without_its_lesson_page_is_refused(docs):
    (docs / "day13" / "05-losses.md").unlink()
    problems = hook.find_problems([DAY], docs, ROOT)
    assert "exercise day13/losses: its lesson docs/day13/05-losses.md does not exist" in problems


def test_an_exercise_whose_lesson_field_is_empty_is_refused():
    first = dataclasses.replace(DAY.exercises[0], lesson="")
    day = dataclasses.replace(DAY, exercises=(first, *DAY.exercises[1:]))
    problems = hook.find_problems([day], DOCS, ROOT)
    assert f"exercise day13/{first.id} has no lesson in the manifest" in problems


def test_a_lesson_page_that_no_exercise_claims_is_refused(docs):
    (docs / "day13" / "10-integrals.md").write_text("# Integrals\n")
    problems = hook.find_problems([DAY], docs, ROOT)
    assert problems == ["lesson docs/day13/10-integrals.md belongs to no exercise of the day13 manifest"]


def test_an_exercise_whose_stub_is_missing_is_refused(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "exercises", repo / "exercises")
    (repo / "exercises" / "day13" / "autodiff.py").unlink()
    problems = hook.find_problems([DAY], DOCS, repo)
    assert problems == ["exercise day13/autodiff: its stub exercises/day13/autodiff.py does not exist"]


def test_two_exercises_cannot_share_a_lesson():
    second = dataclasses.replace(DAY.exercises[1], lesson=DAY.exercises[0].lesson)
    day = dataclasses.replace(DAY, exercises=(DAY.exercises[0], second, *DAY.exercises[2:]))
    problems = hook.find_problems([day], DOCS, ROOT)
    assert any("is the lesson of both slopes and activations" in p for p in problems)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("grader check day13 slopes rules --json", {("day13", "slopes"), ("day13", "rules")}),
        ("grader check day13 [EXERCISE ...] --path DIR", set()),
        ("grader check day13", set()),
        ("see exercises/day13/losses.py and exercises/day13/", {("day13", "losses")}),
    ],
)
def test_references_read_commands_and_stub_paths(text, expected):
    assert hook.references(text) == expected


def test_hints_are_shown_as_typed():
    assert hook._markdown_text("2*lam*W, x_i and (f(x+h) - f(x)) / h") == r"2\*lam\*W, x\_i and (f(x\+h) - f(x)) / h"
