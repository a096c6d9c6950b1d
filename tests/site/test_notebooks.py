"""Lesson sources teach the ideas without handing out the exercise answers."""

from __future__ import annotations

import json
import re

from .conftest import DOCS, ROOT

SOLUTIONS = ROOT / "solutions" / "day13"
REGION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)


def solution_lines() -> set[str]:
    """Every substantial line of every answer region of the reference solutions."""
    lines = set()
    for path in SOLUTIONS.glob("*.py"):
        for region in REGION.findall(path.read_text()):
            for line in region.splitlines():
                code = line.split("#")[0].strip()
                if len(code) >= 20:
                    lines.add(code)
    return lines


def lesson_code() -> dict[str, str]:
    """The code in every lesson: notebook code cells and Markdown code blocks."""
    code = {}
    for path in sorted((DOCS / "day13").glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        code[path.name] = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    for path in sorted((DOCS / "day13").glob("*.md")):
        code[path.name] = "\n".join(re.findall(r"```.*?\n(.*?)```", path.read_text(), re.S))
    return code


def test_there_are_answers_to_protect():
    assert len(solution_lines()) >= 40


def test_no_lesson_contains_a_line_of_an_answer():
    answers = solution_lines()
    leaks = {
        name: sorted(line for line in answers if line in code)
        for name, code in lesson_code().items()
    }
    assert {name: found for name, found in leaks.items() if found} == {}


def test_notebooks_use_the_offline_figure_renderer():
    for path in sorted((DOCS / "day13").glob("*.ipynb")):
        code = "\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code")
        if "plotly" in code:
            assert "import lesson_plots" in code, f"{path.name} would draw nothing on the static site"
