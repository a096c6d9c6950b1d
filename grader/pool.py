"""The grading processes of a batch run, and the coordinator's loop that keeps them busy.

    run_pool(day, todo, jobs, config, reporter, started) -> students the grader failed on

Each grading process loads pytest and the suites once (grader.suite_session),
then takes the run's settings (its first message) and grades one task after
another: it unpacks the submission into OUT/.work/<its pid>, runs it in the
sandbox, writes that student's feedback and then their record, each
atomically, and says "done". A process that dies mid-submission (never the
student's doing: their code runs in the sandbox) is replaced and the
submission tried again once.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import time
from collections import deque
from multiprocessing.connection import wait
from pathlib import Path
from typing import Callable

from grader import gradebook, helpers, submissions, threads
from grader.course import Day
from grader.results import DayResult

_SUBMISSIONS = itertools.count(1)  # this grading process's submissions, in order
RETRIES = 1  # a grading process that dies mid-submission (not the student's doing) gets one more try
UNREADABLE = "could not be read"  # a record's status when the grader was not allowed to read the submission


class _Slot:
    def __init__(self, day: Day, cpu: int | None, config: dict):
        context = helpers.context()  # a fork of a clean process with NumPy and pytest loaded
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_grading_process, args=(child, day, os.getpid(), cpu), daemon=True)
        self.process.start()
        child.close()
        self.conn.send(config)  # the run's settings: the process starts its sandbox (grader.sandbox)
        self.cpu = cpu
        self.task: dict | None = None
        self.crash = ""  # what a grading process reported before it gave up

    def ask_to_stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass

    def stop(self) -> None:
        self.ask_to_stop()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def start_slots(day: Day, jobs: int, config: dict) -> list[_Slot]:
    """Grading processes, one per job, each on a core of its own when there are enough.

    A grading process and its worker take turns (one waits while the other runs): on a core of
    their own each wakes the other without a cross-core wake-up, which measured about 5% less
    CPU per submission than letting them wander."""
    cpus = cpus_here()
    pinned = cpus if jobs <= len(cpus) else [None] * jobs
    return [_Slot(day, pinned[i], config) for i in range(jobs)]


def stop(slots: list[_Slot]) -> None:
    for slot in slots:  # all at once: each takes a moment to wind down
        slot.ask_to_stop()
    for slot in slots:
        slot.stop()
    slots.clear()


def run_pool(day: Day, todo: list[dict], jobs: int, config: dict, reporter, started: list[_Slot],
             on_done: Callable[[str], object] = lambda student: None) -> list[str]:
    """Grade `todo` in `jobs` processes, taking them from `started` first (each was started with
    the day and this `config`, the rest of the run's settings); the students the grader failed on.
    on_done(student) is called once a student's record is written."""
    from grader.runner import GraderError

    pending, tries, failed = deque(todo), {}, []
    slots = started[:jobs] or start_slots(day, jobs, config)  # started early: as many or more
    del started[:jobs]
    try:
        while pending or any(s.task for s in slots):
            for slot in slots:
                if slot.task is None and pending:
                    slot.task = pending.popleft()
                    slot.conn.send(slot.task)
            busy = [s for s in slots if s.task]
            wait([s.conn for s in busy] + [s.process.sentinel for s in busy], timeout=1.0)
            for index, slot in enumerate(slots):
                if slot.task is None:
                    continue
                message = None
                try:
                    if slot.conn.poll():
                        message = slot.conn.recv()
                except (EOFError, OSError):
                    message = None
                if message and message[0] == "fatal":
                    raise GraderError(message[1])
                if message and message[0] == "crashed":
                    slot.process.join(timeout=10)
                    slot.crash = message[1]
                if message and message[0] == "done":
                    _, student, score, max_score, status = message
                    slot.task = None
                    reporter.advance(student, score, max_score, status)
                    on_done(student)
                    continue
                if not slot.process.is_alive():  # died mid-submission: the grader's fault, try again
                    task = slot.task
                    tries[task["student"]] = tries.get(task["student"], 0) + 1
                    if tries[task["student"]] <= RETRIES:
                        pending.appendleft(task)
                    else:
                        why = slot.crash or f"its grading process ended with code {slot.process.exitcode}"
                        _write_failure(day, config, task, why)
                        failed.append(task["student"])
                        reporter.advance(task["student"], 0.0, day.max_score, "grader failed")
                    slots[index] = _Slot(day, slot.cpu, config)
    finally:
        stop(slots)
    return failed


def _write_failure(day: Day, config: dict, task: dict, why: str) -> None:
    result = gradebook.ungraded(day, task["seed"], why)
    gradebook.save_record(Path(config["out"]), task["student"], _record(task, config, result, "grader failed", 0.0))


def _record(task: dict, config: dict, result: DayResult, status: str, seconds: float) -> dict:
    return {
        "student": task["student"], "source": Path(task["path"]).name, "kind": task["kind"],
        "fingerprint": task["fingerprint"], "settings": config["settings"], "status": status,
        "seconds": round(seconds, 3), "graded_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "result": result.to_json(reveal_hidden=True),
    }


# --------------------------------------------------------------------------- one grading process


def _die_with_parent(parent: int) -> None:
    """If the coordinator is killed (kill -9), this process and its sandboxes go too.

    Started by the fork server (grader.helpers), this process dies with the server, which ends
    as soon as the coordinator has gone; spawned, it dies with the coordinator itself."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent and not _alive(parent):  # it went before the line above
        os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:  # gone (or its number taken by someone else's process)
        return False
    return True


def _no_wakeup_preemption() -> None:
    """SCHED_BATCH for this process, its sandbox and its workers: with requests sent ahead
    (grader.ahead) the worker runs several calls in a row, and this process, woken by each
    answer, would otherwise take the core back at every one (the two together measured about
    a tenth less CPU a submission; either alone, little)."""
    try:
        os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
    except (AttributeError, OSError):  # not Linux: the default policy
        pass


def _grading_process(conn, day: Day, parent: int, cpu: int | None = None) -> None:
    """Collect the suites, then take the run's settings (the first message, sent as this process
    started), start the sandbox and grade one task after another until told to stop."""
    _die_with_parent(parent)
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})  # before the sandbox starts: its workers inherit the core
    threads.one_blas_thread()  # one core per grading process, as the workers have
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the coordinator's to handle
    _no_wakeup_preemption()

    from grader import sandbox, suite_session
    from grader.runner import GraderError

    current: dict = {}
    config: dict = {}
    out = staging = box = None

    def rounds():
        nonlocal out, staging, box
        try:
            config.update(conn.recv())  # sent by _Slot as it starts this process
        except (EOFError, OSError):
            return
        out = Path(config["out"])
        staging = out / ".work" / str(os.getpid())  # this process's submissions, one at a time
        staging.mkdir(mode=0o755, parents=True, exist_ok=True)
        if config["bwrap"]:
            box = sandbox.Bubblewrap(config["bwrap"], staging if config["forking"] else None)
            box.warm()  # the zygote starts before the first submission arrives
        else:
            box = sandbox.RlimitsOnly(config["reason"], other_uid=config["other_uid"])
        while True:
            try:
                task = conn.recv()
            except (EOFError, OSError):
                return
            if task is None:
                return
            current.clear()
            current.update(task=task, started=time.monotonic())
            yield _prepare(task, day, staging, box, config, current)

    def finished(job, result: DayResult) -> None:
        task = current["task"]
        result.notes[:0] = current.get("notes", [])
        status = current.get("status") or ("graded" if job.submission is not None else "nothing to grade")
        digests = gradebook.write_feedback(out, task["student"], result)
        record = _record(task, config, result, status, time.monotonic() - current["started"]) | {"feedback": digests}
        gradebook.save_record(out, task["student"], record)  # last: its presence means "done"
        for prepared in current.get("prepared", []):
            prepared.cleanup()
        shutil.rmtree(current["work"], ignore_errors=True)
        conn.send(("done", task["student"], result.score, result.max_score, status))

    try:
        suite_session.serve(day, rounds(), finished)
        if box is not None:
            box.close()
        os._exit(0)  # all written and said: finalizing pytest and NumPy would only hold the run up
    except GraderError as exc:  # the suites are broken: no submission can be graded
        conn.send(("fatal", str(exc)))
    except OSError as exc:  # the output folder is full or gone: stop rather than lose results
        conn.send(("fatal", f"could not write the results to {out}: {exc.strerror or exc}"))
    except Exception as exc:  # a grader bug on this submission: report it, let a fresh process go on
        conn.send(("crashed", f"{type(exc).__name__}: {str(exc)[:300]}"))


def _prepare(task: dict, day: Day, staging: Path, box, config: dict, current: dict):
    from grader.suite_session import Round

    # A number, not the student's id: the zygote's memory, which every later worker inherits,
    # keeps the folder names it was sent, and a student could read earlier students' ids there.
    work = staging / f"submission-{next(_SUBMISSIONS)}"
    shutil.rmtree(work, ignore_errors=True)
    current["work"] = work
    sub = submissions.Submission(task["student"], Path(task["path"]), task["kind"], tuple(task["notes"]))
    try:
        unpacked = submissions.unpack(sub, work / "src", day)
    except OSError as exc:  # the instructor's side (permissions): said apart from an empty submission
        reason = f"the submission could not be read ({exc.strerror or exc})"
        current["notes"], current["status"] = [reason], UNREADABLE
        return Round(None, task["seed"], reason=reason)
    current["notes"] = unpacked.notes
    if unpacked.problem:
        current["notes"] = unpacked.notes + [unpacked.problem]
        return Round(None, task["seed"], reason=unpacked.problem)
    prepared = box.prepare(unpacked.folder)
    current["prepared"] = [prepared]
    return Round(prepared.submission, task["seed"], launcher=prepared.launcher, spawner=prepared.spawner,
                 timeout=config["timeout"], budget=config["budget"])


def cpus_here() -> list:
    """The CPUs this process may run on (None for each where that cannot be asked)."""
    try:
        return sorted(os.sched_getaffinity(0))
    except AttributeError:
        return [None] * (os.cpu_count() or 1)
