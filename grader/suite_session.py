"""Collect a day's suites once and grade many submissions with them, in one pytest session.

grader.runner.run_day starts pytest afresh for every submission: plugin set-up
and collection cost about a tenth of a second each time. A batch grades
hundreds, so each batch process starts pytest once and, inside its test
loop, runs the collected items again for every submission that arrives, with
a fresh worker each time. Each test's fixtures are set up by grader.fixtures
(pytest's own machinery when a suite needs more than it does), and module and
session fixtures are dropped at the end of every round, so nothing a
submission's tests computed is seen by the next one -- except the grader's
own reference numbers, which depend on the inputs alone and are remembered
across rounds (grader.memo). Verdicts are recorded and scored by runner's own
plugin and scoring, so a batch result is the one `grader check` would give
(tests/batch/test_same_verdicts.py).
"""

from __future__ import annotations

import contextlib
import gc
import io
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from _pytest.outcomes import OutcomeException

from grader import ahead, memo
from grader.course import Day
from grader.fixtures import Fixtures
from grader.misconceptions import recording
from grader.results import DayResult, ExerciseResult, TestResult
from grader.runner import GraderError, _score, _Session, place_of, pytest_args
from grader.student import StudentProcess
from grader.worker import GC_THRESHOLDS


@dataclass
class Round:
    """One submission to grade: the folder the worker imports from, and how to start that worker."""

    submission: Path | None  # None: nothing gradable, every test fails with `reason`
    seed: int
    launcher: Callable | None = None
    spawner: Callable | None = None
    timeout: float | None = None
    reason: str = ""
    budget: float | None = None  # seconds for the whole submission; then every remaining call fails


def _stop(student: StudentProcess, budget: float) -> None:
    """Out of time (runs on the watchdog thread): kill the worker; every call still to come fails
    with this reason (StudentProcess.stopped), and so does the one waiting on the worker."""
    student.stopped = (f"grading stopped: this submission used up its time budget of {budget:g} s "
                       f"(several functions that never finish?)")
    student.kill()


def _all_failed(day: Day, items, seed: int, reason: str) -> DayResult:
    """The result of a submission with nothing to grade: every test failed, for one reason."""
    result = DayResult(day=day.id, seed=seed)
    for ex in day.exercises:
        exercise = ExerciseResult(id=ex.id, max_score=ex.max_score)
        places = [(item, place_of(item)) for item in items]
        for fn in ex.functions:
            covering = [(item, hidden) for item, (ex_id, function, hidden) in places
                        if ex_id == ex.id and function == fn.name]
            for item, hidden in covering:
                exercise.tests.append(TestResult(name=item.name, function=fn.name, passed=False, message=reason,
                                                 hidden=hidden or ex.visibility == "hidden",
                                                 max_points=fn.share(len(covering))))
        result.exercises.append(exercise)
    return result


class _Loop:
    """pytest plugin: replaces the test loop with one round per submission."""

    def __init__(self, day: Day, rounds: Iterator[Round], on_result):
        self.day, self.rounds, self.on_result = day, rounds, on_result
        self.recorder = _Session(day, None, 0)
        self.functions = {ex.id: {f.name for f in ex.functions} for ex in day.exercises}
        self.error: str | None = None
        self.failure: BaseException | None = None  # raised again once pytest has returned
        self.fixtures: Fixtures | None = None  # None: the suites need pytest's own fixture set-up
        self.plan = ahead.Plan()  # the requests of the last round in which every test passed

    def pytest_configure(self, config):
        # The verdicts use the exception itself; pytest's own report of a failure (source lines
        # of every frame) is never shown and cost 90% of the time of a submission that fails.
        config.option.tbstyle = "no"

    def pytest_collection_modifyitems(self, session, config, items):
        # A day may grade only some functions of a module (the benchmark's three-function
        # assignment does); tests of the others are not run.
        keep = [i for i in items if (place := place_of(i))[1] in self.functions.get(place[0], ())]
        dropped = [i for i in items if i not in keep]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = keep

    def pytest_runtestloop(self, session):
        if self.recorder.errors:
            self.error = "\n".join(self.recorder.errors)
            return True
        self.fixtures = Fixtures(session.config) if Fixtures.supports(session.items) else None
        # What pytest and the suites loaded stays for the whole batch: the collector need not
        # walk it again at every full collection, nor run as often as its default allows.
        thresholds = gc.get_threshold()
        gc.collect()
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)
        try:
            for job in self.rounds:
                self.on_result(job, self._grade(job, session.items))
        except BaseException as exc:  # pytest would swallow it as an internal error
            self.failure = exc
        finally:
            gc.set_threshold(*thresholds)
            gc.unfreeze()
        return True

    def _grade(self, job: Round, items) -> DayResult:
        rec = self.recorder
        rec.records, rec.notes, rec.seed = [], [], job.seed
        if job.submission is None:
            return _all_failed(self.day, items, job.seed, job.reason)
        kwargs = {"launcher": job.launcher, "spawner": job.spawner} | ({"timeout": job.timeout} if job.timeout else {})
        student = recording.RecordingStudent(job.submission, plan=self.plan, **kwargs)  # as runner.run_day does
        rec.student = student
        watchdog = threading.Timer(job.budget, _stop, (student, job.budget)) if job.budget else None
        if watchdog:
            watchdog.daemon = True
            watchdog.start()
        student.start()
        try:
            if self.fixtures is not None:
                for item in items:
                    _run_direct(item, self.fixtures, rec)
            else:
                for index, item in enumerate(items):
                    following = items[index + 1] if index + 1 < len(items) else None
                    _run_item(item, following, rec)
        finally:
            if self.fixtures is not None:
                self.fixtures.new_round()  # nothing of this submission outlives its round
            if watchdog:
                watchdog.cancel()
            student.close()
            recording.stop()
            rec.student = None
        if rec.errors:
            raise GraderError("the suites failed while grading:\n" + "\n".join(rec.errors))
        result = _score(self.day, self.day.exercises, rec.records, job.seed)
        if student.history is not None and all(t.passed for ex in result.exercises for t in ex.tests):
            self.plan.learn(student.history)  # every test ran to its end: the requests every round makes
        result.notes.extend(rec.notes)
        return result


def _run_direct(item, fixtures: Fixtures, recorder) -> None:
    """One test with the fixtures resolved directly (grader.fixtures), and its verdict."""
    recorder.begin_test(item.nodeid)
    try:
        fixtures.run(item)
    except (Exception, OutcomeException) as exc:
        recorder.record(item, exc)
    else:
        recorder.record(item, None)


def _run_item(item, nextitem, recorder) -> None:
    """pytest's runtestprotocol without its hooks and reports (a third of the time of a round):
    set up the fixtures, call the test, tear down what the next test does not share, and give
    the recorder one verdict. The suites never skip, xfail or warn, so nothing else is needed."""
    if not item._request:  # a test runs once per round; pytest makes its request once per run
        item._initrequest()
    recorder.begin_test(item.nodeid)
    error = None
    try:
        item.session._setupstate.setup(item)
        item.runtest()
    except (Exception, OutcomeException) as exc:
        error = exc
    try:
        item.session._setupstate.teardown_exact(nextitem)
    except (Exception, OutcomeException) as exc:
        error = error or exc
    finally:
        item._request, item.funcargs = False, None
    recorder.record(item, error)


def serve(day: Day, rounds: Iterator[Round], on_result: Callable[[Round, DayResult], None], *,
          include_hidden: bool = True) -> None:
    """Grade every Round `rounds` yields, calling on_result(round, result) after each one.

    GraderError when the suites cannot be collected or scored (the grader's fault, not a student's).
    """
    import pytest

    files = [str(f) for ex in day.exercises for f in day.suite_files(ex.id, include_hidden=include_hidden)]
    loop = _Loop(day, rounds, on_result)
    args = pytest_args(day, files)  # the same plugins off as for `grader check`
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
        with memo.enabled():  # every round checks against the same trusted numbers
            code = pytest.main(args, plugins=[loop.recorder, loop])
    if loop.failure is not None:
        raise loop.failure
    if loop.error or code not in (0, 1, 5):
        detail = loop.error or err.getvalue()[-2000:] or f"pytest exit code {code}"
        raise GraderError(f"the {day.id} suites could not run:\n{detail}")
