"""`grader grade`'s answers to bad input and a missing sandbox: a clear line and a non-zero exit."""

from __future__ import annotations

import csv
import fcntl
import os
import shutil
import subprocess

import pytest

from .classroom import GRADER, copy_solutions, notebook, run_grade, solution_body


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


def test_student_ids_as_downloads_name_them_each_get_a_row_even_near_the_file_name_limit(tmp_path):
    """Ids from an LMS download: spaces, accents, a leading dash, and names at the 255-byte limit,
    for which the temporary names of atomic writes would be too long (this once stopped the run)."""
    from grader.gradebook import file_stem

    subs = tmp_path / "submissions"
    long_ascii = "smith_john_1234_" + "x" * 239  # 255 bytes: the longest name a folder can have
    long_accents = "é" * 125  # 250 bytes of two-byte characters
    ids = ["-rf", "Zoë Müller 42", long_ascii, long_accents]
    for student in ids:
        copy_solutions(subs / student, ("losses",))
    (subs / long_accents / "losses.py").write_text("def mse(y_pred, y):\n    return 0.0\n")  # a wrong one, too
    out = tmp_path / "out"
    done = run_grade(subs, out, "--exercises", "losses", "--jobs", "2")
    assert done.returncode == 0, done.stderr
    rows = {row.split(",")[0]: row.split(",")[1] for row in (out / "grades.csv").read_text().splitlines()[1:]}
    assert set(rows) == {"'-rf", "Zoë Müller 42", long_ascii, long_accents}  # a spreadsheet reads -rf as a formula
    assert float(rows[long_ascii]) == 10 and float(rows[long_accents]) < 10
    for student in ids:
        for kind in ("json", "md"):
            path = out / "feedback" / f"{file_stem(student)}.{kind}"
            assert len(path.name.encode()) <= 255 and path.is_file(), path.name
        assert (out / "results" / f"{file_stem(student)}.json").is_file()
    assert "é" * 80 in (out / "feedback" / f"{file_stem(long_accents)}.md").read_text()  # named in full inside
    again = run_grade(subs, out, "--exercises", "losses", "--jobs", "2")
    assert again.returncode == 0 and "4 unchanged since the last run, 0 to grade" in again.stderr


def test_file_stems_keep_short_ids_and_keep_long_ones_apart():
    from grader.gradebook import MAX_STEM_BYTES, file_stem

    assert file_stem("Zoë Müller 42") == "Zoë Müller 42"
    first, second = "a" * 300 + "1", "a" * 300 + "2"  # the same first 300 bytes
    assert file_stem(first) != file_stem(second) and file_stem(first) == file_stem(first)
    accents = file_stem("é" * 200)
    assert len(accents.encode()) <= MAX_STEM_BYTES and accents.startswith("é" * 50)  # no half character


def test_a_folder_name_that_is_not_utf8_gets_its_row_and_feedback(tmp_path):
    """A folder unzipped from another system can be named in Latin-1 (b'Zo\\xeb'): the run goes on,
    and the id reads Zo\\xeb in grades.csv, the feedback and the progress lines."""
    subs = tmp_path / "submissions"
    latin1 = os.fsdecode(b"Zo\xeb")
    copy_solutions(subs / latin1, ("losses",))
    copy_solutions(subs / "ada" / os.fsdecode(b"L\xf6sung"), ("losses",))  # two folders: the note names both
    copy_solutions(subs / "ada" / "old", ("losses",))
    notebook(subs / os.fsdecode(b"B\xe4r.ipynb"), [("# module: losses\n" + solution_body("losses"), [])])
    out = tmp_path / "out"
    done = run_grade(subs, out, "--exercises", "losses", "--jobs", "1")
    assert done.returncode == 0, done.stderr
    assert "Zo\\xeb 10/10" in done.stderr
    assert (out / "grades.csv").read_text().splitlines()[1:] == [
        "B\\xe4r,10,10,10", "Zo\\xeb,10,10,10", "ada,10,10,10"]
    feedback_md = out / "feedback" / f"{latin1}.md"  # the file keeps the folder's own bytes
    assert feedback_md.read_text().startswith("# day13: feedback for Zo\\xeb")
    assert "L\\xf6sung/" in (out / "feedback" / "ada.md").read_text()


def test_an_id_a_spreadsheet_would_run_as_a_formula_is_written_as_text(tmp_path):
    subs = tmp_path / "submissions"
    for student in ('=HYPERLINK("x.example","open")', "@SUM(1)", "-2+3", "ada-lovelace"):
        copy_solutions(subs / student, ("losses",))
    out = tmp_path / "out"
    done = run_grade(subs, out, "--exercises", "losses", "--jobs", "1")
    assert done.returncode == 0, done.stderr
    with open(out / "grades.csv", newline="") as handle:
        ids = [row[0] for row in list(csv.reader(handle))[1:]]
    assert ids == ["'-2+3", """'=HYPERLINK("x.example","open")""", "'@SUM(1)", "ada-lovelace"]
    assert (out / "feedback" / "-2+3.md").exists()  # the files keep the id as it is


def test_grading_fewer_exercises_never_silently_replaces_the_grades_of_the_others(tmp_path):
    subs = tmp_path / "submissions"
    copy_solutions(subs / "ada", ("slopes", "losses"))
    out = tmp_path / "out"
    assert run_grade(subs, out, "--exercises", "slopes,losses", "--seed", "3").returncode == 0
    record = (out / "results" / "ada.json").read_bytes()
    narrower = run_grade(subs, out, "--exercises", "losses", "--seed", "3")
    assert narrower.returncode == 2 and "grades of other exercises too (ada: slopes)" in narrower.stderr
    assert (out / "results" / "ada.json").read_bytes() == record
    wider = run_grade(subs, out, "--exercises", "losses,slopes,activations", "--seed", "3")  # loses nothing
    assert wider.returncode == 0
    forced = run_grade(subs, out, "--exercises", "losses,losses", "--seed", "3", "--force")  # counted once
    assert forced.returncode == 0
    assert (out / "grades.csv").read_text().splitlines() == ["student,score,max_score,losses", "ada,10,10,10"]
    empty = run_grade(subs, tmp_path / "out2", "--exercises", ",")
    assert empty.returncode == 2 and "--exercises takes exercise ids" in empty.stderr


def test_a_student_who_left_keeps_the_record_but_not_a_stale_feedback_file(tmp_path):
    subs = tmp_path / "submissions"
    for student in ("ada", "bob"):
        copy_solutions(subs / student, ("losses",))
    out = tmp_path / "out"
    assert run_grade(subs, out, "--exercises", "losses").returncode == 0
    assert (out / "feedback" / "bob.md").exists()
    shutil.rmtree(subs / "bob")
    done = run_grade(subs, out, "--exercises", "losses")
    assert done.returncode == 0 and "no longer in" in done.stdout
    assert (out / "results" / "bob.json").exists()
    assert sorted(p.name for p in (out / "feedback").iterdir()) == ["ada.json", "ada.md"]


def test_when_the_time_budget_runs_out_the_feedback_says_so_not_a_crash_or_an_import_error(tmp_path):
    subs = tmp_path / "submissions"
    copy_solutions(subs / "ada", ("losses",))
    (subs / "ada" / "losses.py").write_text((subs / "ada" / "losses.py").read_text()
                                           + "\n\ndef mse(y_pred, y):\n    while True:\n        pass\n")
    out = tmp_path / "out"
    done = run_grade(subs, out, "--exercises", "losses", "--budget", "2", "--timeout", "5")
    assert done.returncode == 0, done.stderr
    feedback = (out / "feedback" / "ada.md").read_text()
    assert "used up its time budget of 2 s" in feedback
    assert "could not be imported" not in feedback and "SIGKILL" not in feedback


def test_names_are_shown_without_their_escape_codes_and_tool_folders_are_said_to_be_ignored(tmp_path):
    subs = tmp_path / "submissions"
    fake = "\x1b[2J\x1b[Hall 90 of 90"  # would clear the screen and draw a line of its own
    copy_solutions(subs / fake, ("losses",))
    copy_solutions(subs / "venv", ("losses",))  # a tool folder's name: never a student, but said
    done = run_grade(subs, tmp_path / "out", "--exercises", "losses", "--jobs", "1")
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout + done.stderr
    assert "\\x1b[2J\\x1b[Hall 90 of 90 10/10" in done.stderr  # the progress lines
    assert "ignored venv: a hidden or tool folder/file" in done.stdout + done.stderr
