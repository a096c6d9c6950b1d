"""A grading process killed mid-submission (the grader's fault, not the student's) is replaced and the
submission graded again; one that dies on every try gets a "grader failed" row, retried by the next run."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from .classroom import append, copy_solutions, grade_argv, grades, processes_mentioning, record

MODULES = ("slopes", "losses")
ARGS = ("--exercises", ",".join(MODULES), "--seed", "5", "--timeout", "3", "--jobs", "1", "--require-sandbox")


def slow_class(root: Path) -> Path:
    subs = root / "submissions"
    copy_solutions(subs / "ada", MODULES)
    copy_solutions(subs / "hal", MODULES)  # loops in one function: a 3 s window to kill his grader in
    append(subs / "hal", "slopes", "def tangent_line(f, df, a):\n    while True:\n        pass\n")
    copy_solutions(subs / "zoe", MODULES)
    return subs


def grading_process_of(out: Path, student: str, deadline: float, killed: set) -> int:
    """The pid of a live grading process working on hal (`student`): its staging folder is
    .work/<pid>/submission-<n>/src, holding his endless loop (a killed one's stays until the run ends)."""
    while time.monotonic() < deadline:
        for module in (out / ".work").glob("*/submission-*/src/slopes.py"):
            pid = int(module.parents[2].name)
            try:
                his = "while True" in module.read_text()
            except OSError:  # cleaned up meanwhile
                continue
            if his and pid not in killed:
                return pid
        time.sleep(0.02)
    raise AssertionError(f"{student} was never staged by a live grading process")


def run_killing(subs: Path, out: Path, student: str, kills: int) -> subprocess.CompletedProcess:
    """Run `grader grade`, SIGKILL the grading process each time it stages `student` (`kills` times)."""
    run = subprocess.Popen(grade_argv(subs, out, *ARGS), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, cwd=out.parent)
    killed = set()
    try:
        for _ in range(kills):
            pid = grading_process_of(out, student, time.monotonic() + 60, killed)
            os.kill(pid, signal.SIGKILL)
            killed.add(pid)
        stdout, stderr = run.communicate(timeout=120)
    finally:
        run.kill()
    return subprocess.CompletedProcess(run.args, run.returncode, stdout, stderr)


def test_a_killed_grading_process_is_replaced_and_its_submission_graded_again(tmp_path):
    subs = slow_class(tmp_path)
    out = tmp_path / "graded"
    run = run_killing(subs, out, "hal", kills=1)
    assert run.returncode == 0, run.stderr
    rows = grades(out)
    assert sorted(rows) == ["ada", "hal", "zoe"]
    assert rows["ada"]["score"] == rows["zoe"]["score"] != "0"
    assert record(out, "hal")["status"] == "graded"
    assert "did not finish within 3 s" in (out / "feedback" / "hal.md").read_text()
    assert processes_mentioning(str(out)) == []


def test_a_submission_whose_grader_dies_every_time_gets_a_row_and_the_next_run_retries_it(tmp_path):
    subs = slow_class(tmp_path)
    out = tmp_path / "graded"
    run = run_killing(subs, out, "hal", kills=2)  # the first try and the one retry
    assert run.returncode == 1
    assert "the grader failed on 1 submission(s)" in run.stderr and "hal" in run.stderr
    rows = grades(out)
    assert sorted(rows) == ["ada", "hal", "zoe"] and rows["hal"]["score"] == "0"
    assert record(out, "hal")["status"] == "grader failed"
    assert "the grader could not grade this submission" in (out / "feedback" / "hal.md").read_text()

    again = subprocess.run(grade_argv(subs, out, *ARGS), capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert again.returncode == 0, again.stderr
    assert "2 unchanged since the last run, 1 to grade" in again.stderr
    assert record(out, "hal")["status"] == "graded"
