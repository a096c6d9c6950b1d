"""Points per function, the unit nbgrader cells and gradebooks record.

The tests covering a function share its manifest points equally (see
grader.runner). Points earned are computed from the counts rather than by
adding the rounded shares of the JSON, so three passed thirds are exactly one
point and never 0.999999 (nor a hair above the maximum, which nbgrader refuses).
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.course import Day


@dataclass(frozen=True)
class FunctionScore:
    exercise: str
    function: str
    passed: int
    total: int
    possible: float

    @property
    def earned(self) -> float:
        if self.total and self.passed == self.total:
            return self.possible
        return round(self.possible * self.passed / self.total, 6) if self.total else 0.0


def function_scores(day: Day, report: dict) -> dict[tuple[str, str], FunctionScore]:
    """{(exercise, function): FunctionScore} for every function of the exercises in a `check --json` report."""
    scores = {}
    for exercise in report["exercises"]:
        manifest = day.exercise(exercise["id"])
        for fn in manifest.functions:
            verdicts = [t for t in exercise["tests"] if t["function"] == fn.name]
            scores[(manifest.id, fn.name)] = FunctionScore(
                manifest.id, fn.name, sum(bool(t["passed"]) for t in verdicts), len(verdicts), fn.points
            )
    return scores
