"""Reverse-mode automatic differentiation from scratch.

A Value is a number that remembers how it was made. Every operation
records its inputs and a small rule that sends gradients back to them;
backward() runs those rules from the output to the leaves. This is the
engine under every deep-learning framework, in a page of code.

Lesson: docs/day13/09-autodiff.md
"""

import math


class Value:
    """A scalar in a computation graph: .data is its value, .grad the gradient of the output with respect to it."""

    # Make NumPy scalars (np.float64(2) * v) defer to our reflected operators.
    __array_ufunc__ = None

    def __init__(self, data, _children=(), _op=""):
        """Store data as a float, set grad to 0.0 and remember the Values this one was made from.

        _children are the input Values of the operation that produced this
        one, _op a label for it; both are internals for you to use as you
        like. Each Value also needs a backward rule that does nothing until
        an operation sets it.
        """
        raise NotImplementedError("Value.__init__: not implemented yet")

    def __add__(self, other):
        """Return a new Value for self + other (other a Value or a number); both inputs get out.grad."""
        raise NotImplementedError("Value.__add__: not implemented yet")

    def __mul__(self, other):
        """Return a new Value for self * other; each input gets out.grad times the other input."""
        raise NotImplementedError("Value.__mul__: not implemented yet")

    def __pow__(self, exponent):
        """Return a new Value for self ** exponent, exponent a number; d/dx x**k = k x**(k - 1)."""
        raise NotImplementedError("Value.__pow__: not implemented yet")

    def tanh(self):
        """Return a new Value for tanh(self); its local derivative is 1 - tanh**2."""
        raise NotImplementedError("Value.tanh: not implemented yet")

    def exp(self):
        """Return a new Value for exp(self); its local derivative is exp(self) itself."""
        raise NotImplementedError("Value.exp: not implemented yet")

    def relu(self):
        """Return a new Value for max(self, 0); its local derivative is 1 where self > 0, else 0 (0 at 0)."""
        raise NotImplementedError("Value.relu: not implemented yet")

    def backward(self):
        """Fill .grad of every Value this one depends on: set self.grad = 1, then apply the rules from output to leaves.

        Order the nodes so that each comes after everything it was made
        from (a topological order), built with an explicit stack, not
        recursion, so a chain of 10,000 operations works. Then run each
        node's backward rule in reverse order.
        """
        raise NotImplementedError("Value.backward: not implemented yet")

    def __neg__(self):
        """Return a new Value for -self."""
        raise NotImplementedError("Value.__neg__: not implemented yet")

    def __radd__(self, other):
        """Return a new Value for other + self, other a number."""
        raise NotImplementedError("Value.__radd__: not implemented yet")

    def __sub__(self, other):
        """Return a new Value for self - other."""
        raise NotImplementedError("Value.__sub__: not implemented yet")

    def __rsub__(self, other):
        """Return a new Value for other - self, other a number."""
        raise NotImplementedError("Value.__rsub__: not implemented yet")

    def __rmul__(self, other):
        """Return a new Value for other * self, other a number."""
        raise NotImplementedError("Value.__rmul__: not implemented yet")

    def __truediv__(self, other):
        """Return a new Value for self / other, built as self * other**-1.

        other is a Value or any number, NumPy's too: make it a Value first,
        as np.int64(2)**-1 raises.
        """
        raise NotImplementedError("Value.__truediv__: not implemented yet")

    def __rtruediv__(self, other):
        """Return a new Value for other / self, other a number."""
        raise NotImplementedError("Value.__rtruediv__: not implemented yet")

    def __repr__(self):
        """Show the value and its gradient (given: not an exercise)."""
        return f"Value(data={self.data!r}, grad={self.grad!r})"
