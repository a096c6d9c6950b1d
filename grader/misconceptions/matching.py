"""Does a wrong answer match a catalogued mistake? Runs only when a test failed.

For each misconception of the test's function, in catalogue order, the
matcher computes what that mistake would have produced on this test's own
inputs and compares it with what the student's code produced:

- `answer` entries, at each failed check: the wrong answer from `expected`
  and the named inputs, against the student's answer;
- `call` entries, at every recorded call of the function: the buggy
  function's result for the call's arguments, against the student's result;
- `condition` entries: a yes/no question about a call and its result.

A match needs agreement within MATCH_RTOL on every entry (judged against
the size of the whole tensor, like grader.gradcheck), and a variant that
is itself far from the right answer (GUARD times that tolerance), so a
correct answer can never be given a mistake's name.
"""

from __future__ import annotations

import importlib

import numpy as np

from grader.misconceptions.catalogue import SAFE_BUILTINS, Catalogue, FunctionInfo, Misconception
from grader.misconceptions.recording import Call, Comparison, Recorder
from grader.student import Trusted

MATCH_RTOL = {"float64": 1e-5, "float32": 1e-3}
GUARD = 10.0
MAX_EXPECTED_SIZE = 50_000  # trusted answers beyond this size are not used for matching


def diagnose(catalogue: Catalogue, function: str, recorder: Recorder | None, *,
             include_passed: bool = False) -> Misconception | None:
    """The first misconception of `function` that explains what the test recorded, or None."""
    entries = catalogue.for_function(function)
    info = catalogue.functions.get(function)
    if not entries or info is None or recorder is None:
        return None
    calls = [c for c in recorder.calls if c.function == function]
    call_names = _call_names(info, calls, [c for c in recorder.calls if c.function == f"{function}()"])
    comparisons = [c for c in recorder.comparisons if include_passed or not c.passed]
    right_results: dict[int, object] = {}  # each call's right result, computed once for all entries
    for entry in entries:
        if entry.mode == "answer":
            if any(_answer_matches(catalogue, entry, comp, call_names) for comp in comparisons):
                return entry
        elif entry.mode == "call":
            if _calls_match(catalogue, entry, info, calls, right_results):
                return entry
        elif any(_condition_holds(catalogue, entry, info, call) for call in calls):
            return entry
    return None


# --------------------------------------------------------------------------- the three modes


def _answer_matches(catalogue: Catalogue, entry: Misconception, comp: Comparison, call_names: dict) -> bool:
    if entry.part is not None and comp.part not in entry.part:
        return False
    expected = _expected(comp)
    if expected is None:
        return False
    names = {**plain(comp.inputs), **call_names, **plain(comp.context), "expected": expected, "part": comp.part}
    variant = _evaluate(catalogue, entry, names)
    if variant is _FAILED:
        return False
    tol = MATCH_RTOL["float32" if comp.rtol >= 1e-4 or _has_low_precision(comp.got) else "float64"]
    got = comp.got
    if comp.known is not None:  # the trusted answer is known at sampled entries only: judge there
        if np.shape(variant) != np.shape(got):
            return False
        got, variant, expected = (np.asarray(a, dtype=np.float64).ravel()[comp.known] for a in (got, variant, expected))
    return close(got, variant, tol) and not close(expected, variant, GUARD * tol)


def _calls_match(catalogue: Catalogue, entry: Misconception, info: FunctionInfo, calls: list[Call],
                 right_results: dict) -> bool:
    """The buggy result agrees with every recorded call, and differs from the right one on at least one."""
    if not calls:
        return False
    differs_somewhere = info.reference is None
    for number, call in enumerate(calls):
        if call.raised is not None:
            return False
        names = info.signature.bind(plain(call.args), plain(call.kwargs))
        variant = _evaluate(catalogue, entry, names)
        if variant is _FAILED:
            return False
        got, variant = _outputs(call, variant, entry.output)
        tol = MATCH_RTOL["float32" if _has_low_precision((call.args, call.result)) else "float64"]
        if not close(got, variant, tol):
            return False
        if not differs_somewhere:
            if number not in right_results:
                right_results[number] = _reference(catalogue, info, names)
            right = right_results[number]
            differs_somewhere = right is _FAILED or not close(_outputs(call, right, entry.output)[1], variant,
                                                             GUARD * tol)
    return differs_somewhere


def _condition_holds(catalogue: Catalogue, entry: Misconception, info: FunctionInfo, call: Call) -> bool:
    names = info.signature.bind(plain(call.args), plain(call.kwargs))
    names |= {"result": plain(call.result), "raised": call.raised}
    answer = _evaluate(catalogue, entry, names)
    return answer is not _FAILED and bool(answer)


# --------------------------------------------------------------------------- helpers


class _Failed:
    """An expression that cannot be evaluated here (a name this test lacks, a shape that does not fit)."""


_FAILED = _Failed()


def _evaluate(catalogue: Catalogue, entry: Misconception, names: dict):
    missing = entry.expression.names - set(names) - set(catalogue.helpers) - set(SAFE_BUILTINS) - {"np"}
    if missing:
        return _FAILED
    try:
        with np.errstate(all="ignore"):
            return entry.expression.evaluate(catalogue.helpers, names)
    except Exception:  # noqa: BLE001 - an expression that does not apply to this test is simply no match
        return _FAILED


def _reference(catalogue: Catalogue, info: FunctionInfo, names: dict):
    try:
        with np.errstate(all="ignore"):
            return info.reference.evaluate(catalogue.helpers, names)
    except Exception:  # noqa: BLE001 - e.g. the right code raises ValueError here
        return _FAILED


def _expected(comp: Comparison):
    try:
        value = comp.expected_value()
        arr = np.asarray(value, dtype=np.float64)
    except Exception:  # noqa: BLE001
        return None
    return arr if arr.size <= MAX_EXPECTED_SIZE else None


def _call_names(info: FunctionInfo, calls: list[Call], returned_calls: list[Call]) -> dict:
    """Names from the test's last call of the function (and of the function it returned)."""
    names: dict = {}
    if calls:
        names |= info.signature.bind(plain(calls[-1].args), plain(calls[-1].kwargs))
    if returned_calls and info.returns is not None:
        names |= info.returns.bind(plain(returned_calls[-1].args), plain(returned_calls[-1].kwargs))
    return names


def _outputs(call: Call, variant, output: int | None):
    """(student's value, variant's value), narrowed to one output or to what a driver sent back."""
    got = call.result
    if output is not None:
        return _pick(got, output), _pick(variant, output)
    if call.output_known is not None and isinstance(variant, (tuple, list)):
        return (tuple(_pick(got, i) for i in call.output_known),
                tuple(_pick(variant, i) for i in call.output_known))
    return got, variant


def _pick(value, index: int):
    try:
        return value[index]
    except (TypeError, IndexError, KeyError):
        return _FAILED


def close(got, want, tol: float) -> bool:
    """got agrees with want within tol, each tensor judged against its own largest entry."""
    if got is _FAILED or want is _FAILED or want is None or got is None:
        return False
    if isinstance(want, dict):
        return isinstance(got, dict) and set(got) == set(want) and all(close(got[k], want[k], tol) for k in want)
    if isinstance(want, tuple):
        return (isinstance(got, (tuple, list)) and len(got) == len(want)
                and all(close(g, w, tol) for g, w in zip(got, want)))
    try:
        g = np.asarray(got, dtype=np.float64)
        w = np.asarray(want, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    if g.shape != w.shape or not (np.all(np.isfinite(g)) and np.all(np.isfinite(w))):
        return False
    if w.size == 0:
        return True
    scale = float(np.abs(w).max()) + 1e-12
    return bool(np.all(np.abs(g - w) <= tol * (np.abs(w) + scale)))


def _has_low_precision(value) -> bool:
    if isinstance(value, (np.ndarray, np.generic)):
        return value.dtype.kind == "f" and value.dtype.itemsize < 8
    if isinstance(value, dict):
        return any(_has_low_precision(v) for v in value.values())
    if isinstance(value, (tuple, list)):
        return any(_has_low_precision(v) for v in value)
    return False


def plain(value):
    """A float64, grader-side copy of recorded data: trusted functions rebuilt, arrays widened."""
    if isinstance(value, Trusted):
        return _rebuild(value)
    if isinstance(value, np.ndarray):
        return value.astype(np.float64) if value.dtype.kind in "fiu" else value.copy()
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _rebuild(ref: Trusted):
    """The grader's own copy of a trusted function it handed to student code (grader.* only)."""
    module, _, name = ref.path.partition(":")
    if not module.startswith("grader."):
        return None
    try:
        fn = getattr(importlib.import_module(module), name)
        return fn(**plain(ref.kwargs)) if ref.factory else fn
    except Exception:  # noqa: BLE001
        return None
