"""`grader grade DAY SUBMISSIONS --out OUT`: grade a whole class (see grader.batch)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from grader.commands import check_grading_numbers

DESCRIPTION = """\
Grade every submission in SUBMISSIONS, each in a sandbox, several at a time.

SUBMISSIONS holds one entry per student, named by student id:
  alice/        a folder of module files (losses.py, ...), flat or nested (alice/day13/,
                up to three levels down, as in a repository's zip)
  bob.zip       a zip of such a folder (no paths outside it, no links, <= 300 files, 20 MB)
  carol.ipynb   a notebook: a code cell whose first line is `# module: losses` (or tagged
                `module:losses`) is part of losses.py; cells that only import go into every
                module; other cells are left out. A notebook with no marked cell is graded
                whole, as each module whose functions it defines.

OUT receives:
  grades.csv               student,score,max_score, then one column per exercise
  feedback/STUDENT.md      what each student sees; .json is `grader check --json` (hidden
                           tests redacted)
  results/STUDENT.json     the full record (hidden-test messages, fingerprint, timing)
  summary.txt/.png         score histogram and per-exercise pass rates (also printed)

Every student gets a row, whatever their code does; one with nothing to grade gets 0 and
feedback that says why. Each result is written atomically when it is done, so a killed
run loses nothing: run the same command again and it grades only new, changed or
unfinished submissions (--force: all of them).

Student code runs in bubblewrap: no network, a private /tmp, a read-only system, only its
own submission visible (not the others, not solutions/ or your files), limits on memory,
CPU time, processes and file size. Without bubblewrap it runs with rlimits only, after a
loud warning; --require-sandbox refuses instead.

Exit status: 0 every submission graded; 1 the grader failed on some (listed);
2 bad input (no such folder or day, OUT not writable, sandbox required but missing);
3 a bug in the grader (one line, with the file holding the details)."""


def register(sub):
    p = sub.add_parser(
        "grade", help="grade a whole class of submissions (instructors)",
        description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("day", help="the day to grade, e.g. day13")
    p.add_argument("submissions", type=Path, metavar="SUBMISSIONS", help="folder with one entry per student")
    p.add_argument("--out", type=Path, required=True, metavar="OUT", help="output folder (created if missing)")
    p.add_argument("--jobs", type=int, metavar="N", help="submissions graded at once (default: all cores)")
    p.add_argument("--force", action="store_true", help="regrade every submission, even unchanged ones")
    p.add_argument("--exercises", metavar="ID,ID", help="grade only these exercises (default: all)")
    p.add_argument("--seed", type=int, help="the random inputs of every student (default: new ones each run)")
    p.add_argument("--timeout", type=float, metavar="S", help="seconds per call of student code (default 10)")
    p.add_argument("--budget", type=float, metavar="S", help="seconds per submission in all (default 300)")
    p.add_argument("--require-sandbox", action="store_true", help="refuse to run without bubblewrap")
    return p


class _Progress:
    """A rich progress bar with an ETA on a terminal; a line per student otherwise (CI logs).

    If whoever reads the lines goes away (`| head`), the run goes on without them: the output
    folder, not this stream, is what the run is for."""

    def __init__(self, stream):
        self.stream = stream
        self.tty = stream.isatty()
        self.done = self.todo = 0
        self.started = time.monotonic()

    def warn(self, text: str) -> None:
        if self.tty:
            from rich.console import Console
            from rich.markup import escape

            Console(file=self.stream).print(f"[bold red]WARNING:[/] {escape(_clean(text))}", highlight=False)
        else:
            self._line(f"WARNING: {text}")

    def info(self, text: str) -> None:
        self._line(text)

    def _line(self, text: str) -> None:
        if self.stream is None:
            return
        try:
            print(_clean(text), file=self.stream, flush=True)
        except OSError:  # the reader went away (a closed pipe): say no more
            self.stream, self.tty = None, False

    def start(self, total: int, reused: int, todo: int) -> None:
        self.todo, self.started = todo, time.monotonic()
        self._line(f"{total} submissions: {reused} unchanged since the last run, {todo} to grade")
        if self.tty and todo:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TextColumn("ETA"),
                                TimeRemainingColumn(), TextColumn("{task.description}"), transient=True,
                                console=Console(file=self.stream))
            self.bar.start()
            self.task = self.bar.add_task("", total=todo)

    def advance(self, student: str, score: float, max_score: float, status: str) -> None:
        self.done += 1
        from grader.gradebook import shown

        text = _clean(f"{shown(student)} {score:g}/{max_score:g}" + ("" if status == "graded" else f" ({status})"))
        if self.tty:
            from rich.markup import escape

            self.bar.update(self.task, advance=1, description=escape(text))
            return
        elapsed = time.monotonic() - self.started
        eta = elapsed / self.done * (self.todo - self.done)
        self._line(f"[{self.done}/{self.todo}] {text}  (ETA {eta:.0f} s)")

    def finish(self) -> None:
        if self.tty and getattr(self, "bar", None):
            self.bar.stop()


def run(args) -> int:
    from grader import threads

    threads.one_blas_thread()  # this process only coordinates; the plot helper it starts inherits it
    from grader.batch import BatchError, Options, grade_class
    from grader.cli import UsageError, silence_stdout
    from grader.course import load_day

    day = load_day(args.day)
    if args.exercises:
        import dataclasses

        names = [e.strip() for e in args.exercises.split(",") if e.strip()]
        if not names:
            raise UsageError("--exercises takes exercise ids separated by commas, e.g. --exercises losses,slopes")
        chosen = [day.exercise(name) for name in dict.fromkeys(names)]  # a repeated id counts once
        day = dataclasses.replace(day, exercises=tuple(chosen))
    check_grading_numbers(args)
    if args.budget is not None and not 0 < args.budget <= 86400:
        raise UsageError("--budget takes seconds between 0 and 86400")
    options = Options(jobs=args.jobs, force=args.force, seed=args.seed, timeout=args.timeout,
                      require_sandbox=args.require_sandbox, **({"budget": args.budget} if args.budget else {}))
    progress = _Progress(sys.stderr)
    try:
        outcome = grade_class(day, args.submissions, args.out, options, progress)
    except BatchError as exc:
        raise UsageError(str(exc)) from None
    except KeyboardInterrupt:
        print("grader: interrupted; the results written so far are kept: run the same command to finish",
              file=sys.stderr)
        return 130
    try:
        _report(outcome, args)
    except BrokenPipeError:  # every file is written; only the reader of this summary went away
        silence_stdout()
    return 1 if outcome.failed else 0


def _clean(text: str) -> str:
    """Text naming students, as a terminal may show it: a folder name can hold escape codes
    (clearing the screen, drawing a fake line), so control characters are escaped, line by line."""
    from grader.codec import printable

    return "\n".join(printable(line, 10_000) for line in str(text).split("\n"))


def _report(outcome, args) -> None:
    from grader import gradebook
    from grader.gradebook import summary_text

    print(summary_text(outcome.summary), end="")
    print(f"\ngraded {outcome.graded}, reused {outcome.reused} in {outcome.seconds:.1f} s; "
          f"student code ran in: {outcome.sandbox}")
    print(f"wrote {args.out}/grades.csv, feedback/, results/, summary.txt" + (", summary.png" if outcome.plotted else ""))
    if outcome.absent:
        print(f"note: results/ also holds {len(outcome.absent)} student(s) no longer in {args.submissions} "
              f"(left out of grades.csv): {_clean(', '.join(outcome.absent[:10]))}")
    if outcome.unreadable:
        print(f"WARNING: {len(outcome.unreadable)} submission(s) could not be read (file permissions?) and got 0 "
              f"for now: {_clean(', '.join(outcome.unreadable[:10]))}; make them readable and run the same command again",
              file=sys.stderr)
    if outcome.failed:
        print(f"the grader failed on {len(outcome.failed)} submission(s), given 0 for now: "
              f"{_clean(', '.join(gradebook.shown(f) for f in outcome.failed))}", file=sys.stderr)
