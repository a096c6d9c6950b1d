"""Hidden loss checks: large batches (gradcheck's direction mode), soft labels on 2-d arrays, 3-d targets."""

import numpy as np
import pytest

from grader import expect


@pytest.mark.covers("mse_grad")
def test_mse_grad_on_a_large_batch(student, rng, seed):
    y = rng.normal(size=(1000, 3))
    y_pred = y + rng.normal(size=(1000, 3))
    expect.gradient(lambda p: float(np.mean((p - y) ** 2)), y_pred, student.losses.mse_grad(y_pred, y),
                    what="losses.mse_grad(y_pred, y) for a (1000, 3) batch", seed=seed)


@pytest.mark.covers("mse")
def test_mse_of_a_3d_target(student, rng, seed):
    y, y_pred = rng.normal(size=(2, 3, 4, 2))
    got = expect.scalar(student.losses.mse(y_pred, y), "losses.mse")
    expect.values(got, float(np.mean((y_pred - y) ** 2)), what="losses.mse(y_pred, y) on (3, 4, 2) arrays", seed=seed)


@pytest.mark.covers("binary_cross_entropy_grad")
def test_binary_cross_entropy_grad_with_soft_labels(student, rng, seed):
    # 2-d p and y: the mean (and so N) is over every entry, y.size, not len(y) rows
    p = rng.uniform(0.1, 0.9, size=(4, 3))
    y = rng.uniform(0, 1, size=(4, 3))
    bce = lambda q: float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)))  # noqa: E731
    expect.gradient(bce, p, student.losses.binary_cross_entropy_grad(p, y),
                    what="losses.binary_cross_entropy_grad(p, y) with (4, 3) arrays of labels between 0 and 1",
                    seed=seed)


@pytest.mark.covers("binary_cross_entropy")
def test_binary_cross_entropy_with_soft_labels(student, rng, seed):
    p = rng.uniform(0.1, 0.9, size=(4, 3))
    y = rng.uniform(0, 1, size=(4, 3))
    got = expect.scalar(student.losses.binary_cross_entropy(p, y), "losses.binary_cross_entropy")
    expect.values(got, float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))),
                  what="losses.binary_cross_entropy(p, y) with (4, 3) arrays of labels between 0 and 1", seed=seed)


@pytest.mark.covers("linear_regression_gradients")
def test_linear_regression_gradients_with_many_features(student, rng, seed):
    X = rng.normal(size=(40, 9))
    w, y, b = rng.normal(size=9), rng.normal(size=40), float(rng.normal())
    got = student.losses.linear_regression_gradients(w, b, X, y)
    expect.that(isinstance(got, (tuple, list)) and len(got) == 2, "losses.linear_regression_gradients should return (dw, db)")
    loss = lambda p: float(np.mean((X @ p["w"] + p["b"][0] - y) ** 2))  # noqa: E731
    expect.gradients(loss, {"w": w, "b": np.array([b])}, {"w": got[0], "b": np.reshape(expect.scalar(got[1], "db"), (1,))},
                     what="losses.linear_regression_gradients(w, b, X, y) with X (40, 9)", seed=seed)


@pytest.mark.covers("l2_penalty_grad")
def test_l2_penalty_grad_of_a_vector(student, rng, seed):
    W, lam = rng.normal(size=7), float(rng.uniform(0.01, 0.1))
    expect.gradient(lambda V: lam * float(np.sum(V**2)), W, student.losses.l2_penalty_grad(W, lam),
                    what="losses.l2_penalty_grad(W, lam) of a vector", seed=seed)


@pytest.mark.covers("l2_penalty")
def test_l2_penalty_of_a_vector(student, rng, seed):
    W, lam = rng.normal(size=7), float(rng.uniform(0.01, 0.1))
    got = expect.scalar(student.losses.l2_penalty(W, lam), "losses.l2_penalty")
    expect.values(got, lam * float(np.sum(W**2)), what="losses.l2_penalty(W, lam) of a vector", seed=seed)
