"""Result objects: one source for every rendering (terminal, JSON, CSV, exports)."""

from __future__ import annotations

from dataclasses import dataclass, field

HIDDEN_MESSAGE = "hidden test: its details are not shown to students"


@dataclass
class TestResult:
    name: str
    function: str
    passed: bool
    message: str = ""
    hidden: bool = False
    points: float = 0.0
    max_points: float = 0.0
    misconception: str | None = None  # catalogue id of the mistake the answer matched (grader.misconceptions)
    not_implemented: bool = False  # the student has not started this function yet

    def to_json(self, *, reveal_hidden: bool = False) -> dict:
        message, misconception = self.message, self.misconception
        if self.hidden and not reveal_hidden and not self.passed:
            message, misconception = HIDDEN_MESSAGE, None  # the mistake's name is a detail too
        return {
            "name": self.name,
            "function": self.function,
            "passed": self.passed,
            "message": message,
            "hidden": self.hidden,
            "score": round(self.points, 6),
            "max_score": round(self.max_points, 6),
            "misconception": misconception,
            "not_implemented": self.not_implemented,
        }


@dataclass
class ExerciseResult:
    id: str
    max_score: float
    tests: list[TestResult] = field(default_factory=list)

    @property
    def score(self) -> float:
        return round(sum(t.points for t in self.tests), 6)

    @property
    def passed(self) -> bool:
        return bool(self.tests) and all(t.passed for t in self.tests)

    def to_json(self, *, reveal_hidden: bool = False) -> dict:
        return {
            "id": self.id,
            "score": self.score,
            "max_score": self.max_score,
            "tests": [t.to_json(reveal_hidden=reveal_hidden) for t in self.tests],
        }


@dataclass
class DayResult:
    day: str
    seed: int
    exercises: list[ExerciseResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        return round(sum(e.score for e in self.exercises), 6)

    @property
    def max_score(self) -> float:
        return round(sum(e.max_score for e in self.exercises), 6)

    @property
    def all_passed(self) -> bool:
        return all(e.passed for e in self.exercises)

    def to_json(self, *, reveal_hidden: bool = False) -> dict:
        return {
            "day": self.day,
            "score": self.score,
            "max_score": self.max_score,
            "seed": self.seed,
            "exercises": [e.to_json(reveal_hidden=reveal_hidden) for e in self.exercises],
            "notes": list(self.notes),
        }
