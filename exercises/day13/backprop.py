"""Backpropagation, layer by layer.

Each layer has a forward function that keeps what it needs in a cache
and a backward function that turns the gradient of the loss with respect
to its output into gradients with respect to its inputs and weights.
Chained in reverse, they give every gradient of a two-layer network.

Lesson: docs/day13/07-backprop.md
"""

import numpy as np


def tanh_forward(z):
    """Apply tanh elementwise and return (a, cache), where the cache lets tanh_backward work.

    z is an ndarray of any shape. The cache is yours to choose (keeping a
    itself is enough: tanh'(z) = 1 - a**2).

    Returns a = tanh(z), shaped like z, and the cache.
    """
    raise NotImplementedError("tanh_forward: not implemented yet")


def tanh_backward(da, cache):
    """Return dz = da * (1 - a**2), the gradient with respect to tanh's input.

    da is the gradient of the loss with respect to a = tanh(z); cache is
    what tanh_forward returned.

    Returns dz, shaped like da.
    """
    raise NotImplementedError("tanh_backward: not implemented yet")


def dense_forward(X, W, b):
    """Compute out = X @ W + b and return (out, cache), where the cache lets dense_backward work.

    X is (N, D), W is (D, H), b is (H,).

    Returns out, shaped (N, H), and the cache.
    """
    raise NotImplementedError("dense_forward: not implemented yet")


def dense_backward(dout, cache):
    """Return (dX, dW, db), the gradients of the loss with respect to X, W and b of a dense layer.

    dout (N, H) is the gradient with respect to out = X @ W + b:
        dX = dout @ W^T   (N, D)
        dW = X^T @ dout   (D, H)
        db = dout summed over the batch, axis 0   (H,)
    """
    raise NotImplementedError("dense_backward: not implemented yet")


def two_layer_loss(params, X, y):
    """Return (loss, grads) of the network X -> dense -> tanh -> dense -> squeeze, scored by MSE against y.

    params holds W1 (D, H), b1 (H,), W2 (H, 1) and b2 (1,); X is (N, D),
    y is (N,). Forward: a = tanh(X @ W1 + b1), y_pred = (a @ W2 + b2)
    squeezed to (N,), loss = mean((y_pred - y)**2). Backward: start from
    2 (y_pred - y) / N, reshape it to (N, 1) and walk the layers in reverse.

    Returns loss, a float, and grads, a dict with the keys and shapes of params.
    """
    raise NotImplementedError("two_layer_loss: not implemented yet")
