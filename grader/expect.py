"""Assertions the suites use: judge an answer, and explain a wrong one to the student.

Every failure names the function, shows the (small) inputs, a few entries
expected against got, the relative error against the tolerance, and the seed.
Tolerances follow the precision of the INPUTS (float32 in, float32 accuracy
expected), never the dtype the student happened to return.
"""

from __future__ import annotations

import numpy as np

from grader import gradcheck


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
    """The answer as an ndarray, or a Wrong that says what came back instead."""
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
    arr = as_number_array(got, what)
    if arr.shape != ():
        raise Wrong(f"{what} should return a single float, got an array of shape {arr.shape}")
    return float(arr)


def values(got, expected, *, what: str, inputs: dict | None = None, dtype=np.float64, seed=None, rtol=None):
    """got must match the trusted `expected` (judged against the size of the whole tensor)."""
    answer = as_number_array(got, what)
    result = gradcheck.compare(answer, np.asarray(expected, dtype=np.float64), name="value",
                               rtol=rtol if rtol is not None else _rtol(dtype))
    if not result.passed:
        raise Wrong(_message(what, result, inputs, seed))
    return answer


def gradient(f, x, got, *, what: str, inputs: dict | None = None, dtype=np.float64, seed=None, name="gradient"):
    """got must match central differences of the trusted float64 scalar function f at x."""
    answer = as_number_array(got, what)
    result = gradcheck.check_gradient(f, np.asarray(x, dtype=np.float64), answer, name=name,
                                      rtol=_rtol(dtype), seed=0 if seed is None else seed)
    if not result.passed:
        raise Wrong(_message(what, result, inputs, seed))
    return answer


def gradients(f, params: dict, got, *, what: str, inputs: dict | None = None, dtype=np.float64, seed=None):
    """Each tensor of the dict `got` against differences of f(params) in that tensor."""
    if not isinstance(got, dict):
        raise Wrong(f"{what} should return a dict of gradients, got {type(got).__name__}")
    missing = sorted(set(params) - set(got))
    if missing:
        raise Wrong(f"{what}: the gradients have no {', '.join(missing)}")
    answers = {k: as_number_array(got[k], f"{what}[{k!r}]") for k in params}
    results = gradcheck.check_gradients(f, {k: np.asarray(v, np.float64) for k, v in params.items()},
                                        answers, rtol=_rtol(dtype), seed=0 if seed is None else seed)
    failed = [r for r in results if not r.passed]
    if failed:
        raise Wrong("\n".join(_message(what, r, inputs if i == 0 else None, seed if i == 0 else None)
                              for i, r in enumerate(failed)))
    return answers


def _message(what: str, result, inputs, seed) -> str:
    text = f"{what} is wrong{_inputs(inputs)}\n" + "\n".join("  " + line for line in result.describe().splitlines())
    return text + (f"\n  (seed {seed})" if seed is not None else "")


def that(condition: bool, message: str) -> None:
    """A plain check with a teaching message."""
    if not condition:
        raise Wrong(message)
