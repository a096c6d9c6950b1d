"""slopes.py mistakes: difference quotients, tangent lines, bisection."""

from tests.mutants import Mutant

FORWARD = "return (f(x + h) - f(x)) / h"
CENTRAL = "return (f(x + h) - f(x - h)) / (2 * h)"
KEEP_HALF = """        if (slope_mid > 0) == (slope_lo > 0):
            lo, slope_lo = mid, slope_mid"""
SAME_SIGN_CHECK = """    if (slope_lo > 0) == (slope_hi > 0):
        raise ValueError(
            f"df(lo)={slope_lo} and df(hi)={slope_hi} have the same sign: "
            "no sign change to bisect on"
        )
"""
ENDPOINT_CHECKS = """    if slope_lo == 0:
        return lo
    if slope_hi == 0:
        return hi
"""

MUTANTS = [
    Mutant(
        "slopes-forward-over-2h", "slopes", FORWARD, "return (f(x + h) - f(x)) / (2 * h)",
        kills=("test_forward_difference",),
        why="divides the forward difference by 2h, as if it were central",
    ),
    Mutant(
        "slopes-forward-is-backward", "slopes", FORWARD, "return (f(x) - f(x - h)) / h",
        kills=("test_forward_difference_on_arrays[h=0.1]", "test_forward_difference_on_many_points"),
        why="takes the backward difference f(x) - f(x-h)",
    ),
    Mutant(
        "slopes-forward-default-h", "slopes", "def forward_difference(f, x, h=1e-6):",
        "def forward_difference(f, x, h=1e-5):",
        kills=("test_forward_difference_default_step_on_a_float",),
        why="copies central_difference's default step",
    ),
    Mutant(
        "slopes-central-over-h", "slopes", CENTRAL, "return (f(x + h) - f(x - h)) / h",
        kills=("test_central_difference",),
        why="forgets that the central secant spans 2h",
    ),
    Mutant(
        "slopes-central-is-forward", "slopes", CENTRAL, "return (f(x + h) - f(x)) / h",
        kills=("test_central_difference_on_arrays[h=0.1]", "test_central_difference_default_step_is_1e_5",
               "test_central_difference_on_many_points"),
        why="writes the forward difference where the central one was asked",
    ),
    Mutant(
        "slopes-central-tiny-default-h", "slopes", "def central_difference(f, x, h=1e-5):",
        "def central_difference(f, x, h=1e-12):",
        kills=("test_central_difference_default_step_is_1e_5",),
        why="believes a smaller step is always more accurate (rounding dominates at 1e-12)",
    ),
    Mutant(
        "slopes-tangent-intercept-plus", "slopes", "intercept = float(f(a)) - slope * float(a)",
        "intercept = float(f(a)) + slope * float(a)",
        kills=("test_tangent_line",),
        why="intercept f(a) + slope*a: sign slip solving y = slope*x + c through (a, f(a))",
    ),
    Mutant(
        "slopes-tangent-intercept-is-fa", "slopes", "intercept = float(f(a)) - slope * float(a)",
        "intercept = float(f(a))",
        kills=("test_tangent_line",),
        why="takes f(a) as the intercept, as if the tangent crossed the axis at a",
    ),
    Mutant(
        "slopes-bisect-wrong-half", "slopes", KEEP_HALF,
        KEEP_HALF.replace("(slope_mid > 0) == (slope_lo > 0)", "(slope_mid > 0) != (slope_lo > 0)"),
        kills=("test_find_flat_point_finds_the_zero_of_the_slope", "test_find_flat_point_uses_the_default_tolerance",
               "test_find_flat_point_with_a_coarse_tolerance"),
        why="keeps the half without the sign change",
    ),
    Mutant(
        "slopes-bisect-assumes-minimum", "slopes", KEEP_HALF,
        KEEP_HALF.replace("(slope_mid > 0) == (slope_lo > 0)", "slope_mid < 0"),
        kills=("test_find_flat_point_finds_the_zero_of_the_slope[maximum]",),
        why="assumes the slope goes from negative to positive (a minimum) and moves lo when the slope is negative",
    ),
    Mutant(
        "slopes-bisect-no-bracket-check", "slopes", SAME_SIGN_CHECK, "",
        kills=("test_find_flat_point_rejects_a_bracket_without_sign_change",),
        why="never raises ValueError: bisects a bracket with no sign change",
    ),
    Mutant(
        "slopes-bisect-checks-positive-only", "slopes", "if (slope_lo > 0) == (slope_hi > 0):",
        "if slope_lo > 0 and slope_hi > 0:",
        kills=("test_find_flat_point_rejects_a_bracket_without_sign_change[both-negative]",),
        why="only rejects a bracket where both slopes are positive",
    ),
    Mutant(
        "slopes-bisect-check-before-endpoints", "slopes", ENDPOINT_CHECKS + SAME_SIGN_CHECK,
        "    if slope_lo * slope_hi >= 0:\n        raise ValueError(\"no sign change\")\n" + ENDPOINT_CHECKS,
        kills=("test_find_flat_point_returns_an_endpoint_with_zero_slope",),
        why="raises ValueError when df(lo)*df(hi) >= 0, also for a valid bracket with a zero at an end",
    ),
    Mutant(
        "slopes-bisect-ignores-zero-endpoints", "slopes", ENDPOINT_CHECKS, "",
        kills=("test_find_flat_point_returns_an_endpoint_with_zero_slope",),
        why="does not return an endpoint whose slope is exactly 0",
    ),
    Mutant(
        "slopes-bisect-fixed-iterations", "slopes", "while hi - lo >= tol:", "for _ in range(20):",
        kills=("test_find_flat_point_finds_the_zero_of_the_slope", "test_find_flat_point_uses_the_default_tolerance"),
        why="stops after a fixed 20 halvings instead of when the bracket is narrower than tol",
    ),
    Mutant(
        "slopes-bisect-hardcoded-tol", "slopes", "while hi - lo >= tol:", "while hi - lo >= 1e-6:",
        kills=("test_find_flat_point_finds_the_zero_of_the_slope", "test_find_flat_point_uses_the_default_tolerance"),
        why="ignores the tol argument",
    ),
    Mutant(
        "slopes-bisect-stops-on-small-slope", "slopes", "while hi - lo >= tol:",
        "while abs(df((lo + hi) / 2)) > tol:",
        kills=("test_find_flat_point_finds_the_zero_of_the_slope",),
        why="stops when |df(mid)| <= tol instead of when the bracket is narrower than tol: a gentle slope "
            "is small long before the bracket is",
    ),
    Mutant(
        "slopes-bisect-midpoint-precedence", "slopes", "mid = (lo + hi) / 2\n        if mid <= lo",
        "mid = lo + hi / 2\n        if mid <= lo",
        kills=("test_find_flat_point_finds_the_zero_of_the_slope", "test_find_flat_point_uses_the_default_tolerance",
               "test_find_flat_point_with_a_coarse_tolerance"),
        why="lo + hi / 2: operator precedence makes the new point no midpoint",
    ),
    Mutant(
        "slopes-central-default-h-1e-6", "slopes", "def central_difference(f, x, h=1e-5):",
        "def central_difference(f, x, h=1e-6):",
        kills=("test_central_difference_default_step_is_1e_5",),
        why="a default step of 1e-6 instead of the contract's 1e-5",
    ),
]
