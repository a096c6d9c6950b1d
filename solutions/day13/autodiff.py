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
        ### BEGIN SOLUTION
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_children)
        self._op = _op
        self._backward = lambda: None
        ### END SOLUTION

    def __add__(self, other):
        """Return a new Value for self + other (other a Value or a number); both inputs get out.grad."""
        ### BEGIN SOLUTION
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out
        ### END SOLUTION

    def __mul__(self, other):
        """Return a new Value for self * other; each input gets out.grad times the other input."""
        ### BEGIN SOLUTION
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out
        ### END SOLUTION

    def __pow__(self, exponent):
        """Return a new Value for self ** exponent, exponent a number; d/dx x**k = k x**(k - 1)."""
        ### BEGIN SOLUTION
        if isinstance(exponent, Value):
            return NotImplemented  # only powers by plain numbers are supported
        k = float(exponent)
        out = Value(self.data**k, (self,), f"**{k:g}")

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad

        out._backward = _backward
        return out
        ### END SOLUTION

    def tanh(self):
        """Return a new Value for tanh(self); its local derivative is 1 - tanh**2."""
        ### BEGIN SOLUTION
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t * t) * out.grad

        out._backward = _backward
        return out
        ### END SOLUTION

    def exp(self):
        """Return a new Value for exp(self); its local derivative is exp(self) itself."""
        ### BEGIN SOLUTION
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad

        out._backward = _backward
        return out
        ### END SOLUTION

    def relu(self):
        """Return a new Value for max(self, 0); its local derivative is 1 where self > 0, else 0 (0 at 0)."""
        ### BEGIN SOLUTION
        out = Value(max(self.data, 0.0), (self,), "relu")

        def _backward():
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad

        out._backward = _backward
        return out
        ### END SOLUTION

    def backward(self):
        """Fill .grad of every Value this one depends on: set self.grad = 1, then apply the rules from output to leaves.

        Order the nodes so that each comes after everything it was made
        from (a topological order), built with an explicit stack, not
        recursion, so a chain of 10,000 operations works. Then run each
        node's backward rule in reverse order.
        """
        ### BEGIN SOLUTION
        order, seen = [], set()
        stack = [(self, False)]
        while stack:
            node, inputs_done = stack.pop()
            if inputs_done:
                order.append(node)  # all of its inputs are already in order
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                stack.extend((child, False) for child in node._prev if child not in seen)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()
        ### END SOLUTION

    def __neg__(self):
        """Return a new Value for -self."""
        ### BEGIN SOLUTION
        return self * -1
        ### END SOLUTION

    def __radd__(self, other):
        """Return a new Value for other + self, other a number."""
        ### BEGIN SOLUTION
        return self + other
        ### END SOLUTION

    def __sub__(self, other):
        """Return a new Value for self - other."""
        ### BEGIN SOLUTION
        return self + (-other)
        ### END SOLUTION

    def __rsub__(self, other):
        """Return a new Value for other - self, other a number."""
        ### BEGIN SOLUTION
        return other + (-self)
        ### END SOLUTION

    def __rmul__(self, other):
        """Return a new Value for other * self, other a number."""
        ### BEGIN SOLUTION
        return self * other
        ### END SOLUTION

    def __truediv__(self, other):
        """Return a new Value for self / other, built as self * other**-1.

        other is a Value or any number, NumPy's too: make it a Value first,
        as np.int64(2)**-1 raises.
        """
        ### BEGIN SOLUTION
        other = other if isinstance(other, Value) else Value(other)  # np.int64(2)**-1 would raise
        return self * other**-1
        ### END SOLUTION

    def __rtruediv__(self, other):
        """Return a new Value for other / self, other a number."""
        ### BEGIN SOLUTION
        return other * self**-1
        ### END SOLUTION

    def __repr__(self):
        """Show the value and its gradient (given: not an exercise)."""
        return f"Value(data={self.data!r}, grad={self.grad!r})"
