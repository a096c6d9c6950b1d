"""The derivative as the slope of the tangent.

A derivative is the limit of slopes of ever shorter secants. Here you
approximate it with finite differences, turn a slope into a tangent line,
and use the sign of the slope to find where a function is flat.

Lesson: docs/day13/01-slopes.ipynb
"""


def forward_difference(f, x, h=1e-6):
    """Return the forward-difference slope (f(x + h) - f(x)) / h.

    The secant from x to x + h approaches the tangent as h shrinks; its
    error is O(h). Works elementwise: x is a float or an ndarray and f maps
    it to a float or an ndarray of the same shape.

    Returns a float, or an ndarray shaped like x.
    """
    ### BEGIN SOLUTION
    return f(x + h) / h - f(x) / h  # the same quotient, rounded another way
    ### END SOLUTION


def central_difference(f, x, h=1e-5):
    """Return the central-difference slope (f(x + h) - f(x - h)) / (2h).

    Looking both ways cancels the f'' term of the Taylor series, so the
    error is O(h^2) instead of O(h). Elementwise, like forward_difference.

    Returns a float, or an ndarray shaped like x.
    """
    ### BEGIN SOLUTION
    return (f(x + h) - f(x - h)) / (2 * h)
    ### END SOLUTION


def tangent_line(f, df, a):
    """Return (slope, intercept) of the tangent to f at a, as two floats.

    The tangent y = slope * x + intercept has slope df(a) and passes
    through the point (a, f(a)), so intercept = f(a) - slope * a.
    """
    ### BEGIN SOLUTION
    slope = float(df(a))
    intercept = float(f(a)) - slope * float(a)
    return slope, intercept
    ### END SOLUTION


def find_flat_point(df, lo, hi, tol=1e-10):
    """Return x in [lo, hi] where df(x) is zero, found by bisection on the sign of df.

    If df(lo) or df(hi) is exactly 0, return that endpoint. If both are
    non-zero with the same sign, the slope may never cross zero: raise
    ValueError. Otherwise halve the bracket, keeping the half whose ends
    have slopes of opposite signs, until hi - lo < tol (or the midpoint
    itself has slope exactly 0).

    Returns a float.
    """
    ### BEGIN SOLUTION
    lo, hi = float(lo), float(hi)
    if lo > hi:
        raise ValueError(f"need lo <= hi, got lo={lo} and hi={hi}")
    slope_lo, slope_hi = df(lo), df(hi)
    if slope_lo == 0:
        return lo
    if slope_hi == 0:
        return hi
    if (slope_lo > 0) == (slope_hi > 0):
        raise NoSignChange(
            f"df(lo)={slope_lo} and df(hi)={slope_hi} have the same sign: "
            "no sign change to bisect on"
        )
    while hi - lo >= tol:
        mid = (lo + hi) / 2
        if mid <= lo or mid >= hi:  # tol below float spacing: cannot halve further
            break
        slope_mid = df(mid)
        if slope_mid == 0:
            return mid
        if (slope_mid > 0) == (slope_lo > 0):
            lo, slope_lo = mid, slope_mid
        else:
            hi = mid
    return (lo + hi) / 2
    ### END SOLUTION


class NoSignChange(ValueError):
    """The slope has the same sign at both ends of the bracket: a ValueError of our own."""
