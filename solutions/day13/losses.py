"""Losses and their gradients.

Training minimises a loss; its gradient with respect to the predictions
is where backpropagation starts. Mean squared error, binary cross-entropy
and an L2 penalty, each with its derivative.

Lesson: docs/day13/05-losses.md
"""

import numpy as np


def mse(y_pred, y):
    """Return the mean squared error mean((y_pred - y)**2), as a float.

    y_pred and y have the same shape (any shape).
    """
    ### BEGIN SOLUTION
    diff = np.asarray(y_pred) - np.asarray(y)
    return float(np.mean(diff * diff))
    ### END SOLUTION


def mse_grad(y_pred, y):
    """Return the gradient of mse with respect to y_pred: 2 (y_pred - y) / N, with N = y.size.

    Returns an ndarray shaped like y_pred.
    """
    ### BEGIN SOLUTION
    return 2 * (np.asarray(y_pred) - np.asarray(y)) / np.size(y)
    ### END SOLUTION


def linear_regression_gradients(w, b, X, y):
    """Return (dw, db), the gradients of L(w, b) = mse(X @ w + b, y).

    X is (N, D), w is (D,), b a float, y is (N,). Chain through the
    prediction: with g = mse_grad(X @ w + b, y), dw = X^T g and db = sum(g).

    Returns dw, an ndarray of shape (D,), and db, a float.
    """
    ### BEGIN SOLUTION
    X = np.asarray(X)
    g = mse_grad(X @ w + b, y)
    return X.T @ g, float(np.sum(g))
    ### END SOLUTION


def binary_cross_entropy(p, y):
    """Return the binary cross-entropy -mean(y log p + (1 - y) log(1 - p)), as a float.

    p holds probabilities strictly inside (0, 1); y holds labels (0 or 1,
    or soft labels in [0, 1]) of the same shape.
    """
    ### BEGIN SOLUTION
    p, y = np.asarray(p), np.asarray(y)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    ### END SOLUTION


def binary_cross_entropy_grad(p, y):
    """Return the gradient of binary_cross_entropy with respect to p: (p - y) / (p (1 - p)) / N.

    N = y.size. Returns an ndarray shaped like p.
    """
    ### BEGIN SOLUTION
    p, y = np.asarray(p), np.asarray(y)
    return (p - y) / (p * (1 - p)) / y.size
    ### END SOLUTION


def l2_penalty(W, lam):
    """Return the L2 penalty lam * sum(W**2), as a float."""
    ### BEGIN SOLUTION
    W = np.asarray(W)
    return float(lam * np.sum(W * W))
    ### END SOLUTION


def l2_penalty_grad(W, lam):
    """Return the gradient of the L2 penalty with respect to W: 2 * lam * W.

    Returns an ndarray shaped like W.
    """
    ### BEGIN SOLUTION
    return 2 * lam * np.asarray(W)
    ### END SOLUTION
