"""descent.py: trajectories and optimizer steps against float64 references over several steps.

Hyperparameters are chosen so that the details matter: a large eps makes
Adam's eps placement visible, early steps make its bias correction visible.
"""

import numpy as np
import pytest

from grader import expect, memo
from grader.student import Trusted
from grader.suites.day13._nets import run_driver

STEPS = 6


def _bowl(rng, shape):
    n = int(np.prod(shape))
    Q = rng.normal(size=(n, n))
    M = Q @ Q.T / n + np.eye(n)  # positive definite: a real bowl
    target = rng.normal(size=shape)
    trusted = Trusted("grader.probes:bowl_gradient", factory=True, matrix=M, target=target)
    grad = lambda t: (M @ (t - target).ravel()).reshape(t.shape)  # noqa: E731
    return trusted, grad


@pytest.mark.covers("gradient_descent")
@pytest.mark.parametrize("shape", [(3,), (2, 2), ()], ids=["vector", "matrix", "float"])
def test_gradient_descent_trajectory(student, rng, seed, shape):
    # shape (): theta0 is a Python float, and the result has shape (steps + 1,), one number per row
    trusted, grad = _bowl(rng, shape)
    theta0 = rng.normal(size=shape) if shape else float(rng.normal())
    lr, steps = float(rng.uniform(0.05, 0.3)), 7
    expected = [np.asarray(theta0)]
    for _ in range(steps):
        expected.append(expected[-1] - lr * grad(expected[-1]))
    got = expect.as_number_array(student.descent.gradient_descent(trusted, theta0, lr, steps), "descent.gradient_descent")
    expect.that(got.shape == (steps + 1, *shape),
                f"descent.gradient_descent(grad, theta0, lr, steps={steps}) should return shape {(steps + 1, *shape)} "
                f"(theta0 first, then one row per step), got {got.shape}")
    expect.values(got, np.array(expected), what="descent.gradient_descent(grad, theta0, lr, steps)",
                  inputs={"theta0": theta0, "lr": lr, "steps": steps}, seed=seed)


@memo.remembered  # the same reference for every submission of a batch
def _reference_fit(X, y, lr, epochs):
    w, b, losses = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        err = X @ w + b - y
        losses.append(float(np.mean(err**2)))
        g = 2 * err / len(y)
        w, b = w - lr * X.T @ g, b - lr * float(np.sum(g))
    return w, b, np.asarray(losses, dtype=np.float64)


@memo.remembered  # the same reference for every submission of a batch
def _weights_after(X, y, lr, epochs):
    """(w, b) after `epochs` full-batch steps from zero, without looping: with Z = [X 1] each step
    is theta <- M theta + c, M = I - (2 lr / N) Z'Z, so theta_K = (I - M^K) theta*, theta* the
    least-squares fit."""
    Z = np.column_stack([X, np.ones(len(y))])
    M = np.eye(Z.shape[1]) - (2 * lr / len(y)) * (Z.T @ Z)
    best = np.linalg.lstsq(Z, y, rcond=None)[0]
    theta = best - np.linalg.matrix_power(M, epochs) @ best
    return theta[:-1], float(theta[-1])


@pytest.mark.covers("fit_linear_regression")
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_fit_linear_regression_follows_gradient_descent(student, rng, seed, dtype):
    X = rng.normal(size=(12, 3))
    y = X @ rng.normal(size=3) + 0.7 + 0.1 * rng.normal(size=12)
    X, y = X.astype(dtype), y.astype(dtype)
    lr, epochs = 0.05, 40
    got = student.descent.fit_linear_regression(X, y, lr, epochs)
    expect.that(isinstance(got, (tuple, list)) and len(got) == 3,
                f"descent.fit_linear_regression should return (w, b, losses), got {type(got).__name__}")
    w, b, losses = got
    ref_w, ref_b, ref_losses = _reference_fit(X.astype(float), y.astype(float), lr, epochs)
    losses = expect.number_sequence(losses, "descent.fit_linear_regression losses")
    expect.that(losses.shape == (epochs,), f"losses should hold one value per epoch ({epochs}), got shape {losses.shape}")
    what = f"descent.fit_linear_regression(X, y, lr={lr}, epochs={epochs})"
    expect.values(losses, ref_losses, what=what + " losses (losses[k] is the MSE before update k)", dtype=dtype, seed=seed)
    expect.values(w, ref_w, what=what + " w", dtype=dtype, seed=seed)
    expect.values(expect.scalar(b, "b"), ref_b, what=what + " b", dtype=dtype, seed=seed)


@pytest.mark.covers("fit_linear_regression")
def test_fit_linear_regression_default_hyperparameters(student, rng, seed):
    X = rng.normal(size=(10, 2))
    y = X @ np.array([1.5, -2.0]) + 0.3
    got = student.descent.fit_linear_regression(X, y)
    ref_w, _ = _weights_after(X, y, 0.01, 1000)
    expect.that(isinstance(got, (tuple, list)) and len(got) == 3, "descent.fit_linear_regression should return (w, b, losses)")
    expect.that(np.shape(got[2]) == (1000,), f"with the default epochs=1000 there are 1000 losses, got shape {np.shape(got[2])}")
    expect.values(got[0], ref_w, what="descent.fit_linear_regression(X, y) w with lr=0.01, epochs=1000", seed=seed)


@memo.remembered  # the same reference for every submission of a batch
def _run_optimizer(step, state, theta0, grad, steps):
    """Feed the student's own state back each step, as a training loop would."""
    theta, thetas = theta0, []
    for t in range(1, steps + 1):
        theta, state = step(theta, grad(theta), state, t)
        thetas.append(np.asarray(theta, dtype=np.float64))
    return np.array(thetas)


def _student_trajectory(student, name, returns, theta0, trusted_grad, state, steps, hyper, *, with_t=False,
                        dtype=None):
    """theta after each of `steps` steps of the student's optimizer, fed its own state back (in the
    worker, by grader.drivers.run_optimizer: one round trip for the whole run)."""
    run = run_driver(student, "run_optimizer", f"descent.{name}", "descent", name, returns, theta0, trusted_grad,
                     list(state), steps, list(hyper), with_t, dtype and np.dtype(dtype).name)
    thetas = run["outputs"][0]  # every step's theta: one array, or a list when they differ in shape
    if isinstance(thetas, np.ndarray):
        return thetas.astype(np.float64)
    return np.array([np.asarray(theta, dtype=np.float64) for theta in thetas])


def _momentum(theta, g, v, lr, beta):
    v = beta * v + g
    return theta - lr * v, v


def _rmsprop(theta, g, c, lr, decay, eps):
    c = decay * c + (1 - decay) * g**2
    return theta - lr * g / (np.sqrt(c) + eps), c


def _adam(theta, g, m, v, t, lr, b1, b2, eps):
    m = b1 * m + (1 - b1) * g
    v = b2 * v + (1 - b2) * g**2
    m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
    step = lr * m_hat / (eps + v_hat**0.5)
    return theta - step, m, v


def _judge_trajectory(got, expected, what, theta0, seed, dtype=np.float64):
    expect.values(got, expected, what=f"{what} over {STEPS} steps (theta after each step)",
                  inputs={"theta0": theta0}, dtype=dtype, seed=seed)


@pytest.mark.covers("momentum_step")
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_momentum_steps(student, rng, seed, dtype):
    trusted, grad = _bowl(rng, (3,))
    theta0 = rng.normal(size=3).astype(dtype)
    lr, beta = 0.1, 0.8
    got = _student_trajectory(student, "momentum_step", "(theta, velocity)", theta0, trusted, [np.zeros(3)], STEPS,
                              [lr, beta], dtype=dtype)
    expected = _run_optimizer(lambda th, g, v, t: _momentum(th, g, v, lr, beta), np.zeros(3), theta0.astype(float), grad, STEPS)
    _judge_trajectory(got, expected, f"descent.momentum_step(lr={lr}, beta={beta})", theta0, seed, dtype)


@pytest.mark.covers("momentum_step")
def test_momentum_step_default_beta(student, rng, seed):
    theta, g, v = rng.normal(size=(3, 4))
    got = student.descent.momentum_step(theta, g, v, 0.5)
    expect.that(isinstance(got, (tuple, list)) and len(got) == 2, "descent.momentum_step should return (theta, velocity)")
    expected = _momentum(theta, g, v, 0.5, 0.9)
    expect.values(np.array(got[0]), expected[0], what="descent.momentum_step(theta, grad, velocity, lr=0.5) theta, default beta=0.9",
                  seed=seed)
    expect.values(np.array(got[1]), expected[1], what="descent.momentum_step velocity, default beta=0.9", seed=seed)


@pytest.mark.covers("rmsprop_step")
@pytest.mark.parametrize("eps", [1e-8, 0.5], ids=["eps=1e-8", "eps=0.5"])
def test_rmsprop_steps(student, rng, seed, eps):
    trusted, grad = _bowl(rng, (4,))
    theta0 = rng.normal(size=4)
    lr, decay = 0.05, 0.7
    got = _student_trajectory(student, "rmsprop_step", "(theta, cache)", theta0, trusted, [np.zeros(4)], STEPS,
                              [lr, decay, eps])
    expected = _run_optimizer(lambda th, g, c, t: _rmsprop(th, g, c, lr, decay, eps), np.zeros(4), theta0, grad, STEPS)
    _judge_trajectory(got, expected, f"descent.rmsprop_step(lr={lr}, decay={decay}, eps={eps})", theta0, seed)


@pytest.mark.covers("rmsprop_step")
def test_rmsprop_step_defaults(student, rng, seed):
    # Gradients of every size, some so small that sqrt(cache) is near 1e-7: there eps = 1e-8
    # moves the step by a few percent, and a default eps of 1e-6 (or decay 0.99) misses by far more.
    theta = rng.normal(size=6)
    g = rng.normal(size=6) * np.array([1.0, 1.0, 1e-3, 1e-3, 1e-6, 1e-6])
    cache = g ** 2 * rng.uniform(0.5, 2.0, size=6)
    got = student.descent.rmsprop_step(theta, g, cache, 0.01)
    expect.that(isinstance(got, (tuple, list)) and len(got) == 2, "descent.rmsprop_step should return (theta, cache)")
    expected = _rmsprop(theta, g, cache, 0.01, 0.9, 1e-8)
    # np.array: a step's state may come back as lists, as the trajectory tests accept it too
    for name, got_part, want in zip(("theta", "cache"), got, expected):
        expect.values(np.array(got_part), want, what=f"descent.rmsprop_step(theta, grad, cache, lr=0.01) {name} with the default "
                      f"decay=0.9, eps=1e-8", inputs={"grad": g, "cache": cache}, seed=seed)


@pytest.mark.covers("adam_step")
@pytest.mark.parametrize("eps", [1e-8, 0.3], ids=["eps=1e-8", "eps=0.3"])
def test_adam_steps(student, rng, seed, eps):
    trusted, grad = _bowl(rng, (2, 3))
    theta0 = rng.normal(size=(2, 3))
    lr, b1, b2 = 0.1, 0.8, 0.95
    zeros = (np.zeros((2, 3)), np.zeros((2, 3)))
    got = _student_trajectory(student, "adam_step", "(theta, m, v)", theta0, trusted, zeros, STEPS, [lr, b1, b2, eps],
                              with_t=True)

    def ref_step(th, g, state, t):
        th, m, v = _adam(th, g, state[0], state[1], t, lr, b1, b2, eps)
        return th, (m, v)

    expected = _run_optimizer(ref_step, zeros, theta0, grad, STEPS)
    _judge_trajectory(got, expected, f"descent.adam_step(lr={lr}, beta1={b1}, beta2={b2}, eps={eps}), t = 1, 2, ...",
                      theta0, seed)


@pytest.mark.covers("adam_step")
def test_adam_step_defaults(student, rng, seed):
    theta, g = rng.normal(size=(2, 5))
    m, v = rng.normal(size=5) * 0.1, rng.uniform(0.01, 0.1, size=5)
    got = student.descent.adam_step(theta, g, m, v, 3)
    expect.that(isinstance(got, (tuple, list)) and len(got) == 3, "descent.adam_step should return (theta, m, v)")
    expected = _adam(theta, g, m, v, 3, 1e-3, 0.9, 0.999, 1e-8)
    for name, got_part, want in zip(("theta", "m", "v"), got, expected):
        expect.values(np.array(got_part), want, what=f"descent.adam_step(theta, grad, m, v, t=3) {name} with default lr, betas, eps",
                      seed=seed)
