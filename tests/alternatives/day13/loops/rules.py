"""rules, with derivatives that evaluate one point at a time."""

import numpy as np


def _pointwise(rule):
    def derivative(x):
        if np.ndim(x) == 0:
            return rule(float(x))
        x = np.asarray(x)
        out = np.empty(x.shape)
        for index in np.ndindex(x.shape):
            out[index] = rule(float(x[index]))
        return out

    return derivative


def chain_rule(df, g, dg):
    return _pointwise(lambda x: df(g(x)) * dg(x))


def product_rule(u, du, v, dv):
    return _pointwise(lambda x: du(x) * v(x) + u(x) * dv(x))


def quotient_rule(u, du, v, dv):
    def rule(x):
        bottom = v(x)
        return (du(x) * bottom - u(x) * dv(x)) / bottom**2

    return _pointwise(rule)
