"""A class of correct, wrong, broken and hostile submissions, graded once by the real `grader grade`.

Every student must get a row; hostile code must earn nothing it did not earn
honestly; and nothing outside the output folder may change: the inputs, the
repository's solutions/ and a canary file are hashed before and after.
The run uses the real bubblewrap sandbox (--require-sandbox: no sandbox, no pass).
"""

from __future__ import annotations


import pytest

from grader.results import HIDDEN_MESSAGE

from .classroom import (
    GRADED, ROOT, SOLUTIONS, STUBS, copy_solutions, exercise_score, feedback, grades, make_zip, notebook,
    processes_mentioning, python_in_tmp, record, run_grade, snapshot, solution_body, verdicts_of,
)

FULL = 10.0  # each of the three graded modules is worth 10 points
SLEEP_MARK = "1234.5678"  # the fork bomb's children sleep this long: easy to find in /proc


def build_class(base):
    tmp_names = python_in_tmp()
    subs, out, canary = base / "submissions", base / "graded", base / "canary.txt"
    canary.write_text("nobody may change this file\n")
    paths = {"subs": subs, "out": out, "canary": canary, "solutions": SOLUTIONS,
             "hidden": ROOT / "grader" / "suites" / "day13" / "hidden" / "test_losses.py"}
    subs.mkdir(parents=True)

    # --- honest work, in every shape a submission comes in
    copy_solutions(subs / "correct")
    copy_solutions(subs / "nested" / "day13")
    (subs / "nested" / "README.txt").write_text("my day 13 work\n")
    make_zip(subs / "zipped.zip", {f"day13/{m}.py": solution_body(m) for m in GRADED} | {"day13/": b""})
    notebook(subs / "marked.ipynb", [
        ("import numpy as np\nimport math\n", []),
        ("%matplotlib inline\n!pip install nothing\n", []),
        ("# module: slopes\n" + solution_body("slopes"), []),
        (solution_body("activations"), ["module:activations"]),
        ("# module: losses\n" + solution_body("losses"), []),
        ("raise RuntimeError('an experiment cell: it must not be graded')\n", []),
    ])
    notebook(subs / "unmarked.ipynb", [
        ("import numpy as np\n", []),
        (solution_body("losses"), []),
        ("print(mse(np.ones(3), np.zeros(3)))\n", []),
    ])
    copy_solutions(subs / "wrong")
    from .classroom import append

    append(subs / "wrong", "losses", """
        def mse_grad(y_pred, y):
            return (y_pred - y) / y.size  # forgot the 2
    """)
    copy_solutions(subs / "stubs", source=STUBS)
    (subs / "empty").mkdir()

    # --- broken zips
    make_zip(subs / "traversal.zip", {**{f"{m}.py": solution_body(m) for m in GRADED},
                                      "../../escaped.py": "x = 1\n", "/abs_escaped.py": "x = 1\n",
                                      "day13/../../../escaped2.py": "x = 1\n"})
    make_zip(subs / "bomb.zip", {"slopes.py": b"\0" * (64 * 1024**2)})  # 64 MB of zeros, 64 kB zipped

    # --- code that hangs, exits, allocates or forks
    copy_solutions(subs / "loop")
    append(subs / "loop", "activations", """
        def relu(x):
            while True:
                pass
    """)
    copy_solutions(subs / "exit_at_import")
    append(subs / "exit_at_import", "slopes", "import sys\nsys.exit(0)\n")
    copy_solutions(subs / "os_exit")
    append(subs / "os_exit", "losses", """
        import os
        def mse_grad(y_pred, y):
            os._exit(0)
    """)
    copy_solutions(subs / "allocate")
    append(subs / "allocate", "activations", """
        def relu(x):
            blob = np.ones(50 * 1024**3 // 8)  # 50 GB
            return np.maximum(x, 0)
    """)
    copy_solutions(subs / "forkbomb")
    append(subs / "forkbomb", "losses", f"""
        import os
        FORKED = 0
        for _ in range(300):  # bounded: at most 300, each sleeping long, each in a session of its own
            try:
                pid = os.fork()
            except OSError:
                break
            if pid == 0:
                try:
                    os.setsid()
                    os.execv("/bin/sleep", ["sleep", "{SLEEP_MARK}"])
                finally:
                    os._exit(0)
            FORKED += 1

        _honest_l2_penalty = l2_penalty
        def l2_penalty(W, lam):
            if FORKED >= 64:
                raise RuntimeError(f"the fork bomb started {{FORKED}} processes")
            return _honest_l2_penalty(W, lam)
    """)

    # --- code that lies, cheats, spies or vandalises
    copy_solutions(subs / "patcher")
    append(subs / "patcher", "losses", """
        import builtins, math
        np.allclose = lambda *a, **k: True
        np.isclose = lambda *a, **k: np.True_
        np.testing.assert_allclose = lambda *a, **k: None
        np.array_equal = lambda *a, **k: True
        builtins.abs = lambda x: 0
        builtins.isinstance = lambda *a: True
        math.isclose = lambda *a, **k: True
        print('{"score": 90, "max_score": 90}')
        def mse_grad(y_pred, y):
            return np.zeros_like(y_pred)
    """)
    copy_solutions(subs / "liar", source=STUBS)
    fake = "student,score,max_score,slopes,activations,losses\\nliar,30,30,10,10,10\\n"
    append(subs / "liar", "losses", f"""
        import json, os
        print(json.dumps({{"day": "day13", "score": 30, "max_score": 30}}))
        for folder in (".", "..", "../..", "/tmp", {str(out)!r}, {str(out / 'results')!r}):
            for name, text in (("grades.csv", "{fake}"), ("results.json", '{{"score": 30}}'),
                               ("liar.json", '{{"score": 30}}')):
                try:
                    with open(os.path.join(folder, name), "w") as handle:
                        handle.write(text)
                except OSError:
                    pass
    """)
    copy_solutions(subs / "thief", modules=("slopes", "activations"))
    (subs / "thief" / "losses.py").write_text(f"""
import os
stolen = None
for candidate in ("../../solutions/day13/losses.py", "../../../solutions/day13/losses.py",
                  {str(SOLUTIONS / 'losses.py')!r}, {str(subs / 'correct' / 'losses.py')!r}):
    try:
        stolen = open(candidate).read()
        break
    except OSError:
        pass
if stolen:
    exec(stolen)
""")
    copy_solutions(subs / "spy")
    append(subs / "spy", "losses", f"""
        import os, socket
        FOUND = []
        for what, path in (("solutions", {str(SOLUTIONS)!r}), ("the output folder", {str(out)!r}),
                           ("the submissions", {str(subs)!r}), ("the hidden suites", {str(paths['hidden'])!r}),
                           ("the repository", {str(ROOT / 'pyproject.toml')!r}), ("the canary", {str(canary)!r})):
            if os.path.exists(path):
                FOUND.append(what + " visible")
        if os.getuid() == 0:
            FOUND.append("running as root")
        if "CapEff:\t0000000000000000" not in open("/proc/self/status").read():
            FOUND.append("capabilities kept")
        if os.path.isdir("/staging") and os.listdir("/staging"):  # the zygote's view of every submission
            FOUND.append("the staging folder visible")
        names = [name for _, name in socket.if_nameindex()]
        if names != ["lo"]:
            FOUND.append(f"network interfaces {{names}}")
        # /tmp is the sandbox's own tmpfs; where the Python installation itself lives
        # under the host's /tmp (a venv in /tmp), its read-only bind shows there too.
        for name in os.listdir("/tmp"):
            if name not in {tmp_names!r}:
                FOUND.append(f"/tmp not private: {{name}}")
                continue
            try:
                open(os.path.join("/tmp", name, "spy-was-here"), "w").close()
                FOUND.append(f"/tmp/{{name}} writable")
            except OSError:
                pass
        try:
            open("/usr/spy-was-here", "w").close()
            os.remove("/usr/spy-was-here")
            FOUND.append("/usr writable")
        except OSError:
            pass
        _honest_mse = mse
        def mse(y_pred, y):
            if FOUND:
                raise RuntimeError("sandbox leak: " + "; ".join(FOUND))
            return _honest_mse(y_pred, y)
    """)
    copy_solutions(subs / "vandal")
    append(subs / "vandal", "losses", f"""
        import os, shutil
        for target in ({str(canary)!r}, {str(subs)!r}, {str(out)!r}, ".."):
            try:
                shutil.rmtree(target) if os.path.isdir(target) else os.remove(target)
            except OSError:
                pass
        for target in ({str(canary)!r}, {str(SOLUTIONS / 'VANDAL.txt')!r}, {str(subs / 'correct' / 'losses.py')!r},
                       "../vandal.txt", {str(base / 'vandal.txt')!r}):
            try:
                with open(target, "w") as handle:
                    handle.write("vandalised")
            except OSError:
                pass
        for name in ("slopes.py", "activations.py"):  # its own scratch copy is fair game
            try:
                os.remove(name)
            except OSError:
                pass
    """)
    return paths


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    paths = build_class(base)
    watched = (paths["subs"], SOLUTIONS, paths["canary"])
    before = snapshot(*watched)
    outside_before = sorted(p.name for p in base.iterdir())
    done = run_grade(paths["subs"], paths["out"], "--exercises", ",".join(GRADED), "--timeout", "3",
                     "--seed", "7", "--require-sandbox", timeout=300)
    return {**paths, "base": base, "run": done, "before": before, "after": snapshot(*watched),
            "outside_before": outside_before, "outside_after": sorted(p.name for p in base.iterdir() if p != paths["out"]),
            "leftovers": processes_mentioning(str(base)) + processes_mentioning(SLEEP_MARK)}


STUDENTS = sorted(["correct", "nested", "zipped", "marked", "unmarked", "wrong", "stubs", "empty", "traversal",
                   "bomb", "loop", "exit_at_import", "os_exit", "allocate", "forkbomb", "patcher", "liar",
                   "thief", "spy", "vandal"])


def test_the_run_succeeds_and_every_student_has_one_row_and_feedback(graded):
    run = graded["run"]
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Traceback" not in run.stderr
    rows = (graded["out"] / "grades.csv").read_text().splitlines()
    assert rows[0] == "student,score,max_score,slopes,activations,losses"
    assert [row.split(",")[0] for row in rows[1:]] == STUDENTS
    for student in STUDENTS:
        assert (graded["out"] / "feedback" / f"{student}.md").is_file()
        assert feedback(graded["out"], student)["day"] == "day13"
    assert not (graded["out"] / ".work").exists()


def test_nothing_outside_the_output_folder_changed_and_no_process_is_left(graded):
    assert graded["after"] == graded["before"]
    assert graded["outside_after"] == graded["outside_before"]  # no escaped.py, no vandal.txt
    assert not (graded["base"].parent / "escaped.py").exists() and not (graded["base"].parent / "escaped2.py").exists()
    assert not (SOLUTIONS / "VANDAL.txt").exists()
    assert graded["leftovers"] == []


@pytest.mark.parametrize("student", ["correct", "nested", "zipped", "marked", "traversal", "vandal", "spy", "forkbomb"])
def test_honest_work_in_every_shape_earns_full_marks_even_next_to_hostile_code(graded, student):
    row = grades(graded["out"])[student]
    result = record(graded["out"], student)["result"]
    failures = [t["message"] for ex in result["exercises"] for t in ex["tests"] if not t["passed"]]
    assert row["score"] == "30", failures[:3]


def test_a_notebook_without_marked_cells_is_graded_as_the_modules_it_defines(graded):
    row = grades(graded["out"])["unmarked"]
    assert (row["losses"], row["slopes"], row["activations"]) == ("10", "0", "0")
    assert any("no cell starts with `# module: <name>`" in n for n in feedback(graded["out"], "unmarked")["notes"])


def test_a_realistic_bug_costs_its_function_and_hidden_messages_stay_hidden(graded):
    out = graded["out"]
    assert grades(out)["wrong"]["losses"] not in ("10", "0")
    full = record(out, "wrong")["result"]
    lost = [t for t in verdicts_of(full, "mse_grad") if not t["passed"]]
    assert lost and all(t["message"] for t in lost)
    hidden = [t for t in lost if t["hidden"]]
    assert hidden and all(t["message"] != HIDDEN_MESSAGE for t in hidden)  # the instructor's record
    shown = {t["name"]: t for t in verdicts_of(feedback(out, "wrong"), "mse_grad")}
    assert all(shown[t["name"]]["message"] == HIDDEN_MESSAGE for t in hidden)  # the student's feedback
    assert all(h["message"] not in (out / "feedback" / "wrong.md").read_text() for h in hidden
               if h["message"] not in {t["message"] for t in lost if not t["hidden"]})


def test_nothing_to_grade_gets_zero_and_says_why(graded):
    out = graded["out"]
    for student, why in (("stubs", "not implemented yet"), ("empty", "nothing to grade in empty"),
                         ("bomb", "more than 20 MB")):
        assert grades(out)[student]["score"] == "0"
        assert why in (out / "feedback" / f"{student}.md").read_text(), student


def test_unsafe_zip_entries_are_skipped_and_named(graded):
    notes = " ".join(feedback(graded["out"], "traversal")["notes"])
    assert "'../../escaped.py'" in notes and "'/abs_escaped.py'" in notes and "escaped2.py" in notes


def test_hanging_exiting_and_allocating_code_loses_only_what_it_breaks(graded):
    out = graded["out"]
    expectations = {  # student: (function that breaks, a word of its message, a function that still passes)
        "loop": ("relu", "did not finish within 3 s", "sigmoid"),
        "os_exit": ("mse_grad", "exit code 0", "mse"),
        "allocate": ("relu", "MemoryError", "relu_grad"),
    }
    for student, (broken, needle, fine) in expectations.items():
        result = record(out, student)["result"]
        assert all(not t["passed"] for t in verdicts_of(result, broken)), student
        assert needle in verdicts_of(result, broken)[0]["message"], (student, verdicts_of(result, broken)[0]["message"])
        assert all(t["passed"] for t in verdicts_of(result, fine)), student
        assert exercise_score(result, "slopes") == FULL
    exited = record(out, "exit_at_import")["result"]
    assert exercise_score(exited, "slopes") == 0 and exercise_score(exited, "losses") == FULL
    assert "called sys.exit(0)" in verdicts_of(exited, "tangent_line")[0]["message"]


def test_lies_patches_and_theft_earn_nothing(graded):
    out = graded["out"]
    correct = grades(out)["correct"]
    patcher = record(out, "patcher")["result"]
    assert all(not t["passed"] for t in verdicts_of(patcher, "mse_grad"))
    assert exercise_score(patcher, "losses") < FULL
    assert grades(out)["liar"]["score"] == "0"
    assert "liar,30" not in (out / "grades.csv").read_text()
    assert not (out / "results.json").exists() and not (out / "results" / "liar.json").read_text().startswith('{"score"')
    thief = grades(out)["thief"]
    assert thief["losses"] == "0" and thief["slopes"] == correct["slopes"]


def test_the_summary_is_printed_and_drawn(graded):
    run, out = graded["run"], graded["out"]
    assert "score (% of max)" in run.stdout and "losses" in run.stdout
    assert (out / "summary.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "summary.txt").read_text() in run.stdout
