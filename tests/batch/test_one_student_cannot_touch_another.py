"""What one student's code does in its worker must not change another student's grade, even
through what the grading process learns from a round (grader.ahead's plan of requests)."""

from __future__ import annotations

from .classroom import STUBS, copy_solutions, grades, run_grade


def test_a_worker_that_renumbers_its_handles_cannot_make_the_next_students_fail(tmp_path):
    subs = tmp_path / "submissions"
    first = copy_solutions(subs / "aaron", ("rules",))  # graded first (--jobs 1): its requests become the plan
    (first / "rules.py").write_text("import grader.worker as _w\n_w._handles[0] = None  # handles now from 2\n"
                                    + (first / "rules.py").read_text())
    for student in ("bob", "carol"):
        copy_solutions(subs / student, ("rules",))
    out = tmp_path / "out"
    done = run_grade(subs, out, "--exercises", "rules", "--jobs", "1", "--seed", "7")
    assert done.returncode == 0, done.stderr
    assert {s: row["score"] for s, row in grades(out).items()} == {"aaron": "10", "bob": "10", "carol": "10"}


MEMORY_SCAN = '''
import ctypes as _ct
def _scan():  # every writable mapping of this worker, as the zygote it was forked from left it
    seen = []
    for line in open("/proc/self/maps"):
        span, rest = line.split(" ", 1)
        lo, hi = (int(x, 16) for x in span.split("-"))
        if "rw" in rest[:4] and hi - lo <= 256 << 20:
            try:
                seen.append(_ct.string_at(lo, hi - lo))
            except Exception:
                pass
    return b"".join(seen)
_MEMORY = _scan()  # taken before the names below exist forwards anywhere in this process
def mse(y_pred, y):
    names = [n[::-1] for n in ("di_terces_noraa", "di_terces_bob")]
    raise RuntimeError("seen: " + ",".join(n for n in names if n.encode() in _MEMORY) + ".")
'''


def test_a_worker_cannot_read_earlier_students_ids_in_the_memory_it_inherits(tmp_path):
    subs = tmp_path / "submissions"
    for student in ("aaron_secret_id", "bob_secret_id"):  # graded before zed in the same process
        copy_solutions(subs / student, ("losses",))
    zed = copy_solutions(subs / "zed", ("losses",))
    (zed / "losses.py").write_text((zed / "losses.py").read_text() + MEMORY_SCAN)
    out = tmp_path / "out"
    assert run_grade(subs, out, "--exercises", "losses", "--jobs", "1", "--seed", "2").returncode == 0
    feedback = (out / "feedback" / "zed.md").read_text()
    assert "RuntimeError: seen: ." in feedback  # the scan ran, and found neither id


def test_a_student_named_like_anothers_shortened_file_name_has_files_of_their_own(tmp_path):
    from grader.gradebook import file_stem

    subs = tmp_path / "submissions"
    long_id = "a" * 227  # too long for a file name: its files are named `head~digest`
    copy_solutions(subs / long_id, ("losses",))
    copy_solutions(subs / file_stem(long_id), ("losses",), source=STUBS)  # the stubs: nothing done
    out = tmp_path / "out"
    for run in range(2):  # the second run reuses the records: each must still be its own student's
        done = run_grade(subs, out, "--exercises", "losses", "--jobs", "1", "--seed", "3")
        assert done.returncode == 0, done.stderr
        assert {s: row["score"] for s, row in grades(out).items()} == {long_id: "10", file_stem(long_id): "0"}
    assert len(list((out / "results").glob("*.json"))) == 2
