"""Build what students receive for a day: a folder that works on its own.

    OUT/
      README.md                          set up, check, where the lessons are
      exercises/<day>/<id>.py            the stubs
      docs/<day>/                        the lesson sources (Markdown and notebooks)
      site/                              the built lessons site, when there is one
      wheels/calc4ml_grader-*.whl        the grader with public tests only
      .github/workflows/grader-<day>.yml on every push: grader check, points in the job summary

The folder is written next to OUT and moved into place only after
grader.integrations.leaks finds no solution line and no hidden test in it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from grader.course import Day
from grader.integrations import github_actions
from grader.integrations.leaks import find_leaks
from grader.integrations.wheel import build_wheel

IGNORED = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.pyc", ".DS_Store")

README = """\
# {title} ({day})

Your exercises, the lessons, and the grader that checks your code.

## Set up once

```bash
python3.11 -m venv .venv && . .venv/bin/activate && pip install --find-links wheels calc4ml-grader
```

(`wheels/` holds the grader; pip fetches NumPy, pytest and rich from PyPI, or from
its cache when you are offline.)

## Work

Edit the files in `exercises/{day}/`, then check them:

```bash
grader check {day}                # every exercise
grader check {day} {first}         # one exercise (name any of them)
grader check {day} --json         # one JSON object, for tools
```

`grader check` runs the public tests and exits 0 only when all of them pass. Your
instructor grades with more tests, hidden ones; passing the public tests is the
way to start, not a guarantee.

## Lessons

{lessons}

## Exercises

| exercise | lesson | points |
| --- | --- | ---: |
{rows}
"""


class ReleaseError(Exception):
    """The release cannot be built, or would leak; the message says what to do."""


@dataclass
class Release:
    folder: Path
    files: int
    site: str  # "built", "copied" or "" (lesson sources only)


def build_release(
    day: Day,
    out: Path,
    *,
    repo: Path,
    site: Path | None = None,
    build_site: bool = False,
    force: bool = False,
) -> Release:
    """Write the student release of `day` into `out` (which must be absent or empty, unless force)."""
    repo, out = Path(repo), Path(out)
    exercises_dir, solutions_dir, docs_dir = (repo / "exercises" / day.id, repo / "solutions" / day.id,
                                              repo / "docs" / day.id)
    for folder, what in ((exercises_dir, "the stubs"), (solutions_dir, "the solutions (to prove none ships)")):
        if not folder.is_dir():
            raise ReleaseError(f"no folder {folder} with {what}: run from the course repository or pass --repo")
    if out.exists() and any(out.iterdir()) and not force:
        raise ReleaseError(f"{out} exists and is not empty (pass --force to replace it)")
    if site is not None and not (Path(site) / "index.html").is_file():
        raise ReleaseError(f"{site} is not a built site (no index.html)")

    staging = out.with_name(f".{out.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        for ex in day.exercises:
            stub = exercises_dir / ex.filename
            if not stub.is_file():
                raise ReleaseError(f"missing stub {stub} (run: grader stubs {day.id})")
            target = staging / "exercises" / day.id / ex.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(stub, target)
        if docs_dir.is_dir():
            shutil.copytree(docs_dir, staging / "docs" / day.id, ignore=IGNORED)
        site_kind = _site(repo, staging / "site", site, build_site)
        build_wheel(staging / "wheels", include_hidden=False)
        workflow = staging / github_actions.workflow_path(day)
        workflow.parent.mkdir(parents=True)
        workflow.write_text(github_actions.workflow(day), encoding="utf-8")
        (staging / ".gitignore").write_text(".venv/\n__pycache__/\ngrader-*.json\n", encoding="utf-8")
        (staging / "README.md").write_text(_readme(day, site_kind, docs_dir.is_dir()), encoding="utf-8")

        leaks = find_leaks(staging, solutions_dir, day)
        if leaks:
            shown = "\n  ".join(leaks[:20]) + (f"\n  ... and {len(leaks) - 20} more" if len(leaks) > 20 else "")
            raise ReleaseError(f"refusing to release: {len(leaks)} solution or hidden-test line(s) would ship:\n  {shown}")
        if out.exists():
            shutil.rmtree(out)
        os.replace(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    files = sum(1 for p in out.rglob("*") if p.is_file())
    return Release(out, files, site_kind)


def _site(repo: Path, target: Path, site: Path | None, build: bool) -> str:
    if build:
        config = repo / "mkdocs.yml"
        if not config.is_file():
            raise ReleaseError(f"no {config} to build the site with")
        run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(config), "-d", str(target)],
                             cwd=repo, capture_output=True, text=True)
        if run.returncode != 0:
            raise ReleaseError(f"mkdocs build failed:\n{(run.stderr or run.stdout)[-2000:]}")
        return "built"
    source = Path(site) if site is not None else repo / "site"
    if (source / "index.html").is_file():
        shutil.copytree(source, target, ignore=IGNORED)
        return "copied"
    return ""


def _readme(day: Day, site_kind: str, has_docs: bool) -> str:
    lessons = []
    if site_kind:
        lessons.append("Open `site/index.html` in a browser: the lessons, with their figures and exercises.")
    if has_docs:
        lessons.append(f"The lesson sources are in `docs/{day.id}/` (Markdown and Jupyter notebooks).")
    rows = "\n".join(
        f"| `exercises/{day.id}/{ex.filename}` | `docs/{ex.lesson}` | {ex.max_score:g} |" for ex in day.exercises
    )
    return README.format(title=day.title, day=day.id, first=day.exercises[0].id,
                         lessons="\n".join(lessons) or "Your instructor hands out the lessons.", rows=rows)
