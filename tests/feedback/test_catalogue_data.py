"""The catalogue as data: complete, consistent with the contract and the lessons, and written to teach."""

import importlib.util
import inspect
import re

import pytest

from grader.course import load_day
from grader.misconceptions import load_catalogue
from tests.conftest import ROOT, SOLUTIONS
from tests.feedback.lesson_anchors import anchors

DAY = load_day("day13")
CATALOGUE = load_catalogue("day13")
DOCS = ROOT / "docs"

# Mistakes the issue, DESIGN.md and the brief name: each must have its own entry.
REQUIRED = {
    "mse_grad.missing_factor_2": "the issue's example: half the expected gradient",
    "tanh_backward.missing_upstream": "the issue's example: 1 - a**2 without the upstream gradient",
    "mse_grad.missing_1_over_n": "missing 1/N (expected * N)",
    "mse_grad.sign_flipped": "sign flip (-expected)",
    "tanh_grad.one_minus_x_squared": "1 - x**2 instead of 1 - tanh(x)**2",
    "Value.assign_not_accumulate": "= instead of +=",
    "Value.forgot_upstream_tanh": "a local derivative without the upstream gradient, in autodiff",
    "adam_step.no_bias_correction": "Adam without bias correction",
    "adam_step.eps_inside_sqrt": "eps inside the square root",
    "dense_backward.dw_transposed": "a transposed gradient",
    "dense_backward.db_mean": "mean instead of sum for db",
    "standardize.sample_std": "ddof=1 in standardize",
    "relu_grad.one_at_zero": "relu'(0) = 1",
    "central_difference.divided_by_h": "a central difference divided by h",
}


def test_at_least_forty_entries_covering_every_exercise():
    assert len(CATALOGUE.entries) >= 40
    covered = {m.exercise for m in CATALOGUE.entries}
    assert covered == {e.id for e in DAY.exercises}


@pytest.mark.parametrize("misconception_id", sorted(REQUIRED))
def test_named_mistakes_are_catalogued(misconception_id):
    assert CATALOGUE.entry(misconception_id), REQUIRED[misconception_id]


def _solution_module(exercise: str):
    spec = importlib.util.spec_from_file_location(f"solution_{exercise}", SOLUTIONS / f"{exercise}.py")
    module = importlib.util.module_from_spec(spec)
    import sys

    sys.path.insert(0, str(SOLUTIONS))  # house_prices imports backprop
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(SOLUTIONS))
    return module


@pytest.mark.parametrize("name", sorted(n for n in CATALOGUE.functions if n != "Value"))
def test_signatures_are_the_contracts(name):
    """Arguments are bound by these names: they must be the reference solution's parameters and defaults."""
    info = CATALOGUE.functions[name]
    real = inspect.signature(getattr(_solution_module(info.exercise), name))
    assert tuple(real.parameters) == info.signature.params
    defaults = {k: p.default for k, p in real.parameters.items() if p.default is not inspect.Parameter.empty}
    assert defaults == info.signature.defaults


def test_value_is_described_by_the_autodiff_driver():
    from grader.drivers import run_program

    assert tuple(inspect.signature(run_program).parameters) == CATALOGUE.functions["Value"].signature.params


@pytest.mark.parametrize("entry", CATALOGUE.entries, ids=[m.id for m in CATALOGUE.entries])
def test_messages_are_short_plain_and_never_the_answer(entry):
    assert 3 <= len(entry.name.split()) or len(entry.name) <= 40
    assert len(entry.name) <= 60, "a name is a few words"
    assert len(entry.explanation) <= 260, "an explanation is two short sentences at most"
    assert entry.explanation[-1] in ".?", "an explanation is a sentence"
    source = (SOLUTIONS / f"{entry.exercise}.py").read_text()
    answer_lines = re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", source, re.S)
    code = {line.strip() for block in answer_lines for line in block.splitlines() if len(line.strip()) > 12}
    assert not [line for line in code if line in entry.explanation], "the explanation quotes the solution's code"


@pytest.mark.parametrize("entry", CATALOGUE.entries, ids=[m.id for m in CATALOGUE.entries])
def test_lesson_anchor_is_a_heading_of_the_lesson(entry):
    page, _, section = entry.lesson.partition("#")
    path = DOCS / page
    assert path.is_file(), f"{entry.id}: no lesson page docs/{page}"
    found = anchors(path)
    assert section in found, f"{entry.id}: docs/{page} has no heading #{section}; its headings: {found}"


def test_lessons_are_the_exercises_own_or_an_earlier_one():
    """A link goes to the lesson that derives the formula: the exercise's lesson or one it builds on."""
    order = [e.lesson for e in DAY.exercises]
    for entry in CATALOGUE.entries:
        page = entry.lesson.partition("#")[0]
        own = DAY.exercise(entry.exercise).lesson
        assert page in order and order.index(page) <= order.index(own), entry.id
