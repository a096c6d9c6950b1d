"""The strict build of the lessons site and what it must contain."""

from __future__ import annotations

import html
import json
import re

from grader import course

from .conftest import DOCS, ROOT, site_pages

DAY = course.load_day("day13")


def _text(page_html: str) -> str:
    """Visible text of a built page, tags removed (code blocks are split into spans)."""
    return html.unescape(re.sub(r"<[^>]+>", "", page_html))


def test_strict_build_passes_without_warnings(build):
    assert build.returncode == 0, build.output[-4000:]
    warnings = [line for line in build.output.splitlines() if re.match(r"^(WARNING|ERROR)\b", line)]
    assert warnings == []


def test_every_page_is_built(site):
    missing = [page for page in site_pages() if not (site / page).is_file()]
    assert missing == []


def test_notebooks_are_stored_without_outputs_and_executed_by_the_build(site):
    notebooks = sorted((DOCS / "day13").glob("*.ipynb"))
    assert len(notebooks) >= 4
    for notebook in notebooks:
        cells = json.loads(notebook.read_text())["cells"]
        code = [cell for cell in cells if cell["cell_type"] == "code"]
        assert all(cell["outputs"] == [] and cell["execution_count"] is None for cell in code), notebook.name
        built = (site / "day13" / notebook.with_suffix(".html").name).read_text()
        # Outputs exist only if the build ran the cells.
        assert built.count("jp-OutputArea-output") >= 2, notebook.name
        assert not re.search(r'<div[^>]*data-mime-type="application/vnd\.jupyter\.stderr"', built), f"{notebook.name} wrote to stderr"


def test_no_page_loads_anything_from_another_host(site):
    remote = re.compile(
        r"""<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)=["']?(?:https?:)?//"""
        r"""|@import\s+(?:url\()?["']?(?:https?:)?//|fonts\.googleapis|fonts\.gstatic|cdn\.jsdelivr|cdnjs|unpkg""",
        re.I,
    )
    offenders = []
    for path in site.rglob("*"):
        if path.suffix in (".html", ".css"):
            text = path.read_text(encoding="utf-8", errors="replace")
            # rel="canonical" names the page's public address; nothing is loaded from it.
            text = re.sub(r'<link rel="canonical"[^>]*>', "", text)
            found = remote.findall(text)
            if found:
                offenders.append(f"{path.relative_to(site)}: {found[:3]}")
    assert offenders == []
    assert (site / "assets/vendor/plotly.min.js").stat().st_size > 1_000_000
    assert (site / "assets/vendor/mathjax/tex-svg-full.js").stat().st_size > 1_000_000


def test_stubs_are_served_verbatim_with_a_page_each(site):
    for ex in DAY.exercises:
        stub = (ROOT / "exercises/day13" / ex.filename).read_text()
        assert (site / "exercises/day13" / ex.filename).read_text() == stub
        page = _text((site / f"exercises/day13/{ex.id}.html").read_text())
        first_def = next(line for line in stub.splitlines() if line.startswith(("def ", "class ")))
        assert first_def in page


def test_each_lesson_ends_with_its_exercise_box_from_the_manifest(site):
    for ex in DAY.exercises:
        page_html = (site / ex.lesson).with_suffix(".html").read_text()
        box = page_html[page_html.index('class="course-exercise"'):]
        text = _text(box)
        assert f"exercises/day13/{ex.id}.py" in text
        assert f"grader check day13 {ex.id}" in text
        assert f'href="../exercises/day13/{ex.id}.html"' in box
        download = re.search(rf'<a [^>]*href="../exercises/day13/{ex.id}\.py"[^>]*>', box)
        assert download and f'download="{ex.id}.py"' in download.group(0)
        for fn in ex.functions:
            assert re.search(rf"{fn.name}\s*{fn.points:g}", text), f"{ex.id}: {fn.name} {fn.points:g}"
        assert f"{ex.max_score:g} points" in text
        hints = re.findall(r'<details class="tip">.*?</details>', box, re.S)
        assert len(hints) == len(ex.hints)
        for hint, shown in zip(ex.hints, hints):
            assert " ".join(hint.split()) in " ".join(_text(shown).split())


def test_day_overview_lists_every_exercise_with_its_points(site):
    text = _text((site / "day13/index.html").read_text())
    for ex in DAY.exercises:
        assert re.search(rf"{re.escape(ex.title)}\s*{ex.id}\s*{ex.max_score:g}", text), ex.id
    assert f"The day {DAY.max_score:g}" in " ".join(text.split())


def test_site_can_be_searched_from_disk(site):
    script = (site / "search/search_index.js").read_text()
    index = json.loads((site / "search/search_index.json").read_text())
    assert script.startswith("var __index = ") and json.loads(script[len("var __index = "):].rstrip(";\n")) == index
