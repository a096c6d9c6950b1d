"""Generate the exercise box of every lesson from the day's manifest.

The manifest (``grader/suites/<day>/manifest.toml``) is the one source of
truth for exercise ids, functions, points, hints and which lesson each
exercise belongs to. This mkdocs hook reads it and

* appends to each lesson an "Exercise" section: the stub's path, links to
  view and download it, the exact ``grader check`` command, points per
  function, and the hints as collapsible admonitions;
* copies each stub into the site (``exercises/<day>/<id>.py``) and adds a
  page that shows it (``exercises/<day>/<id>.html``);
* refuses (a warning, so ``mkdocs build --strict`` fails) a manifest whose
  exercise has no lesson page or no stub, a lesson page that no exercise
  claims, and any ``grader check <day> <id>`` command or
  ``exercises/<day>/<id>.py`` path in the docs that names an exercise the
  manifest does not have.

``find_problems`` is plain code with no mkdocs in it, so tests call it on
broken copies of the course.
"""

from __future__ import annotations

import html
import json
import logging
import posixpath
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from grader import course

log = logging.getLogger("mkdocs.hooks.exercises")

REPO = Path(__file__).resolve().parents[2]
# A lesson page is a numbered page of a day's folder: docs/day13/01-slopes.ipynb.
LESSON_NAME = re.compile(r"^\d\d-[\w-]+\.(md|ipynb)$")
# "grader check day13 slopes rules --json": the ids are the lower-case words after the day.
CHECK_COMMAND = re.compile(r"grader check (day\d+)((?:[ \t]+[a-z_][a-z0-9_]*)*)")
STUB_PATH = re.compile(r"exercises/(day\d+)/([A-Za-z_][A-Za-z0-9_]*)\.py")


@dataclass(frozen=True)
class Entry:
    """One exercise of one day, with the paths that follow from the conventions."""

    day: str
    exercise: course.Exercise

    @property
    def id(self) -> str:
        return self.exercise.id

    @property
    def lesson(self) -> str:
        return self.exercise.lesson

    @property
    def stub(self) -> str:
        """Path of the stub, relative to the repository and to the site."""
        return f"exercises/{self.day}/{self.exercise.filename}"

    @property
    def stub_page(self) -> str:
        return f"exercises/{self.day}/{self.id}.md"

    @property
    def command(self) -> str:
        return f"grader check {self.day} {self.id}"


def entries(days: list[course.Day]) -> list[Entry]:
    return [Entry(day.id, ex) for day in days for ex in day.exercises]


def load_days() -> list[course.Day]:
    """Every day that has a manifest, loaded and validated by grader.course."""
    return [course.load_day(day_id) for day_id in course.available_days()]


def _doc_sources(docs_dir: Path):
    """(path relative to docs, text) of every Markdown page and notebook cell source."""
    for path in sorted(docs_dir.rglob("*")):
        if path.suffix == ".md":
            yield path.relative_to(docs_dir).as_posix(), path.read_text(encoding="utf-8")
        elif path.suffix == ".ipynb":
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
            text = "\n".join("".join(cell.get("source", "")) for cell in cells)
            yield path.relative_to(docs_dir).as_posix(), text


def references(text: str) -> set[tuple[str, str]]:
    """(day, exercise id) pairs that a page's text names in a command or a stub path."""
    found = set()
    for match in CHECK_COMMAND.finditer(text):
        found.update((match.group(1), word) for word in match.group(2).split())
    found.update(STUB_PATH.findall(text))
    return found


def find_problems(days: list[course.Day], docs_dir: Path, repo: Path = REPO) -> list[str]:
    """Everything that would put a broken exercise link or command on the site."""
    exercises = entries(days)
    problems = []
    known = {(ex.day, ex.id) for ex in exercises}
    claimed: dict[str, str] = {}
    for ex in exercises:
        if not ex.lesson:
            problems.append(f"exercise {ex.day}/{ex.id} has no lesson in the manifest")
        elif not (docs_dir / ex.lesson).is_file():
            problems.append(f"exercise {ex.day}/{ex.id}: its lesson docs/{ex.lesson} does not exist")
        elif ex.lesson in claimed:
            problems.append(f"docs/{ex.lesson} is the lesson of both {claimed[ex.lesson]} and {ex.id}")
        else:
            claimed[ex.lesson] = ex.id
        if not (repo / ex.stub).is_file():
            problems.append(f"exercise {ex.day}/{ex.id}: its stub {ex.stub} does not exist")
    for day in sorted({ex.day for ex in exercises}):
        for page in sorted((docs_dir / day).glob("*")):
            lesson = page.relative_to(docs_dir).as_posix()
            if LESSON_NAME.match(page.name) and lesson not in claimed:
                problems.append(f"lesson docs/{lesson} belongs to no exercise of the {day} manifest")
    days = {ex.day for ex in exercises}
    for source, text in _doc_sources(docs_dir):
        for day, exercise_id in sorted(references(text)):
            if day in days and (day, exercise_id) not in known:
                problems.append(f"docs/{source} names exercise {day}/{exercise_id}, which the manifest does not have")
    return problems


def _markdown_text(text: str) -> str:
    """Hints are plain text: show `*`, `_` and friends as typed, not as Markdown.

    Only characters that Python-Markdown unescapes get a backslash; others
    (such as ^) would show it.
    """
    escaped = html.escape(text, quote=False)
    return re.sub(r"([\\`*_\[\]#+!])", r"\\\1", escaped)


def _points(value: float) -> str:
    return f"{value:g}"


def exercise_markdown(entry: Entry, view_url: str, raw_url: str) -> str:
    """The Markdown of one lesson's exercise section (rendered with the site's extensions)."""
    ex = entry.exercise
    total = ex.max_score
    rows = "\n".join(f"    | `{fn.name}` | {_points(fn.points)} |" for fn in ex.functions)
    hidden_note = (
        "Its tests are hidden until your instructor grades it: `grader check` tells you only how many pass."
        if ex.visibility == "hidden"
        else "Each failing test tells you the function, the input, what was expected and what you returned."
    )
    hints = "\n\n".join(
        f'??? tip "Hint {number}"\n\n    {_markdown_text(hint)}' for number, hint in enumerate(ex.hints, 1)
    )
    return f"""
## Exercise: {ex.title} {{ #exercise }}

!!! example "Exercise `{ex.id}` · {_points(total)} points"

    Your stub is **`{entry.stub}`** in your copy of the course.
    Fill in the functions below; their docstrings give the exact signatures.

    [:material-eye-outline: View the stub]({view_url}){{ .md-button }}
    [:material-download: Download {ex.id}.py]({raw_url}){{ .md-button download="{ex.id}.py" }}

    | Function | Points |
    | --- | ---: |
{rows}
    | **Total** | **{_points(total)}** |

    Check your work from the course folder:

    ``` bash
    {entry.command}
    ```

    {hidden_note}

{hints}
"""


TABLE_MARKER = re.compile(r"<!-- exercise-table: (day\d+) -->")


def exercise_table(days: list[course.Day], day_id: str, page_src: str) -> str:
    """A Markdown table of a day's lessons, exercises and points (for its overview page)."""
    day = next(d for d in days if d.id == day_id)
    here = posixpath.dirname(page_src)
    rows = [
        f"| {number} | [{ex.title}]({posixpath.relpath(ex.lesson, here)}) "
        f"| [`{ex.id}`]({posixpath.relpath(ex.lesson, here)}#exercise) | {_points(ex.max_score)} |"
        for number, ex in enumerate(day.exercises, 1)
    ]
    header = "| # | Lesson | Exercise | Points |\n| ---: | --- | --- | ---: |"
    total = f"| | **The day** | | **{_points(day.max_score)}** |"
    return "\n".join([header, *rows, total])


def stub_page_markdown(entry: Entry, stub_source: str, lesson_url: str) -> str:
    ex = entry.exercise
    fence = "````" if "```" in stub_source else "```"
    return f"""---
title: {entry.stub}
search:
  exclude: true
---

# `{entry.stub}`

The stub of the exercise **{ex.title}** ([back to the lesson]({lesson_url}#exercise)).
Edit your own copy, then run `{entry.command}`.

[:material-download: Download {ex.id}.py]({ex.id}.py){{ .md-button download="{ex.id}.py" }}

{fence} python title="{entry.stub}"
{stub_source.rstrip()}
{fence}
"""


# ---------------------------------------------------------------- mkdocs hooks

_days: list[course.Day] = []
_by_lesson: dict[str, Entry] = {}


def on_config(config):
    _days[:] = load_days()
    _by_lesson.clear()
    _by_lesson.update({entry.lesson: entry for entry in entries(_days)})
    return config


def on_page_markdown(markdown_text, page, config, files):
    def table(match):
        day_id = match.group(1)
        if day_id not in {d.id for d in _days}:
            log.warning("exercises: %s asks for the exercises of %s, which has no manifest", page.file.src_uri, day_id)
            return ""
        return exercise_table(_days, day_id, page.file.src_uri)

    return TABLE_MARKER.sub(table, markdown_text)


def on_files(files, config):
    from mkdocs.structure.files import File, InclusionLevel

    docs_dir = Path(config["docs_dir"])
    for problem in find_problems(_days, docs_dir):
        log.warning("exercises: %s", problem)
    for ex in entries(_days):
        stub = REPO / ex.stub
        if not stub.is_file() or not ex.lesson:
            continue
        # A link to the lesson's source path: mkdocs turns it into the page's URL and checks it.
        lesson_link = posixpath.relpath(ex.lesson, posixpath.dirname(ex.stub_page))
        files.append(File.generated(config, ex.stub, abs_src_path=str(stub), inclusion=InclusionLevel.INCLUDED))
        page = stub_page_markdown(ex, stub.read_text(encoding="utf-8"), lesson_link)
        files.append(File.generated(config, ex.stub_page, content=page, inclusion=InclusionLevel.NOT_IN_NAV))
    return files


def on_page_content(html_text, page, config, files):
    ex = _by_lesson.get(page.file.src_uri)
    if ex is None:
        return html_text
    import markdown
    from mkdocs.structure.toc import AnchorLink

    view = files.get_file_from_path(ex.stub_page)
    raw = files.get_file_from_path(ex.stub)
    if view is None or raw is None:
        return html_text  # already reported by on_files: the stub is missing
    md = markdown.Markdown(extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"])
    box = md.convert(
        exercise_markdown(ex, view.url_relative_to(page.file), raw.url_relative_to(page.file))
    )
    link = AnchorLink(f"Exercise: {html.escape(ex.exercise.title)}", "exercise", 2)
    top = page.toc.items[0].children if len(page.toc.items) == 1 else page.toc.items
    top.append(link)
    if getattr(page, "present_anchor_ids", None) is not None:
        page.present_anchor_ids.add("exercise")  # so links to #exercise validate
    return html_text + '\n<div class="course-exercise">\n' + box + "\n</div>\n"
