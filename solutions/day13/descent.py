"""Gradient descent and its descendants.

Walking against the gradient lowers the loss. Plain gradient descent,
then the optimizers that remember past gradients: momentum, RMSProp and
Adam, each as one step that returns the new parameters and its state.

Lesson: docs/day13/06-descent.ipynb
"""

import numpy as np


def gradient_descent(grad, theta0, lr, steps):
    """Run `steps` steps of theta <- theta - lr * grad(theta) from theta0 and return every iterate.

    grad maps an ndarray (or float) shaped like theta0 to its gradient.
    theta0 itself is not modified.

    Returns an ndarray of shape (steps + 1, *theta0.shape): theta0 first,
    then each theta_{t+1} = theta_t - lr * grad(theta_t).
    """
    ### BEGIN SOLUTION
    theta = np.array(theta0, dtype=np.float64)
    path = [theta]
    for _ in range(steps):
        theta = theta - lr * grad(theta)
        path.append(theta)
    return np.stack(path)
    ### END SOLUTION


def fit_linear_regression(X, y, lr=0.01, epochs=1000):
    """Fit y ~ X @ w + b by gradient descent on the MSE and return (w, b, losses).

    X is (N, D), y is (N,). w and b start at zero. Each epoch computes the
    loss mean((X @ w + b - y)**2), records it, then takes one step with the
    gradients dw = X^T g, db = sum(g), g = 2 (X @ w + b - y) / N.

    Returns w, an ndarray (D,); b, a float; losses, an ndarray (epochs,)
    where losses[k] is the MSE before update k.
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    w, b = np.zeros(X.shape[1]), 0.0
    losses = []
    for _ in range(epochs):
        residual = X @ w + b - y
        losses.append(float(np.mean(residual**2)))
        g = 2 * residual / y.size
        w = w - lr * (X.T @ g)
        b = b - lr * float(np.sum(g))
    return w, b, np.array(losses)
    ### END SOLUTION


def momentum_step(theta, grad, velocity, lr, beta=0.9):
    """Take one momentum step and return (theta, velocity): v <- beta v + grad; theta <- theta - lr v.

    The velocity is a running sum of past gradients, so steps keep going
    in directions the gradient agrees on. Inputs are not modified.

    Returns the new theta and the new velocity, both shaped like theta.
    """
    ### BEGIN SOLUTION
    velocity = beta * velocity + grad
    return theta - lr * velocity, velocity
    ### END SOLUTION


def rmsprop_step(theta, grad, cache, lr, decay=0.9, eps=1e-8):
    """Take one RMSProp step and return (theta, cache).

        cache <- decay cache + (1 - decay) grad**2
        theta <- theta - lr grad / (sqrt(cache) + eps)
    The cache is a running mean of squared gradients; dividing by its root
    gives every parameter a step of similar size. Inputs are not modified.

    Returns the new theta and the new cache, both shaped like theta.
    """
    ### BEGIN SOLUTION
    cache = decay * cache + (1 - decay) * grad * grad
    return theta - lr * grad / (np.sqrt(cache) + eps), cache
    ### END SOLUTION


def adam_step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Take one Adam step and return (theta, m, v), with bias-corrected moments.

    t is the 1-based step number.
        m <- beta1 m + (1 - beta1) grad
        v <- beta2 v + (1 - beta2) grad**2
        m_hat = m / (1 - beta1**t),  v_hat = v / (1 - beta2**t)
        theta <- theta - lr m_hat / (sqrt(v_hat) + eps)
    Inputs are not modified.

    Returns the new theta, m and v, all shaped like theta.
    """
    ### BEGIN SOLUTION
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
    ### END SOLUTION
