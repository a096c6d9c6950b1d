"""The `grader` console script when its surroundings misbehave: unreadable folders, a closed or
full stdout, a reader that leaves early, Ctrl-C, a hostile hint file, a deleted current folder,
a module hidden by PYTHONPATH, options among the exercise names. Each runs the real CLI."""

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import EXERCISES, ROOT, SOLUTIONS
from tests.feedback.test_watch_command import MISSING_2, watched  # noqa: F401 - watched is a fixture
from tests.test_cli import GRADER, grader

STATUS = ["status", "day13", "--json", "--path", str(SOLUTIONS)]


def shell(script: str, *args, cwd=ROOT, timeout=120):
    """`sh -c script grader args...`: for redirections that subprocess cannot express (>&-)."""
    return subprocess.run(["sh", "-c", script, GRADER, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


def without_dac_override(*args, cwd=ROOT):
    """The grader as root but without the capabilities that skip permission checks, so that
    EACCES happens as it does for a student (setpriv drops them from the bounding set)."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv, to run the grader without CAP_DAC_OVERRIDE "
                    "(as root, every file is readable)")
    return subprocess.run(["setpriv", "--bounding-set", "-dac_override,-dac_read_search", GRADER, *args],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


def with_pythonpath(folder) -> dict:
    """The environment with folder first on PYTHONPATH (what was there stays, after it)."""
    return dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")])))


@pytest.fixture
def stubs(tmp_path):
    target = tmp_path / "exercises"
    shutil.copytree(EXERCISES, target, ignore=shutil.ignore_patterns("__pycache__", ".grader-hints.json"))
    return target


def no_traceback(run):
    text = run.stdout + run.stderr
    assert "Traceback" not in text and "internal error" not in text, text


# --- environment problems: exit 2 and one line, never 3 --------------------------------------

@pytest.mark.parametrize("command", [["check", "day13"], ["list", "day13"], ["watch", "day13"],
                                     ["hint", "day13", "losses"]])
def test_an_unreadable_folder_is_exit_2_not_an_internal_error(tmp_path, command):
    locked = tmp_path / "locked"
    shutil.copytree(SOLUTIONS, locked, ignore=shutil.ignore_patterns("__pycache__"))
    locked.chmod(0)
    try:
        for path in (locked, locked / "inside"):
            run = without_dac_override(*command, "--path", str(path))
            assert run.returncode == 2, run.stderr
            assert f"cannot read {path}: Permission denied" in run.stderr
            no_traceback(run)
    finally:
        locked.chmod(0o755)


@pytest.mark.parametrize("args", [["check", "day13"], ["check", "day13", "--json"], ["list", "day13", "--json"]])
def test_a_closed_stdout_is_exit_2_with_a_message(args):
    run = shell('exec "$0" "$@" >&-', *args)
    assert run.returncode == 2, run.stderr
    assert "grader: error: cannot write the report: standard output is closed" in run.stderr
    no_traceback(run)


@pytest.mark.parametrize("args", [["check", "day13"], ["check", "day13", "--json"], ["list", "day13"]])
def test_a_full_disk_on_stdout_is_exit_2_with_a_message(args):
    run = shell('exec "$0" "$@" > /dev/full', *args)
    assert run.returncode == 2, run.stderr
    assert "grader: error: cannot write the report: No space left on device" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    no_traceback(run)


def run_with_reader_gone(*args):
    """stdout is a pipe whose reader closed before anything was written: every write fails."""
    read_end, write_end = os.pipe()
    proc = subprocess.Popen([GRADER, *args], cwd=ROOT, stdout=write_end, stderr=subprocess.PIPE, text=True)
    os.close(write_end)
    os.close(read_end)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err


@pytest.mark.parametrize("args, code", [
    (STATUS, 0),
    (["check", "day13", "--path", str(SOLUTIONS)], 0),
    (["check", "day13", "slopes", "--json", "--path", str(SOLUTIONS)], 0),
    (["check", "day13"], 1),  # the untouched stubs fail
])
def test_a_reader_that_leaves_early_gets_the_verdict_quietly(args, code):
    returncode, err = run_with_reader_gone(*args)
    assert (returncode, err) == (code, "")


def test_a_deleted_current_folder_is_exit_2_with_a_message(tmp_path):
    gone = tmp_path / "gone"
    gone.mkdir()
    run = shell('cd "$1" && rmdir "$1" && exec "$0" check day13 --path "$2"', str(gone), str(SOLUTIONS))
    assert run.returncode == 2, run.stderr
    assert "the current folder no longer exists" in run.stderr
    no_traceback(run)


@pytest.mark.parametrize("module, args", [
    ("numpy", ["check", "day13"]),
    ("json", ["check", "day13"]),
    ("json", ["--version"]),
])
def test_a_module_hidden_by_a_file_on_pythonpath_is_named(tmp_path, module, args):
    (tmp_path / f"{module}.py").write_text("raise RuntimeError('not the real one')\n")
    run = subprocess.run([GRADER, *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env=with_pythonpath(tmp_path))
    assert run.returncode == 2, run.stderr
    assert (f"grader could not import {module}: a file {module}.py on PYTHONPATH hides it "
            f"({tmp_path / module}.py)") in run.stderr
    no_traceback(run)


def test_an_empty_module_hiding_json_is_named_when_it_is_used(tmp_path):
    (tmp_path / "json.py").write_text("")
    run = subprocess.run([GRADER, "check", "day13", "slopes", "--json", "--path", str(SOLUTIONS)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120, env=with_pythonpath(tmp_path))
    assert run.returncode == 2 and "a file json.py on PYTHONPATH hides it" in run.stderr, run.stderr


# --- Ctrl-C -------------------------------------------------------------------------------------

def interrupt_when(proc, ready, what: str, timeout: float = 60):
    """SIGINT to the whole process group (as a terminal's Ctrl-C) once ready() holds."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, f"ended before {what}: {proc.communicate()}"
        assert time.monotonic() < deadline, f"never {what}"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    return proc.communicate(timeout=60)


def start(argv, **kwargs):
    # As in a terminal, Ctrl-C is not ignored, even when the test run itself was started with `&`.
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL), **kwargs)


def test_ctrl_c_while_the_grader_still_imports_is_one_line_and_130(tmp_path):
    marker = tmp_path / "importing"
    # an import hook that holds the import of grader.runner, as a slow disk would
    (tmp_path / "sitecustomize.py").write_text(textwrap.dedent(f"""
        import pathlib, sys, time

        class Slow:
            def find_spec(self, name, path=None, target=None):
                if name == "grader.runner":
                    pathlib.Path({str(marker)!r}).touch()
                    time.sleep(60)
                return None

        sys.meta_path.insert(0, Slow())
    """))
    proc = start([GRADER, "check", "day13"], cwd=ROOT, env=with_pythonpath(tmp_path))
    out, err = interrupt_when(proc, marker.exists, "imported grader.runner")
    assert proc.returncode == 130, err
    assert err == "grader: error: interrupted\n"


def test_ctrl_c_during_grade_leaves_no_traceback_from_the_summary_plot_helper(tmp_path):
    pytest.importorskip("matplotlib")
    from tests.batch.classroom import GRADED, append, copy_solutions, grade_argv

    subs = tmp_path / "submissions"
    copy_solutions(subs / "ada")
    append(copy_solutions(subs / "slow"), "slopes", "import time\ntime.sleep(30)\n")

    def helper_ready() -> bool:
        """matplotlib is loaded in some process of the run: only the helper imports it."""
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                if int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[3]) != proc.pid:
                    continue  # not in the run's session
                if "/matplotlib/" in Path(f"/proc/{pid}/maps").read_text():
                    return True
            except (OSError, ValueError, IndexError):
                continue
        return False

    proc = start(grade_argv(subs, tmp_path / "out", "--exercises", ",".join(GRADED), "--timeout", "40",
                            "--jobs", "1"), cwd=tmp_path)
    out, err = interrupt_when(proc, helper_ready, "started the summary plot helper")
    assert proc.returncode == 130, err
    assert "interrupted" in err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err


# --- watch ------------------------------------------------------------------------------------

def test_watch_survives_a_file_name_that_is_not_utf8_and_stops_when_its_folder_goes(watched):
    folder, watcher = watched  # the watch tests' own fixture: a copy of the solutions, watched
    os.close(os.open(os.fsencode(folder) + b"/\xff.txt", os.O_WRONLY | os.O_CREAT, 0o644))
    watcher.wait_for("not UTF-8")
    time.sleep(0.5)  # a save while the new watcher is running
    path = folder / "losses.py"
    path.write_text(path.read_text().replace(*MISSING_2))
    watcher.wait_for("✗ losses: 5 / 10 points")
    shutil.rmtree(folder)
    watcher.wait_for(f"grader: error: {folder} was deleted or moved: stopped watching")
    assert watcher.proc.wait(timeout=20) == 2
    assert not any("Traceback" in line for line in watcher.seen), watcher.seen


# --- hints --------------------------------------------------------------------------------------

def hint(folder, *args):
    return grader("hint", "day13", *args, "--path", str(folder))


@pytest.mark.parametrize("content", [
    '{"format": 1, "days": {"day13": {"losses": ' + "9" * 5000 + "}}}",  # past int's digit limit
    "[" * 100_000,  # deeper than the JSON parser recurses
    '{"format": 1, "days": {"day13": {"losses": -4}}}',
    "{not json",
])
def test_a_damaged_hint_file_is_replaced_and_kept_as_a_backup(stubs, content):
    (stubs / ".grader-hints.json").write_text(content)
    run = hint(stubs, "losses")
    assert run.returncode == 0 and "Hint 1 of" in run.stdout, run.stderr
    backup = stubs / ".grader-hints.json.damaged"
    assert backup.read_text() == content
    assert f"kept as {backup}" in run.stderr and "could not be read" in run.stderr
    assert json.loads((stubs / ".grader-hints.json").read_text())["days"] == {"day13": {"losses": 1}}


def test_a_newer_format_is_left_alone_and_exit_2(stubs):
    newer = '{"format": 2, "days": {"day13": {"losses": {"seen": [1, 2]}}}}\n'
    (stubs / ".grader-hints.json").write_text(newer)
    for args in (["losses"], ["losses", "--reset"]):
        run = hint(stubs, *args)
        assert run.returncode == 2 and "written by a newer grader (format 2" in run.stderr, run.stderr
        assert (stubs / ".grader-hints.json").read_text() == newer
    assert not (stubs / ".grader-hints.json.damaged").exists()


def test_an_unreadable_hint_file_is_left_alone_and_exit_2(stubs):
    progress = stubs / ".grader-hints.json"
    progress.write_text('{"format": 1, "days": {"day13": {"losses": 2}}}\n')
    progress.chmod(0)
    try:
        run = without_dac_override("hint", "day13", "losses", "--path", str(stubs))
        assert run.returncode == 2 and f"cannot read {progress}: Permission denied" in run.stderr, run.stderr
        no_traceback(run)
    finally:
        progress.chmod(0o644)
    assert json.loads(progress.read_text())["days"]["day13"]["losses"] == 2


@pytest.mark.parametrize("redirect", [">&-", "> /dev/full"])
def test_a_hint_that_could_not_be_shown_is_not_used_up(stubs, redirect):
    run = shell(f'exec "$0" hint day13 losses --path "$1" {redirect}', str(stubs))
    assert run.returncode == 2 and "cannot write the report" in run.stderr, run.stderr
    assert not (stubs / ".grader-hints.json").exists()
    returncode, _ = run_with_reader_gone("hint", "day13", "losses", "--path", str(stubs))
    assert returncode == 1 and not (stubs / ".grader-hints.json").exists()
    assert "Hint 1 of" in hint(stubs, "losses").stdout


def test_the_next_hint_command_keeps_the_path(tmp_path):
    notebook = tmp_path / "my work.ipynb"
    notebook.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    run = hint(notebook, "losses")
    assert run.returncode == 0, run.stderr
    assert f"`grader hint day13 losses --path '{notebook}'` again shows the next one" in run.stdout


# --- arguments ----------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["--json", "losses"],
    ["--seed", "5", "losses", "--json"],
    ["losses", "losses", "--json"],
    ["--json", "losses", "slopes", "losses"],
])
def test_options_may_come_between_exercise_names_and_a_repeated_name_counts_once(args):
    run = grader("check", "day13", "--path", str(SOLUTIONS), *args)
    assert run.returncode == 0, run.stderr
    names = [name for name in args if name in ("losses", "slopes")]
    assert [e["id"] for e in json.loads(run.stdout)["exercises"]] == list(dict.fromkeys(names))


def test_hint_reset_may_come_before_the_exercise(stubs):
    hint(stubs, "losses")
    run = grader("hint", "day13", "--reset", "losses", "--path", str(stubs))
    assert run.returncode == 0 and "Forgot the hints shown for losses" in run.stdout, run.stderr


@pytest.mark.parametrize("args, message", [
    (["--seed", "18446744073709551615"], "--seed takes a whole number from 0 to 2**63 - 1"),
    (["--timeout", "1e-9"], "--timeout takes seconds between 0.05 and 3600"),
    (["--timeout", "nan"], "--timeout takes seconds between 0.05 and 3600"),
])
def test_out_of_range_numbers_say_the_range(args, message):
    run = grader("check", "day13", *args)
    assert run.returncode == 2 and f"grader: error: {message}" in run.stderr, run.stderr
