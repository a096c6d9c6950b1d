"""Grade a whole class: parallel, sandboxed, resumable, and unable to lose a grade.

    grade_class(day, SUBMISSIONS, OUT, Options(...), reporter) -> Outcome

The pipeline (DESIGN.md, principle 6):
1. find the submissions and fingerprint each (a hash of what was handed in);
2. reuse every record in OUT/results whose fingerprint and settings match
   (--force: none), so a second run, or a run after a crash, grades only
   what is new, changed or unfinished;
3. grade the rest in --jobs processes (grader.pool); each process collects
   the suites once (grader.suite_session), unpacks one submission at a time
   into OUT/.work, runs it in the sandbox (grader.sandbox), and writes that
   student's feedback and then their record, each atomically, before it
   asks for the next one;
4. rebuild feedback, grades.csv and the summary from the records of the
   students present in SUBMISSIONS: one row each, whatever their code did.
A kill -9 at any moment leaves only whole files; the same command finishes
the job and produces the files an uninterrupted run would have.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import grader
from grader import gradebook, helpers, pool, submissions, summary_plot
from grader.course import Day
from grader.record_cache import RecordCache
from grader.results import DayResult

DEFAULT_BUDGET = 300.0  # seconds for one submission, all its tests together


class BatchError(Exception):
    """Bad input or environment for a batch run; the message says what to do."""


@dataclass
class Options:
    jobs: int | None = None  # None: one per core
    force: bool = False
    seed: int | None = None  # the inputs of every student of the run; None: fresh ones for this run
    timeout: float | None = None  # per call of student code (None: the worker's default)
    budget: float = DEFAULT_BUDGET
    require_sandbox: bool = False


@dataclass
class Outcome:
    students: int
    graded: int
    reused: int
    failed: list[str]
    sandbox: str
    summary: dict
    seconds: float
    ignored: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)  # records of students no longer in SUBMISSIONS
    unreadable: list[str] = field(default_factory=list)  # submissions the grader was not allowed to read
    plotted: bool = False  # summary.png was drawn (needs matplotlib)


class Reporter:
    """What a batch run tells the person watching it; the CLI draws a progress bar from these."""

    def warn(self, text: str) -> None: ...
    def info(self, text: str) -> None: ...
    def start(self, total: int, reused: int, todo: int) -> None: ...
    def advance(self, student: str, score: float, max_score: float, status: str) -> None: ...
    def finish(self) -> None: ...


# --------------------------------------------------------------------------- the run


def grade_class(day: Day, source: Path, out: Path, options: Options | None = None,
                reporter: Reporter | None = None) -> Outcome:
    options, reporter = options or Options(), reporter or Reporter()
    started = time.monotonic()
    source, out = _check_folders(Path(source), Path(out))
    with _lock(out), summary_plot.Plotter() as plotter:
        work = out / ".work"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        for folder in (out / "results", out / "feedback", out):
            gradebook.remove_leftovers(folder)
        found = _discover(source, reporter)
        records = RecordCache(out, day)
        likely_work = options.force or len(list((out / "results").glob("*.json"))) < len(found.submissions)
        if likely_work:
            helpers.context()  # the fork server loads NumPy and pytest while the sandbox is probed
        early: list = []
        failed: list[str] = []
        try:
            box = _choose_sandbox(work, options, reporter)
            settings = _settings(day, options, box.kind)
            config = _config(out, options, box, settings)
            plotter.start()  # matplotlib loads while the class is graded
            if likely_work:  # they collect the suites and start their zygotes while _todo hashes
                early = pool.start_slots(day, _jobs(options, len(found.submissions)), config)
            todo, reused = _todo(found.submissions, records, options.force, settings, run_seed(options.seed))
            reporter.start(len(found.submissions), reused, len(todo))
            if todo:
                jobs = _jobs(options, len(todo))
                failed = pool.run_pool(day, todo, jobs, config, reporter, early, on_done=records.read)
        finally:
            pool.stop(early)  # those the pool did not take
            reporter.finish()
            shutil.rmtree(work, ignore_errors=True)  # the pool has stopped: no sandbox uses it any more
        results, unreadable = _rebuild(day, out, found.submissions, records)
        facts = gradebook.summary(day, results)
        gradebook.write_atomic(out / "summary.txt", gradebook.summary_text(facts))
        try:
            plotter.draw(facts, out / "summary.png", f"{day.id}: {facts['students']} students")
            plotted = True
        except ImportError:
            plotted = False
            gradebook.with_suppressed(os.unlink, out / "summary.png")  # an earlier run's would disagree
            reporter.warn("matplotlib is not installed: summary.png was not drawn (pip install matplotlib)")
        absent = _set_aside_absent(out, found.submissions)
    return Outcome(
        students=len(found.submissions), graded=len(todo), reused=reused, failed=failed, sandbox=box.describe(),
        summary=facts, seconds=time.monotonic() - started, ignored=found.ignored, absent=absent,
        unreadable=sorted(gradebook.shown(s) for s in unreadable), plotted=plotted,
    )


def _set_aside_absent(out: Path, found: list[submissions.Submission]) -> list[str]:
    """Students with a record but no submission any more: their record stays (they may come back),
    their feedback files go, so that handing out feedback/ never hands out a stale one."""
    present = {gradebook.file_stem(s.student) for s in found}
    absent = [p.stem for p in (out / "results").glob("*.json") if p.stem not in present]
    for stem in absent:
        for kind in ("md", "json"):
            gradebook.with_suppressed(os.unlink, out / "feedback" / f"{stem}.{kind}")
    return sorted(gradebook.shown(stem) for stem in absent)


def _discover(source: Path, reporter: Reporter) -> submissions.Discovery:
    try:
        found = submissions.discover(source)
    except OSError as exc:
        raise BatchError(f"cannot read {source}: {exc.strerror or exc}") from None
    for line in found.ignored:
        reporter.info(f"ignored {line}")
    if not found.submissions:
        raise BatchError(f"no submissions in {source}: expected one folder, .zip or .ipynb per student, "
                         f"named by student id")
    return found


def _choose_sandbox(work: Path, options: Options, reporter: Reporter):
    from grader import sandbox

    box = sandbox.choose(work)
    if box.kind != "bubblewrap":
        if options.require_sandbox:
            raise BatchError(f"no sandbox: {box.reason}; drop --require-sandbox to grade with rlimits only")
        reach = "read what any user can (not write your files)" if getattr(box, "uid", None) is not None \
            else "read and write everything you can"
        reporter.warn(f"NO SANDBOX: {box.reason}. Student code will run with rlimits only and can {reach}. "
                      f"Install bubblewrap, or pass --require-sandbox to refuse.")
    return box


def _todo(found: list[submissions.Submission], records: RecordCache, force: bool, settings: dict, seed: int):
    """(tasks to grade, how many records are reused): a record is reused when the submission and
    the settings are unchanged (and the grader did not fail on it)."""
    todo, reused = [], 0
    for sub in found:
        task = _task(sub, seed)
        record = None if force else records.read(sub.student)
        _refuse_to_narrow(record, settings, sub.student)
        if record and record.get("fingerprint") == task["fingerprint"] and record.get("settings") == settings \
                and record.get("status") not in ("grader failed", pool.UNREADABLE):
            reused += 1
        else:
            todo.append(task)
    return todo, reused


def _refuse_to_narrow(record: dict | None, settings: dict, student: str) -> None:
    """A run with --exercises would replace a record holding other exercises with a smaller one:
    refuse, as an instructor trying one exercise rarely means to throw the other grades away."""
    held = (record or {}).get("settings", {}).get("functions")
    if not isinstance(held, dict):
        return
    dropped = sorted(set(held) - set(settings["functions"]))
    if dropped:
        raise BatchError(f"the output folder holds grades of other exercises too ({gradebook.shown(student)}: "
                         f"{', '.join(dropped)}); grading only {', '.join(settings['functions'])} would replace "
                         f"them. Choose another --out, or pass --force to replace them")


def _config(out: Path, options: Options, box, settings: dict) -> dict:
    """What every grading process needs to know besides the day (given when it starts), sent once
    the sandbox is chosen."""
    return {"out": str(out), "settings": settings, "budget": options.budget,
            "timeout": options.timeout, "bwrap": getattr(box, "bwrap", None), "forking": getattr(box, "forking", False),
            "reason": getattr(box, "reason", ""), "other_uid": getattr(box, "uid", None) is not None}


def _cores() -> int:
    return len(pool.cpus_here())


def _jobs(options: Options, submissions: int) -> int:
    return max(1, min(options.jobs or _cores(), submissions))


def _check_folders(source: Path, out: Path) -> tuple[Path, Path]:
    if not source.exists():
        raise BatchError(f"no folder {source}")
    if not source.is_dir():
        raise BatchError(f"{source} is not a folder: SUBMISSIONS is a folder holding one entry per student")
    source, out_abs = source.resolve(), Path(os.path.abspath(out))
    if out_abs == source or source in out_abs.parents:
        raise BatchError(f"--out {out} is inside {source}: it would be taken for a student's submission")
    try:
        out_abs.mkdir(parents=True, exist_ok=True)
        probe = out_abs / f".write-test-{os.getpid()}"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise BatchError(f"cannot write to the output folder {out}: {exc.strerror or exc}") from None
    return source, out_abs


class _lock:
    """One run per output folder at a time; the kernel drops the lock if the run is killed."""

    def __init__(self, out: Path):
        self.path = out / ".lock"

    def __enter__(self):
        self.handle = open(self.path, "w")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.close()
            raise BatchError(f"another `grader grade` is writing to {self.path.parent}; wait for it or "
                             f"choose another --out") from None
        return self

    def __exit__(self, *exc):
        self.handle.close()


def _suites_hash(day: Day) -> str:
    """Changes whenever the day's suites, manifest or misconception catalogue change."""
    digest = hashlib.sha256()
    roots = [day.suite_dir, day.suite_dir.parent / "conftest.py", day.suite_dir.parent / "pytest.ini"]
    for root in roots:
        for path in sorted([root] if root.is_file() else root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(day.suite_dir.parent)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _code_hash(package: Path = Path(grader.__file__).parent) -> str:
    """Changes whenever the grader's own code or data change (unpacking, checking, the drivers):
    the version number alone is not bumped for every fix that may judge differently."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        parts = path.relative_to(package).parts
        if path.is_file() and "__pycache__" not in parts and parts[0] != "suites":  # suites: _suites_hash
            digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _settings(day: Day, options: Options, sandbox_kind: str) -> dict:
    """Everything besides the submission that decides a result; a record made with others is regraded."""
    return {
        "day": day.id,
        "functions": {ex.id: [f.name for f in ex.functions] for ex in day.exercises},
        "seed": options.seed,
        "timeout": options.timeout,
        "grader": grader.__version__,  # a new version may judge differently: regrade
        "code": _code_hash(),  # and so may any change to its code
        "suites": _suites_hash(day),
        "sandbox": sandbox_kind,
    }


def run_seed(seed: int | None) -> int:
    """The random inputs of every student graded in this run: --seed, else fresh ones.

    One set of inputs per run: students with the same mistake get the same verdict, and the
    grader's own reference numbers are worked out once for the class instead of once per student.
    A later run (a regrade) draws new ones, so hard-coding the values a feedback file showed does
    not pay.
    """
    if seed is None:
        from grader.runner import new_seed

        return new_seed()
    return seed


def _task(sub: submissions.Submission, seed: int) -> dict:
    try:
        fingerprint = submissions.fingerprint(sub)
    except OSError as exc:  # unpacking will say so in the student's feedback
        fingerprint = f"unreadable: {exc}"
    return {"student": sub.student, "path": str(sub.path), "kind": sub.kind, "notes": list(sub.notes),
            "fingerprint": fingerprint, "seed": seed}


def _rebuild(day: Day, out: Path, found: list[submissions.Submission],
             records: RecordCache) -> tuple[dict[str, DayResult], list[str]]:
    """Feedback and grades.csv from the records; also the students whose submission could not be read."""
    results, unreadable = {}, []
    for sub in found:
        kept = records.unchanged(sub.student)  # read during the run, feedback files checked then
        loaded = kept or gradebook.load_graded(out, sub.student, day)
        record, result = loaded or (None, gradebook.ungraded(day, 0, "no record was written"))
        if record is not None and record.get("status") == pool.UNREADABLE:
            unreadable.append(sub.student)
        # The record keeps its feedback files' digests: only missing or other files are written
        # again (doing it for all cost ~1.5 ms a student at the very end of the run).
        if kept is None and (record is None or
                             not gradebook.feedback_matches(out, sub.student, record.get("feedback"))):
            gradebook.write_feedback(out, sub.student, result)
        results[sub.student] = result
    rows = gradebook.grades_csv(day, results)
    gradebook.write_atomic(out / "grades.csv", rows)
    return results, unreadable
