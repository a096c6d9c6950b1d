"""descent with in-place updates (-=, out=) on copies, never on the caller's arrays."""

import numpy as np


def gradient_descent(grad, theta0, lr, steps):
    theta = np.array(theta0, dtype=np.float64)
    path = np.empty((steps + 1, *theta.shape))
    path[0] = theta
    for t in range(1, steps + 1):
        theta -= lr * np.asarray(grad(theta.copy()))
        path[t] = theta
    return path


def fit_linear_regression(X, y, lr=0.01, epochs=1000):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    w, b = np.zeros(X.shape[1]), 0.0
    losses = np.empty(epochs)
    residual = np.empty(len(y))
    for k in range(epochs):
        np.matmul(X, w, out=residual)
        residual += b
        residual -= y
        losses[k] = np.dot(residual, residual) / len(y)
        residual *= 2 / len(y)
        w -= lr * (X.T @ residual)
        b -= lr * float(residual.sum())
    return w, b, losses


def momentum_step(theta, grad, velocity, lr, beta=0.9):
    velocity = np.array(velocity, dtype=np.result_type(velocity, grad, np.float32))
    velocity *= beta
    velocity += grad
    theta = np.array(theta, dtype=velocity.dtype)
    theta -= lr * velocity
    return theta, velocity


def rmsprop_step(theta, grad, cache, lr, decay=0.9, eps=1e-8):
    grad = np.asarray(grad, dtype=np.float64)
    cache = np.array(cache, dtype=np.float64)
    cache *= decay
    cache += (1 - decay) * grad**2
    step = np.sqrt(cache)
    step += eps
    np.divide(grad, step, out=step)
    step *= lr
    theta = np.array(theta, dtype=np.float64)
    theta -= step
    return theta, cache


def adam_step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    grad = np.asarray(grad, dtype=np.float64)
    m = np.array(m, dtype=np.float64)
    v = np.array(v, dtype=np.float64)
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad * grad
    denominator = np.sqrt(v / (1 - beta2**t))
    denominator += eps
    theta = np.array(theta, dtype=np.float64)
    theta -= lr * (m / (1 - beta1**t)) / denominator
    return theta, m, v
