"""`grader hint DAY EXERCISE`: the next hint for an exercise, vaguest first; `--reset` starts over."""

from __future__ import annotations

import shlex
import sys
import textwrap
from pathlib import Path

from grader.commands import readable, student_folder


def register(sub):
    p = sub.add_parser(
        "hint",
        intermixed=True,  # `hint day13 --reset losses`: options may come between the names
        help="show the next hint for an exercise",
        description="Show the next hint for an exercise. Hints come in steps: the first is the vaguest, "
        "the last the closest to the answer. The hints you have seen are remembered in "
        ".grader-hints.json in your exercise folder.",
    )
    p.add_argument("day", help="the day, e.g. day13")
    p.add_argument("exercise", nargs="?", metavar="EXERCISE", help="the exercise, e.g. losses")
    p.add_argument("--path", type=Path, help="folder with your files, or your notebook (hints shown are "
                   "remembered next to it; default: exercises/DAY)")
    p.add_argument("--reset", action="store_true",
                   help="forget the hints shown for EXERCISE (or, without one, for the whole day)")
    return p


def run(args) -> int:
    from grader.cli import UsageError
    from grader.course import load_day
    from grader import submissions
    from grader.hints import HintLog, HintStoreError

    day = load_day(args.day)
    if args.path:
        readable(args.path)
    if args.path and submissions.kind_of(args.path) in ("notebook", "zip"):
        folder = args.path.parent  # the hints shown are remembered next to the notebook
    else:
        folder = student_folder(args, day)
    if args.exercise is None and not args.reset:
        raise UsageError(f"which exercise? e.g. grader hint {day.id} {day.exercises[0].id} "
                         f"(exercises: {', '.join(e.id for e in day.exercises)})")
    if args.exercise is not None:
        day.exercise(args.exercise)  # ManifestError names the known ones
    try:
        log = HintLog(folder)
        if args.reset:
            log.reset(day, args.exercise)
            _say_if_damaged(log)
            which = f"for {args.exercise}" if args.exercise else f"for every exercise of {day.id}"
            print(f"Forgot the hints shown {which}: the next hint starts from the first.")
            return 0
        step = log.next_hint(day, args.exercise)
        again = f"grader hint {day.id} {args.exercise}"
        if args.path:  # the next command must look in the same place
            again += f" --path {shlex.quote(str(args.path))}"
        print(_render(day, args.exercise, step, log.shown(day, args.exercise), again))
        # Remembered only once it reached the student: `>&-`, a full disk or a closed pipe
        # (OutputError, BrokenPipeError) leave the hint unseen.
        sys.stdout.flush()
        if step is not None and step.number:
            log.save()
            _say_if_damaged(log)
    except HintStoreError as exc:
        raise UsageError(str(exc)) from None
    return 0


def _say_if_damaged(log) -> None:
    if log.damaged:
        print(f"grader: {log.path} could not be read ({log.damaged}); the hints start over, and the old "
              f"file is kept as {log.backup}", file=sys.stderr)


def _wrap(text: str) -> str:
    return textwrap.fill(text, width=88, initial_indent="  ", subsequent_indent="  ")


def _render(day, exercise_id: str, step, seen: int, again: str) -> str:
    exercise = day.exercise(exercise_id)
    lesson = f"Lesson: docs/{exercise.lesson}"
    if step is None:  # every hint was shown already: all of them again, in order
        lines = [f"You have seen all {seen} hints for {exercise_id} ({exercise.title}):"]
        lines += [_wrap(f"{i}. {text}") for i, text in enumerate(exercise.hints, 1)]
        return "\n".join(lines + [lesson, f"`{again} --reset` starts the hints over."])
    if step.number == 0:
        return f"{exercise_id} has no hints. {lesson}"
    lines = [f"Hint {step.number} of {step.total} for {exercise_id} ({exercise.title}):", _wrap(step.text), lesson]
    if step.is_last:
        lines.append("That was the last hint, the closest to the answer.")
    else:
        left = step.total - step.number
        lines.append(f"`{again}` again shows the next one ({left} more).")
    return "\n".join(lines)
