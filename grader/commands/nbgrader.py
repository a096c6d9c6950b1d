"""`grader nbgrader DAY --course DIR` and `grader nbgrader-import DAY --course DIR`.

The first writes an nbgrader course source folder; the second grades the
course's submitted/ tree outside the students' kernels and writes the scores
into nbgrader's gradebook.
"""

from __future__ import annotations

from pathlib import Path

from grader.commands import check_grading_numbers


def register(sub):
    p = sub.add_parser(
        "nbgrader",
        help="(instructors) write an nbgrader course: one notebook per exercise",
        description="Write DIR/nbgrader_config.py (if absent) and DIR/source/DAY/NN-<exercise>.ipynb: "
        "solution cells from the reference solutions, one autograder test cell per function worth its "
        "points. Then, in DIR: nbgrader generate_assignment DAY, ... nbgrader autograde DAY.",
    )
    p.add_argument("day", help="e.g. day13")
    p.add_argument("exercises", nargs="*", metavar="EXERCISE", help="only these exercises (default: all)")
    p.add_argument("--course", type=Path, required=True, help="the nbgrader course folder to write into")
    p.add_argument("--solutions", type=Path, help="reference solutions (default: solutions/DAY)")
    p.add_argument("--course-id", default="calc4ml", help="course_id for a new nbgrader_config.py")

    q = sub.add_parser(
        "nbgrader-import",
        help="(instructors) grade nbgrader's submitted/ notebooks and write the gradebook",
        description="Grade DIR/submitted/<student>/DAY/*.ipynb with the public and hidden tests the way "
        "`grader grade` does (each student's code in a sandboxed worker, several at once, resumable), then "
        "write each function's points into DIR's gradebook.db (the autograder test cells' grades), for "
        "formgrader and nbgrader export. Lists every score that differs from the one already there. "
        "grader grade's files (grades.csv, feedback/, results/) go to DIR/grader/DAY/graded.",
    )
    q.add_argument("day", help="e.g. day13")
    q.add_argument("--course", type=Path, required=True, help="the nbgrader course folder")
    q.add_argument("--out", type=Path, help="working folder (default: DIR/grader/DAY)")
    q.add_argument("--db", help="gradebook URL (default: sqlite:///DIR/gradebook.db)")
    q.add_argument("--jobs", type=int, help="students graded at once (default: one per core)")
    q.add_argument("--seed", type=int, help="the random inputs of every student (default: new ones each run)")
    q.add_argument("--timeout", type=float, help="seconds per call of student code (default 10)")
    q.add_argument("--force", action="store_true", help="regrade every student, even unchanged ones")
    q.add_argument("--require-sandbox", action="store_true", help="refuse to run without bubblewrap")
    q.set_defaults(_run=run_import)
    return p


def run(args) -> int:
    from grader.cli import UsageError
    from grader.course import load_day
    from grader.integrations.nbgrader_course import CourseError, build_course

    day = load_day(args.day)
    solutions = args.solutions or Path("solutions") / day.id
    if not solutions.is_dir():
        hint = "" if args.solutions else " (run it from the course repository, or pass --solutions DIR)"
        raise UsageError(f"no folder {solutions}{hint}")
    if args.course.exists() and not args.course.is_dir():
        raise UsageError(f"{args.course} exists and is not a folder")
    try:
        written = build_course(day, args.course, solutions, course_id=args.course_id, exercises=args.exercises or None)
    except CourseError as exc:
        raise UsageError(str(exc)) from None
    for path in written:
        print(f"wrote {path}")
    print(f"next, in {args.course}: nbgrader generate_assignment {day.id}")
    return 0


def run_import(args) -> int:
    import sys

    from grader.batch import Options, Reporter
    from grader.cli import UsageError
    from grader.course import load_day
    from grader.integrations.nbgrader_gradebook import GradebookError, import_submitted

    day = load_day(args.day)
    if not args.course.is_dir():
        raise UsageError(f"no course folder {args.course}")
    check_grading_numbers(args)

    class Progress(Reporter):  # one line per event on stderr; stdout is the per-student result
        def warn(self, text):
            print(f"WARNING: {text}", file=sys.stderr)

        def info(self, text):
            print(text, file=sys.stderr)

        def advance(self, student, score, max_score, status):
            print(f"graded {student}: {score:g} / {max_score:g}" + ("" if status == "graded" else f" ({status})"),
                  file=sys.stderr, flush=True)

    options = Options(jobs=args.jobs, force=args.force, seed=args.seed, timeout=args.timeout,
                      require_sandbox=args.require_sandbox)
    try:
        results = import_submitted(args.course, day, out=args.out, options=options, reporter=Progress(),
                                   db_url=args.db)
    except GradebookError as exc:
        raise UsageError(str(exc)) from None
    for student in results:
        print(f"{student.student}: {student.score:g} / {student.max_score:g}")
        for line in student.changed:
            print(f"  changed {line}")
    changed = sum(bool(r.changed) for r in results)
    print(f"wrote the {day.id} grades of {len(results)} student(s) into the gradebook"
          + (f"; {changed} had scores that differed from the gradebook's" if changed else ""))
    return 0
