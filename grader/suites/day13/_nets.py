"""Trusted float64 networks for the backprop and house_prices suites, and ways to call student layers.

Everything here runs in the grader's process. The forwards are the
references gradients are checked against (by finite differences), so they
are written plainly, in float64, whatever dtype the student was given.
"""

from __future__ import annotations

import weakref
from types import SimpleNamespace

import numpy as np

from grader import expect
from grader.data import load_house_prices
from grader.student import InputModified, TimedOut, WorkerDied

PARAM_KEYS = ("W1", "b1", "W2", "b2")


# --------------------------------------------------------------------------- trusted forwards


def as64(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def dense(X, W, b) -> np.ndarray:
    return as64(X) @ as64(W) + as64(b)


def predict(params: dict, X) -> np.ndarray:
    """tanh(X @ W1 + b1) @ W2 + b2, as an (N,) vector."""
    hidden = np.tanh(dense(X, params["W1"], params["b1"]))
    return dense(hidden, params["W2"], params["b2"])[:, 0]


def mse_loss(params: dict, X, y) -> float:
    return float(np.mean((predict(params, X) - as64(y)) ** 2))


def house_split(split_seed: int, test_rows: int) -> SimpleNamespace:
    """The real house data split into train and test rows, standardized with the training rows'
    mean and std (ddof=0): X_train, y_train, X_test, y_test. Loaded by the grader, never the student."""
    X, y, _ = load_house_prices()
    order = np.random.default_rng(split_seed).permutation(len(y))
    test, train = order[:test_rows], order[test_rows:]
    mean, std = X[train].mean(axis=0), X[train].std(axis=0)
    y_mean, y_std = y[train].mean(), y[train].std()
    return SimpleNamespace(
        X_train=(X[train] - mean) / std, y_train=(y[train] - y_mean) / y_std,
        X_test=(X[test] - mean) / std, y_test=(y[test] - y_mean) / y_std,
    )


def r_squared(y, y_pred) -> float:
    y, y_pred = as64(y), as64(y_pred)
    return float(1.0 - np.sum((y - y_pred) ** 2) / np.sum((y - y.mean()) ** 2))


# --------------------------------------------------------------------------- draws


def random_params(rng, d: int, h: int, dtype=np.float64) -> dict:
    """Weights of a moderate size and non-zero biases: no special point where a wrong formula agrees."""
    params = {
        "W1": rng.normal(0.0, 0.8, (d, h)),
        "b1": rng.normal(0.0, 0.5, h),
        "W2": rng.normal(0.0, 0.8, (h, 1)),
        "b2": rng.normal(0.0, 0.5, 1),
    }
    return {k: v.astype(dtype) for k, v in params.items()}


def as_dtype(params: dict, dtype) -> dict:
    return {k: np.asarray(v).astype(dtype) for k, v in params.items()}


# --------------------------------------------------------------------------- calling student code


# Student code that hung once, per worker: not run again in the same grading run (like
# StudentProcess.call does for direct calls), so one endless loop costs one timeout, not one per test.
_hung: weakref.WeakKeyDictionary[object, dict[str, str]] = weakref.WeakKeyDictionary()


def run_driver(student, driver: str, label: str, *args, timeout=None):
    """Run a grader driver on student code; time-outs and crashes are reported under `label`.

    A call at the default timeout that times out marks `label` as hung for this
    worker; calls given their own (longer) timeout never do, so a slow answer
    to one big test does not cost the small ones.
    """
    hung = _hung.setdefault(student, {})
    if label in hung:
        raise TimedOut(hung[label])
    try:
        return student.trusted(f"grader.drivers:{driver}", *args, timeout=timeout)
    except (TimedOut, WorkerDied) as exc:
        message = str(exc).replace(driver, label)
        if isinstance(exc, TimedOut) and timeout is None:
            hung[label] = f"{label} was not run again: it timed out in an earlier test ({message})"
        raise type(exc)(message) from None


def layer_output(student, module: str, forward: str, *inputs, timeout=None):
    """out of the student's forward(*inputs) (its cache stays in the worker)."""
    return run_driver(student, "layer_forward", f"{module}.{forward}", module, forward, *inputs, timeout=timeout)


def layer_round_trip(student, module: str, forward: str, backward: str, upstream, *inputs, timeout=None):
    """(out, grads) of the student's forward(*inputs) then backward(upstream, cache)."""
    return run_driver(student, "layer_round_trip", f"{module}.{forward}/{backward}",
                      module, forward, backward, upstream, *inputs, timeout=timeout)


def call(student, module: str, name: str, *args, timeout=None):
    """A student call whose dict arguments (params) are also checked for in-place changes."""
    label = f"{module}.{name}"
    result, changed = run_driver(student, "call_reporting_changes", label, module, name, *args, timeout=timeout)
    if changed:
        raise InputModified(f"{label} changed its argument {changed[0]} in place; work on a copy "
                            "(new = old - step, not old -= step)")
    return result


def unpack(got, count: int, what: str, names: str):
    """got as a tuple of `count` values, or a Wrong that says what came back instead."""
    expect.that(isinstance(got, (tuple, list)) and len(got) == count,
                f"{what} should return {names}, got {_kind(got)}")
    return got


def _kind(value) -> str:
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} values"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return type(value).__name__

