"""slopes.py: difference quotients, tangent lines and bisection on the slope.

Finite-difference helpers are judged on float64 only (SPEC): in float32 the
step h is below the rounding of x.
"""

import numpy as np
import pytest

from grader import expect, probes
from grader.student import StudentError, Trusted


def _wave(rng):
    a, b, c = (float(v) for v in rng.uniform([0.5, 0.7, -1.0], [2.0, 2.0, 1.0]))
    return (a, b, c), probes.wave(a, b, c), probes.wave_slope(a, b, c)


@pytest.mark.covers("forward_difference")
@pytest.mark.parametrize("h", [0.1, 1e-6], ids=["h=0.1", "h=1e-6"])
def test_forward_difference_on_arrays(student, rng, seed, h):
    params, f, _ = _wave(rng)
    x = rng.uniform(-2, 2, size=5)
    got = student.slopes.forward_difference(Trusted("grader.probes:wave", factory=True, a=params[0], b=params[1], c=params[2]), x, h)
    expect.values(got, (f(x + h) - f(x)) / h, what=f"slopes.forward_difference(f, x, h={h})",
                  inputs={"f": "a*sin(b*x) + c*x", "x": x}, seed=seed)


@pytest.mark.covers("forward_difference")
def test_forward_difference_default_step_on_a_float(student, rng, seed):
    coeffs = rng.uniform(-1, 1, size=4).tolist()
    f = probes.polynomial(coeffs)
    x = float(rng.uniform(-1, 1))
    got = expect.scalar(student.slopes.forward_difference(Trusted("grader.probes:polynomial", factory=True, coeffs=coeffs), x),
                        "slopes.forward_difference")
    expected, rtol = (f(x + 1e-6) - f(x)) / 1e-6, 1e-7
    # Any way of writing the quotient rounds f's two values, and 1/h magnifies that: near a flat
    # point this noise is larger than the slope, so the scale covers it (a wrong h misses by ~1e-6).
    noise = 16 * np.finfo(float).eps * (abs(f(x)) + abs(f(x + 1e-6))) / 1e-6
    expect.values(got, expected, what="slopes.forward_difference(f, x) with the default h",
                  inputs={"f": "a cubic", "x": x}, seed=seed, rtol=rtol, scale=abs(expected) + noise / rtol)


@pytest.mark.covers("central_difference")
@pytest.mark.parametrize("h", [0.1, 1e-5], ids=["h=0.1", "h=1e-5"])
def test_central_difference_on_arrays(student, rng, seed, h):
    params, f, _ = _wave(rng)
    x = rng.uniform(-2, 2, size=5)
    got = student.slopes.central_difference(Trusted("grader.probes:wave", factory=True, a=params[0], b=params[1], c=params[2]), x, h)
    expect.values(got, (f(x + h) - f(x - h)) / (2 * h), what=f"slopes.central_difference(f, x, h={h})",
                  inputs={"f": "a*sin(b*x) + c*x", "x": x}, seed=seed)


@pytest.mark.covers("central_difference")
def test_central_difference_default_step_is_1e_5(student, rng, seed):
    # A fast wave: its third derivative makes the slope from h = 1e-5 differ from those of
    # 1e-4 or 1e-6 by 1e-7 of its size or more (at least where cos(b x) = +-1, one of the points),
    # while rounding moves it by about 1e-12.
    a, b, c = float(rng.uniform(0.5, 1.0)), float(rng.uniform(80.0, 120.0)), float(rng.uniform(-1, 1))
    f = probes.wave(a, b, c)
    x = np.append(rng.uniform(-1, 1, size=4), np.pi * int(rng.integers(-30, 30)) / b)
    h = 1e-5
    got = student.slopes.central_difference(Trusted("grader.probes:wave", factory=True, a=a, b=b, c=c), x)
    expect.values(got, (f(x + h) - f(x - h)) / (2 * h), what="slopes.central_difference(f, x) with the default h=1e-5",
                  inputs={"f": f"{a:.3f}*sin({b:.2f}*x) + {c:.3f}*x", "x": x}, seed=seed, rtol=1e-8)


@pytest.mark.covers("tangent_line")
def test_tangent_line(student, rng, seed):
    params, f, df = _wave(rng)
    a = float(rng.uniform(0.5, 2.0)) * rng.choice([-1, 1])
    got = student.slopes.tangent_line(
        Trusted("grader.probes:wave", factory=True, a=params[0], b=params[1], c=params[2]),
        Trusted("grader.probes:wave_slope", factory=True, a=params[0], b=params[1], c=params[2]), a)
    expect.that(isinstance(got, (tuple, list)) and len(got) == 2,
                f"slopes.tangent_line should return (slope, intercept), got {type(got).__name__}")
    slope = expect.scalar(got[0], "slopes.tangent_line slope")
    intercept = expect.scalar(got[1], "slopes.tangent_line intercept")
    expected = np.array([df(a), f(a) - df(a) * a])
    expect.values(np.array([slope, intercept]), expected, what="slopes.tangent_line(f, df, a) -> (slope, intercept)",
                  inputs={"f": "a*sin(b*x) + c*x", "a": a}, seed=seed)


def _bracket(rng):
    root = float(rng.uniform(-1.5, 1.5))
    lo, hi = root - float(rng.uniform(0.5, 2.0)), root + float(rng.uniform(0.5, 2.0))
    return root, lo, hi


def _stopped_early(df, lo, hi, x, halvings=200, first=10) -> bool:
    """x is, to rounding, the midpoint or an end of the bracket that a correct bisection of df on
    [lo, hi] has after `first` or more halvings (so within that bracket's width of the zero, and
    within a thousandth of hi - lo): what a right bisection returns when its stopping rule ends it
    too early. A wrong bisection (mid = lo + hi / 2, the wrong half kept) ends elsewhere."""
    a, b = lo, hi
    slope_a = df(a)
    for k in range(halvings):
        mid = (a + b) / 2
        near = 1e-6 * (b - a) + 4 * np.spacing(abs(mid))
        if k >= first and min(abs(x - a), abs(x - b), abs(x - mid)) <= near:
            return True
        if not a < mid < b:
            return False
        slope_mid = df(mid)
        if slope_mid == 0:
            return False
        if (slope_mid > 0) == (slope_a > 0):
            a, slope_a = mid, slope_mid
        else:
            b = mid
    return False


def _flat_point_miss(call: str, got: float, root: float, df, lo: float, hi: float, tol: float, seed) -> str:
    """Why find_flat_point's answer is too far from the zero: blame the stopping rule only when the
    answer is where a right bisection stops too early, else say the point is not where df changes sign."""
    found = f"{call} returned {got:.12g}; the slope changes sign at {root:.12g} (off by {abs(got - root):.2g})"
    if _stopped_early(df, lo, hi, got):
        return (f"{found}. That is where a right bisection stops too early: stop only when the bracket is "
                f"narrower than tol={tol:g} (not after a fixed number of steps, nor when |df| is small) (seed {seed})")
    return (f"{found}. The returned point is not where the slope changes sign, nor where a bisection of "
            f"[lo, hi] would stop: is each new point the midpoint (lo + hi) / 2, and is the half kept the one "
            f"whose ends have slopes of opposite signs? (seed {seed})")


@pytest.mark.covers("find_flat_point")
@pytest.mark.parametrize("direction", [1.0, -1.0], ids=["minimum", "maximum"])
def test_find_flat_point_finds_the_zero_of_the_slope(student, rng, seed, direction):
    # A slope of scale 1e-3: |df| falls below tol long before the bracket does, so only the
    # contract's stopping rule (the bracket narrower than tol) lands within tol of the zero.
    root, lo, hi = _bracket(rng)
    tol, scale = 1e-8, 1e-3 * direction
    got = expect.scalar(student.slopes.find_flat_point(
        Trusted("grader.probes:shifted_slope", factory=True, root=root, scale=scale), lo, hi, tol),
        "slopes.find_flat_point")
    expect.that(lo <= got <= hi, f"slopes.find_flat_point returned {got:.6g}, outside [lo, hi] = [{lo:.4g}, {hi:.4g}]")
    if abs(got - root) > 2 * tol:
        raise expect.Wrong(_flat_point_miss(f"slopes.find_flat_point(df, {lo:.6g}, {hi:.6g}, tol={tol:g}) with "
                                            f"df(x) = {scale:g} * tanh(x - {root:.6g})",
                                            got, root, probes.shifted_slope(root, scale), lo, hi, tol, seed))


@pytest.mark.covers("find_flat_point")
def test_find_flat_point_uses_the_default_tolerance(student, rng, seed):
    root, lo, hi = _bracket(rng)
    got = expect.scalar(student.slopes.find_flat_point(
        Trusted("grader.probes:shifted_slope", factory=True, root=root, scale=3.0), lo, hi), "slopes.find_flat_point")
    if abs(got - root) > 1e-9:
        raise expect.Wrong(_flat_point_miss(f"slopes.find_flat_point(df, {lo:.6g}, {hi:.6g})", got, root,
                                            probes.shifted_slope(root, 3.0), lo, hi, 1e-10, seed))


@pytest.mark.covers("find_flat_point")
@pytest.mark.parametrize("end", ["lo", "hi"])
def test_find_flat_point_returns_an_endpoint_with_zero_slope(student, rng, seed, end):
    root, lo, hi = _bracket(rng)
    zero_at = lo if end == "lo" else hi
    got = expect.scalar(student.slopes.find_flat_point(
        Trusted("grader.probes:shifted_slope", factory=True, root=root, scale=1.0, exact_zero_at=zero_at),
        lo, hi, 1e-8), "slopes.find_flat_point")
    expect.that(got == zero_at,
                f"slopes.find_flat_point: df({end}) is exactly 0 at {end} = {zero_at!r}, so that endpoint is the "
                f"answer; got {got!r}")


@pytest.mark.covers("find_flat_point")
@pytest.mark.parametrize("sign", [1.0, -1.0], ids=["both-positive", "both-negative"])
def test_find_flat_point_rejects_a_bracket_without_sign_change(student, rng, sign):
    offset = float(rng.uniform(0.1, 1.0))
    lo, hi = sorted(rng.uniform(-2, 2, size=2).tolist())
    slope = (Trusted("grader.probes:same_sign_slope", factory=True, offset=offset) if sign > 0
             else Trusted("grader.probes:shifted_slope", factory=True, root=hi + 1.0, scale=1.0))
    try:
        got = student.slopes.find_flat_point(slope, lo, hi, 1e-8)
    except StudentError as exc:
        if not exc.raised("ValueError"):
            raise
        return
    raise expect.Wrong(f"slopes.find_flat_point returned {got!r} for a bracket [{lo:.4g}, {hi:.4g}] where the slope "
                       "never changes sign; it should raise ValueError")
