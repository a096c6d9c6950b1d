"""Helpers for the batch tests: build a class of submissions, run the real `grader grade`, read what it wrote."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions" / "day13"
STUBS = ROOT / "exercises" / "day13"
GRADED = ("slopes", "activations", "losses")  # a small class is graded on these three modules
GRADER = shutil.which("grader", path=str(Path(sys.executable).parent)) or "grader"


def grade_argv(submissions: Path, out: Path, *extra: str) -> list[str]:
    return [GRADER, "grade", "day13", str(submissions), "--out", str(out), *extra]


def run_grade(submissions: Path, out: Path, *extra: str, timeout: float = 150, env: dict | None = None):
    """The real console script in its own process; a hang fails the test instead of the suite."""
    return subprocess.run(grade_argv(submissions, out, *extra), capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=out.parent)


def copy_solutions(dest: Path, modules=GRADED, source: Path = SOLUTIONS) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for module in modules:
        shutil.copyfile(source / f"{module}.py", dest / f"{module}.py")
    return dest


def append(folder: Path, module: str, code: str) -> None:
    """Add code at the end of a module: a later def replaces the reference one."""
    path = folder / f"{module}.py"
    path.write_text(path.read_text() + "\n\n" + textwrap.dedent(code))


def make_zip(path: Path, files: dict[str, str | bytes], *, compress: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compress) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name) if name.endswith("/") else name, data)
    return path


def notebook(path: Path, cells: list[tuple[str, list[str]]]) -> Path:
    """A format-4 notebook with code cells (source, tags) and a markdown cell in between."""
    nb_cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# My work\n"]}]
    for source, tags in cells:
        nb_cells.append({"cell_type": "code", "execution_count": None, "metadata": {"tags": tags},
                         "outputs": [], "source": source.splitlines(keepends=True)})
    data = {"cells": nb_cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
            "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(data, indent=1))
    return path


def solution_body(module: str) -> str:
    return (SOLUTIONS / f"{module}.py").read_text()


def snapshot(*roots: Path) -> dict[str, str]:
    """sha256 of every file (and link target) under the roots: compare before and after a run."""
    found = {}
    for root in roots:
        paths = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in paths:
            if path.is_symlink():
                found[str(path)] = "link:" + os.readlink(path)
            elif path.is_file():
                found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
            elif path.is_dir():
                found[str(path)] = "dir"
    return found


def processes_mentioning(text: str) -> list[str]:
    """Command lines of running processes that contain `text` (leftover sandboxes, bombs)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if text in cmdline:
                found.append(f"{entry.name}: {cmdline[:200]}")
    return found


def grades(out: Path) -> dict[str, dict[str, str]]:
    with open(out / "grades.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {row["student"]: row for row in rows}


def grades_rows(out: Path) -> list[str]:
    return (out / "grades.csv").read_text().splitlines()


def feedback(out: Path, student: str) -> dict:
    return json.loads((out / "feedback" / f"{student}.json").read_text())


def record(out: Path, student: str) -> dict:
    return json.loads((out / "results" / f"{student}.json").read_text())


def verdicts_of(result: dict, function: str) -> list[dict]:
    return [t for ex in result["exercises"] for t in ex["tests"] if t["function"] == function]


def exercise_score(result: dict, exercise: str) -> float:
    return next(ex["score"] for ex in result["exercises"] if ex["id"] == exercise)


def python_in_tmp() -> list[str]:
    """Top-level /tmp names a sandbox shows read-only because the Python install lives there (a venv in /tmp)."""
    from grader.sandbox import _python_paths

    return sorted({p.relative_to("/tmp").parts[0] for p in _python_paths() if Path("/tmp") in p.parents})
