"""Student code that exits, hangs, crashes, lies or patches NumPy loses only its own points.

Each case edits one reference module and grades it in the real worker.
"""

import textwrap

import pytest

from grader.course import load_day
from grader.runner import run_day

DAY = load_day("day13")


def grade(folder, exercise, timeout=3.0):
    result = run_day(DAY, folder, [exercise], seed=3, timeout=timeout)
    return {t.name: t for t in result.exercises[0].tests}, result


def append(folder, module, code):
    path = folder / f"{module}.py"
    path.write_text(path.read_text() + "\n" + textwrap.dedent(code))


def by_function(tests, function):
    return [t for t in tests.values() if t.function == function]


def test_os_exit_in_one_function_costs_only_that_function(submission):
    append(submission, "losses", """
        import os
        def mse_grad(y_pred, y):
            os._exit(0)
    """)
    tests, result = grade(submission, "losses")
    lost = by_function(tests, "mse_grad")
    assert lost and all(not t.passed for t in lost)
    assert all("ended during losses.mse_grad" in t.message and "exit code 0" in t.message for t in lost)
    assert all(t.passed for t in tests.values() if t.function != "mse_grad" and t.function != "linear_regression_gradients")
    assert result.exercises[0].score > 0


def test_an_endless_loop_times_out_and_is_not_retried(submission):
    append(submission, "gradients", """
        def relative_error(a, b):
            while True:
                pass
    """)
    tests, _ = grade(submission, "gradients", timeout=1.0)
    looping = by_function(tests, "relative_error")
    assert all(not t.passed for t in looping)
    assert "did not finish within 1 s" in looping[0].message
    assert all("timed out in an earlier test" in t.message for t in looping[1:])
    assert all(t.passed for t in tests.values() if t.function != "relative_error")


def test_sys_exit_at_import_fails_the_module_with_a_message(submission):
    append(submission, "rules", "import sys\nsys.exit(0)\n")
    tests, result = grade(submission, "rules")
    assert result.exercises[0].score == 0
    assert all("rules.py could not be imported: called sys.exit(0)" in t.message for t in tests.values())
    assert not any("importing rules.py could not" in t.message for t in tests.values())  # said once, plainly


def test_a_loop_at_import_costs_one_timeout_not_one_per_test(submission):
    import time

    append(submission, "rules", "while True:\n    pass\n")
    start = time.monotonic()
    tests, _ = grade(submission, "rules", timeout=1.0)
    assert time.monotonic() - start < 8
    assert all(not t.passed and "could not be imported" in t.message for t in tests.values())


def test_patching_numpy_and_builtins_in_the_worker_earns_nothing(submission):
    append(submission, "losses", """
        import builtins, numpy
        numpy.allclose = lambda *a, **k: True
        numpy.testing.assert_allclose = lambda *a, **k: None
        numpy.array_equal = lambda *a, **k: True
        builtins.abs = lambda x: 0
        def mse_grad(y_pred, y):
            return numpy.zeros_like(y_pred)
        print('{"score": 10, "max_score": 10}')
    """)
    tests, _ = grade(submission, "losses")
    assert all(not t.passed for t in by_function(tests, "mse_grad"))
    assert all(t.passed for t in by_function(tests, "mse"))


def test_syntax_error_missing_file_and_missing_function_get_clear_messages(submission):
    (submission / "slopes.py").write_text("def forward_difference(f, x, h=1e-6)\n    return 0\n")
    (submission / "activations.py").unlink()
    path = submission / "descent.py"
    path.write_text(path.read_text().replace("def adam_step(", "def adam_stepp("))
    slopes, _ = grade(submission, "slopes")
    assert all("slopes.py could not be imported: SyntaxError in slopes.py line 1" in t.message for t in slopes.values())
    (submission / "rules.py").write_bytes(b"x = 1\0\n")  # a NUL byte: no line to name
    rules, _ = grade(submission, "rules")
    assert all(t.message.startswith("rules.py could not be imported: SyntaxError: source code string cannot contain "
                                    "null bytes") for t in rules.values())
    activations, _ = grade(submission, "activations")
    assert all("activations.py was not found" in t.message for t in activations.values())
    descent, _ = grade(submission, "descent")
    assert all("descent.py defines no adam_step" in t.message for t in by_function(descent, "adam_step"))
    assert all(t.passed for t in by_function(descent, "momentum_step"))


@pytest.mark.parametrize("body, needle", [
    ("return np.reshape(2 * (y_pred - y) / y.size, (-1, 1))", "shape"),
    ("return None", "returned None"),
    ("return lambda: 0", "returned an object of type function"),
    ("y_pred -= y\n    return 2 * y_pred / y.size", "changed its y_pred (argument #1) in place"),
])
def test_wrong_shapes_types_and_mutated_inputs_are_named(submission, body, needle):
    append(submission, "losses", f"""
def mse_grad(y_pred, y):
    {body}
""")
    tests, _ = grade(submission, "losses")
    failures = [t for t in by_function(tests, "mse_grad") if not t.passed]
    assert failures and all(needle in t.message for t in failures), [t.message for t in failures]


def test_a_huge_allocation_fails_that_call_only(submission):
    append(submission, "activations", """
        def relu(x):
            blob = np.ones(50 * 1024**3 // 8)  # 50 GB
            return np.maximum(x, 0)
    """)
    tests, _ = grade(submission, "activations")
    assert all(not t.passed and "MemoryError" in t.message for t in by_function(tests, "relu"))
    assert all(t.passed for t in by_function(tests, "sigmoid"))


HOSTILE_NAME = "E\x1b[2J\x1b[H\u202eday13: 90 / 90 points\n```\n\n**90 / 90 points** <img src=x onerror=alert(1)>\n```text"


def test_an_exception_named_to_fake_a_score_stays_one_printable_line_inside_its_code_block(submission, tmp_path):
    append(submission, "losses", f"""
        _Fake = type({HOSTILE_NAME!r}, (Exception,), {{}})
        def mse_grad(y_pred, y):
            raise _Fake("boom")
    """)
    tests, result = grade(submission, "losses")
    lost = by_function(tests, "mse_grad")
    assert lost and all(not t.passed for t in lost)
    for test in lost:
        first = test.message.splitlines()[0]
        assert "\x1b" not in test.message and "\u202e" not in test.message  # no terminal escapes, no reordering
        assert "\\x1b[2J" in first and "**90 / 90 points**" in first  # shown, as text, on the line it raised on
    from grader import gradebook

    gradebook.write_feedback(tmp_path, "mallory", result)
    markdown = (tmp_path / "feedback" / "mallory.md").read_text().splitlines()
    fence, faked_outside, faked_inside = None, 0, 0
    for line in markdown:  # CommonMark: a block opened by N backticks closes at a line of N or more
        stripped = line.strip()
        if fence is None and stripped.startswith("```"):
            fence = stripped[:len(stripped) - len(stripped.lstrip("`"))]
        elif fence is not None and stripped.startswith(fence) and set(stripped) == {"`"}:
            fence = None
        elif "**90 / 90 points**" in line:
            faked_inside, faked_outside = faked_inside + (fence is not None), faked_outside + (fence is None)
    assert faked_inside and not faked_outside  # only inside code blocks, never read as Markdown
