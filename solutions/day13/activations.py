"""The derivative table of activations.

Sigmoid, tanh and ReLU are the non-linearities of neural networks; each
derivative can be written with the activation itself, which is what makes
backpropagation cheap. Sigmoid also teaches numerical stability.

Lesson: docs/day13/02-activations.md
"""

import numpy as np


def sigmoid(x):
    """Return the logistic sigmoid 1 / (1 + exp(-x)), elementwise and without overflow.

    exp(-x) overflows for x = -1e4, so never exponentiate a large positive
    number: with e = exp(-|x|) (always in (0, 1]),
        sigma(x) = 1 / (1 + e)   for x >= 0,
        sigma(x) = e / (1 + e)   for x < 0.
    x is a float or an ndarray (float64 or float32), up to |x| = 1e4,
    without any warning.

    Returns a float, or an ndarray shaped like x, values in [0, 1].
    """
    ### BEGIN SOLUTION
    x = np.asarray(x)
    e = np.exp(-np.abs(x))  # both np.where branches are safe to evaluate
    # [()] turns a 0-d result back into a scalar and leaves arrays alone
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))[()]
    ### END SOLUTION


def sigmoid_grad(x):
    """Return the sigmoid's derivative sigma(x) * (1 - sigma(x)), elementwise.

    Returns a float, or an ndarray shaped like x.
    """
    ### BEGIN SOLUTION
    s = sigmoid(x)
    return s * (1 - s)
    ### END SOLUTION


def tanh_grad(x):
    """Return tanh's derivative 1 - tanh(x)**2, elementwise.

    Returns a float, or an ndarray shaped like x.
    """
    ### BEGIN SOLUTION
    t = np.tanh(x)
    return 1 - t * t
    ### END SOLUTION


def relu(x):
    """Return the rectified linear unit max(x, 0), elementwise.

    Returns a float, or an ndarray shaped like x.
    """
    ### BEGIN SOLUTION
    return np.maximum(x, 0)
    ### END SOLUTION


def relu_grad(x):
    """Return ReLU's derivative: 1.0 where x > 0, else 0.0 (also 0.0 at exactly 0).

    ReLU has a kink at 0; by convention its derivative there is 0. Return
    floats, not booleans.

    Returns a float, or an ndarray shaped like x.
    """
    ### BEGIN SOLUTION
    return np.where(np.asarray(x) > 0, 1.0, 0.0)[()]
    ### END SOLUTION
