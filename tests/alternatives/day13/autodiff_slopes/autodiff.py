"""A Value that stores (input, local slope) edges instead of closures; NumPy float64 data;
an iterative post-order walk with iterators for the topological order."""

import numpy as np


class Value:
    __array_ufunc__ = None

    def __init__(self, data, edges=()):
        self.data = np.float64(data)
        self.grad = np.float64(0.0)
        self.edges = tuple(edges)  # ((input Value, d self / d input), ...)

    def _binary(self, other, value, slope_self, slope_other):
        return Value(value, ((self, slope_self), (other, slope_other)))

    def __add__(self, other):
        if not isinstance(other, Value):
            return Value(self.data + other, ((self, 1.0),))
        return self._binary(other, self.data + other.data, 1.0, 1.0)

    def __radd__(self, other):
        return self + other

    def __mul__(self, other):
        if not isinstance(other, Value):
            return Value(self.data * other, ((self, np.float64(other)),))
        return self._binary(other, self.data * other.data, other.data, self.data)

    def __rmul__(self, other):
        return self * other

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return (-self) + other

    def __truediv__(self, other):
        if not isinstance(other, Value):
            return self * (1.0 / np.float64(other))
        return self * other**-1

    def __rtruediv__(self, other):
        return self**-1 * other

    def __pow__(self, exponent):
        k = np.float64(exponent)
        return Value(self.data**k, ((self, k * self.data ** (k - 1)),))

    def tanh(self):
        t = np.tanh(self.data)
        return Value(t, ((self, 1.0 - t**2),))

    def exp(self):
        e = np.exp(self.data)
        return Value(e, ((self, e),))

    def relu(self):
        return Value(np.maximum(self.data, 0.0), ((self, np.float64(self.data > 0)),))

    def backward(self):
        order, done = [], set()
        walk = [(self, iter(self.edges))]
        done.add(id(self))
        while walk:
            node, pending = walk[-1]
            for child, _ in pending:
                if id(child) not in done:
                    done.add(id(child))
                    walk.append((child, iter(child.edges)))
                    break
            else:
                walk.pop()
                order.append(node)
        self.grad = np.float64(1.0)
        for node in reversed(order):
            for child, slope in node.edges:
                child.grad = child.grad + slope * node.grad

    def __repr__(self):
        return f"Value(data={float(self.data)!r}, grad={float(self.grad)!r})"
