"""The student release: no solution text, no hidden test, and it works on its own.

The leak proof here is written independently of grader.integrations.leaks:
it reads every solution region itself and searches every file of the release,
the files inside the grader wheel included.

A fresh virtual environment gets the grader the way the release's README
says (pip install of the wheel's file, offline from a local wheelhouse that
also offers an impostor calc4ml-grader 99.0), and `grader check day13` runs
from the release folder as a student would.

`--out` and `--force` are run against copies of the course: a refused
release deletes nothing, and --force replaces only an earlier release.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from grader.course import load_day
from grader.integrations.leaks import GENERIC, MIN_CHARS
from grader.integrations.release import MARKER
from grader.integrations.wheel import project
from grader.runner import run_day
from tests.conftest import ROOT, SOLUTIONS
from tests.integrations.conftest import grader, offline_pip_env, run

DAY = load_day("day13")


def region_lines() -> set[str]:
    lines, inside = set(), False
    for path in SOLUTIONS.glob("*.py"):
        for raw in path.read_text().splitlines():
            text = raw.strip()
            if text in ("### BEGIN SOLUTION", "### END SOLUTION"):
                inside = text == "### BEGIN SOLUTION"
            elif inside and text and not text.startswith("#"):
                lines.add(" ".join(text.split()))
    telling = {line for line in lines if len(line) >= MIN_CHARS and line not in GENERIC}
    assert len(telling) > 50, "the solutions' regions should hold dozens of telling lines"
    return telling


def release_files(folder: Path) -> dict[str, str]:
    """Every file of the release as text, with the members of the wheel as wheel!path."""
    files = {}
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix == ".whl":
            with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as wheel:
                for name in wheel.namelist():
                    files[f"{path.name}!{name}"] = wheel.read(name).decode("utf-8", errors="replace")
        elif path.is_file():
            text = path.read_text(errors="replace")
            if path.suffix == ".ipynb":  # compare what the cells say, not their JSON escapes
                text = "\n".join("".join(c["source"]) for c in json.loads(text)["cells"])
            files[path.relative_to(folder).as_posix()] = text
    return files


def test_the_release_holds_stubs_lessons_the_public_grader_and_a_workflow(release):
    for ex in DAY.exercises:
        stub = release / "exercises" / "day13" / ex.filename
        assert stub.read_text() == (ROOT / "exercises" / "day13" / ex.filename).read_text()
        assert (release / "docs" / ex.lesson).is_file()
    assert (release / ".github" / "workflows" / "grader-day13.yml").is_file()
    assert "grader check day13" in (release / "README.md").read_text()
    assert not (release / "solutions").exists()


def test_no_solution_line_is_anywhere_in_the_release(release):
    files = release_files(release)
    assert any(name.endswith("!grader/suites/day13/test_losses.py") for name in files)  # the scan sees the wheel
    secrets = region_lines()
    found = [(name, line) for name, text in files.items()
             for line in {" ".join(raw.split()) for raw in text.splitlines()} if line in secrets]
    assert found == []


def test_no_hidden_test_is_in_the_release(release):
    files = release_files(release)
    assert not [name for name in files if "/hidden/" in name or "misconceptions/variants.py" in name]
    hidden_defs = {m.group(1) for path in (DAY.suite_dir / "hidden").glob("test_*.py")
                   for m in re.finditer(r"^def (test_\w+)\(", path.read_text(), re.M)}
    public_defs = {m.group(1) for path in DAY.suite_dir.glob("test_*.py")
                   for m in re.finditer(r"^def (test_\w+)\(", path.read_text(), re.M)}
    assert hidden_defs
    for name in hidden_defs - public_defs:
        assert not any(f"def {name}(" in text for text in files.values()), name


def test_a_planted_leak_stops_the_release(tmp_path):
    repo = tmp_path / "repo"
    for part in ("exercises/day13", "solutions/day13", "docs/day13"):
        shutil.copytree(ROOT / part, repo / part, ignore=shutil.ignore_patterns("__pycache__"))
    lesson = repo / "docs" / "day13" / "05-losses.md"
    region = (SOLUTIONS / "losses.py").read_text().split("### BEGIN SOLUTION\n")[2].split("### END SOLUTION")[0]
    lesson.write_text(lesson.read_text() + "\n```python\n" + region + "```\n")
    out = tmp_path / "out"
    refused = grader("release", "day13", "--out", out, "--repo", repo)
    assert refused.returncode == 2
    assert "refusing to release" in refused.stderr and "docs/day13/05-losses.md" in refused.stderr
    assert not out.exists()


def test_grader_check_runs_from_the_release_in_a_fresh_venv(release, student_venv):
    untouched = run([student_venv / "grader", "check", "day13"], cwd=release, env=offline_pip_env(release))
    assert untouched.returncode == 1, untouched.stderr
    lines = untouched.stdout.splitlines()
    assert lines[0] == f"day13 in exercises/day13: 0 / {DAY.max_score:g} points"
    assert sum(line.startswith("✗ ") for line in lines) == len(DAY.exercises)


def test_the_released_grader_runs_the_public_tests_only(release, student_venv, tmp_path):
    work = tmp_path / "work"
    shutil.copytree(release, work)
    for path in SOLUTIONS.glob("*.py"):
        shutil.copy(path, work / "exercises" / "day13" / path.name)
    done = run([student_venv / "grader", "check", "day13", "--json"], cwd=work, env=offline_pip_env(work))
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["score"] == report["max_score"] == DAY.max_score
    names = {(e["id"], t["name"]) for e in report["exercises"] for t in e["tests"]}
    public = run_day(DAY, SOLUTIONS, include_hidden=False)
    assert names == {(e.id, t.name) for e in public.exercises for t in e.tests}
    assert not any(t["hidden"] for e in report["exercises"] for t in e["tests"])
    where = run([student_venv / "python", "-c", "import grader; print(grader.__file__)"], cwd=work,
                env=offline_pip_env(work))
    assert str(student_venv.parent) in where.stdout  # the venv's grader, not this checkout's


def test_the_released_grader_still_names_mistakes_without_the_answer_code(release, student_venv, tmp_path):
    work = tmp_path / "work"
    shutil.copytree(release, work)
    losses = work / "exercises" / "day13" / "losses.py"
    losses.write_text((SOLUTIONS / "losses.py").read_text().replace(
        "return 2 * (np.asarray(y_pred)", "return (np.asarray(y_pred)"))
    done = run([student_venv / "grader", "check", "day13", "losses", "--json"], cwd=work, env=offline_pip_env(work))
    assert done.returncode == 1, done.stderr
    named = {t["misconception"] for e in json.loads(done.stdout)["exercises"] for t in e["tests"]
             if t["function"] == "mse_grad" and not t["passed"]}
    assert named and None not in named  # e.g. "mse_grad.missing_factor_2"


def test_the_readme_installs_the_release_wheel_not_a_higher_version_from_the_index(release, student_venv):
    readme = (release / "README.md").read_text()
    wheel = next((release / "wheels").glob("calc4ml_grader-*.whl"))
    assert f"pip install wheels/{wheel.name}" in readme
    for name in ("msgpack", "numpy", "pytest", "rich", "watchfiles"):  # pyproject's runtime dependencies
        assert name in readme
    version = run([student_venv / "python", "-c", "import importlib.metadata as m; print(m.version('calc4ml-grader'))"],
                  env=offline_pip_env(release), check=True)
    assert version.stdout.strip() == project().version  # not the impostor's 99.0


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def course(tmp_path) -> Path:
    """A copy of the course's day-13 folders in tmp/course, with a sibling project next to it."""
    repo = tmp_path / "course"
    for part in ("exercises/day13", "solutions/day13", "docs/day13", "grader/suites/day13"):
        shutil.copytree(ROOT / part, repo / part, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "sibling").mkdir()
    (tmp_path / "sibling" / "thesis.tex").write_text("two years of work\n")
    (tmp_path / "link-to-course").symlink_to(repo)
    return repo


@pytest.mark.parametrize("out, needle", [
    (".", "is the course repository"),
    ("..", "is the course repository"),
    ("../course", "is the course repository"),
    ("../link-to-course", "is the course repository"),
    ("exercises", "which the release reads from"),
    ("solutions/day13", "which the release reads from"),
    ("docs/day13/release", "which the release reads from"),
    ("grader", "which the release reads from"),
    ("../sibling", "is not a release written by grader"),
])
def test_force_never_deletes_the_course_its_inputs_or_a_folder_it_did_not_write(course, out, needle):
    before = snapshot(course.parent)
    refused = grader("release", "day13", "--repo", ".", "--out", out, "--force", cwd=course)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert needle in refused.stderr and "Traceback" not in refused.stderr
    assert snapshot(course.parent) == before  # nothing deleted, nothing written


def test_force_replaces_an_earlier_release_and_nothing_next_to_it(tmp_path):
    out = tmp_path / "day13"
    theirs = tmp_path / ".day13.partial"  # the old code's scratch name: someone's folder here is not ours
    theirs.mkdir()
    (theirs / "keep.txt").write_text("mine\n")
    assert grader("release", "day13", "--out", out).returncode == 0
    assert f"day = day13\nversion = {project().version}" in (out / MARKER).read_text()
    (out / "exercises" / "day13" / "notes.txt").write_text("from the last run\n")

    again = grader("release", "day13", "--out", out)
    assert again.returncode == 2 and "earlier release (pass --force" in again.stderr
    replaced = grader("release", "day13", "--out", out, "--force")
    assert replaced.returncode == 0, replaced.stderr
    assert not (out / "exercises" / "day13" / "notes.txt").exists() and (out / MARKER).is_file()
    assert (theirs / "keep.txt").read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".day13.partial", "day13"]  # no scratch folder left
