"""backprop with explicit loops over entries; caches are dicts that keep the layer's inputs (z, not tanh(z))."""

import math

import numpy as np


def tanh_forward(z):
    z = np.asarray(z)
    a = np.zeros(z.shape)
    for index in np.ndindex(z.shape):
        a[index] = math.tanh(z[index])
    return a, {"z": z.copy()}


def tanh_backward(da, cache):
    z = cache["z"]
    dz = np.zeros(np.shape(da))
    for index in np.ndindex(dz.shape):
        t = math.tanh(z[index])
        dz[index] = da[index] * (1.0 - t * t)
    return dz


def dense_forward(X, W, b):
    n, d = X.shape
    h = W.shape[1]
    out = np.zeros((n, h))
    for i in range(n):
        for j in range(h):
            total = float(b[j])
            for k in range(d):
                total += float(X[i, k]) * float(W[k, j])
            out[i, j] = total
    return out, {"X": X.copy(), "W": W.copy()}


def dense_backward(dout, cache):
    X, W = cache["X"], cache["W"]
    n, d = X.shape
    h = W.shape[1]
    dX, dW, db = np.zeros((n, d)), np.zeros((d, h)), np.zeros(h)
    for i in range(n):
        for j in range(h):
            g = float(dout[i, j])
            db[j] += g
            for k in range(d):
                dX[i, k] += g * float(W[k, j])
                dW[k, j] += g * float(X[i, k])
    return dX, dW, db


def two_layer_loss(params, X, y):
    z1, first = dense_forward(X, params["W1"], params["b1"])
    a1, squash = tanh_forward(z1)
    out, second = dense_forward(a1, params["W2"], params["b2"])
    n = len(y)
    loss = 0.0
    dout = np.zeros((n, 1))
    for i in range(n):
        r = out[i, 0] - float(y[i])
        loss += r * r / n
        dout[i, 0] = 2.0 * r / n
    da1, dW2, db2 = dense_backward(dout, second)
    dz1 = tanh_backward(da1, squash)
    _, dW1, db1 = dense_backward(dz1, first)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
