"""A batch run can be killed at any moment and finished by running the same command again."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import time

import pytest

from .classroom import (
    STUBS, append, copy_solutions, grade_argv, make_zip, notebook, processes_mentioning, record, run_grade,
    solution_body,
)

MODULES = ("slopes", "losses")
ARGS = ("--exercises", ",".join(MODULES), "--seed", "11", "--timeout", "3", "--jobs", "2", "--require-sandbox")


def small_class(root):
    subs = root / "submissions"
    copy_solutions(subs / "ada", MODULES)
    copy_solutions(subs / "ben", MODULES)
    append(subs / "ben", "losses", "def mse_grad(y_pred, y):\n    return -2 * (y_pred - y) / y.size\n")
    copy_solutions(subs / "cy", MODULES, source=STUBS)
    make_zip(subs / "dee.zip", {f"work/{m}.py": solution_body(m) for m in MODULES})
    notebook(subs / "eve.ipynb", [(f"# module: {m}\n" + solution_body(m), []) for m in MODULES])
    copy_solutions(subs / "fay", MODULES)
    append(subs / "fay", "slopes", "def tangent_line(f, df, a):\n    while True:\n        pass\n")
    return subs


def final_files(out):
    """What an instructor keeps: grades.csv and every feedback file (JSON without the seed)."""
    files = {"grades.csv": (out / "grades.csv").read_text()}
    for path in sorted((out / "feedback").iterdir()):
        text = path.read_text()
        if path.suffix == ".json":
            data = json.loads(text)
            data.pop("seed")
            text = json.dumps(data, sort_keys=True)
        files[f"feedback/{path.name}"] = text
    return files


def counts(stderr: str) -> tuple[int, int]:
    """(unchanged, to grade) from the run's first line."""
    match = re.search(r"(\d+) unchanged since the last run, (\d+) to grade", stderr)
    assert match, stderr
    return int(match.group(1)), int(match.group(2))


def stray_files(out):
    return [str(p) for p in out.rglob("*") if p.name.endswith(".tmp") or ".work" in p.parts]


def test_kill_9_at_a_random_moment_then_the_same_command_gives_the_uninterrupted_files(tmp_path):
    subs = small_class(tmp_path)
    started = time.monotonic()
    reference = run_grade(subs, tmp_path / "reference", *ARGS)
    duration = time.monotonic() - started
    assert reference.returncode == 0, reference.stderr
    expected = final_files(tmp_path / "reference")
    assert len(expected) == 1 + 2 * 6

    out = tmp_path / "interrupted"
    moments = sorted(random.uniform(0.15, 0.85) * duration for _ in range(2))
    for delay in moments:  # killed twice, each time at a random moment of the run
        run = subprocess.Popen(grade_argv(subs, out, *ARGS), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True, cwd=tmp_path)
        time.sleep(delay)
        os.kill(run.pid, signal.SIGKILL)
        run.communicate(timeout=30)
        time.sleep(0.5)  # the kernel takes the grading processes and sandboxes down with it
        assert processes_mentioning(str(out)) == [], f"killed after {delay:.2f} s"
    done_before = len(list((out / "results").glob("*.json"))) if (out / "results").exists() else 0

    resumed = run_grade(subs, out, *ARGS)
    assert resumed.returncode == 0, resumed.stderr
    assert counts(resumed.stderr) == (done_before, 6 - done_before), f"killed after {moments}"
    assert final_files(out) == expected, f"killed after {moments}"
    assert stray_files(out) == []


def test_a_changed_submission_is_regraded_and_replaces_its_row_and_force_regrades_all(tmp_path):
    subs = small_class(tmp_path)
    out = tmp_path / "graded"
    first = run_grade(subs, out, *ARGS)
    assert first.returncode == 0, first.stderr
    rows = (out / "grades.csv").read_text().splitlines()
    assert rows[1].startswith("ada,20,") and rows[2].startswith("ben,")
    stamps = {s: record(out, s)["graded_at"] + str(os.stat(out / "results" / f"{s}.json").st_mtime_ns)
              for s in ("ada", "cy", "dee", "eve", "fay")}

    again = run_grade(subs, out, *ARGS)  # nothing changed: nothing graded
    assert counts(again.stderr) == (6, 0)
    assert (out / "grades.csv").read_text().splitlines() == rows

    (subs / "ben" / "losses.py").write_text(solution_body("losses"))  # ben fixes his bug
    fixed = run_grade(subs, out, *ARGS)
    assert counts(fixed.stderr) == (5, 1)
    new_rows = (out / "grades.csv").read_text().splitlines()
    assert new_rows[2].startswith("ben,20,") and len(new_rows) == len(rows)
    assert [r for i, r in enumerate(new_rows) if i != 2] == [r for i, r in enumerate(rows) if i != 2]
    assert {s: record(out, s)["graded_at"] + str(os.stat(out / "results" / f"{s}.json").st_mtime_ns)
            for s in stamps} == stamps  # the others were not touched

    forced = run_grade(subs, out, *ARGS, "--force")
    assert counts(forced.stderr) == (0, 6)
    assert (out / "grades.csv").read_text().splitlines() == new_rows  # same seed, same verdicts

    (subs / "eve.ipynb").unlink()  # a student withdraws: no row, and the run says so
    withdrawn = run_grade(subs, out, *ARGS)
    assert "eve" not in (out / "grades.csv").read_text()
    assert "no longer in" in withdrawn.stdout and "eve" in withdrawn.stdout


@pytest.mark.parametrize("change", ["seed", "exercises"])
def test_other_settings_regrade_everything(tmp_path, change):
    subs = tmp_path / "submissions"
    copy_solutions(subs / "ada", MODULES)
    out = tmp_path / "graded"
    assert run_grade(subs, out, *ARGS).returncode == 0
    # One more exercise (fewer would replace the others' grades: refused, see test_grade_cli.py)
    other = {"seed": ("--seed", "12"), "exercises": ("--exercises", "slopes,losses,rules")}[change]
    args = list(ARGS)
    position = args.index(other[0])
    args[position + 1] = other[1]
    rerun = run_grade(subs, out, *args)
    assert counts(rerun.stderr) == (0, 1)


def test_feedback_newer_than_its_record_or_missing_is_written_again_from_the_record(tmp_path):
    """A run killed between a regrade's feedback and its record, then the old record reused."""
    from grader import gradebook

    subs = tmp_path / "submissions"
    copy_solutions(subs / "ana", MODULES)
    copy_solutions(subs / "ben", MODULES)
    out = tmp_path / "out"
    assert run_grade(subs, out, *ARGS).returncode == 0
    good = (out / "feedback" / "ana.md").read_text()
    stale = out / "feedback" / "ana.md"
    stale.write_text("feedback of a grading that never finished\n")  # newer than ana's record
    (out / "feedback" / "ben.json").unlink()
    second = run_grade(subs, out, *ARGS)
    assert second.returncode == 0 and "2 unchanged" in second.stdout + second.stderr
    assert stale.read_text() == good
    assert (out / "feedback" / "ben.json").is_file()
    assert all(gradebook.feedback_matches(out, name, record(out, name)["feedback"]) for name in ("ana", "ben"))


def test_a_change_to_the_graders_own_code_regrades_and_its_bytecode_does_not(tmp_path):
    """A fix in unpacking or checking may judge differently, and the version is not bumped for each."""
    import shutil
    import sys
    from pathlib import Path

    import grader

    package = tmp_path / "code" / "grader"
    shutil.copytree(Path(grader.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    subs = tmp_path / "submissions"
    copy_solutions(subs / "ada", MODULES)
    out = tmp_path / "graded"
    env = dict(os.environ, PYTHONPATH=str(package.parent))

    def rerun():
        done = subprocess.run([sys.executable, "-m", "grader", *grade_argv(subs, out, *ARGS)[1:]],
                              capture_output=True, text=True, timeout=150, env=env, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        return counts(done.stderr)

    assert rerun() == (0, 1)
    (package / "__pycache__").mkdir(exist_ok=True)
    (package / "__pycache__" / "stale.pyc").write_bytes(b"\0")
    assert rerun() == (1, 0)
    with open(package / "submissions.py", "a") as code:
        code.write("\n# a fix that may judge differently\n")
    assert rerun() == (0, 1)
