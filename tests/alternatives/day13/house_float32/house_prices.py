"""house_prices that trains in float32 (half the memory), He-normal init, and vectorised formulas of its own."""

import numpy as np
from backprop import two_layer_loss


def load_house_prices():
    from grader.data import load_house_prices as load_shipped_copy

    return load_shipped_copy()


def standardize(X):
    mean = np.mean(X, axis=0, keepdims=True)
    std = np.sqrt(np.mean(np.square(X - mean), axis=0, keepdims=True))
    return (X - mean) / std, mean[0], std[0]


def train_house_price_model(X, y, hidden=16, lr=0.05, epochs=500, seed=0):
    X = np.asarray(X, dtype=np.float32)
    y = np.asarray(y, dtype=np.float32)
    rng = np.random.default_rng(seed)
    d = X.shape[1]
    params = {
        "W1": (rng.standard_normal((d, hidden)) * np.sqrt(2.0 / d)).astype(np.float32),
        "b1": np.zeros(hidden, dtype=np.float32),
        "W2": (rng.standard_normal((hidden, 1)) * np.sqrt(2.0 / hidden)).astype(np.float32),
        "b2": np.zeros(1, dtype=np.float32),
    }
    step = np.float32(lr)
    losses = []
    while len(losses) < epochs:
        loss, grads = two_layer_loss(params, X, y)
        losses.append(float(loss))
        params = {k: (v - step * grads[k]).astype(np.float32) for k, v in params.items()}
    return params, np.asarray(losses)


def predict(params, X):
    z = np.dot(X, params["W1"]) + params["b1"]
    return np.squeeze(np.dot(np.tanh(z), params["W2"]), axis=1) + params["b2"][0]


def feature_sensitivity(params, X):
    a = np.tanh(X @ params["W1"] + params["b1"])
    # d y / d X[i, j] = sum_h W1[j, h] (1 - a[i, h]^2) W2[h]
    slopes = np.einsum("jh,ih,h->ij", params["W1"], 1 - a * a, params["W2"][:, 0])
    return np.abs(slopes).sum(axis=0) / X.shape[0]
