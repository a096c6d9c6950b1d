"""Hints in steps, and which ones a student has already seen.

The hints of an exercise live in the day's manifest, vaguest first, the
last one closest to the answer. What a student has seen is remembered in a
small JSON file in their own exercise folder, `.grader-hints.json`:

    {"format": 1, "days": {"day13": {"losses": 2}}}

(the number is how many hints of that exercise were shown). Deleting the
file, or `grader hint DAY --reset`, starts over. A damaged file is never
trusted: it is replaced, and kept as `.grader-hints.json.damaged`. A file
that cannot be read (permissions), or that a newer grader wrote (a higher
"format"), is left alone: HintStoreError, and nothing is overwritten.
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
MOST_HINTS = 1000  # no exercise has more: a larger count is damage, not progress


class HintStoreError(Exception):
    """The progress file cannot be read or written (permissions, a newer grader's format)."""


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
        self.backup = self.path.with_name(FILENAME + ".damaged")
        self.damaged = ""  # why the file was not trusted; save() then keeps it as self.backup
        self._days: dict[str, dict[str, int]] = self._load()

    def _load(self) -> dict:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except UnicodeDecodeError:
            return self._damage("not UTF-8 text")
        except IsADirectoryError:
            raise HintStoreError(f"cannot remember hints in {self.path.parent}: {self.path} is a folder") from None
        except OSError as exc:  # EACCES, say: the progress is there, only not readable by us
            raise HintStoreError(f"cannot read {self.path}: {exc.strerror or exc}; "
                                 "it was left as it is") from None
        try:
            data = json.loads(text)
        except ValueError:  # bad JSON, or a 5000-digit number (int's digit limit)
            return self._damage("not valid JSON")
        except RecursionError:  # 100k nested [
            return self._damage("nested too deep")
        if not isinstance(data, dict):
            return self._damage("not a JSON object")
        version = data.get("format")
        if type(version) is int and version > FORMAT:
            raise HintStoreError(f"{self.path} was written by a newer grader (format {version}, this one "
                                 f"reads {FORMAT}); update the grader to see your hints; the file was left "
                                 "as it is")
        if version != FORMAT or not isinstance(data.get("days"), dict):
            return self._damage("not format 1 with its days")
        days = {}
        for day, seen in data["days"].items():
            if not isinstance(seen, dict):
                return self._damage(f"{day!r} holds no counts")
            for ex, n in seen.items():
                if type(n) is not int or not 0 <= n <= MOST_HINTS:
                    return self._damage(f"{day}/{ex} has {str(n)[:20]} hints shown")
            days[day] = dict(seen)
        return days

    def _damage(self, why: str) -> dict:
        self.damaged = why
        return {}

    def shown(self, day: Day, exercise_id: str) -> int:
        return self._days.get(day.id, {}).get(exercise_id, 0)

    def next_hint(self, day: Day, exercise_id: str) -> HintStep | None:
        """The next unseen hint, or None when every hint was shown already. It is counted as
        shown here and remembered by save(): call that once the hint was really shown."""
        exercise = day.exercise(exercise_id)
        total = len(exercise.hints)
        seen = min(self.shown(day, exercise_id), total)
        if seen == total:
            return None if total else HintStep(exercise, 0, 0)
        self._days.setdefault(day.id, {})[exercise_id] = seen + 1
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
            if self.damaged and self.path.exists():  # kept, not lost: it may still be mended by hand
                os.replace(self.path, self.backup)
            fd, tmp = tempfile.mkstemp(prefix=".grader-hints.", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(tmp, self.path)
        except OSError as exc:
            if tmp is not None and os.path.exists(tmp):
                os.unlink(tmp)
            raise HintStoreError(f"cannot remember hints in {self.path.parent}: {exc.strerror or exc}") from None
