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
It holds a MARKER file; --force replaces only a folder that has one, and OUT
may never be the repository, hold it, or overlap a folder the release reads.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from grader.course import Day
from grader.integrations import github_actions
from grader.integrations.leaks import find_leaks
from grader.integrations.wheel import PACKAGE_DIR, build_wheel, dependency_names, project

MARKER = ".grader-release"  # in every release: what --force may replace

IGNORED = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.pyc", ".DS_Store")

# Installs the wheel's file: given the name, pip would also ask PyPI, where a package of that
# name and a higher version would win.
README = """\
# {title} ({day})

Your exercises, the lessons, and the grader that checks your code.

## Set up once

```bash
python3.11 -m venv .venv && . .venv/bin/activate && pip install wheels/{wheel}
```

(`wheels/` holds the grader; pip fetches its dependencies, {dependencies}, from PyPI,
or from its cache when you are offline.)

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
    if site is not None and not (Path(site) / "index.html").is_file():
        raise ReleaseError(f"{site} is not a built site (no index.html)")
    target = _check_out(out, repo, site, force)

    # A new folder of our own next to OUT (never an existing one), so nothing is deleted but OUT itself.
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    mask = os.umask(0)
    os.umask(mask)
    staging.chmod(0o777 & ~mask)  # as mkdir would make it, not mkdtemp's 0700
    try:
        for ex in day.exercises:
            stub = exercises_dir / ex.filename
            if not stub.is_file():
                raise ReleaseError(f"missing stub {stub} (run: grader stubs {day.id})")
            copy = staging / "exercises" / day.id / ex.filename
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(stub, copy)
        if docs_dir.is_dir():
            shutil.copytree(docs_dir, staging / "docs" / day.id, ignore=IGNORED)
        site_kind = _site(repo, staging / "site", site, build_site)
        wheel = build_wheel(staging / "wheels", include_hidden=False)
        workflow = staging / github_actions.workflow_path(day)
        workflow.parent.mkdir(parents=True)
        workflow.write_text(github_actions.workflow(day), encoding="utf-8")
        (staging / ".gitignore").write_text(".venv/\n__pycache__/\ngrader-*.json\n", encoding="utf-8")
        (staging / "README.md").write_text(_readme(day, site_kind, docs_dir.is_dir(), wheel.name),
                                           encoding="utf-8")
        marker = f"written by grader release\nday = {day.id}\nversion = {project().version}\n"
        (staging / MARKER).write_text(marker, encoding="utf-8")

        leaks = find_leaks(staging, solutions_dir, day)
        if leaks:
            shown = "\n  ".join(leaks[:20]) + (f"\n  ... and {len(leaks) - 20} more" if len(leaks) > 20 else "")
            raise ReleaseError(f"refusing to release: {len(leaks)} solution or hidden-test line(s) would ship:\n  {shown}")
        if target.exists():
            shutil.rmtree(target)  # _check_out made sure it is empty or an earlier release
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    files = sum(1 for p in target.rglob("*") if p.is_file())
    return Release(out, files, site_kind)


def _check_out(out: Path, repo: Path, site: Path | None, force: bool) -> Path:
    """Refuse an OUT whose replacement could delete anything but an earlier release; return it resolved."""
    target, repo = out.resolve(), repo.resolve()  # symlinks, `..` and `.` compare as what they are
    if target == repo or target in repo.parents:
        raise ReleaseError(f"--out {out} is the course repository or a folder holding it; choose another --out")
    # What the release reads: writing into one of these, or replacing one, would destroy or copy itself.
    sources = [(repo / name).resolve() for name in ("exercises", "docs", "solutions", "grader", "site")]
    sources += [PACKAGE_DIR] + ([Path(site).resolve()] if site is not None else [])
    for source in sources:
        if target == source or source in target.parents or target in source.parents:
            raise ReleaseError(f"--out {out} overlaps {source}, which the release reads from; choose another --out")
    if target.exists() and not target.is_dir():
        raise ReleaseError(f"{out} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()):
        if not (target / MARKER).is_file():
            raise ReleaseError(f"{out} exists, is not empty and is not a release written by grader; "
                               "choose another --out or remove it yourself")
        if not force:
            raise ReleaseError(f"{out} holds an earlier release (pass --force to replace it)")
    return target


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


def _readme(day: Day, site_kind: str, has_docs: bool, wheel: str) -> str:
    lessons = []
    if site_kind:
        lessons.append("Open `site/index.html` in a browser: the lessons, with their figures and exercises.")
    if has_docs:
        lessons.append(f"The lesson sources are in `docs/{day.id}/` (Markdown and Jupyter notebooks).")
    rows = "\n".join(
        f"| `exercises/{day.id}/{ex.filename}` | `docs/{ex.lesson}` | {ex.max_score:g} |" for ex in day.exercises
    )
    return README.format(title=day.title, day=day.id, first=day.exercises[0].id, wheel=wheel,
                         dependencies=", ".join(dependency_names(project())),
                         lessons="\n".join(lessons) or "Your instructor hands out the lessons.", rows=rows)
