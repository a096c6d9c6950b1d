"""descent in the precision of theta / X: a float32 problem is solved in float32."""

import numpy as np


def _real(*arrays):
    return np.result_type(*[np.asarray(a) for a in arrays], np.float32).type


def gradient_descent(grad, theta0, lr, steps):
    theta0 = np.asarray(theta0)
    real = _real(theta0)
    theta = theta0.astype(real)
    path = [theta]
    for _ in range(steps):
        theta = (theta - real(lr) * np.asarray(grad(theta))).astype(real)
        path.append(theta)
    return np.stack(path)


def fit_linear_regression(X, y, lr=0.01, epochs=1000):
    real = _real(X, y)
    X, y = np.asarray(X).astype(real), np.asarray(y).astype(real)
    lr, n = real(lr), real(y.size)
    w, b = np.zeros(X.shape[1], dtype=real), real(0)
    losses = np.empty(epochs, dtype=real)
    for k in range(epochs):
        residual = X @ w + b - y
        losses[k] = np.mean(residual * residual, dtype=real)
        g = real(2) * residual / n
        w = w - lr * (X.T @ g)
        b = b - lr * np.sum(g, dtype=real)
    return w, b, losses


def momentum_step(theta, grad, velocity, lr, beta=0.9):
    real = _real(theta, grad, velocity)
    velocity = real(beta) * np.asarray(velocity, real) + np.asarray(grad, real)
    return np.asarray(theta, real) - real(lr) * velocity, velocity


def rmsprop_step(theta, grad, cache, lr, decay=0.9, eps=1e-8):
    real = _real(theta, grad, cache)
    grad = np.asarray(grad, real)
    cache = real(decay) * np.asarray(cache, real) + real(1 - decay) * grad * grad
    return np.asarray(theta, real) - real(lr) * grad / (np.sqrt(cache) + real(eps)), cache


def adam_step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    real = _real(theta, grad, m, v)
    grad = np.asarray(grad, real)
    m = real(beta1) * np.asarray(m, real) + real(1 - beta1) * grad
    v = real(beta2) * np.asarray(v, real) + real(1 - beta2) * grad * grad
    m_hat = m / real(1 - beta1**t)
    v_hat = v / real(1 - beta2**t)
    return np.asarray(theta, real) - real(lr) * m_hat / (np.sqrt(v_hat) + real(eps)), m, v
