"""A Value with its own rule for every operator (no composition), __slots__, and Kahn's topological sort."""

import math
from collections import deque


class Value:
    __slots__ = ("data", "grad", "parents", "rule")
    __array_ufunc__ = None

    def __init__(self, data, parents=(), rule=None):
        self.data = float(data)
        self.grad = 0.0
        self.parents = parents
        self.rule = rule  # called with the node's grad, pushes it to the parents

    @staticmethod
    def lift(x):
        return x if isinstance(x, Value) else Value(x)

    def __add__(self, other):
        other = Value.lift(other)

        def rule(g):
            self.grad += g
            other.grad += g

        return Value(self.data + other.data, (self, other), rule)

    __radd__ = __add__

    def __sub__(self, other):
        other = Value.lift(other)

        def rule(g):
            self.grad += g
            other.grad -= g

        return Value(self.data - other.data, (self, other), rule)

    def __rsub__(self, other):
        return Value.lift(other) - self

    def __mul__(self, other):
        other = Value.lift(other)

        def rule(g):
            self.grad += g * other.data
            other.grad += g * self.data

        return Value(self.data * other.data, (self, other), rule)

    __rmul__ = __mul__

    def __truediv__(self, other):
        other = Value.lift(other)

        def rule(g):
            self.grad += g / other.data
            other.grad -= g * self.data / (other.data * other.data)

        return Value(self.data / other.data, (self, other), rule)

    def __rtruediv__(self, other):
        return Value.lift(other) / self

    def __pow__(self, k):
        k = float(k)

        def rule(g):
            self.grad += g * k * self.data ** (k - 1)

        return Value(self.data**k, (self,), rule)

    def __neg__(self):
        def rule(g):
            self.grad -= g

        return Value(-self.data, (self,), rule)

    def tanh(self):
        e = math.exp(-2 * abs(self.data))
        t = math.copysign((1 - e) / (1 + e), self.data)

        def rule(g):
            self.grad += g * (1 - t) * (1 + t)

        return Value(t, (self,), rule)

    def exp(self):
        out = Value(math.exp(self.data), (self,))

        def rule(g):
            self.grad += g * out.data

        out.rule = rule
        return out

    def relu(self):
        positive = self.data > 0

        def rule(g):
            if positive:
                self.grad += g

        return Value(self.data if positive else 0.0, (self,), rule)

    def backward(self):
        # Kahn: count how many consumers each node has, then release a node once all have run.
        consumers, seen, todo = {}, {id(self)}, [self]
        while todo:
            node = todo.pop()
            for parent in node.parents:
                consumers[id(parent)] = consumers.get(id(parent), 0) + 1
                if id(parent) not in seen:
                    seen.add(id(parent))
                    todo.append(parent)
        self.grad = 1.0
        ready = deque([self])
        while ready:
            node = ready.popleft()
            if node.rule is not None:
                node.rule(node.grad)
            for parent in node.parents:
                consumers[id(parent)] -= 1
                if consumers[id(parent)] == 0:
                    ready.append(parent)

    def __repr__(self):
        return f"Value(data={self.data!r}, grad={self.grad!r})"
