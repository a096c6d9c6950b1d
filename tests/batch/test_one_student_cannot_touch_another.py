"""What one student's code does in its worker must not change another student's grade, even
through what the grading process learns from a round (grader.ahead's plan of requests)."""

from __future__ import annotations

from .classroom import copy_solutions, grades, run_grade


def test_a_worker_that_renumbers_its_handles_cannot_make_the_next_students_fail(tmp_path):
    subs = tmp_path / "submissions"
    first = copy_solutions(subs / "aaron", ("rules",))  # graded first (--jobs 1): its requests become the plan
    (first / "rules.py").write_text("import grader.worker as _w\n_w._handles[0] = None  # handles now from 2\n"
                                    + (first / "rules.py").read_text())
    for student in ("bob", "carol"):
        copy_solutions(subs / student, ("rules",))
    out = tmp_path / "out"
    done = run_grade(subs, out, "--exercises", "rules", "--jobs", "1", "--seed", "7")
    assert done.returncode == 0, done.stderr
    assert {s: row["score"] for s, row in grades(out).items()} == {"aaron": "10", "bob": "10", "carol": "10"}
