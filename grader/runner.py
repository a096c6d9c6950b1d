"""Run a day's suites against one submission folder and collect the verdicts.

pytest runs here, in the grader's process; student code runs only in the
worker (grader.student). The suites reach the worker through the `student`
fixture that grader/suites/conftest.py takes from this plugin.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import secrets
import signal
from pathlib import Path

from grader.course import Day
from grader.misconceptions import recording
from grader.results import DayResult, ExerciseResult, TestResult
from grader.student import NotImplementedYet, StudentError, StudentProcess


class GraderError(Exception):
    """The grader itself could not run (a broken suite, a bad environment)."""


# pytest plugins the suites never need; each costs start-up or per-test time
# (unraisableexception and threadexception run gc.collect, ~25 ms each).
_UNUSED_PLUGINS = (
    "cacheprovider", "terminal", "stepwise", "unraisableexception", "threadexception", "faulthandler",
    "logging", "junitxml", "pastebin", "doctest", "debugging", "setuponly", "setupplan", "legacypath",
    "warnings", "lsof",
)


def place_of(item) -> tuple[str, str, bool]:
    """(exercise id, covered function, hidden?) of a collected suite test, from its file and marker."""
    place = getattr(item, "_grader_place", None)
    if place is None:  # worked out once per collected test: a batch asks again for every submission
        path = Path(item.path)
        marker = item.get_closest_marker("covers")
        function = marker.args[0] if marker and marker.args else "?"
        place = item._grader_place = (path.stem.removeprefix("test_"), function, path.parent.name == "hidden")
    return place


def pytest_args(day: Day, files: list[str]) -> list[str]:
    """pytest's arguments for running suite files in-process, for one check or a whole batch."""
    return [
        *files, "--assert=plain", "-c", str(day.suite_dir.parent / "pytest.ini"), "--rootdir", str(day.suite_dir.parent),
        *(arg for plugin in _UNUSED_PLUGINS for arg in ("-p", f"no:{plugin}")),
    ]


def new_seed() -> int:
    return secrets.randbelow(2**31)


class _Session:
    """The pytest plugin: hands the worker to fixtures and records every verdict."""

    def __init__(self, day: Day, student: StudentProcess, seed: int, audit: bool = False):
        self.day, self.student, self.seed = day, student, seed
        self.audit = audit  # look for misconceptions in passing tests too (the catalogue's own tests)
        # (exercise, function, test name, hidden, passed, message, not implemented, misconception id)
        self.records: list[tuple[str, str, str, bool, bool, str, bool, str | None]] = []
        self.errors: list[str] = []
        self.notes: list[str] = []
        self.test_id = ""  # the running test's node id: the suites' rng fixture seeds from it

    def pytest_configure(self, config):
        config.grader_session = self  # read by the suites' conftest
        config.option.tbstyle = "native"  # pytest's long tracebacks cost ~0.1 s per failure; we never show them

    def pytest_collection_modifyitems(self, session, config, items):
        for item in items:
            marker = item.get_closest_marker("covers")
            if marker is None or not marker.args:
                self.errors.append(f"{item.nodeid} has no @pytest.mark.covers(<function>)")

    def pytest_collectreport(self, report):
        if report.failed:
            self.errors.append(f"suite {report.nodeid} failed to load:\n{report.longreprtext[-2000:]}")

    def pytest_runtest_logstart(self, nodeid, location):
        self.begin_test(nodeid)  # called before any fixture of the test is set up

    def begin_test(self, nodeid: str) -> None:
        """A test starts: its id seeds the suites' rng fixture; what it checks and calls is recorded
        for the misconception matcher."""
        self.test_id = nodeid
        recording.start()

    def pytest_runtest_makereport(self, item, call):
        if call.when in ("setup", "teardown") and call.excinfo is None:
            return
        self.record(item, call.excinfo.value if call.excinfo else None)

    def record(self, item, error: BaseException | None) -> None:
        """One test's verdict: passed when error is None, else failed with a message for the student."""
        exercise_id, function, hidden = place_of(item)
        if error is None:
            found = self._misconception(function, passed=True) if self.audit else None
            self.records.append((exercise_id, function, item.name, hidden, True, "", False, found and found.id))
        else:
            stub = isinstance(error, NotImplementedYet)
            message = _message(error)
            found = None if stub else self._misconception(function, passed=False)
            if found is not None:
                message = found.annotate(message)
            self.records.append((exercise_id, function, item.name, hidden, False, message, stub, found and found.id))

    def _misconception(self, function: str, *, passed: bool):
        """The catalogued mistake this test's answers reproduce, if any (runs on failures only)."""
        from grader.misconceptions import diagnose, load_catalogue

        try:
            return diagnose(load_catalogue(self.day.id), function, recording.current(), include_passed=passed)
        except Exception as exc:  # noqa: BLE001 - a matcher bug must not cost the student the verdict
            note = f"naming mistakes failed ({type(exc).__name__}: {str(exc)[:200]}); the verdicts stand"
            if note not in self.notes:
                self.notes.append(note)
            return None


def _message(exc: BaseException) -> str:
    if isinstance(exc, (StudentError, AssertionError)):
        return str(exc).strip() or type(exc).__name__
    # Anything else means our suite broke on an answer it did not expect; say
    # so plainly instead of blaming the student or showing our traceback.
    return f"the grader could not judge this answer ({type(exc).__name__}: {str(exc)[:300]})"


def run_day(
    day: Day,
    submission: Path,
    exercises: list[str] | None = None,
    *,
    seed: int | None = None,
    include_hidden: bool = True,
    launcher=None,
    timeout: float | None = None,
    cwd: Path | None = None,
    audit: bool = False,
    parallel: bool = False,
) -> DayResult:
    """Grade one submission folder on a day (or some of its exercises).

    audit=True also looks for catalogued misconceptions in passing tests
    (TestResult.misconception is then set even on a pass): the catalogue's
    own tests use it to prove correct code is never given a mistake's name.
    parallel=True splits the exercises between this process and a forked
    one, each with its own worker, so a student's check uses both cores.
    """
    chosen = [day.exercise(e) for e in exercises] if exercises else list(day.exercises)
    seed = new_seed() if seed is None else seed
    options = {"launcher": launcher, "cwd": cwd} | ({"timeout": timeout} if timeout else {})

    def suites(group) -> list[str]:
        return [str(f) for ex in group for f in day.suite_files(ex.id, include_hidden=include_hidden)]

    run = functools.partial(_run_suites, day, submission, seed, audit, options)
    if parallel and len(chosen) > 1 and hasattr(os, "fork") and (os.cpu_count() or 1) > 1:
        outcome = _run_split(run, suites(chosen[0::2]), suites(chosen[1::2]))
    else:
        outcome = run(suites(chosen))
    records, notes, errors = outcome
    if errors:
        raise GraderError(f"the {day.id} suites could not run:\n" + "\n".join(errors))
    result = _score(day, chosen, [tuple(r) for r in records], seed)
    result.notes.extend(notes)
    return result


def _run_suites(day: Day, submission, seed, audit, options, files: list[str]):
    """Run pytest on some suite files in this process: (records, notes, errors)."""
    import pytest

    student = recording.RecordingStudent(submission, **options)
    student.start()  # the worker imports NumPy while pytest collects
    session = _Session(day, student, seed, audit)
    args = pytest_args(day, files)
    old = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
            code = pytest.main(args, plugins=[session])
    finally:
        student.close()
        recording.stop()
        if old is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = old
    if code == pytest.ExitCode.INTERRUPTED:  # Ctrl-C while the suites ran: the user's, not a grader error
        raise KeyboardInterrupt
    errors = list(session.errors)
    if code not in (0, 1) and not errors:
        errors.append(err.getvalue()[-2000:] or f"pytest exit code {code}")
    return session.records, session.notes, errors


def _run_split(run, mine: list[str], theirs: list[str]):
    """Run `theirs` in a forked copy of this process while this one runs `mine`."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: grade, report as JSON, and leave without running any exit handler
        os.close(read_end)
        status = 1
        try:
            payload = json.dumps(run(theirs)).encode()
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    try:
        records, notes, errors = run(mine)
        with os.fdopen(read_end, "rb", closefd=False) as child_output:
            payload = child_output.read()
    except BaseException:  # interrupted (Ctrl-C): the other half is not wanted either
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    finally:
        os.close(read_end)
    _, status = os.waitpid(pid, 0)
    if status != 0 or not payload:
        other = run(theirs)  # the forked half failed: grade it here instead, slower but whole
    else:
        other = json.loads(payload)
    return records + [tuple(r) for r in other[0]], notes + other[1], errors + other[2]


def _score(day: Day, chosen, records, seed: int) -> DayResult:
    result = DayResult(day=day.id, seed=seed)
    for ex in chosen:
        tests = [r for r in records if r[0] == ex.id]
        exercise = ExerciseResult(id=ex.id, max_score=ex.max_score)
        for fn in ex.functions:
            covering = [r for r in tests if r[1] == fn.name]
            if not covering:
                raise GraderError(f"{day.id}/{ex.id}: no test covers {fn.name}")
            share = fn.share(len(covering))
            for _, function, name, hidden, passed, message, stub, misconception in covering:
                exercise.tests.append(
                    TestResult(
                        name=name, function=function, passed=passed, message=message,
                        hidden=hidden or ex.visibility == "hidden",
                        points=share if passed else 0.0, max_points=share, not_implemented=stub,
                        misconception=misconception,
                    )
                )
        names = [t.name for t in exercise.tests]
        if len(names) != len(set(names)):
            raise GraderError(f"{day.id}/{ex.id}: two tests share a name; rename one (names identify tests in every export)")
        unknown = {r[1] for r in tests} - {f.name for f in ex.functions}
        if unknown:
            raise GraderError(f"{day.id}/{ex.id}: tests cover functions not in the manifest: {sorted(unknown)}")
        result.exercises.append(exercise)
    return result
