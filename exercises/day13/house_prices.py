"""A small network that learns real house prices.

The two-layer network of the backprop exercise, trained by plain gradient
descent on 546 house sales from Windsor, Canada. Then its input gradients
say which feature moves the predicted price most.

Lesson: docs/day13/08-house-prices.ipynb
"""

import numpy as np

from backprop import two_layer_loss


def load_house_prices():
    """Given (not an exercise): return (X, y, feature_names) of the Windsor house-price data.

    X is (546, 11) float64 (yes/no columns as 1/0), y is the sale price in
    Canadian dollars (546,). The data ships with the grader package.
    """
    from grader.data import load_house_prices as load_shipped_copy

    return load_shipped_copy()


def standardize(X):
    """Scale every column to mean 0 and std 1 and return (Xs, mean, std).

    mean and std are per column (axis 0), std the population one (ddof=0,
    as np.std computes it); Xs = (X - mean) / std. Every column must vary.
    Works on X of shape (N, D) (mean, std of shape (D,)) and on y of shape
    (N,) (mean, std are floats). X is not modified.
    """
    raise NotImplementedError("standardize: not implemented yet")


def train_house_price_model(X, y, hidden=16, lr=0.05, epochs=500, seed=0):
    """Train the two-layer network with two_layer_loss and plain gradient descent; return (params, losses).

    X (N, D) and y (N,) are already standardized. Start from small random
    weights drawn with np.random.default_rng(seed) (the same seed gives
    the same result) and zero biases: W1 (D, hidden), b1 (hidden,),
    W2 (hidden, 1), b2 (1,). Each epoch: loss, grads = two_layer_loss(...),
    record the loss, then move every parameter by -lr times its gradient.

    Returns params, a dict like two_layer_loss takes, and losses, an
    ndarray (epochs,) where losses[k] is the loss before update k.
    """
    raise NotImplementedError("train_house_price_model: not implemented yet")


def predict(params, X):
    """Return the network's predictions tanh(X @ W1 + b1) @ W2 + b2, squeezed to shape (N,)."""
    raise NotImplementedError("predict: not implemented yet")


def feature_sensitivity(params, X):
    """Return, for each feature j, the mean over rows of |d y_pred / d x_j|, shape (D,).

    For one row, y_pred = tanh(x @ W1 + b1) @ W2 + b2, so with a the hidden
    activations: d y_pred / d x = (W2[:, 0] * (1 - a**2)) @ W1^T. Compute
    it for all rows at once, take absolute values and average over rows.
    """
    raise NotImplementedError("feature_sensitivity: not implemented yet")
