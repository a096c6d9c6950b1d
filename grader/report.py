"""Terminal rendering of a DayResult: short, specific, colour only on a TTY."""

from __future__ import annotations

import sys
from pathlib import Path

from grader.results import HIDDEN_MESSAGE, DayResult, ExerciseResult

MAX_FAILURES_SHOWN = 3


def _points(x: float) -> str:
    return f"{x:g}" if x == int(x) else f"{x:.2f}"


def render(result: DayResult, folder: Path | None = None) -> list[tuple[str, str]]:
    """Lines as (style, text) pairs; styles are rich style names or ''."""
    lines: list[tuple[str, str]] = []
    where = f" in {folder}" if folder else ""
    lines.append(("bold", f"{result.day}{where}: {_points(result.score)} / {_points(result.max_score)} points"))
    for ex in result.exercises:
        lines.extend(_exercise_lines(ex, result.day))
    if not result.all_passed:
        lines.append(("dim", f"random inputs of this run: --seed {result.seed} repeats them"))
    for note in result.notes:
        lines.append(("yellow", note))
    return lines


def _exercise_lines(ex: ExerciseResult, day: str) -> list[tuple[str, str]]:
    mark, style = ("✓", "green") if ex.passed else ("✗", "red")
    head = f"{mark} {ex.id:<14} {_points(ex.score):>5} / {_points(ex.max_score)}"
    failures = [t for t in ex.tests if not t.passed]
    if not failures:
        return [(style, head)]
    if all(t.not_implemented for t in ex.tests):  # an untouched stub: say where to start, in one line
        return [(style, f"{head}  {failures[0].message}")]
    if all(t.message == failures[0].message for t in failures) and "\n" not in failures[0].message:
        return [(style, f"{head}  {failures[0].message}")]  # one cause (a missing file, say): one line
    lines = [(style, head)]
    shown_functions: set[str] = set()
    for test in failures:
        if test.function in shown_functions or len(shown_functions) == MAX_FAILURES_SHOWN:
            continue
        shown_functions.add(test.function)
        message = HIDDEN_MESSAGE if test.hidden else test.message
        lines.append(("", f"    ✗ {test.function} ({test.name})"))
        lines.extend((_style(line), "      " + line) for line in message.splitlines())
    rest = len({t.function for t in failures}) - len(shown_functions)
    if rest > 0:
        lines.append(("dim", f"    … and {rest} more function(s) failing: fix these first, then `grader check {day} {ex.id}` again"))
    return lines


def _style(line: str) -> str:
    """A named misconception stands out (colour only on a TTY; the text is the same everywhere)."""
    return "bold yellow" if line.lstrip().startswith("mistake: ") else ""


def print_report(result: DayResult, folder: Path | None = None, stream=None) -> None:
    stream = stream or sys.stdout
    lines = render(result, folder)
    if stream.isatty():
        from rich.console import Console
        from rich.text import Text

        console = Console(file=stream, highlight=False)
        for style, text in lines:
            console.print(Text(text, style=style or ""))
    else:
        for _, text in lines:
            print(text, file=stream)
