"""Requests sent ahead (grader.ahead), with real workers.

A round that follows a plan gets its calls run before the tests ask for them,
each exactly once, in order; a request the plan does not hold gets a fresh
worker with the same modules imported, so no answer reflects a call the tests
did not make.
"""

import os
import time
from pathlib import Path

import numpy as np
import pytest

from grader.ahead import CALLS_AHEAD, Plan
from grader.student import StudentProcess, WorkerDied

MODULE = '''
import os

LOG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "log.txt")
with open(LOG, "a") as log:
    log.write(f"import {__name__} {os.getpid()}\\n")
calls = 0


def note(x):
    global calls
    calls += 1
    with open(LOG, "a") as log:
        log.write(f"note {x} {os.getpid()}\\n")
    return calls


def other():
    return os.getpid()


def total(values):
    note(int(values[0]))
    return float(values.sum())


def leave():
    if os.path.exists(os.path.join(os.path.dirname(LOG), "leave")):
        os._exit(0)
    return 0
'''


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "calls.py").write_text(MODULE)
    (tmp_path / "more.py").write_text(MODULE)
    return tmp_path


def _log(folder) -> list[str]:
    path = folder / "log.txt"
    return path.read_text().split("\n")[:-1] if path.exists() else []


def _learned(folder, values) -> Plan:
    """A plan from a first round that called note(v) for each v."""
    plan = Plan()
    with StudentProcess(folder, plan=plan) as student:
        assert [student.calls.note(v) for v in values] == list(range(1, len(values) + 1))
        history = student.history
    plan.learn(history)
    (folder / "log.txt").unlink()
    return plan


def _state(pid: int) -> str:
    """R, S, Z (ended, not yet reaped)... of a process of ours."""
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]


def _wait_for(folder, lines: int) -> list[str]:
    deadline = time.monotonic() + 10
    while len(_log(folder)) < lines and time.monotonic() < deadline:
        time.sleep(0.01)
    return _log(folder)


def test_a_round_that_follows_the_plan_gets_its_calls_run_ahead_each_once(folder):
    values = list(range(1, 6))
    plan = _learned(folder, values)
    assert len(plan.frames) == 1 + len(values)  # the import, then each call
    with StudentProcess(folder, plan=plan) as student:
        assert student.calls.note(1) == 1
        # Before the next call is asked for, the worker has run every planned one.
        log = _wait_for(folder, 1 + len(values))
        assert [line.split()[:2] for line in log] == [["import", "calls"]] + [["note", str(v)] for v in values]
        assert [student.calls.note(v) for v in values[1:]] == values[1:]
        assert student.history == plan.frames  # the same requests: what the next plan is made of
    assert len(_log(folder)) == 1 + len(values)  # nothing ran twice


def test_no_more_than_a_few_calls_run_ahead(folder):
    values = list(range(CALLS_AHEAD + 10))
    plan = _learned(folder, values)
    with StudentProcess(folder, plan=plan) as student:
        student.calls.note(0)
        log = _wait_for(folder, 1 + 1 + CALLS_AHEAD)
        time.sleep(0.3)  # more would have arrived by now
        assert len(_log(folder)) == len(log) == 1 + 1 + CALLS_AHEAD


def test_a_request_off_the_plan_gets_a_fresh_worker_with_the_same_imports(folder):
    plan = Plan()
    with StudentProcess(folder, plan=plan) as student:
        student.more.note(0)
        for v in (1, 2, 3, 4):
            student.calls.note(v)
        plan.learn(student.history)
    (folder / "log.txt").unlink()
    with StudentProcess(folder, plan=plan) as student:
        assert student.more.note(0) == 1
        assert student.calls.note(1) == 1
        first = _wait_for(folder, 7)  # note 2, 3 and 4 ran ahead
        old_pid = int(first[0].split()[2])
        new_pid = student.calls.other()  # not what the plan holds next
        assert new_pid != old_pid
        with pytest.raises(ProcessLookupError):
            os.kill(old_pid, 0)  # the worker that ran ahead is gone (and reaped)
        # Both modules were imported again, in their order, before the call; their state starts
        # from there: the calls run ahead for nothing are not counted, nor those of the old worker.
        assert _log(folder)[len(first):] == [f"import more {new_pid}", f"import calls {new_pid}"]
        assert student.calls.note(2) == 1
        assert student.history is None  # two workers served this round: not a plan


def test_without_a_plan_nothing_is_sent_ahead(folder):
    with StudentProcess(folder) as student:
        assert student.calls.note(1) == 1
        assert student.history is None
    with StudentProcess(folder, plan=Plan()) as student:  # an empty plan: the first round of a batch
        assert student.calls.note(1) == 1
        assert student.calls.note(2) == 2
        assert len(student.history) == 3  # the import and the two calls


def test_a_worker_that_ends_in_a_request_sent_ahead_is_blamed_on_that_request(folder):
    plan = Plan()
    with StudentProcess(folder, plan=plan) as student:
        student.calls.note(1)
        student.calls.note(2)
        assert student.calls.leave() == 0
        for v in range(3, 3 + 2 * CALLS_AHEAD):  # requests still to go ahead after the worker has ended
            student.calls.note(v)
        plan.learn(student.history)
    (folder / "log.txt").unlink()
    (folder / "leave").touch()  # from now on leave() ends the worker
    with StudentProcess(folder, plan=plan) as student:
        assert student.calls.note(1) == 1
        pid = int(_wait_for(folder, 3)[-1].split()[2])
        deadline = time.monotonic() + 10
        while _state(pid) != "Z" and time.monotonic() < deadline:  # it ends before the tests get there
            time.sleep(0.01)
        assert _state(pid) == "Z"
        assert student.calls.note(2) == 2  # answered before it ended
        with pytest.raises(WorkerDied, match=r"ended during calls.leave \(exit code 0"):
            student.calls.leave()
        assert student.calls.note(3) == 1  # a fresh worker
        assert student.history is None


def test_requests_larger_than_the_pipe_go_ahead_in_pieces_and_arrive_whole(folder):
    arrays = [np.full(30_000, float(i)) for i in range(1, 6)]  # 240 kB each: more than a pipe holds
    plan = Plan()
    with StudentProcess(folder, plan=plan) as student:
        sums = [student.calls.total(a) for a in arrays]
        plan.learn(student.history)
    assert min(len(frame) for frame in plan.frames[1:]) > 200_000
    (folder / "log.txt").unlink()
    with StudentProcess(folder, plan=plan) as student:
        assert student.calls.total(arrays[0]) == sums[0]
        log = _wait_for(folder, 3)  # the import, this call, and the next one, which went ahead in pieces
        assert [line.split()[:2] for line in log[:3]] == [["import", "calls"], ["note", "1"], ["note", "2"]]
        assert [student.calls.total(a) for a in arrays[1:]] == sums[1:]
        assert student.history == plan.frames
    assert [line.split()[1] for line in _log(folder)[1:]] == ["1", "2", "3", "4", "5"]  # each once, in order


def test_closing_never_waits_for_room_in_a_full_request_pipe(folder):
    student = StudentProcess(folder)
    student.calls.note(1)
    while True:  # fill the request pipe, as requests sent ahead can, while the worker is busy elsewhere
        try:
            os.write(student._req_w, b"\0" * 65536)
        except BlockingIOError:
            break
    os.kill(student._proc.popen.pid, 19)  # SIGSTOP: the worker reads nothing more
    started = time.monotonic()
    student.close()
    assert time.monotonic() - started < 5
