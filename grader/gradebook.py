"""The files of a graded class, all derived from one record per student.

    OUT/results/<student>.json    the record: what was graded (fingerprint, settings), the full
                                  result (hidden-test messages included) and how it went
    OUT/feedback/<student>.json   what `grader check --json` prints (hidden tests redacted)
    OUT/feedback/<student>.md     the same, for people
    OUT/grades.csv                student,score,max_score,<one column per exercise>
    OUT/summary.txt, summary.png  score histogram and per-exercise pass rates

Every file is written whole to a temporary name and renamed into place, so a
reader (or a run killed half-way) never sees half a file. grades.csv and the
feedback files are rebuilt from the records, so they always agree with them.
A student id too long for a file name (a folder name near the 255-byte limit)
is shortened in file names only (`file_stem`); grades.csv keeps the full id (with a
leading apostrophe where a spreadsheet would read it as a formula).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import tempfile
from pathlib import Path

from grader.course import Day
from grader.results import DayResult, ExerciseResult, TestResult

RECORD_VERSION = 1
HISTOGRAM_BINS = 10
# Bytes of a student id kept whole in file names: ".<id>.json.<8 random>.tmp", a temporary
# name of write_atomic, must stay within the usual 255-byte limit of a file name.
MAX_STEM_BYTES = 200
_SHORTENED = re.compile(r"~[0-9a-f]{16}$")  # how file_stem ends a shortened id


# --------------------------------------------------------------------------- atomic files


def write_atomic(path: Path, text: str, *, durable: bool = True) -> None:
    """Write `text` to `path` so that `path` is always either the old file or the whole new one.

    durable: also on disk before the rename (fsync), so that a power cut cannot leave an empty
    file; not needed for files rebuilt from the records at the end of every run."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return  # rebuilding 300 unchanged feedback files should not cost 300 disk syncs
    except (OSError, UnicodeDecodeError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            if durable:
                os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with_suppressed(os.unlink, tmp)
        raise


def with_suppressed(fn, *args) -> None:
    try:
        fn(*args)
    except OSError:
        pass


def remove_leftovers(folder: Path) -> None:
    """Temporary files of a run that was killed mid-write."""
    if folder.is_dir():
        for tmp in folder.glob(".*.tmp"):
            with_suppressed(os.unlink, tmp)


# --------------------------------------------------------------------------- records


def result_from_json(data: dict, day: Day | None = None) -> DayResult:
    """Inverse of DayResult.to_json(reveal_hidden=True).

    The JSON rounds each test's points to 6 decimals (3 tests of 10/3 sum to 9.999999); given the
    day, each test gets back its exact share of its function's points, as scoring gave it."""
    result = DayResult(day=data["day"], seed=int(data["seed"]), notes=list(data.get("notes", [])))
    for ex in data["exercises"]:
        exercise = ExerciseResult(id=ex["id"], max_score=float(ex["max_score"]))
        shares = _exact_shares(day, ex)
        for t in ex["tests"]:
            share = shares.get(t["function"], float(t["max_score"]))
            if abs(share - float(t["max_score"])) > 1e-6:  # not what was scored: keep the record's
                share = float(t["max_score"])
            exercise.tests.append(TestResult(
                name=t["name"], function=t["function"], passed=bool(t["passed"]), message=t["message"],
                hidden=bool(t["hidden"]), points=share if t["passed"] else float(t["score"]),
                max_points=share, misconception=t.get("misconception"),
                not_implemented=bool(t.get("not_implemented")),
            ))
        result.exercises.append(exercise)
    return result


def _exact_shares(day: Day | None, exercise: dict) -> dict:
    """function -> its points / the number of tests that cover it, from the day's manifest."""
    found = next((e for e in day.exercises if e.id == exercise["id"]), None) if day else None
    if found is None:
        return {}
    counts: dict = {}
    for t in exercise["tests"]:
        counts[t["function"]] = counts.get(t["function"], 0) + 1
    return {fn.name: fn.share(counts[fn.name]) for fn in found.functions if fn.name in counts}


def ungraded(day: Day, seed: int, why: str) -> DayResult:
    """A zero result for a submission the grader itself failed on (never the student's doing)."""
    result = DayResult(day=day.id, seed=seed, notes=[f"the grader could not grade this submission ({why}); "
                                                     f"your instructor will look at it"])
    result.exercises = [ExerciseResult(id=ex.id, max_score=ex.max_score) for ex in day.exercises]
    return result


def file_stem(student: str) -> str:
    """The student id as the stem of their files: the id itself, unless it is too long for a
    file name; then its first bytes and a digest of the whole id (still one id, one name). An id
    that itself ends like such a name (`~` and 16 hex digits) is shortened the same way, so no
    student can hand in under the name of another's files."""
    raw = student.encode("utf-8", "surrogateescape")
    if len(raw) <= MAX_STEM_BYTES and not _SHORTENED.search(student):
        return student
    digest = hashlib.sha256(raw).hexdigest()[:16]
    head = raw[: MAX_STEM_BYTES - len(digest) - 1].decode("utf-8", "ignore")  # no half character
    return f"{head}~{digest}"


def shown(text: str) -> str:
    """Text as files and terminals can hold it: a name that is not UTF-8 (a folder made on another
    system, b'Zo\\xeb') keeps its bytes on disk and reads `Zo\\xeb` here, never failing a write."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def record_path(out: Path, student: str) -> Path:
    return out / "results" / f"{file_stem(student)}.json"


def feedback_path(out: Path, student: str, kind: str) -> Path:
    return out / "feedback" / f"{file_stem(student)}.{kind}"


def save_record(out: Path, student: str, record: dict) -> None:
    # Compact: json's C encoder runs only without indent (an indented record cost ~3 ms a student).
    write_atomic(record_path(out, student), json.dumps(record | {"version": RECORD_VERSION}, separators=(",", ":"))
                 + "\n")


def load_graded(out: Path, student: str, day: Day | None = None) -> tuple[dict, DayResult] | None:
    """The student's record and its result, or None when there is none or it cannot be read (it is
    then regraded)."""
    try:
        record = json.loads(record_path(out, student).read_text(encoding="utf-8"))
        result = result_from_json(record["result"], day)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if record.get("version") != RECORD_VERSION or record.get("student") != student:
        return None  # an older grader's, or another student's (two ids, one file name on this disk)
    return record, result


def load_record(out: Path, student: str) -> dict | None:
    loaded = load_graded(out, student)
    return loaded[0] if loaded else None


# --------------------------------------------------------------------------- feedback


def _points(x: float) -> str:
    x = round(float(x), 4)
    return f"{x:g}" if x == int(x) else f"{x:.2f}"


def feedback_markdown(student: str, feedback: dict) -> str:
    """The student's feedback page, written from exactly the JSON they get (hidden tests redacted)."""
    lines = [f"# {feedback['day']}: feedback for {student}", "",
             f"**{_points(feedback['score'])} / {_points(feedback['max_score'])} points**", "",
             "| exercise | points | tests passed |", "|---|---:|---:|"]
    for ex in feedback["exercises"]:
        passed = sum(t["passed"] for t in ex["tests"])
        mark = "✓" if ex["tests"] and passed == len(ex["tests"]) else "✗"
        lines.append(f"| {mark} {ex['id']} | {_points(ex['score'])} / {_points(ex['max_score'])} | "
                     f"{passed} / {len(ex['tests'])} |")
    tests = [t for ex in feedback["exercises"] for t in ex["tests"]]
    reasons = {t["message"] for t in tests if not t["hidden"]}
    notes = list(feedback.get("notes") or [])
    if tests and not any(t["passed"] for t in tests) and len(reasons) == 1:
        reason = reasons.pop()  # one cause for everything (nothing to grade, say): said once
        lines += ["", "## What to fix", "", reason]
        notes = [n for n in notes if n != reason]
    elif not all(t["passed"] for t in tests):
        lines += ["", "## What to fix"]
        for ex in feedback["exercises"]:
            lines += _exercise_fixes(ex)
    if notes:
        lines += ["", "## Notes", ""] + [f"- {note}" for note in notes]
    lines += ["", f"`grader check {feedback['day']} --seed {feedback['seed']}` repeats the random inputs "
                  f"of this run.", ""]
    return "\n".join(lines)


def _exercise_fixes(ex: dict) -> list[str]:
    failures = [t for t in ex["tests"] if not t["passed"]]
    if not failures:
        return []
    lines = ["", f"### {ex['id']}", ""]
    visible = [t for t in failures if not t["hidden"]]
    if all(t["not_implemented"] for t in ex["tests"]):
        return lines + _block("not started yet", visible[0]["message"] if visible else failures[0]["message"])
    if visible and len({t["message"] for t in visible}) == 1:
        lines += _block(f"{len(visible)} failing test(s)", visible[0]["message"])
    else:
        shown: set[str] = set()
        for test in visible:
            if test["function"] not in shown:  # the first failure per function says what to fix
                shown.add(test["function"])
                lines += _block(f"`{test['function']}` ({test['name']})", test["message"])
    hidden = len(failures) - len(visible)
    if hidden:
        lines += [f"- {hidden} hidden test(s) failed; their details are not shown to students.", ""]
    return lines


def _block(title: str, message: str) -> list[str]:
    """The message verbatim in a code block. Its text may come from student code (an exception's
    name): the fence is longer than any run of backticks in it, so nothing can close the block
    early and be read as Markdown or HTML (a fake score, a link)."""
    text = message or "failed"
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", text)), default=0))
    return [f"- {title}:", "", f"  {fence}text", *[f"  {line}" for line in text.splitlines()], f"  {fence}", ""]


def feedback_matches(out: Path, student: str, digests: dict | None) -> bool:
    """The student's feedback files are the ones whose digests their record keeps."""
    if not isinstance(digests, dict):
        return False
    try:
        return all(_digest(feedback_path(out, student, kind).read_bytes()) == digests.get(kind)
                   for kind in ("json", "md"))
    except OSError:
        return False


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def write_feedback(out: Path, student: str, result: DayResult) -> dict:
    """Write feedback/<student>.json and .md; their digests, for the record to keep."""
    feedback = result.to_json()  # what `grader check --json` prints: hidden details redacted
    # Rebuilt from the student's record by every run, so no fsync; one JSON line (json's C encoder
    # runs only without indent), the same object `grader check --json` prints.
    texts = {"json": json.dumps(feedback) + "\n", "md": shown(feedback_markdown(student, feedback))}
    for kind, text in texts.items():
        write_atomic(feedback_path(out, student, kind), text, durable=False)
    return {kind: _digest(text.encode("utf-8")) for kind, text in texts.items()}


# --------------------------------------------------------------------------- the class


def _number(x: float) -> str:
    """A score for the gradebook: 7, 7.5, 3.3333 (never 9.999999 or 10.0)."""
    x = round(float(x), 4)
    return str(int(x)) if x == int(x) else f"{x:.4f}".rstrip("0").rstrip(".")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what makes a spreadsheet read a cell as a formula


def spreadsheet_text(text: str) -> str:
    """A cell a spreadsheet shows as text: an id such as `=HYPERLINK(...)` (a folder name a student
    may have chosen) gets a leading apostrophe, so opening grades.csv runs nothing."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def grades_csv(day: Day, results: dict[str, DayResult]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", "score", "max_score", *[ex.id for ex in day.exercises]])
    for student in sorted(results):
        result = results[student]
        scores = {ex.id: ex.score for ex in result.exercises}
        writer.writerow([spreadsheet_text(shown(student)), _number(result.score), _number(day.max_score),
                         *[_number(scores[ex.id]) if ex.id in scores else "" for ex in day.exercises]])
    return buffer.getvalue()


def summary(day: Day, results: dict[str, DayResult]) -> dict:
    """Score histogram (percent of the maximum, in bins of 10) and per-exercise pass rates."""
    count = len(results)
    bins = [0] * HISTOGRAM_BINS
    for result in results.values():
        share = result.score / day.max_score if day.max_score else 0.0
        bins[min(HISTOGRAM_BINS - 1, int(share * HISTOGRAM_BINS))] += 1
    exercises = []
    for ex in day.exercises:
        done = [e for r in results.values() for e in r.exercises if e.id == ex.id]
        passed = sum(1 for e in done if e.passed)
        mean = sum(e.score for e in done) / count if count else 0.0
        exercises.append({"id": ex.id, "passed": passed, "rate": passed / count if count else 0.0,
                          "mean_score": mean, "max_score": ex.max_score})
    mean_total = sum(r.score for r in results.values()) / count if count else 0.0
    return {"students": count, "max_score": day.max_score, "mean_score": mean_total,
            "histogram": bins, "exercises": exercises}


def summary_text(facts: dict) -> str:
    width = max(facts["histogram"] + [1])
    lines = [f"{facts['students']} students, mean {facts['mean_score']:.1f} / {_points(facts['max_score'])} points",
             "", "score (% of max)  students"]
    for i, n in enumerate(facts["histogram"]):
        low, high = i * 100 // HISTOGRAM_BINS, (i + 1) * 100 // HISTOGRAM_BINS
        label = f"{low:>3}-{high}%" + (" " if high < 100 else "")
        lines.append(f"  {label:<14} {'█' * round(20 * n / width):<20} {n}")
    lines += ["", "exercise          passed (every test)   mean points"]
    for ex in facts["exercises"]:
        lines.append(f"  {ex['id']:<15} {ex['passed']:>4} / {facts['students']:<4} ({ex['rate']:>4.0%})"
                     f"     {ex['mean_score']:.1f} / {_points(ex['max_score'])}")
    return "\n".join(lines) + "\n"
