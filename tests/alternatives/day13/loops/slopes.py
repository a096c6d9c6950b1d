"""slopes, written with explicit loops over the entries and the math module."""

import math

import numpy as np


def _entrywise(x, rule):
    """Apply a float -> float rule to every entry of x (a float stays a float)."""
    if np.ndim(x) == 0:
        return rule(float(x))
    x = np.asarray(x)
    out = np.empty(x.shape)
    for index in np.ndindex(x.shape):
        out[index] = rule(float(x[index]))
    return out


def forward_difference(f, x, h=1e-6):
    return _entrywise(x, lambda v: (f(v + h) - f(v)) / h)


def central_difference(f, x, h=1e-5):
    return _entrywise(x, lambda v: (f(v + h) - f(v - h)) / (2 * h))


def tangent_line(f, df, a):
    a = float(a)
    slope = float(df(a))
    return slope, float(f(a)) - a * slope


def _bisect(df, lo, hi, lo_positive, tol):
    """Recursive halving; lo_positive is the sign of df at lo."""
    mid = lo + (hi - lo) / 2
    if hi - lo < tol or not lo < mid < hi:
        return mid
    slope = df(mid)
    if slope == 0:
        return mid
    if (slope > 0) == lo_positive:
        return _bisect(df, mid, hi, lo_positive, tol)
    return _bisect(df, lo, mid, lo_positive, tol)


def find_flat_point(df, lo, hi, tol=1e-10):
    lo, hi = float(lo), float(hi)
    if hi < lo:
        raise ValueError("lo must not exceed hi")
    at_lo, at_hi = df(lo), df(hi)
    if at_lo == 0:
        return lo
    if at_hi == 0:
        return hi
    if math.copysign(1, at_lo) == math.copysign(1, at_hi):
        raise ValueError("the slope has the same sign at both ends of the bracket")
    return _bisect(df, lo, hi, at_lo > 0, tol)
