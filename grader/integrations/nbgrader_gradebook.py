"""Grade nbgrader's `submitted/` tree outside the students' kernels and write the gradebook.

`nbgrader autograde` runs our test cells inside each student's kernel, so a
student's cell that runs first can change what those cells report (nbgrader
itself cannot prevent that). `import_submitted` grades the same notebooks the
way `grader check` does, every student's code in its own worker process, and
writes each function's points into the autograder test cells' grades through
nbgrader's own Gradebook API: formgrader and `nbgrader export` show them.
Scores it replaces that differ (typically ones written by `nbgrader autograde`)
are reported, since a difference means a cell reported something our grader
did not find.

Each student's grades are committed before the next student is graded, so an
interrupted import loses nothing it finished.
"""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from grader.course import Day, load_day
from grader.integrations.nbgrader_course import notebook_name, test_cell_id
from grader.integrations.notebooks import modules_from_folder, write_modules
from grader.integrations.points import function_scores


class GradebookError(Exception):
    """The course folder or gradebook cannot be used; the message says what to do."""


@dataclass
class ImportedStudent:
    student: str
    score: float
    max_score: float
    changed: list[str] = field(default_factory=list)  # "05-losses/check_mse_grad: 2 -> 0"


def course_id_of(course: Path) -> str:
    """The course_id set in the course's nbgrader_config.py (nbgrader's default if none)."""
    config = Path(course) / "nbgrader_config.py"
    if not config.is_file():
        return "default_course"
    from traitlets.config.loader import PyFileConfigLoader

    loaded = PyFileConfigLoader(config.name, path=str(config.parent)).load_config()
    return str(loaded.CourseDirectory.get("course_id", "default_course")) or "default_course"


def submitted_students(course: Path, day_id: str) -> list[str]:
    root = Path(course) / "submitted"
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / day_id).is_dir() and not p.name.startswith("."))


def import_submitted(
    course: Path,
    day: Day,
    *,
    students: list[str] | None = None,
    db_url: str | None = None,
    seed: int | None = None,
    timeout: float | None = None,
    jobs: int | None = None,
    progress=None,
) -> list[ImportedStudent]:
    """Grade submitted/<student>/<day>/*.ipynb and write every function's points into the gradebook."""
    try:
        from nbgrader.api import Gradebook, MissingEntry
    except ImportError:
        raise GradebookError("nbgrader is not installed here (pip install nbgrader)") from None
    course = Path(course)
    db_url = db_url or f"sqlite:///{course / 'gradebook.db'}"
    if db_url.startswith("sqlite:///") and not Path(db_url.removeprefix("sqlite:///")).is_file():
        raise GradebookError(f"no gradebook at {db_url.removeprefix('sqlite:///')}: run `nbgrader generate_assignment {day.id}` in {course} first")
    available = submitted_students(course, day.id)
    chosen = students or available
    missing = sorted(set(chosen) - set(available))
    if missing:
        raise GradebookError(f"no submitted/<student>/{day.id} folder for: {', '.join(missing)}")
    with Gradebook(db_url, course_id_of(course)) as gb:
        try:
            notebooks = {nb.name for nb in gb.find_assignment(day.id).notebooks}
        except MissingEntry:
            raise GradebookError(f"the gradebook has no assignment {day.id}: run `nbgrader generate_assignment {day.id}` first") from None
    exercises = [ex.id for ex in day.exercises if notebook_name(day, ex) in notebooks]
    if not exercises:
        raise GradebookError(f"none of the gradebook's {day.id} notebooks is one `grader nbgrader` builds")

    folders = [course / "submitted" / s / day.id for s in chosen]
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(folders) or 1))
    results = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        reports = pool.map(_grade_folder, folders, [day.id] * len(folders), [exercises] * len(folders),
                           [seed] * len(folders), [timeout] * len(folders))
        for student, report in zip(chosen, reports):
            results.append(_write_grades(db_url, course_id_of(course), day, student, course, report))
            if progress:
                progress(results[-1])
    return results


def _grade_folder(folder: Path, day_id: str, exercises: list[str], seed, timeout) -> dict:
    """Run in a pool process: one student's notebooks -> modules -> run_day -> the JSON report.

    An exercise whose module no notebook holds is not run: like nbgrader does
    for a notebook that was not submitted, it scores zero.
    """
    from grader.runner import run_day

    modules = modules_from_folder(folder)
    present = [e for e in exercises if e in modules]
    report = {"exercises": []}
    if present:
        with tempfile.TemporaryDirectory(prefix="grader-nbimport-") as tmp:
            submission = write_modules(modules, Path(tmp) / "submission")
            report = run_day(load_day(day_id), submission, present, seed=seed, timeout=timeout).to_json()
    report["exercises"] += [{"id": e, "tests": []} for e in exercises if e not in present]
    return report


def _write_grades(db_url: str, course_id: str, day: Day, student: str, course: Path, report: dict) -> ImportedStudent:
    from nbgrader.api import Gradebook, MissingEntry

    scores = function_scores(day, report)
    changed = []
    with Gradebook(db_url, course_id) as gb:
        gb.update_or_create_student(student)
        try:
            gb.find_submission(day.id, student)
        except MissingEntry:
            gb.add_submission(day.id, student, **_timestamp(course, day.id, student))
        for (exercise_id, function), score in scores.items():
            notebook = notebook_name(day, day.exercise(exercise_id))
            grade = gb.find_grade(test_cell_id(function), notebook, day.id, student)
            old = grade.auto_score
            if old is not None and abs(float(old) - score.earned) > 1e-6:
                changed.append(f"{notebook}/{test_cell_id(function)}: {float(old):g} -> {score.earned:g}")
            grade.auto_score = score.earned
            grade.needs_manual_grade = False
        gb.db.commit()
    earned = round(sum(s.earned for s in scores.values()), 6)
    possible = round(sum(s.possible for s in scores.values()), 6)
    return ImportedStudent(student, earned, possible, changed)


def _timestamp(course: Path, day_id: str, student: str) -> dict:
    """nbgrader's timestamp.txt of a submission, when there is one (late penalties use it)."""
    path = course / "submitted" / student / day_id / "timestamp.txt"
    if not path.is_file():
        return {}
    from nbgrader.utils import parse_utc

    try:
        return {"timestamp": parse_utc(path.read_text().strip())}
    except ValueError:
        return {}
