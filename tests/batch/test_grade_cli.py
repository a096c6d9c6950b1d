"""`grader grade`'s answers to bad input and a missing sandbox: a clear line and a non-zero exit."""

from __future__ import annotations

import fcntl
import os
import subprocess

import pytest

from .classroom import GRADER, copy_solutions, run_grade


def grade(*args, env=None, cwd=None):
    return subprocess.run([GRADER, "grade", *args], capture_output=True, text=True, timeout=120, env=env, cwd=cwd)


@pytest.fixture
def one_student(tmp_path):
    copy_solutions(tmp_path / "submissions" / "ada", ("losses",))
    return tmp_path / "submissions"


def test_help_explains_inputs_outputs_resume_sandbox_and_exit_codes_in_one_screen():
    done = grade("--help")
    assert done.returncode == 0
    text = done.stdout
    for needle in (".zip", ".ipynb", "# module: losses", "grades.csv", "feedback/", "--jobs", "--force",
                   "run the same command again", "bubblewrap",
                   "--require-sandbox", "Exit status", "three levels down"):
        assert needle in text, needle
    assert len(text.splitlines()) <= 55


@pytest.mark.parametrize("args, needle", [
    (("day13", "{tmp}/nowhere", "--out", "{tmp}/out"), "no folder {tmp}/nowhere"),
    (("day99", "{subs}", "--out", "{tmp}/out"), "unknown day 'day99'"),
    (("day13", "{subs}", "--out", "{tmp}/out", "--exercises", "losses,nope"), "has no exercise 'nope'"),
    (("day13", "{subs}", "--out", "{tmp}/file.txt/out"), "cannot write to the output folder"),
    (("day13", "{subs}", "--out", "/proc/graded"), "cannot write to the output folder"),
    (("day13", "{subs}", "--out", "{subs}/graded"), "inside"),
    (("day13", "{tmp}/file.txt", "--out", "{tmp}/out"), "is not a folder"),
    (("day13", "{subs}", "--out", "{tmp}/out", "--jobs", "0"), "--jobs"),
    (("day13", "{tmp}/none", "--out", "{tmp}/out"), "no submissions in"),
])
def test_bad_input_exits_2_with_one_clear_line(tmp_path, one_student, args, needle):
    (tmp_path / "file.txt").write_text("a file, not a folder")
    (tmp_path / "none").mkdir()
    fill = {"tmp": str(tmp_path), "subs": str(one_student)}
    done = grade(*[a.format(**fill) for a in args])
    assert done.returncode == 2, done.stderr
    assert needle.format(**fill) in done.stderr
    assert "Traceback" not in done.stderr and done.stderr.count("grader: error:") == 1


def test_a_second_run_on_the_same_output_folder_waits_its_turn(tmp_path, one_student):
    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        done = grade("day13", str(one_student), "--out", str(out), "--exercises", "losses")
    assert done.returncode == 2 and "another `grader grade` is writing to" in done.stderr


def test_without_bubblewrap_it_warns_loudly_or_refuses_when_told(tmp_path, one_student):
    env = dict(os.environ, GRADER_BWRAP=str(tmp_path / "no-bwrap-here"))
    refused = run_grade(one_student, tmp_path / "refused", "--exercises", "losses", "--require-sandbox", env=env)
    assert refused.returncode == 2
    assert "no sandbox: bubblewrap is not installed" in refused.stderr
    assert not (tmp_path / "refused" / "grades.csv").exists()
    warned = run_grade(one_student, tmp_path / "warned", "--exercises", "losses", env=env)
    assert warned.returncode == 0, warned.stderr
    assert "WARNING: NO SANDBOX" in warned.stderr and "rlimits only" in warned.stdout
    assert (tmp_path / "warned" / "grades.csv").read_text().splitlines()[1] == "ada,10,10,10"


def test_output_closed_early_still_grades_everyone(tmp_path):
    """`grader grade ... 2>&1 | head -1`: the reader goes away after one line, the run does not."""
    subs = tmp_path / "submissions"
    for student in ("ada", "bob", "cy"):
        copy_solutions(subs / student, ("losses",))
    out = tmp_path / "out"
    read_end, write_end = os.pipe()
    run = subprocess.Popen([GRADER, "grade", "day13", str(subs), "--out", str(out), "--exercises", "losses",
                            "--jobs", "1"], stdout=write_end, stderr=write_end, stdin=subprocess.DEVNULL)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as reader:
        first = reader.readline()  # then nobody reads again: later writes meet a closed pipe
    assert first.startswith(b"3 submissions")
    assert run.wait(timeout=120) == 0
    rows = (out / "grades.csv").read_text().splitlines()
    assert [row.split(",")[:3] for row in rows[1:]] == [["ada", "10", "10"], ["bob", "10", "10"], ["cy", "10", "10"]]
    assert sorted(p.name for p in (out / "feedback").iterdir()) == [
        "ada.json", "ada.md", "bob.json", "bob.md", "cy.json", "cy.md"]
