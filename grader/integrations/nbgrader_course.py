"""Build an nbgrader course source folder from a day's manifest and solutions.

One notebook per exercise, numbered in lesson order (``01-slopes.ipynb``):

* a read-only introduction (title, lesson, points per function);
* one solution cell holding the whole module, first line ``# module: <id>``,
  with the reference's ``### BEGIN SOLUTION`` regions, which nbgrader's
  ``generate_assignment`` turns into ``raise NotImplementedError()``;
* one locked autograder test cell per function, worth the manifest's points.
  Students run it for the public tests; nbgrader restores its hidden region
  when autograding, and then it runs the public and hidden suites through our
  runner in another process and returns the points earned (nbgrader's
  partial credit).

Numbering matters: nbgrader autogrades a submission's notebooks in name order
and a module may import an earlier one (house_prices imports backprop), so
lesson order keeps every import satisfied. `build_course` refuses a manifest
whose exercise imports a later one.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

from grader.course import Day, Exercise

SCHEMA_VERSION = 3
CONFIG_TEMPLATE = '''\
# nbgrader configuration written by `grader nbgrader {day}`; edit freely,
# `grader nbgrader` never overwrites an existing one.
c = get_config()  # noqa: F821 (nbgrader provides it)

c.CourseDirectory.course_id = {course_id!r}

# The first test cell of a notebook runs all of that exercise's suites in a
# separate process; house_prices trains a small network. Give it time.
c.Execute.timeout = 300
'''


class CourseError(ValueError):
    """The course cannot be built (a missing solution, an import of a later exercise)."""


def notebook_name(day: Day, exercise: Exercise) -> str:
    """The notebook (and nbgrader notebook id) of an exercise: 01-slopes."""
    return f"{day.exercises.index(exercise) + 1:02d}-{exercise.id}"


def test_cell_id(function: str) -> str:
    return f"check_{function}"


def build_course(
    day: Day,
    course: Path,
    solutions: Path,
    *,
    course_id: str = "calc4ml",
    exercises: list[str] | None = None,
) -> list[Path]:
    """Write nbgrader_config.py (if absent) and source/<day>/NN-<id>.ipynb; return the files written."""
    course, solutions = Path(course), Path(solutions)
    chosen = [day.exercise(e) for e in exercises] if exercises else list(day.exercises)
    sources = {}
    for ex in chosen:
        path = solutions / ex.filename
        if not path.is_file():
            raise CourseError(f"no reference solution {path} (pass --solutions DIR)")
        sources[ex.id] = path.read_text(encoding="utf-8")
        _check_imports(day, ex, sources[ex.id])
    written = []
    config = course / "nbgrader_config.py"
    if not config.exists():
        course.mkdir(parents=True, exist_ok=True)
        config.write_text(CONFIG_TEMPLATE.format(day=day.id, course_id=course_id), encoding="utf-8")
        written.append(config)
    folder = course / "source" / day.id
    folder.mkdir(parents=True, exist_ok=True)
    for ex in chosen:
        target = folder / f"{notebook_name(day, ex)}.ipynb"
        notebook = exercise_notebook(day, ex, sources[ex.id])
        target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(target)
    return written


def _check_imports(day: Day, exercise: Exercise, source: str) -> None:
    ids = [e.id for e in day.exercises]
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise CourseError(f"{exercise.filename}: not valid Python (line {exc.lineno})") from None
    for name in _imported_modules(tree):
        if name in ids and ids.index(name) > ids.index(exercise.id):
            raise CourseError(
                f"{exercise.id} imports {name}, which comes later in the manifest: nbgrader autogrades "
                "notebooks in name order, so an exercise may only import earlier ones"
            )


def _imported_modules(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


# --- one notebook ------------------------------------------------------------


def exercise_notebook(day: Day, exercise: Exercise, solution_source: str) -> dict:
    ids = {e.id for e in day.exercises}
    needs_siblings = sorted(_imported_modules(ast.parse(solution_source)) & ids - {exercise.id})
    cells = [_markdown(f"{exercise.id}-intro", _intro(day, exercise, needs_siblings))]
    if needs_siblings:
        cells.append(_code(
            f"{exercise.id}-siblings",
            "# Lets this notebook import the modules of your other notebooks in this folder\n"
            f"# ({', '.join(needs_siblings)}). Run it first; it is not graded.\n"
            "from grader.integrations.nbgrader_cell import import_sibling_notebooks\n"
            "import_sibling_notebooks()",
            {"grade": False, "solution": False, "locked": True},
        ))
    cells.append(_code(
        f"{exercise.id}_code",
        f"# module: {exercise.id}\n" + solution_source.rstrip("\n"),
        {"grade": False, "solution": True, "locked": False},
    ))
    cells.append(_markdown(f"{exercise.id}-checks", _checks_intro(day)))
    for fn in exercise.functions:
        cells.append(_code(
            test_cell_id(fn.name),
            _test_source(day.id, exercise.id, fn.name, fn.points),
            {"grade": True, "solution": False, "locked": True, "points": fn.points},
        ))
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _points(x: float) -> str:
    return f"{x:g}"


def _intro(day: Day, exercise: Exercise, needs_siblings: list[str]) -> str:
    rows = "\n".join(f"| `{fn.name}` | {_points(fn.points)} |" for fn in exercise.functions)
    lines = [
        f"# {day.title} · {exercise.title}",
        "",
        f"Lesson: `docs/{exercise.lesson}`. Replace every `raise NotImplementedError()` in the code",
        f"cell below with your answer. Keep its first line, `# module: {exercise.id}`: it tells the",
        f"grader that this cell is the module `{exercise.id}.py`.",
        "",
        "| function | points |",
        "| --- | --- |",
        rows,
        f"| **total** | **{_points(exercise.max_score)}** |",
    ]
    if needs_siblings:
        lines += ["", f"This module imports {', '.join(needs_siblings)} from your other notebooks of {day.id}."]
    return "\n".join(lines)


def _checks_intro(day: Day) -> str:
    return (
        "## Checks\n\n"
        "Each cell below checks one function with the course's public tests: run it after the cell with\n"
        "your code. Your code runs in a separate process, with a time limit per call. When your work is\n"
        f"graded, the same cells also run the hidden tests of {day.id}, and each earns its points\n"
        "in proportion to the tests passed."
    )


def _test_source(day: str, exercise: str, function: str, points: float) -> str:
    return "\n".join([
        f"# {function}: {_points(points)} point{'s' if points != 1 else ''}. Run this cell to check it.",
        "from grader.integrations.nbgrader_cell import check",
        'tests = "public"',
        "### BEGIN HIDDEN TESTS",
        'tests = "all"  # when graded: public and hidden tests; the value shown is the points earned',
        "### END HIDDEN TESTS",
        f"check({day!r}, {exercise!r}, {function!r}, tests)",
    ])


def _markdown(cell_id: str, text: str) -> dict:
    return {
        "cell_type": "markdown",
        "id": cell_id,
        "metadata": {"nbgrader": _nbgrader(cell_id, grade=False, solution=False, locked=True)},
        "source": text,
    }


def _code(cell_id: str, text: str, flags: dict) -> dict:
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": cell_id,
        "metadata": {"nbgrader": _nbgrader(cell_id, **flags)},
        "outputs": [],
        "source": text,
    }


def _nbgrader(grade_id: str, *, grade: bool, solution: bool, locked: bool, points: float | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": SCHEMA_VERSION,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return meta
