"""Known wrong variants of day-13 functions, as plain code the catalogue's expressions call.

Each helper computes the right answer by default; a keyword switches on one
known mistake (wrong_half=True, bias_correction=False, accumulate=False...).
They run in the grader's process on the recorded inputs of a failed test,
so they are written like the suites' references: float64, short, obvious.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

__all__ = [
    "adam", "autodiff", "bisect", "brackets_a_zero", "descend", "fit", "input_gradients", "momentum",
    "net_grads", "net_predict", "numgrad", "rmsprop", "sigmoid",
]


# --------------------------------------------------------------------------- slopes, activations, gradients


def bisect(df, lo, hi, tol=1e-10, *, wrong_half=False, check_ends=True, check_sign=True):
    """Bisection on the sign of df, step for step like the reference, with one step optionally wrong."""
    lo, hi = float(lo), float(hi)
    if lo > hi:
        raise ValueError("lo > hi")
    slope_lo, slope_hi = df(lo), df(hi)
    if check_ends and slope_lo == 0:
        return lo
    if check_ends and slope_hi == 0:
        return hi
    if check_sign and (slope_lo > 0) == (slope_hi > 0):
        raise ValueError("no sign change")
    while hi - lo >= tol:
        mid = (lo + hi) / 2
        if mid <= lo or mid >= hi:
            break
        slope_mid = df(mid)
        if slope_mid == 0:
            return mid
        if ((slope_mid > 0) == (slope_lo > 0)) != wrong_half:
            lo, slope_lo = mid, slope_mid
        else:
            hi = mid
    return (lo + hi) / 2


def brackets_a_zero(df, lo, hi) -> bool:
    """True when [lo, hi] is a valid bracket: a zero slope at an end, or slopes of opposite signs."""
    a, b = df(float(lo)), df(float(hi))
    return a == 0 or b == 0 or (a > 0) != (b > 0)


def sigmoid(x):
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def numgrad(f, x, h=1e-5, kind="central"):
    """Differences of a scalar f in each entry of x: "central", or "forward" (one-sided)."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = h
        if kind == "forward":
            grad[i] = (f(x + step) - f(x)) / h
        else:
            grad[i] = (f(x + step) - f(x - step)) / (2 * h)
    return grad


# --------------------------------------------------------------------------- descent


def descend(grad, theta0, lr, steps, sign=-1.0):
    """theta0 and every iterate of theta + sign * lr * grad(theta) (sign +1 climbs)."""
    theta = np.array(theta0, dtype=np.float64)
    path = [theta]
    for _ in range(int(steps)):
        theta = theta + sign * lr * grad(theta)
        path.append(theta)
    return np.stack(path)


def fit(X, y, lr=0.01, epochs=1000, *, loss_after_update=False, factor=2.0):
    """(w, b, losses) of gradient descent on the MSE of X @ w + b, from zeros."""
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
    w, b, losses = np.zeros(X.shape[1]), 0.0, []
    for _ in range(int(epochs)):
        residual = X @ w + b - y
        if not loss_after_update:
            losses.append(float(np.mean(residual**2)))
        g = factor * residual / y.size
        w, b = w - lr * (X.T @ g), b - lr * float(np.sum(g))
        if loss_after_update:
            losses.append(float(np.mean((X @ w + b - y) ** 2)))
    return w, b, np.array(losses)


def momentum(theta, grad, velocity, lr, beta=0.9, *, old_velocity=False, lr_inside=False, average=False):
    """(theta, velocity) after one momentum step (average: v = beta v + (1 - beta) g)."""
    if average:
        new_velocity = beta * velocity + (1 - beta) * grad
        return theta - lr * new_velocity, new_velocity
    if lr_inside:
        new_velocity = beta * velocity + lr * grad
        return theta - new_velocity, new_velocity
    new_velocity = beta * velocity + grad
    return theta - lr * (velocity if old_velocity else new_velocity), new_velocity


def rmsprop(theta, grad, cache, lr, decay=0.9, eps=1e-8, *, sqrt=True, eps_inside=False, one_minus=True):
    """(theta, cache) after one RMSProp step."""
    cache = decay * cache + ((1 - decay) if one_minus else 1.0) * grad * grad
    if eps_inside:
        denominator = np.sqrt(cache + eps)
    else:
        denominator = (np.sqrt(cache) if sqrt else cache) + eps
    return theta - lr * grad / denominator, cache


def adam(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, *, bias_correction=True,
         eps_inside=False, corrected_state=False):
    """(theta, m, v) after Adam step t (1-based)."""
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    m_hat = m / (1 - beta1**t) if bias_correction else m
    v_hat = v / (1 - beta2**t) if bias_correction else v
    denominator = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
    theta = theta - lr * m_hat / denominator
    return (theta, m_hat, v_hat) if corrected_state else (theta, m, v)


# --------------------------------------------------------------------------- the two-layer network


def net_predict(params, X, *, activation=True):
    hidden = np.asarray(X, dtype=np.float64) @ params["W1"] + params["b1"]
    if activation:
        hidden = np.tanh(hidden)
    return (hidden @ params["W2"] + params["b2"])[:, 0]


def net_grads(params, X, y, *, tanh_derivative=True):
    """Gradients of mean((net(X) - y)**2), optionally skipping tanh's derivative."""
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
    a = np.tanh(X @ params["W1"] + params["b1"])
    residual = (a @ params["W2"] + params["b2"])[:, 0] - y
    dout = (2 * residual / residual.size)[:, None]
    da = dout @ params["W2"].T
    dz = da * (1 - a**2) if tanh_derivative else da
    return {"W1": X.T @ dz, "b1": dz.sum(axis=0), "W2": a.T @ dout, "b2": dout.sum(axis=0)}


def input_gradients(params, X):
    """d y_pred / d x for each row, (N, D)."""
    a = np.tanh(np.asarray(X, dtype=np.float64) @ params["W1"] + params["b1"])
    return (params["W2"][:, 0] * (1 - a**2)) @ params["W1"].T


# --------------------------------------------------------------------------- autodiff


def autodiff(program, root, report=None, *, accumulate=True, seed=1.0, drop_upstream=(), tanh_slope="output",
             exp_slope="output", relu_at_zero=0.0, pow_factor=True, swapped=()):
    """(data, grads) of a grader.drivers program after n{root}.backward(), with optional mistakes.

    accumulate=False: each rule assigns its input's grad instead of adding to
    it (the last rule to run wins; rules run from the root down). drop_upstream:
    ops whose rule forgets to multiply by out.grad. tanh_slope / exp_slope
    "input": the local slope computed from the input instead of the output.
    swapped: reflected ops (number - Value, number / Value) computed the wrong
    way round.
    """
    steps, data = _run_forward(repr(program), tuple(swapped))
    grads = [0.0] * len(steps)
    if root is not None:
        grads[root] = float(seed)
        for i in sorted(_reachable(steps, root), reverse=True):
            op = steps[i][0]
            for operand, slope in _slopes(steps[i], data, data[i], tanh_slope, exp_slope, relu_at_zero, pow_factor):
                if not isinstance(operand, int):
                    continue
                contribution = slope if op in drop_upstream else slope * grads[i]
                grads[operand] = grads[operand] + contribution if accumulate else contribution
    chosen = range(len(steps)) if report is None else report
    return [data[i] for i in chosen], [grads[i] for i in chosen]


@lru_cache(maxsize=8)
def _run_forward(program_text: str, swapped: tuple) -> tuple[list, list[float]]:
    """Steps and node values of a program (cached: every variant replays the same program)."""
    import ast

    from grader.drivers import expand  # the program format is the driver's

    steps = [_swap(step, swapped) for step in expand(ast.literal_eval(program_text))]
    data: list[float] = []
    for step in steps:
        data.append(_forward(step, data))
    return steps, data


def _swap(step, swapped):
    if step[0] in swapped and len(step) == 3 and not isinstance(step[1], int) and isinstance(step[2], int):
        return [step[0], step[2], step[1]]
    return step


def _reachable(steps, root) -> set[int]:
    seen, stack = set(), [root]
    while stack:
        i = stack.pop()
        if i in seen:
            continue
        seen.add(i)
        stack.extend(ref for ref in steps[i][1:] if isinstance(ref, int) and steps[i][0] != "value")
    return seen


def _number(operand) -> float:
    from grader.drivers import NUMBER_KINDS

    return float(NUMBER_KINDS[operand[2]](operand[1]))


def _value(data, operand) -> float:
    return data[operand] if isinstance(operand, int) else _number(operand)


def _forward(step, data) -> float:
    op = step[0]
    if op == "value":
        return float(step[1])
    a = _value(data, step[1])
    unary = {"neg": lambda: -a, "tanh": lambda: math.tanh(a), "exp": lambda: math.exp(a), "relu": lambda: max(a, 0.0)}
    if op in unary:
        return unary[op]()
    b = _value(data, step[2])
    return {"add": a + b, "sub": a - b, "mul": a * b, "div": a / b if b else math.inf, "pow": _power(a, b)}[op]


def _power(a, b):
    try:
        return a**b
    except (OverflowError, ZeroDivisionError):
        return math.inf


def _slopes(step, data, out, tanh_slope, exp_slope, relu_at_zero, pow_factor):
    op = step[0]
    if op == "value":
        return []
    a_ref = step[1]
    a = _value(data, a_ref)
    if op == "neg":
        return [(a_ref, -1.0)]
    if op == "tanh":
        return [(a_ref, 1.0 - (a * a if tanh_slope == "input" else out * out))]
    if op == "exp":
        return [(a_ref, a if exp_slope == "input" else out)]
    if op == "relu":
        return [(a_ref, 1.0 if a > 0 else (relu_at_zero if a == 0 else 0.0))]
    b_ref = step[2]
    b = _value(data, b_ref)
    if op == "add":
        return [(a_ref, 1.0), (b_ref, 1.0)]
    if op == "sub":
        return [(a_ref, 1.0), (b_ref, -1.0)]
    if op == "mul":
        return [(a_ref, b), (b_ref, a)]
    if op == "div":
        return [(a_ref, 1.0 / b), (b_ref, -a / (b * b))]
    return [(a_ref, (b if pow_factor else 1.0) * a ** (b - 1))]
