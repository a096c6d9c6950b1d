"""Slopes written as a student might: an exception class of their own (a ValueError), the
forward difference rounded another way, and bisection by a counted loop."""

import math


class NoSignChange(ValueError):
    """The slope has the same sign at both ends of the bracket."""


def forward_difference(f, x, h=1e-6):
    return f(x + h) / h - f(x) / h  # the same quotient as (f(x + h) - f(x)) / h


def central_difference(f, x, h=1e-5):
    return 0.5 * (f(x + h) - f(x - h)) / h


def tangent_line(f, df, a):
    m = float(df(a))
    return m, float(f(a) - m * a)


def find_flat_point(df, lo, hi, tol=1e-10):
    a, b = float(lo), float(hi)
    if a > b:
        raise ValueError("the bracket must have lo <= hi")
    fa, fb = df(a), df(b)
    if fa == 0:
        return a
    if fb == 0:
        return b
    if math.copysign(1.0, fa) == math.copysign(1.0, fb):
        raise NoSignChange(f"the slope is {fa} at {a} and {fb} at {b}: no sign change")
    # halvings needed to get below tol, plus a few: the loop also stops at float spacing
    for _ in range(int(math.log2(max(b - a, tol) / tol)) + 2):
        if b - a < tol:
            break
        m = a + (b - a) / 2
        if not a < m < b:
            break
        fm = df(m)
        if fm == 0:
            return m
        if (fm > 0) == (fa > 0):
            a, fa = m, fm
        else:
            b = m
    return (a + b) / 2
