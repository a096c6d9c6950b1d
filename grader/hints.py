"""Hints in steps, and which ones a student has already seen.

The hints of an exercise live in the day's manifest, vaguest first, the
last one closest to the answer. What a student has seen is remembered in a
small JSON file in their own exercise folder, `.grader-hints.json`:

    {"format": 1, "days": {"day13": {"losses": 2}}}

(the number is how many hints of that exercise were shown). Deleting the
file, or `grader hint DAY --reset`, starts over. A damaged file is replaced,
never trusted: the worst it can cost is seeing a hint again.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from grader.course import Day, Exercise

FILENAME = ".grader-hints.json"
FORMAT = 1


class HintStoreError(Exception):
    """The progress file cannot be written (a read-only folder, say)."""


@dataclass(frozen=True)
class HintStep:
    exercise: Exercise
    number: int  # 1-based; 0 when the exercise has no hints
    total: int

    @property
    def text(self) -> str:
        return self.exercise.hints[self.number - 1] if self.number else ""

    @property
    def is_last(self) -> bool:
        return self.number == self.total


class HintLog:
    """How many hints of each exercise were shown, for one student folder."""

    def __init__(self, folder: Path):
        self.path = Path(folder) / FILENAME
        self.damaged = False  # the file existed but could not be read; it will be rewritten
        self._days: dict[str, dict[str, int]] = self._load()

    def _load(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            self.damaged = True
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("days"), dict):
            self.damaged = True
            return {}
        days = data["days"]
        return {day: {ex: n for ex, n in seen.items() if isinstance(n, int) and n >= 0}
                for day, seen in days.items() if isinstance(seen, dict)}

    def shown(self, day: Day, exercise_id: str) -> int:
        return self._days.get(day.id, {}).get(exercise_id, 0)

    def next_hint(self, day: Day, exercise_id: str) -> HintStep | None:
        """The next unseen hint (and remember it), or None when every hint was shown already."""
        exercise = day.exercise(exercise_id)
        total = len(exercise.hints)
        seen = min(self.shown(day, exercise_id), total)
        if seen == total:
            return None if total else HintStep(exercise, 0, 0)
        self._days.setdefault(day.id, {})[exercise_id] = seen + 1
        self.save()
        return HintStep(exercise, seen + 1, total)

    def reset(self, day: Day, exercise_id: str | None = None) -> None:
        if exercise_id is None:
            self._days.pop(day.id, None)
        else:
            day.exercise(exercise_id)  # an unknown id is a usage error (ManifestError)
            self._days.get(day.id, {}).pop(exercise_id, None)
        self.save()

    def save(self) -> None:
        """Write atomically: a crash mid-write leaves the old file, never half a file."""
        text = json.dumps({"format": FORMAT, "days": self._days}, indent=2, sort_keys=True) + "\n"
        tmp = None
        try:
            fd, tmp = tempfile.mkstemp(prefix=".grader-hints.", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(tmp, self.path)
        except OSError as exc:
            if tmp is not None and os.path.exists(tmp):
                os.unlink(tmp)
            raise HintStoreError(f"cannot remember hints in {self.path.parent}: {exc.strerror or exc}") from None
