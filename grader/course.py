"""The day manifest: loading, validation and the paths that follow from it.

Everything that needs to know which exercises, functions, points, hints or
lessons a day has reads them from here; nothing else repeats them.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

SUITES_ROOT = Path(__file__).parent / "suites"
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class ManifestError(Exception):
    """A day is unknown or its manifest is malformed."""


@dataclass(frozen=True)
class Function:
    name: str
    points: float

    def share(self, tests: int) -> float:
        """The points of each of the `tests` tests that cover this function."""
        return self.points / tests


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    lesson: str
    visibility: str
    functions: tuple[Function, ...]
    hints: tuple[str, ...] = field(default=())

    @property
    def filename(self) -> str:
        return f"{self.id}.py"

    @property
    def max_score(self) -> float:
        return float(sum(f.points for f in self.functions))

    def function(self, name: str) -> Function | None:
        return next((f for f in self.functions if f.name == name), None)


@dataclass(frozen=True)
class Day:
    id: str
    title: str
    exercises: tuple[Exercise, ...]
    suite_dir: Path

    @property
    def max_score(self) -> float:
        return float(sum(e.max_score for e in self.exercises))

    def exercise(self, exercise_id: str) -> Exercise:
        for ex in self.exercises:
            if ex.id == exercise_id:
                return ex
        known = ", ".join(e.id for e in self.exercises)
        raise ManifestError(f"{self.id} has no exercise {exercise_id!r} (it has: {known})")

    def suite_files(self, exercise_id: str, *, include_hidden: bool = True) -> list[Path]:
        files = [self.suite_dir / f"test_{exercise_id}.py"]
        if include_hidden:
            files.append(self.suite_dir / "hidden" / f"test_{exercise_id}.py")
        return [f for f in files if f.exists()]


def available_days() -> list[str]:
    return sorted(p.parent.name for p in SUITES_ROOT.glob("*/manifest.toml"))


@cache
def load_day(day_id: str) -> Day:
    """Load and validate one day's manifest; ManifestError says what is wrong."""
    if not _ID.match(day_id or ""):
        raise ManifestError(f"unknown day {day_id!r}; available: {', '.join(available_days()) or 'none'}")
    path = SUITES_ROOT / day_id / "manifest.toml"
    if not path.exists():
        raise ManifestError(f"unknown day {day_id!r}; available: {', '.join(available_days()) or 'none'}")
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{path}: {exc}") from None
    return _parse_day(data, path)


def _parse_day(data: dict, path: Path) -> Day:
    def need(mapping: dict, key: str, kind: type, where: str):
        value = mapping.get(key)
        if not isinstance(value, kind):
            raise ManifestError(f"{path}: {where} needs {key!r} ({kind.__name__})")
        return value

    exercises = []
    seen: set[str] = set()
    for i, raw in enumerate(need(data, "exercises", list, "the day")):
        where = f"exercise #{i + 1}"
        ex_id = need(raw, "id", str, where)
        if not _ID.match(ex_id) or ex_id in seen:
            raise ManifestError(f"{path}: {where} has a bad or repeated id {ex_id!r}")
        seen.add(ex_id)
        visibility = raw.get("visibility", "public")
        if visibility not in ("public", "hidden"):
            raise ManifestError(f"{path}: {ex_id}: visibility must be 'public' or 'hidden'")
        functions = []
        for fn in need(raw, "functions", list, ex_id):
            points = fn.get("points")
            if not isinstance(points, (int, float)) or points <= 0:
                raise ManifestError(f"{path}: {ex_id}: every function needs positive points")
            functions.append(Function(need(fn, "name", str, ex_id), float(points)))
        if not functions:
            raise ManifestError(f"{path}: {ex_id} lists no functions")
        exercises.append(
            Exercise(
                id=ex_id,
                title=need(raw, "title", str, ex_id),
                lesson=need(raw, "lesson", str, ex_id),
                visibility=visibility,
                functions=tuple(functions),
                hints=tuple(raw.get("hints", ())),
            )
        )
    return Day(
        id=need(data, "day", str, "the day"),
        title=need(data, "title", str, "the day"),
        exercises=tuple(exercises),
        suite_dir=path.parent,
    )
