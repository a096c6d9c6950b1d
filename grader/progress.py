"""Where a student stands: one status line per exercise, and the first thing to fix.

Plain functions over result objects, shared by `grader list` and `grader
watch`; the verdicts themselves come from grader.runner.
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.results import HIDDEN_MESSAGE, ExerciseResult, TestResult


@dataclass(frozen=True)
class Status:
    exercise: str
    score: float
    max_score: float
    passed: bool
    summary: str  # "passes", "not started", "3 of 14 tests fail (first: mse_grad)", or the one cause

    def to_json(self) -> dict:
        return {"id": self.exercise, "score": self.score, "max_score": self.max_score,
                "passed": self.passed, "status": self.summary}


def first_failure(exercise: ExerciseResult) -> TestResult | None:
    """The first failing test, in the suite's order (public tests come before hidden ones)."""
    return next((t for t in exercise.tests if not t.passed), None)


def message_for_student(test: TestResult) -> str:
    return HIDDEN_MESSAGE if test.hidden else test.message


def status(exercise: ExerciseResult) -> Status:
    failures = [t for t in exercise.tests if not t.passed]
    if not failures:
        summary = "passes"
    elif all(t.not_implemented for t in exercise.tests):
        summary = "not started"
    elif len(failures) == len(exercise.tests) and len({t.message for t in failures}) == 1 \
            and "\n" not in failures[0].message:
        summary = failures[0].message  # one cause for everything: a missing file, a syntax error
    else:
        summary = f"{len(failures)} of {len(exercise.tests)} tests fail (first: {failures[0].function})"
    return Status(exercise.id, exercise.score, exercise.max_score, not failures, summary)


def points(x: float) -> str:
    return f"{x:g}" if x == int(x) else f"{x:.2f}"
