"""Chain, product and quotient rules as functions that build derivatives.

Each rule takes functions and their derivatives and returns a new
function: the derivative of the combination. This is the step from a
table of derivatives to differentiating anything built from them.

Lesson: docs/day13/03-rules.md
"""


def chain_rule(df, g, dg):
    """Return a function computing the derivative of f(g(x)): x -> df(g(x)) * dg(x).

    The outer derivative df is evaluated where the inner function lands,
    at g(x), then scaled by the inner derivative dg(x). The returned
    callable works elementwise on floats and ndarrays.
    """
    raise NotImplementedError("chain_rule: not implemented yet")


def product_rule(u, du, v, dv):
    """Return a function computing the derivative of u(x) * v(x): x -> du(x) v(x) + u(x) dv(x).

    The returned callable works elementwise on floats and ndarrays.
    """
    raise NotImplementedError("product_rule: not implemented yet")


def quotient_rule(u, du, v, dv):
    """Return a function computing the derivative of u(x) / v(x): x -> (du v - u dv) / v**2.

    Defined wherever v(x) != 0. The returned callable works elementwise on
    floats and ndarrays.
    """
    raise NotImplementedError("quotient_rule: not implemented yet")
