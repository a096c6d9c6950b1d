"""How far correct answers and classic bugs land from grader.gradcheck's tolerances.

Prints, over many seeded draws of suite-like inputs, the largest max_error of
correct answers (float64, and float32 computed in float32 arithmetic) and the
smallest max_error of each classic bug. The tolerances are 1e-6 (float64) and
1e-4 (float32); a bug is caught when its smallest error is above them.

    .venv/bin/python benchmarks/gradcheck_margins.py [--seeds 200]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from grader import gradcheck as gc


def draw_net(rng, dtype, weight_scale=1.0):
    """Inputs the way a suite draws them: batch >= 3, distinct D and H, no special points."""
    N, D = int(rng.integers(3, 65)), int(rng.integers(2, 14))
    H = int(rng.choice([h for h in range(2, 33) if h != D]))
    raw = {"W1": weight_scale * rng.normal(size=(D, H)) / np.sqrt(D),
           "b1": 0.1 * rng.normal(size=H),
           "W2": weight_scale * rng.normal(size=(H, 1)) / np.sqrt(H),
           "b2": 0.1 * rng.normal(size=1)}
    X, y = rng.normal(size=(N, D)).astype(dtype), rng.normal(size=N).astype(dtype)
    params = {k: v.astype(dtype) for k, v in raw.items()}
    return params, X, y


def trusted_loss(X, y):
    X, y = X.astype(np.float64), y.astype(np.float64)

    def loss(p):
        a = np.tanh(X @ p["W1"] + p["b1"])
        return np.mean(((a @ p["W2"] + p["b2"])[:, 0] - y) ** 2)
    return loss


def backward(p, X, y, bug=None):
    """The two-layer backward of the day-13 contract, optionally with one classic bug."""
    N = X.shape[0]
    z = X @ p["W1"] + p["b1"]
    a = np.tanh(z)
    r = (a @ p["W2"] + p["b2"])[:, 0] - y
    dout = {"missing_factor_2": r / N, "missing_1_over_N": 2 * r,
            "sign_flip": -2 * r / N}.get(bug, 2 * r / N)[:, None]
    da = dout @ p["W2"].T
    dz = {"one_minus_z_squared": da * (1 - z ** 2), "missing_activation_derivative": da,
          "forgot_upstream_gradient": 1 - a ** 2}.get(bug, da * (1 - a ** 2))
    grads = {"W1": X.T @ dz, "b1": dz.sum(0), "W2": a.T @ dout, "b2": dout.sum(0)}
    if bug == "transposed_dW1":
        grads["W1"] = grads["W1"].T
    return grads


BUGS = ["missing_factor_2", "missing_1_over_N", "sign_flip", "one_minus_z_squared",
        "missing_activation_derivative", "forgot_upstream_gradient", "transposed_dW1"]


def net_errors(seed, dtype, bug=None, weight_scale=1.0, shared_floor=gc.SHARED_FLOOR):
    """max_error per tensor for one draw."""
    rng = np.random.default_rng(seed)
    params, X, y = draw_net(rng, dtype, weight_scale)
    grads = backward(params, X, y, bug)
    p64 = {k: v.astype(np.float64) for k, v in params.items()}
    results = gc.check_gradients(trusted_loss(X, y), p64, grads, shared_floor=shared_floor)
    return {r.name: r.max_error for r in results}


def elementwise_errors(seed, dtype):
    """Correct answers for elementwise families (sum sin, mse, tanh with upstream, softplus)."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 65))
    x, c = rng.normal(size=n).astype(dtype), rng.normal(size=n).astype(dtype)
    x6, c6 = x.astype(np.float64), c.astype(np.float64)
    cases = {
        "sum_sin": (lambda t: np.sum(np.sin(t)), np.cos(x)),
        "mse": (lambda t: np.mean((t - c6) ** 2), 2 * (x - c) / n),
        "tanh_upstream": (lambda t: np.sum(c6 * np.tanh(t)), c * (1 - np.tanh(x) ** 2)),
        "softplus": (lambda t: np.sum(c6 * np.logaddexp(0, t)), c / (1 + np.exp(-x))),
    }
    return {k: gc.check_gradient(f, x6, g).max_error for k, (f, g) in cases.items()}


def summarize(label, per_seed, reduce):
    """per_seed: list of {name: error}; reduce over seeds with max (correct) or min (bugs)."""
    keys = per_seed[0].keys()
    parts = "  ".join(f"{k}={reduce(d[k] for d in per_seed):.2e}" for k in keys)
    print(f"  {label:<40}{parts}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=200)
    seeds = range(parser.parse_args().seeds)
    start = time.perf_counter()

    print(f"Correct answers, largest max_error over {len(seeds)} draws (tolerance 1e-6 / 1e-4):")
    for dtype in (np.float64, np.float32):
        name = np.dtype(dtype).name
        summarize(f"elementwise, {name}", [elementwise_errors(s, dtype) for s in seeds], max)
        summarize(f"two-layer net, {name}", [net_errors(s, dtype) for s in seeds], max)
        summarize(f"two-layer net x5 weights, {name}",
                  [net_errors(s, dtype, weight_scale=5.0) for s in seeds], max)
    print("  without the shared floor (each tensor judged on its own slopes alone):")
    for ws in (1.0, 5.0):
        errors = [net_errors(s, np.float32, weight_scale=ws, shared_floor=0.0) for s in seeds]
        summarize(f"two-layer net x{ws:g} weights, float32", errors, max)

    print(f"\nClassic bugs in the two-layer backward, smallest max_error over {len(seeds)} draws")
    print("  (per tensor; inf = wrong shape; ~0 means the bug does not touch that tensor):")
    for dtype in (np.float64, np.float32):
        for bug in BUGS:
            errors = [net_errors(s, dtype, bug) for s in seeds]
            summarize(f"{bug}, {np.dtype(dtype).name}", errors, min)
            caught = sum(max(e.values()) > gc.default_rtol(dtype) for e in errors)
            print(f"  {'':<40}caught in {caught}/{len(errors)} draws; smallest worst-tensor "
                  f"error {min(max(e.values()) for e in errors):.3f}")

    print(f"\n({time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
