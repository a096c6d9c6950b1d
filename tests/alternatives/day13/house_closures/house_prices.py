"""house_prices written another way: manual column sums, Glorot-uniform init with small random biases,
in-place updates of the model's own arrays, predictions through the backprop layers, row-by-row Jacobians."""

import numpy as np
from backprop import dense_forward, tanh_forward, two_layer_loss


def load_house_prices():
    from grader.data import load_house_prices as load_shipped_copy

    return load_shipped_copy()


def standardize(X):
    X = np.asarray(X)
    n = X.shape[0]
    mean = X.sum(axis=0) / n
    centred = X - mean
    std = np.sqrt((centred * centred).sum(axis=0) / n)
    return centred / std, mean, std


def train_house_price_model(X, y, hidden=16, lr=0.05, epochs=500, seed=0):
    rng = np.random.default_rng(seed)
    d = X.shape[1]
    limit1, limit2 = np.sqrt(6 / (d + hidden)), np.sqrt(6 / (hidden + 1))
    params = {
        "W1": rng.uniform(-limit1, limit1, size=(d, hidden)),
        "b1": rng.uniform(-0.1, 0.1, size=hidden),
        "W2": rng.uniform(-limit2, limit2, size=(hidden, 1)),
        "b2": np.zeros(1),
    }
    losses = np.empty(epochs)
    for epoch in range(epochs):
        losses[epoch], grads = two_layer_loss(params, X, y)
        for name in params:
            params[name] -= lr * grads[name]  # our own arrays, not the caller's
    return params, losses


def predict(params, X):
    hidden, _ = tanh_forward(dense_forward(X, params["W1"], params["b1"])[0])
    out, _ = dense_forward(hidden, params["W2"], params["b2"])
    return out.ravel()


def feature_sensitivity(params, X):
    W1, b1, w2 = params["W1"], params["b1"], np.ravel(params["W2"])
    total = np.zeros(W1.shape[0])
    for row in np.asarray(X, dtype=np.float64):
        slope = 1 - np.tanh(row @ W1 + b1) ** 2
        jacobian = W1 @ (slope * w2)  # d y / d row, one entry per feature
        total += np.abs(jacobian)
    return total / len(X)
