"""slopes with other but equivalent formulas: a while loop with midpoint updates, sign tests by np.sign."""

import numpy as np


def forward_difference(f, x, h=1e-6):
    rise = np.subtract(f(x + h), f(x))
    return rise / h


def central_difference(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / h / 2


def tangent_line(f, df, a):
    slope = float(df(a))
    # the tangent y = f(a) + slope (x - a), read off at x = 0
    intercept = float(f(a) + slope * (0.0 - a))
    return slope, intercept


def find_flat_point(df, lo, hi, tol=1e-10):
    lo, hi = float(lo), float(hi)
    if lo > hi:
        raise ValueError("empty bracket")
    sign_lo, sign_hi = np.sign(df(lo)), np.sign(df(hi))
    if sign_lo == 0:
        return lo
    if sign_hi == 0:
        return hi
    if sign_lo == sign_hi:
        raise ValueError("df(lo) and df(hi) have the same sign")
    mid = 0.5 * (lo + hi)
    while hi - lo >= tol and lo < mid < hi:
        sign_mid = np.sign(df(mid))
        if sign_mid == 0:
            break
        if sign_mid == sign_lo:
            lo = mid
        else:
            hi = mid
        mid = 0.5 * (lo + hi)
    return mid
