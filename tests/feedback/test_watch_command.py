"""`grader watch`, for real: a subprocess watching a folder while this test edits files in it.

The test waits for the watcher's lines on its stdout (with deadlines, never
fixed sleeps for the verdicts), edits files the way editors do, and stops
it with Ctrl-C (SIGINT), as a student would.
"""

import os
import queue
import shutil
import signal
import subprocess
import threading
import time

import pytest

from tests.conftest import SOLUTIONS
from tests.test_cli import GRADER

MISSING_2 = ("return 2 * (np.asarray(y_pred) - np.asarray(y)) / np.size(y)",
             "return (np.asarray(y_pred) - np.asarray(y)) / np.size(y)")


class Watcher:
    """A running `grader watch` and the lines it printed so far."""

    def __init__(self, folder, *extra):
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        # As in a terminal, Ctrl-C is not ignored: a shell that starts the test run in the background
        # (`cmd &` without job control) makes every child ignore SIGINT.
        self.proc = subprocess.Popen([GRADER, "watch", "day13", "--path", str(folder), *extra],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                                     preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, needle: str, timeout: float = 60.0) -> list[str]:
        """Lines printed until one contains needle (AssertionError with the output if it never comes)."""
        deadline, got = time.monotonic() + timeout, []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            got.append(line)
            self.seen.append(line)
            if needle in line:
                return got
        raise AssertionError(f"no line with {needle!r} within {timeout:g} s; output so far:\n" + "\n".join(self.seen))

    def drain(self, quiet: float) -> list[str]:
        """Lines printed until nothing more comes for `quiet` seconds."""
        got = []
        while True:
            try:
                got.append(self.lines.get(timeout=quiet))
            except queue.Empty:
                self.seen.extend(got)
                return got

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise


@pytest.fixture
def watched(tmp_path):
    folder = tmp_path / "exercises"
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    watcher = Watcher(folder)
    try:
        watcher.wait_for("Watching")
        yield folder, watcher
    finally:
        if watcher.proc.poll() is None:
            watcher.proc.kill()
            watcher.proc.wait()


def test_a_save_is_checked_and_the_first_failure_shown_by_name(watched):
    folder, watcher = watched
    path = folder / "losses.py"
    path.write_text(path.read_text().replace(*MISSING_2))
    report = watcher.wait_for("lesson: docs/day13/05-losses.md")
    text = "\n".join(report)
    assert "losses.py saved" in text
    assert "✗ losses: 5 / 10 points" in text and "First: mse_grad" in text
    assert "mistake: missing factor 2" in text and "exactly half the expected one" in text
    path.write_text(path.read_text().replace(*reversed(MISSING_2)))
    assert "✓ losses: 10 / 10 points, every test passes." in watcher.wait_for("every test passes")[-1]
    assert watcher.stop() == 0
    assert "Stopped watching." in watcher.drain(1.0)


def test_one_burst_of_writes_is_one_check_and_other_files_are_ignored(watched):
    folder, watcher = watched
    (folder / "notes.txt").write_text("not an exercise\n")
    (folder / ".slopes.py.swp").write_text("an editor's swap file\n")
    path = folder / "slopes.py"
    source = path.read_text()
    for i in range(4):  # an editor writing one save in several steps
        path.write_text(source + f"\n# edit {i}\n")
        time.sleep(0.02)
    temporary = folder / "slopes.py.tmp"  # and another saving through a temporary file and a rename
    temporary.write_text(source)
    temporary.replace(path)
    watcher.wait_for("every test passes")
    later = watcher.drain(3.0)
    checks = [line for line in watcher.seen if "saved: checking" in line]
    assert checks == [line for line in checks if "slopes.py saved" in line] and len(checks) == 1, watcher.seen
    assert not later, later
    assert watcher.stop() == 0


def test_two_exercises_saved_together_are_both_checked(watched):
    folder, watcher = watched
    for name in ("rules", "gradients"):
        (folder / f"{name}.py").write_text((folder / f"{name}.py").read_text() + "\n")
    watcher.wait_for("rules: 10 / 10")
    watcher.wait_for("gradients: 10 / 10")
    assert watcher.stop() == 0


def test_ctrl_c_while_a_check_runs_stops_the_watcher(tmp_path):
    folder = tmp_path / "exercises"
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    watcher = Watcher(folder, "--timeout", "60")
    try:
        watcher.wait_for("Watching")
        path = folder / "losses.py"
        path.write_text(path.read_text() + "\n\nimport time\n\ndef mse(y_pred, y):\n    time.sleep(30)\n")
        watcher.wait_for("losses.py saved: checking")
        time.sleep(1.0)  # well inside the slow check
        started = time.monotonic()
        assert watcher.stop() == 0
        assert time.monotonic() - started < 15
        assert "Stopped watching." in watcher.drain(1.0)
        assert not any("grader: error" in line for line in watcher.seen), watcher.seen
    finally:
        if watcher.proc.poll() is None:
            watcher.proc.kill()
            watcher.proc.wait()
