"""Grade nbgrader's `submitted/` tree outside the students' kernels and write the gradebook.

`nbgrader autograde` runs our test cells inside each student's kernel, so a
student's cell that runs first can change what those cells report (nbgrader
itself cannot prevent that). `import_submitted` grades the same notebooks
with `grader grade`'s pipeline (grader.batch: every student's code in its own
sandboxed worker, several at once, resumable, a record per student written
atomically) and then writes each function's points into the autograder test
cells' grades through nbgrader's own Gradebook API, so formgrader and
`nbgrader export` show them. Scores it replaces that differ (typically ones
`nbgrader autograde` wrote) are reported: a difference means a cell reported
something our grader did not find.

Layout, under COURSE/grader/<day>/ by default:
    submitted/<student>/   a copy of COURSE/submitted/<student>/<day>/ (one
                           assignment per student, so the batch never picks
                           another day's folder)
    graded/                grader grade's output: grades.csv, feedback/, results/
"""

from __future__ import annotations

import dataclasses
import shutil
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from grader.course import Day
from grader.integrations.nbgrader_course import notebook_name, test_cell_id
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


def import_submitted(course: Path, day: Day, *, out: Path | None = None, options=None, reporter=None,
                     db_url: str | None = None) -> list[ImportedStudent]:
    """Grade submitted/<student>/<day>/ with grader.batch and write every function's points into the gradebook.

    `options` and `reporter` are grader.batch's Options and Reporter.
    """
    try:
        from nbgrader.api import Gradebook, MissingEntry
    except ImportError:
        raise GradebookError("nbgrader is not installed here (pip install nbgrader)") from None
    from grader import gradebook
    from grader.batch import BatchError, grade_class

    course = Path(course)
    db_url = db_url or f"sqlite:///{course / 'gradebook.db'}"
    if db_url.startswith("sqlite:///") and not Path(db_url.removeprefix("sqlite:///")).is_file():
        raise GradebookError(f"no gradebook at {db_url.removeprefix('sqlite:///')}: "
                             f"run `nbgrader generate_assignment {day.id}` in {course} first")
    students = submitted_students(course, day.id)
    if not students:
        raise GradebookError(f"nothing submitted: no {course}/submitted/<student>/{day.id} folder")
    course_id = course_id_of(course)
    with Gradebook(db_url, course_id) as gb:
        try:
            notebooks = {nb.name for nb in gb.find_assignment(day.id).notebooks}
        except MissingEntry:
            raise GradebookError(f"the gradebook has no assignment {day.id}: "
                                 f"run `nbgrader generate_assignment {day.id}` first") from None
    names = {ex.id: notebook_name(day, ex) for ex in day.exercises}  # numbered in the whole day's order
    graded_day = dataclasses.replace(day, exercises=tuple(ex for ex in day.exercises if names[ex.id] in notebooks))
    if not graded_day.exercises:
        raise GradebookError(f"none of the gradebook's {day.id} notebooks is one `grader nbgrader` builds")

    base = Path(out) if out else course / "grader" / day.id
    staging = base / "submitted"
    _stage(course, day.id, students, staging)
    try:
        grade_class(graded_day, staging, base / "graded", options, reporter)
    except BatchError as exc:
        raise GradebookError(str(exc)) from None
    imported = []
    for student in students:
        record = gradebook.load_record(base / "graded", student)
        report = record["result"] if record else {"exercises": []}
        imported.append(_write_grades(db_url, course_id, graded_day, names, student, course, report))
    return imported


def _stage(course: Path, day_id: str, students: list[str], staging: Path) -> None:
    """Mirror each student's submitted/<student>/<day>/ as staging/<student>/ (copies: the batch refuses links)."""
    if staging.exists():
        for old in staging.iterdir():
            if old.name not in students:
                shutil.rmtree(old) if old.is_dir() else old.unlink()
    staging.mkdir(parents=True, exist_ok=True)
    for student in students:
        target = staging / student
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(course / "submitted" / student / day_id, target, symlinks=True,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))


def _write_grades(db_url: str, course_id: str, day: Day, names: dict[str, str], student: str, course: Path,
                  report: dict) -> ImportedStudent:
    from nbgrader.api import Gradebook, MissingEntry

    graded = {e["id"] for e in report["exercises"]}
    report = {"exercises": report["exercises"] + [{"id": ex.id, "tests": []} for ex in day.exercises
                                                  if ex.id not in graded]}
    scores = function_scores(day, report)
    changed = []
    with Gradebook(db_url, course_id) as gb, warnings.catch_warnings():
        # nbgrader's add_submission makes SQLAlchemy warn about an object not yet in its session:
        # noise from nbgrader itself, which would read as a problem with the grades.
        warnings.filterwarnings("ignore", message=".*not in session.*")
        gb.update_or_create_student(student)
        try:
            gb.find_submission(day.id, student)
        except MissingEntry:
            gb.add_submission(day.id, student, **_timestamp(course, day.id, student))
        for (exercise_id, function), score in scores.items():
            notebook = names[exercise_id]
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
