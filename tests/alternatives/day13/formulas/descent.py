"""descent with a preallocated trajectory, a bias column, and Adam's folded step size."""

import numpy as np


def gradient_descent(grad, theta0, lr, steps):
    theta0 = np.asarray(theta0, dtype=np.float64)
    path = np.empty((steps + 1, *theta0.shape))
    path[0] = theta0
    for t in range(steps):
        path[t + 1] = path[t] - lr * np.asarray(grad(path[t].copy()))
    return path


def fit_linear_regression(X, y, lr=0.01, epochs=1000):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    Xb = np.hstack([X, np.ones((len(X), 1))])  # the bias is the weight of a column of ones
    theta = np.zeros(Xb.shape[1])
    losses = np.empty(epochs)
    for k in range(epochs):
        r = Xb @ theta - y
        losses[k] = r @ r / len(y)
        theta = theta - lr * (2.0 / len(y)) * (Xb.T @ r)
    return theta[:-1], float(theta[-1]), losses


def momentum_step(theta, grad, velocity, lr, beta=0.9):
    velocity = np.add(grad, np.multiply(beta, velocity))
    return np.subtract(theta, velocity * lr), velocity


def rmsprop_step(theta, grad, cache, lr, decay=0.9, eps=1e-8):
    grad = np.asarray(grad)
    # decay c + (1 - decay) g^2, written as a move of c towards g^2
    cache = cache + (1 - decay) * (grad**2 - cache)
    return theta - lr * grad / (np.sqrt(cache) + eps), cache


def adam_step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    grad = np.asarray(grad)
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    # m_hat / (sqrt(v_hat) + eps) with both corrections folded into the step size;
    # eps must be scaled by the same sqrt(1 - beta2^t) to stay exactly equivalent.
    root = np.sqrt(1 - beta2**t)
    step = lr * root / (1 - beta1**t)
    return theta - step * m / (np.sqrt(v) + eps * root), m, v
