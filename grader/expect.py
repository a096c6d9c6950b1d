"""Assertions the suites use: judge an answer, and explain a wrong one to the student.

Every failure names the function, shows the (small) inputs, a few entries
expected against got, the relative error against the tolerance, and the seed.
Tolerances follow the precision of the INPUTS (float32 in, float32 accuracy
expected), never the dtype the student happened to return.
"""

from __future__ import annotations

import numpy as np

from grader import gradcheck
from grader.misconceptions.recording import Comparison, note_comparison
from grader.student import StudentError


class Wrong(AssertionError):
    """A wrong answer; str() is the message the student sees."""


def show(value, limit: int = 8) -> str:
    """A short printable form of an input: small arrays in full, large ones summarised."""
    if isinstance(value, np.ndarray):
        if value.size <= limit:
            body = np.array2string(value, precision=4, separator=", ", suppress_small=False)
            return " ".join(body.split()) + (f" ({value.dtype})" if value.dtype != np.float64 else "")
        return f"array of shape {value.shape}, {value.dtype}, seeded"
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value)


def _inputs(inputs: dict | None) -> str:
    if not inputs:
        return ""
    return "\n  inputs: " + ", ".join(f"{k} = {show(v)}" for k, v in inputs.items())


def _rtol(dtype) -> float:
    return gradcheck.default_rtol(np.dtype(dtype))


def as_number_array(got, what: str) -> np.ndarray:
    """The answer as an ndarray, or a Wrong that says what came back instead.

    The contract asks for NumPy arrays: a list is a wrong answer (a caller's `out[:, 0]` or
    `2 * out` breaks on it). Its dtype is not judged, only its values (SPEC: "never the dtype
    alone"), so relu_grad's integer 1 and 0 are as right as 1.0 and 0.0."""
    if isinstance(got, (list, tuple)):
        raise Wrong(f"{what} returned a {type(got).__name__}, expected a NumPy array: build it with np.array(...) "
                    f"or NumPy operations")
    return _numbers(got, what)


def number_sequence(got, what: str) -> np.ndarray:
    """A sequence of numbers the contract lets be a list too (a training run's losses), as an ndarray."""
    return _numbers(got, what)


def _numbers(got, what: str) -> np.ndarray:
    if got is None:
        raise Wrong(f"{what} returned None: is a `return` missing?")
    if isinstance(got, (bool, np.bool_)):
        raise Wrong(f"{what} returned a bool ({got}), expected numbers")
    try:
        arr = np.asarray(got)
    except (ValueError, TypeError):
        raise Wrong(f"{what} returned {type(got).__name__}, expected an array") from None
    if arr.dtype.kind not in "iuf":
        raise Wrong(f"{what} returned {arr.dtype} values, expected floats")
    return arr


def scalar(got, what: str) -> float:
    """A float answer (Python float, NumPy floating scalar or 0-d array)."""
    arr = _numbers(got, what)
    if arr.shape != ():
        raise Wrong(f"{what} should return a single float, got an array of shape {arr.shape}")
    return float(arr)


def values(got, expected, *, what: str, inputs: dict | None = None, dtype=np.float64, seed=None, rtol=None,
           context: dict | None = None, part: str | None = None, scale: float | None = None):
    """got must match the trusted `expected` (judged against the size of the whole tensor, or
    `scale` when the expected values are known to carry rounding noise larger than themselves).

    `inputs` are shown to the student on failure; they and `context` (names
    not worth showing, e.g. a trusted function) are what the misconception
    catalogue's expressions may read; `part` names the checked value (e.g. "m").
    """
    answer = as_number_array(got, what)
    expected64 = np.asarray(expected, dtype=np.float64)
    result = gradcheck.compare(answer, expected64, name="value", rtol=rtol if rtol is not None else _rtol(dtype),
                               scale=scale)
    _note(what, answer, expected64, inputs, context, part, result)
    if not result.passed:
        raise Wrong(_message(what, result, inputs, seed))
    return answer


def gradient(f, x, got, *, what: str, inputs: dict | None = None, dtype=np.float64, seed=None, name="gradient",
             context: dict | None = None, part: str | None = None):
    """got must match central differences of the trusted float64 scalar function f at x."""
    answer = as_number_array(got, what)
    x64 = np.asarray(x, dtype=np.float64)
    result = gradcheck.check_gradient(f, x64, answer, name=name, rtol=_rtol(dtype), seed=0 if seed is None else seed)
    _note(what, answer, lambda: gradcheck.numerical_gradient(f, x64), inputs, context, part, result)
    if not result.passed:
        raise Wrong(_message(what, result, inputs, seed))
    return answer


def gradients(f, params: dict, got, *, what: str, inputs: dict | None = None, dtype=np.float64, seed=None,
              context: dict | None = None):
    """Each tensor of the dict `got` against differences of f(params) in that tensor."""
    if not isinstance(got, dict):
        raise Wrong(f"{what} should return a dict of gradients, got {type(got).__name__}")
    missing = sorted(set(params) - set(got))
    if missing:
        raise Wrong(f"{what}: the gradients have no {', '.join(missing)}")
    answers = {k: as_number_array(got[k], f"{what}[{k!r}]") for k in params}
    params64 = {k: np.asarray(v, np.float64) for k, v in params.items()}
    results = gradcheck.check_gradients(f, params64, answers, rtol=_rtol(dtype), seed=0 if seed is None else seed)
    for key, result in zip(params64, results):
        _note(what, answers[key], lambda key=key: _partial_gradient(f, params64, key), inputs, context, key, result)
    failed = [r for r in results if not r.passed]
    if failed:
        raise Wrong("\n".join(_message(what, r, inputs if i == 0 else None, seed if i == 0 else None)
                              for i, r in enumerate(failed)))
    return answers


def _partial_gradient(f, params64: dict, key: str) -> np.ndarray:
    """Central differences of f(params) in one tensor (the trusted answer the catalogue transforms)."""
    def f_of_one(t):
        return f({k: (t if k == key else v.copy()) for k, v in params64.items()})

    return gradcheck.numerical_gradient(f_of_one, params64[key])


def _note(what, answer, expected, inputs, context, part, result) -> None:
    """Keep the check for the misconception matcher (a list append; matching runs only on failures).

    A large tensor's gradient is known only where the check sampled it; the matcher then
    compares there (recomputing every entry by finite differences would cost more than the check).
    """
    known = None
    if getattr(result, "sampled", None) is not None:
        known, slopes = result.sampled
        expected = np.full(np.shape(answer), np.nan)
        expected.flat[known] = slopes
    note_comparison(Comparison(what=what, got=answer, expected=expected, inputs=dict(inputs or {}),
                               context=dict(context or {}), part=part, rtol=result.rtol, passed=result.passed,
                               known=known))


def _message(what: str, result, inputs, seed) -> str:
    text = f"{what} is wrong{_inputs(inputs)}\n" + "\n".join("  " + line for line in result.describe().splitlines())
    return text + (f"\n  (seed {seed})" if seed is not None else "")


def without_warnings(function, *args, inputs: dict):
    """Call a student function on args; a warning it causes fails the test, with the inputs shown."""
    try:
        return function(*args, allow_warnings=False)
    except StudentError as exc:
        if not exc.raised("Warning"):
            raise
        raise exc.explained(_inputs(inputs)) from None


def that(condition: bool, message: str) -> None:
    """A plain check with a teaching message."""
    if not condition:
        raise Wrong(message)
