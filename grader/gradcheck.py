"""Finite-difference checking: how the grader decides whether a gradient is right.

This module is the judge behind every gradient test. It compares a student's
answer with numbers the grader computes itself, and explains a failure in a
way a student can act on. It runs only in the trusted grader process, never
next to student code.

The rules, and why
------------------
1. **Central differences of a trusted float64 forward.** The slope of f at x
   along coordinate i is estimated as (f(x + h e_i) - f(x - h e_i)) / step.
   A one-sided difference (f(x+h) - f(x)) / h is wrong by about h*f''/2; the
   central one cancels that term and is wrong by about h**2 * f'''/6. Each
   difference also loses about eps*|f|/h to rounding. Balancing the two
   errors gives h = eps**(1/3) (about 6e-6 in float64) scaled by
   max(1, |x_i|), and a total error near eps**(2/3), about 4e-11 relative.
   The step is divided by the distance actually travelled, (x+h) - (x-h),
   since x + h is itself rounded.
   The forward is always evaluated in float64, whatever the dtype of the
   student's answer. In float32 even the best step (about 5e-3) leaves
   errors of 2e-5 on sin(x) for x in [0.1, 3], a fifth of the float32
   tolerance, and the steps of 1e-5 or 1e-6 people usually take are ruled
   by rounding: errors of 4e-3 and 7e-2 there, and up to 100% when |f| is
   large next to its slope (a loss summed over a batch).

2. **Each entry is judged against its whole tensor.** With n the numerical
   gradient and a the answer, entry i is off by

       err_i = |a_i - n_i| / (|n_i| + S),   S = max_j |n_j| + 1e-9 * max(1, |f(x)|)

   and the answer passes when every err_i <= rtol. A purely per-entry
   relative error |a_i - n_i| / |n_i| fails correct float32 code on entries
   that happen to be near zero (a float32 answer is only accurate to about
   1e-7 of the *largest* values it was computed from). Every parameter
   tensor (W1, b1, W2, b2, ...) gets its own S, so a small bias gradient is
   not excused by a large weight gradient -- with one guard: `check_gradients`
   keeps each S at least 0.1 x the largest slope of any tensor of the same
   loss. A float32 sum like db2 = sum(dout) is only as precise as its terms,
   which can cancel; judged on its own tiny value alone, correct float32 code
   failed 1 draw in 2,000 to 4,000 in our measurements. Two more allowances
   keep the grader's own limits off the student's account: an entry that
   would fail is re-measured with steps of 2h, and the finite difference's
   visible error (and its rounding, 16*eps*|f|/h) is forgiven, never more
   than 1e-6 * max(1, |f(x)|); and `scale=` lets a suite state S outright.

3. **Tolerances by the answer's dtype.** rtol is 1e-6 for float64 (and int)
   answers, 1e-4 for float32, 1e-2 for float16. Measured on suite-like draws
   (benchmarks/gradcheck_margins.py): correct float64 answers stay below
   about 2e-9 and correct float32 ones below about 1e-6, while the classic
   bugs (a missing factor 2 or 1/N, a flipped sign, 1 - z**2 in place of
   1 - tanh(z)**2, a missing activation derivative, a forgotten upstream
   gradient) leave their worst tensor above 0.2. For comparison: PyTorch's
   gradcheck differentiates in float64 with eps 1e-6 and accepts
   |a - n| <= 1e-5 + 1e-3*|n|; JAX's check_grads uses eps 1e-4 and
   tolerances of about 2e-3 (float32) and 1e-5 (float64); CS231n's notes
   compare |a-n| / max(|a|,|n|), say "use double precision", and warn about
   kinks. The tensor-wide scale lets us be tighter than all three without
   failing correct float32 code.

4. **Large tensors: random directions plus sampled entries.** Above
   `max_full` entries (2,000 by default) the check costs too many forward
   calls. It then compares a few directional derivatives, <a, u> for random
   unit vectors u, against central differences along u (the idea of
   PyTorch's fast mode), and also checks a random sample of single entries
   (always including the first, the last and the largest |a_i|). A direction
   passes when |<a,u> - d| <= rtol * (|d| + S): S, the tensor's scale, is
   the typical size of a correct answer's rounding in <a,u>, while a bug
   confined to a few entries moves <a,u> by (bug size) / sqrt(size), which
   is far larger. (Scaling by ||a|| instead would grow with sqrt(size) and
   hide such bugs in float32.)

5. **Kinks are the grader's problem, not the student's.** relu and abs have
   no derivative at 0, and a central difference straddling a kink returns a
   blend of the two slopes. Wherever the forward and backward one-sided
   slopes disagree, the checker measures both sides again to second order
   and accepts any value between them (a subgradient), and says so in the
   note. Suites should still draw inputs away from kinks (`kink_free`,
   `near_zero`); the one-sided rule covers what slips through. (Chainer's
   `detect_nondifferentiable` uses a similar one-sided comparison.)

6. **Feedback shows little and hints much.** A result lists at most five
   offending entries, never the whole reference, with the worst relative
   error and the tolerance. The median of a_i / n_i over the entries that
   are not tiny exposes a constant factor: 0.5 for a missing 2, N for a
   missing 1/N, -1 for a flipped sign.

Inside `grader.memo.enabled()` (a batch run, where every student gets the
same inputs) the values of f along each probed line are computed once and
reused for the next submission; f must then depend only on its argument,
its closure and its defaults, as the suites' trusted forwards do.

Public API: `compare`, `numerical_gradient`, `check_gradient`,
`check_gradients`, `default_rtol`, `kink_free`, `near_zero`, and the result
types `CheckResult` and `Mismatch`.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from grader import memo

__all__ = [
    "CheckResult",
    "Mismatch",
    "check_gradient",
    "check_gradients",
    "compare",
    "default_rtol",
    "kink_free",
    "near_zero",
    "numerical_gradient",
]

EPS64 = float(np.finfo(np.float64).eps)
_TINY = float(np.finfo(np.float64).tiny)
F_FLOOR = 1e-9  # S never drops below this fraction of max(1, |f(x)|)
TINY_FRACTION = 1e-3  # entries below this fraction of S are left out of the ratio hint
MAX_SHOWN = 5
KINK_SENSITIVITY = 0.1  # one-sided slopes differing by rtol*this trigger the kink probe
NOISE_CAP = 1e-6  # finite-difference noise excused per entry, at most this * max(1, |f(x)|)
SHARED_FLOOR = 0.1  # check_gradients: S >= this * the largest slope of any tensor of the loss
# Large tensors: single entries sampled besides the random directions. The directions catch a bug
# anywhere (see 4. above); the entries name where it is, so a few dozen are enough.
SAMPLED_ENTRIES = 32


# --------------------------------------------------------------------------- results


@dataclass
class Mismatch:
    """One offending entry: its index (or ("direction", k)), expected and got values, err."""

    index: tuple
    expected: float
    got: float
    error: float


@dataclass
class CheckResult:
    """The verdict on one tensor (or value), with what a student needs to fix it."""

    passed: bool
    name: str
    max_error: float
    rtol: float
    shape_expected: tuple
    shape_got: tuple
    worst: list[Mismatch] = field(default_factory=list)
    median_ratio: float | None = None
    note: str = ""
    n_failed: int = 0
    n_checked: int = 0
    ratio_spread: float | None = None  # median |r_i - median| / |median|: small = constant factor
    ratio_farthest: float | None = None  # max |r_i - median| / |median|: small = the factor explains every entry
    # A large tensor's sampled entries: (flat indices, their central differences); None if all were checked.
    sampled: tuple | None = None

    def describe(self) -> str:
        """A few lines for a student: never the whole reference, at most 5 entries."""
        if self.passed:
            line = (f"{self.name}: ok, shape {self.shape_expected}, max relative error "
                    f"{self.max_error:.1e} (tolerance {self.rtol:.0e})")
            return line + (f"\n  note: {self.note}" if self.note else "")
        if self.shape_got != self.shape_expected or not self.worst:
            return f"{self.name}: wrong. {self.note or 'no usable answer'}"
        lines = [(f"{self.name}: wrong at {self.n_failed} of {self.n_checked} checked entries "
                  f"(shape {self.shape_expected})")]
        shown = self.worst[:_show_limit(self.shape_expected)]
        lines.append(f"  {'where':<22}{'expected':>14}{'got':>14}")
        lines += [f"  {_where(m.index):<22}{m.expected:>14.6g}{m.got:>14.6g}" for m in shown]
        lines.append(f"  max relative error {self.max_error:.2g} (tolerance {self.rtol:.0e})")
        hint = self.ratio_hint()
        if hint:
            lines.append(f"  hint: {hint}")
        if self.note:
            lines.append(f"  note: {self.note}")
        return "\n".join(lines)

    def ratio_hint(self) -> str:
        """'your values are about 0.5x the expected ones' when a constant factor explains it."""
        r, spread = self.median_ratio, self.ratio_spread
        if self.passed or r is None or spread is None or spread > 0.05 or abs(r - 1) < 0.01:
            return ""
        if self.ratio_farthest is not None and self.ratio_farthest > 0.05:  # a factor, but not everywhere
            return f"most of your values are about {r:.3g}x the expected ones, but not all of them"
        if abs(r + 1) < 0.01:
            return "your values are about -1x the expected ones: the sign is flipped"
        return f"your values are about {r:.3g}x the expected ones"


def _show_limit(shape: tuple) -> int:
    """At most 5 entries, and never every entry of a tensor that has more than one."""
    size = int(np.prod(shape)) if shape else 1
    return min(MAX_SHOWN, max(1, size - 1))


def _where(index: tuple) -> str:
    if index and index[0] == "direction":
        return f"random direction #{index[1]}"
    return str(index)


def _failed(name: str, rtol: float, shape_expected: tuple, shape_got: tuple,
            note: str) -> CheckResult:
    return CheckResult(passed=False, name=name, max_error=float("inf"), rtol=rtol,
                       shape_expected=tuple(shape_expected), shape_got=tuple(shape_got), note=note)


# --------------------------------------------------------------------------- tolerances and inputs


def default_rtol(dtype) -> float:
    """1e-6 for float64 (and integer or bool) answers, 1e-4 for float32, 1e-2 for float16."""
    dt = np.dtype(dtype)
    if dt.kind in "iub":
        return 1e-6
    if dt.kind != "f":
        raise TypeError(f"no tolerance for dtype {dt}: answers must be real numbers")
    return {2: 1e-2, 4: 1e-4}.get(dt.itemsize, 1e-6)


def _as_answer(value: Any) -> tuple[np.ndarray | None, str]:
    """The answer as a real-valued array, or None and a note saying what it was instead."""
    try:
        arr = np.asarray(value)
    except Exception:  # noqa: BLE001  ragged lists, odd objects: any failure means "not numbers"
        return None, f"answer is not an array of numbers (got {type(value).__name__})"
    if arr.dtype.kind not in "fiub":
        return None, (f"answer is not an array of real numbers "
                      f"(got {type(value).__name__}, dtype {arr.dtype})")
    return arr, ""


def _shape_note(expected: tuple, got: tuple) -> str:
    note = f"shape {expected} expected, got {got}"
    if len(expected) == 2 and got == expected[::-1]:
        return note + " (transposed?)"
    if tuple(d for d in expected if d != 1) == tuple(d for d in got if d != 1):
        return note + " (an extra or missing axis of length 1: check reshape, squeeze or keepdims)"
    return note


def _nonfinite_note(got: np.ndarray, where: np.ndarray | None = None) -> str:
    """'NaN in answer at index (3,)' when the answer has NaN/inf (where `where` is True)."""
    if got.dtype.kind != "f":
        return ""
    finite = np.isfinite(got)
    if finite.all():  # the usual case: one test, nothing to locate
        return ""
    bad = ~finite
    if where is not None:
        bad &= where
    if not bad.any():
        return ""
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    kind = "NaN" if np.isnan(got[first]) else "inf"
    count = int(bad.sum())
    more = f" and {count - 1} more" if count > 1 else ""
    return f"{kind} in answer at index {first}{more}"


def _usable(answer, shape: tuple, name: str, rtol: float | None, finite: np.ndarray | None = None):
    """(answer as an array, rtol), or (a failed CheckResult, rtol) when it has no numbers, the wrong
    shape, or NaN/inf (where `finite` is True, if given). rtol defaults from the answer's dtype."""
    arr, problem = _as_answer(answer)
    if arr is None:
        return _failed(name, rtol or 1e-6, shape, (), problem), rtol
    rtol = default_rtol(arr.dtype) if rtol is None else float(rtol)
    if arr.shape != shape:
        return _failed(name, rtol, shape, arr.shape, _shape_note(shape, arr.shape)), rtol
    bad = _nonfinite_note(arr, where=finite)
    if bad:
        where = " where a finite value was expected" if finite is not None else ""
        return _failed(name, rtol, shape, arr.shape, bad + where), rtol
    return arr, rtol


def _scalar(value: Any) -> float:
    """A trusted forward's output as a float (it must be one number)."""
    if type(value) is float:  # the usual case, called thousands of times per check: skip NumPy
        out = value
    else:
        arr = np.asarray(value, dtype=np.float64)
        if arr.size != 1:
            raise ValueError(f"f must return a single number, got an array of shape {arr.shape}")
        out = float(arr.reshape(()))
    if not math.isfinite(out):
        raise ValueError(f"f returned {out}: the trusted forward must be finite "
                         "at the checked points")
    return out


# --------------------------------------------------------------------------- scoring


def _errors(got, expected, scale, lo=None, hi=None) -> np.ndarray:
    """err_i; where lo/hi are given (not NaN), anything inside [lo, hi] also counts as exact."""
    denom = np.abs(expected) + scale
    err = np.abs(got - expected) / denom
    if lo is not None:
        use = ~np.isnan(lo)
        gap = np.maximum(np.maximum(lo - got, got - hi), 0.0) / denom
        err = np.where(use, np.minimum(err, gap), err)
    return err


def _ratio(got, expected, scale) -> tuple[float | None, float | None, float | None]:
    """Median of got/expected where expected is not tiny, how much the ratios scatter (median
    deviation), and how far the farthest one is from the median."""
    keep = np.abs(expected) > TINY_FRACTION * scale
    if not keep.any():
        return None, None, None
    r = got[keep] / expected[keep]
    med = float(np.median(r))
    deviation = np.abs(r - med) / max(abs(med), 1e-300)
    return med, float(np.median(deviation)), float(deviation.max())


class _Labels:
    """Names of the checked values, made only for the few that are shown: an entry's index
    tuple, then ("direction", k) for each random direction."""

    def __init__(self, flat: np.ndarray, shape: tuple, n_directions: int = 0):
        self.flat, self.shape, self.n_entries = flat, tuple(shape), len(flat)
        self.size = self.n_entries + n_directions

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, k) -> tuple:
        k = int(k)
        if k >= self.n_entries:
            return ("direction", k - self.n_entries)
        return tuple(int(i) for i in np.unravel_index(int(self.flat[k]), self.shape))


def _verdict(name, shape, got, expected, err, rtol, labels: _Labels, scale, note="") -> CheckResult:
    """Collect per-entry errors (labels[k] names entry k) into a CheckResult."""
    max_error = float(err.max()) if err.size else 0.0
    if max_error <= rtol:  # the usual verdict, a pass: nothing to sort or describe (a NaN error goes on)
        return CheckResult(passed=True, name=name, max_error=max_error, rtol=rtol, shape_expected=tuple(shape),
                           shape_got=tuple(shape), worst=[], note=note, n_checked=int(err.size))
    failing = np.flatnonzero(err > rtol)
    order = failing[np.argsort(-err[failing], kind="stable")][:MAX_SHOWN]
    worst = [Mismatch(labels[k], float(expected[k]), float(got[k]), float(err[k])) for k in order]
    median_ratio = spread = farthest = None
    if failing.size:  # the ratio hint is for a wrong answer only (two medians: not worth it on a pass)
        entries = np.arange(len(labels)) < labels.n_entries
        median_ratio, spread, farthest = _ratio(got[entries], expected[entries], scale)
    return CheckResult(passed=failing.size == 0, name=name,
                       max_error=max_error, rtol=rtol,
                       shape_expected=tuple(shape), shape_got=tuple(shape), worst=worst,
                       median_ratio=median_ratio, note=note, n_failed=int(failing.size),
                       n_checked=int(err.size), ratio_spread=spread, ratio_farthest=farthest)


# --------------------------------------------------------------------------- values


def compare(got, expected, *, name: str = "value", rtol: float | None = None,
            scale: float | None = None) -> CheckResult:
    """Judge a value (a forward output, or a gradient from a trusted closed form).

    err_i = |got_i - expected_i| / (|expected_i| + S) with S = max|expected|
    (or `scale`); rtol defaults from got's dtype. Shapes must match exactly.
    Where expected is NaN or inf, got must be the same non-finite value.
    """
    exp = np.asarray(expected, dtype=np.float64)
    finite = np.isfinite(exp)
    arr, rtol = _usable(got, exp.shape, name, rtol, finite)
    if isinstance(arr, CheckResult):
        return arr
    if finite.all():  # the usual case: every entry judged, no special values to match
        g, e = arr.astype(np.float64).ravel(), exp.ravel()
        scale = max(float(np.abs(e).max(initial=0.0)) if scale is None else float(scale), _TINY)
        return _verdict(name, exp.shape, g, e, _errors(g, e, scale), rtol, _Labels(np.arange(e.size), exp.shape),
                        scale)
    g = arr.astype(np.float64)
    special = ~finite & ~((g == exp) | (np.isnan(g) & np.isnan(exp)))
    if special.any():
        first = tuple(int(i) for i in np.argwhere(special)[0])
        return _failed(name, rtol, exp.shape, arr.shape,
                       f"expected {exp[first]} at index {first}, got {g[first]}")
    if scale is None:
        scale = float(np.abs(exp[finite]).max()) if finite.any() else 0.0
    scale = max(float(scale), _TINY)
    flat = np.flatnonzero(finite.ravel())
    g_f, e_f = g.ravel()[flat], exp.ravel()[flat]
    return _verdict(name, exp.shape, g_f, e_f, _errors(g_f, e_f, scale), rtol, _Labels(flat, exp.shape), scale)


# --------------------------------------------------------------------------- finite differences


class _Forward:
    """The trusted scalar f, evaluated on fresh float64 copies of points near x."""

    def __init__(self, f: Callable, x64: np.ndarray, f_value: float | None = None, key: bytes | None = None):
        self.f, self.shape, self.flat = f, x64.shape, x64.ravel().copy()
        self.calls = 0
        # In a batch every submission's check differences the same f at the same x: the values
        # along each line are remembered under this key (None: not remembering; see grader.memo).
        # A caller that knows what f and x are made of may name them itself (`key`).
        self.key = key or memo.try_key("forward", f, x64)
        if f_value is None:
            f_value = memo.remember(self.key and (self.key, "f(x)"), lambda: self(self.flat.copy()))
        self.f0 = float(f_value)

    def __call__(self, flat_point: np.ndarray) -> float:
        self.calls += 1
        return _scalar(self.f(flat_point.reshape(self.shape)))


class _Line:
    """f along x + s*v, v one coordinate axis or one unit direction; values cached per step."""

    def __init__(self, fwd: _Forward, step: float, *, coord: int | None = None,
                 direction: np.ndarray | None = None):
        self.fwd, self.step, self.coord, self.direction = fwd, step, coord, direction
        line = None
        if fwd.key is not None:
            line = ("entry", coord, step) if coord is not None else \
                ("direction", hashlib.blake2b(direction, digest_size=16).digest(), step)
        self._seen: dict[int, tuple[float, float]] = memo.remember(line and (fwd.key, line), dict)

    def at(self, k: int) -> tuple[float, float]:
        """f at k steps along the line, and the distance actually travelled."""
        if k not in self._seen:
            base = self.fwd.flat
            if self.coord is not None:
                point = base.copy()
                point[self.coord] = base[self.coord] + k * self.step
                moved = point[self.coord] - base[self.coord]
            else:
                point = base + (k * self.step) * self.direction
                moved = float(np.dot(point - base, self.direction))
            self._seen[k] = (self.fwd(point), float(moved))
        return self._seen[k]

    def central(self, k: int = 1) -> float:
        (fp, sp), (fm, sm) = self.at(k), self.at(-k)
        return (fp - fm) / (sp - sm)

    def first_order_sides(self) -> tuple[float, float]:
        """(forward, backward) one-sided slopes from one step each way."""
        (fp, sp), (fm, sm) = self.at(1), self.at(-1)
        f0 = self.fwd.f0
        return (fp - f0) / sp, (f0 - fm) / -sm

    def second_order_sides(self) -> tuple[float, float]:
        """(forward, backward) one-sided slopes accurate to O(h^2), from two steps each way."""
        f0 = self.fwd.f0
        return (_lagrange_slope(f0, *self.at(1), *self.at(2)),
                _lagrange_slope(f0, *self.at(-1), *self.at(-2)))

    def uncertainty(self) -> float:
        """How far the central slope may be from the true one on a smooth line.

        Truncation: the slope from steps of 2h is off by 4x as much as the one
        from h, so their difference is 3x the error at h. Rounding: each f value
        carries about eps*|f|, divided by the step (times 16 for long sums).
        """
        truncation = abs(self.central(2) - self.central(1))
        biggest_f = max([abs(self.fwd.f0)] + [abs(v) for v, _ in self._seen.values()])
        return truncation + 16 * EPS64 * biggest_f / self.step


def _lagrange_slope(f0: float, f1: float, s1: float, f2: float, s2: float) -> float:
    """Slope at 0 of the parabola through (0, f0), (s1, f1), (s2, f2)."""
    return (-f0 * (s1 + s2) / (s1 * s2) + f1 * s2 / (s1 * (s2 - s1))
            - f2 * s1 / (s2 * (s2 - s1)))


def _steps(flat: np.ndarray, eps: float) -> np.ndarray:
    return eps ** (1.0 / 3.0) * np.maximum(1.0, np.abs(flat))


def numerical_gradient(f: Callable, x, *, eps: float | None = None) -> np.ndarray:
    """Central differences of a trusted scalar f at a float64 copy of x (x is never modified).

    h_i = eps**(1/3) * max(1, |x_i|) with eps the float64 machine epsilon by
    default; each difference is divided by the exact step (x+h) - (x-h).
    Returns a float64 array shaped like x (0-d for a scalar x).
    """
    x64 = np.array(x, dtype=np.float64)

    def differences() -> np.ndarray:
        fwd = _Forward(f, x64, f_value=0.0)  # f(x) itself is not needed for central differences
        h = _steps(fwd.flat, EPS64 if eps is None else float(eps))
        return np.array([_Line(fwd, h[i], coord=i).central() for i in range(fwd.flat.size)])

    grad = memo.remember(memo.try_key("numerical_gradient", f, x64, eps), differences)
    return grad.reshape(x64.shape).copy()


# --------------------------------------------------------------------------- gradients


def check_gradient(f: Callable, x, analytic, *, name: str = "x", rtol: float | None = None,
                   seed: int = 0, max_full: int = 2000, f_value: float | None = None,
                   scale: float | None = None, n_directions: int = 4,
                   n_samples: int = SAMPLED_ENTRIES) -> CheckResult:
    """Judge an analytic gradient of the trusted float64 scalar f at x.

    err_i = |a_i - n_i| / (|n_i| + S), S = max|n| + 1e-9*max(1, |f(x)|),
    pass if every err_i <= rtol (default from the answer's dtype). Tensors
    with more than `max_full` entries are checked along `n_directions` random
    directions plus `n_samples` sampled entries. `f_value`, when given, must
    be f(x) exactly as f computes it. `scale`, when given, replaces max|n| in S:
    use it when every entry sits where the answer's own formula loses digits
    (e.g. all of a tanh layer saturated; pass the size of the values it was
    computed from). x is never modified.
    """
    probe = _prepare(f, x, analytic, name=name, rtol=rtol, seed=seed, max_full=max_full,
                     f_value=f_value, n_directions=n_directions, n_samples=n_samples)
    return probe if isinstance(probe, CheckResult) else probe.judge(fixed_scale=scale)


def _prepare(f, x, analytic, *, name, rtol, seed, max_full, f_value, n_directions, n_samples, key=None):
    """A failed CheckResult for an unusable answer, else a _Probe ready to be judged."""
    x64 = np.array(x, dtype=np.float64)
    arr, rtol = _usable(analytic, x64.shape, name, rtol)
    if isinstance(arr, CheckResult):
        return arr
    a = arr.astype(np.float64).ravel()
    fwd = _Forward(f, x64, f_value, key)
    h = _steps(fwd.flat, EPS64)
    if a.size <= max_full:
        idx, dirs, scale_hint, how = np.arange(a.size), [], 0.0, ""
    else:
        rng = np.random.default_rng(seed)
        picks = set(rng.choice(a.size, size=min(n_samples, a.size), replace=False).tolist())
        idx = np.array(sorted(picks | {0, a.size - 1, int(np.argmax(np.abs(a)))}))
        dirs = [u / np.linalg.norm(u) for u in rng.standard_normal((n_directions, a.size))]
        # Sampling can miss the largest entries of n; max|a| stands in for them (inflating a
        # cannot help a wrong answer: the inflated entry itself fails every direction).
        scale_hint = float(np.abs(a).max())
        how = (f"large tensor ({a.size} entries): checked {idx.size} sampled entries "
               f"and {n_directions} random directions")
    t = EPS64 ** (1.0 / 3.0) * max(1.0, float(np.abs(fwd.flat).max(initial=0.0)))
    specs = [(h[i], int(i), None) for i in idx] + [(t, None, u) for u in dirs]
    got = np.concatenate([a[idx], [float(np.dot(a, u)) for u in dirs]])
    return _Probe(name, fwd, specs, got, _Labels(idx, fwd.shape, len(dirs)), scale_hint, rtol, how)


@dataclass
class _Probe:
    """One tensor's answer with its lines through x: central slopes first, the verdict later."""

    name: str
    fwd: _Forward
    specs: list  # (step, entry or None, direction or None) of each line through x
    got: np.ndarray
    labels: _Labels  # labels.n_entries: the first lines are single entries, the rest directions
    scale_hint: float
    rtol: float
    how: str

    def __post_init__(self):
        self._lines: dict[int, _Line] = {}
        key = None
        if self.fwd.key is not None:  # in a batch: the same lines' slopes as the last submission's
            digest = hashlib.blake2b(np.array([(step, -1 if coord is None else coord) for step, coord, _ in self.specs],
                                              dtype=np.float64), digest_size=20)
            for _, _, direction in self.specs[self.labels.n_entries:]:
                digest.update(direction)
            key = (self.fwd.key, "slopes", digest.digest())
        self._key = key
        self.central, self.sides = memo.remember(key, self._slopes)

    def _slopes(self) -> tuple[np.ndarray, np.ndarray]:
        """Central and one-sided slopes along every line."""
        lines = [self.line(k) for k in range(len(self.specs))]
        return (np.array([ln.central() for ln in lines]),
                np.array([ln.first_order_sides() for ln in lines]).reshape(-1, 2))

    def line(self, k: int) -> _Line:
        """Line k, made when first needed (judging needs most of them only on a fresh probe)."""
        if k not in self._lines:
            step, coord, direction = self.specs[k]
            self._lines[k] = _Line(self.fwd, step, coord=coord, direction=direction)
        return self._lines[k]

    def magnitude(self) -> float:
        """Largest |central slope| over single entries (directions can be sqrt(size) larger)."""
        return float(np.abs(self.central[: self.labels.n_entries]).max(initial=0.0))

    def judge(self, fixed_scale: float | None = None, min_scale: float = 0.0) -> CheckResult:
        """Kink brackets, the scale S and finite-difference noise, folded into one verdict."""
        got, central, labels, rtol = self.got, self.central, self.labels, self.rtol
        # What depends on the grader's slopes alone is the same for every submission of a batch.
        key = self._key and (self._key, "judging", rtol, self.scale_hint, fixed_scale, min_scale, self.fwd.f0)
        bounds = memo.remember(key, lambda: self._bounds(fixed_scale, min_scale))
        err = plain = _errors(got, central, bounds.scale)
        notes = [self.how]
        if bounds.kinked.any():
            err = np.where(bounds.kinked, _errors(got, central, bounds.scale, bounds.lo, bounds.hi), plain)
            notes.append(_kink_note(bounds.visible & (plain > rtol) & (err <= rtol), labels, bounds.lo, bounds.hi))
        # Never fail an entry on a difference the finite difference itself cannot resolve
        # (slopes tiny next to f or to its third derivative); capped so no real bug hides in it.
        cap = NOISE_CAP * max(1.0, abs(self.fwd.f0))
        for k in np.flatnonzero(err > rtol):
            noise = min(self.line(k).uncertainty(), cap)
            err[k] = max(0.0, err[k] * bounds.denom[k] - noise) / bounds.denom[k]
        missed = np.flatnonzero((err > rtol) & bounds.visible)
        if missed.size:
            k = missed[0]
            notes.append(f"{_where(labels[k])} sits on a kink: any value between "
                         f"{bounds.lo[k]:.4g} and {bounds.hi[k]:.4g} is accepted there")
        result = _verdict(self.name, self.fwd.shape, got, central, err, rtol, labels, bounds.scale,
                          "; ".join(filter(None, notes)))
        if labels.n_entries < self.fwd.flat.size:
            result.sampled = (labels.flat, central[: labels.n_entries].copy())
        return result

    def _bounds(self, fixed_scale: float | None, min_scale: float) -> _Bounds:
        central, sides, rtol, count = self.central, self.sides, self.rtol, len(self.specs)
        is_entry = np.arange(count) < self.labels.n_entries
        # Kinks: where the one-sided slopes disagree, measure both sides to second order and
        # accept anything between them. On smooth lines the bracket shrinks to O(h^2).
        rough = np.abs(sides[:, 0] - sides[:, 1]) > KINK_SENSITIVITY * rtol * (
            np.abs(central) + max(self.scale_hint, float(np.abs(central).max(initial=0.0))))
        lo, hi = np.full(count, np.nan), np.full(count, np.nan)
        for k in np.flatnonzero(rough):
            forward, backward = self.line(k).second_order_sides()
            lo[k], hi[k] = min(forward, backward), max(forward, backward)
        if fixed_scale is None:
            ends = np.abs(np.concatenate([lo[rough & is_entry], hi[rough & is_entry]]))
            fixed_scale = max(self.scale_hint, self.magnitude(), float(ends.max(initial=0.0)),
                              min_scale)
        scale = float(fixed_scale) + F_FLOOR * max(1.0, abs(self.fwd.f0))
        slack = rtol * (np.abs(central) + scale)
        kinked = rough & ((hi - lo > slack) | (central < lo - slack) | (central > hi + slack))
        # Only a bracket wider than 1% of the scale is worth telling a student about.
        visible = kinked & (hi - lo > 0.01 * (np.abs(central) + scale))
        arrays = (lo, hi, kinked, visible, np.abs(central) + scale)
        for array in arrays:
            array.flags.writeable = False  # remembered across a batch's submissions: never to change
        return _Bounds(scale, *arrays)


@dataclass(frozen=True)
class _Bounds:
    """What a probe's verdict needs from the grader's slopes: the scale S, kink brackets [lo, hi]
    (NaN off kinks), where they apply and are worth a note, and |central| + S per line."""

    scale: float
    lo: np.ndarray
    hi: np.ndarray
    kinked: np.ndarray
    visible: np.ndarray
    denom: np.ndarray


def _kink_note(rescued: np.ndarray, labels: _Labels, lo: np.ndarray, hi: np.ndarray) -> str:
    """Say where a subgradient was accepted; rescued marks entries the bracket let pass."""
    where = np.flatnonzero(rescued)
    if where.size == 0:
        return ""
    k = where[0]
    first = f"{_where(labels[k])}: accepted a subgradient between {lo[k]:.4g} and {hi[k]:.4g}"
    if where.size == 1:
        return f"kink at {first}"
    return f"kinks at {where.size} places, e.g. {first}"


def check_gradients(f: Callable, params: Mapping, analytic, *, rtol: float | None = None,
                    seed: int = 0, max_full: int = 2000,
                    shared_floor: float = SHARED_FLOOR) -> list[CheckResult]:
    """Judge every tensor of a parameter dict: f(params) -> scalar, analytic[key] -> gradient.

    Each tensor is judged against its own scale S, which is at least
    `shared_floor` times the largest gradient entry of any tensor of the same
    loss (a float32 sum such as db = sum(dout) is only as precise as its
    terms, and they can cancel). A missing key or a wrong shape gives a
    failed result with a note; keys only in `analytic` are ignored.
    """
    base = {key: np.array(value, dtype=np.float64) for key, value in params.items()}
    whole = memo.try_key("f(params)", f, base)  # f and every tensor, keyed once (not once per tensor)
    f0 = memo.remember(whole, lambda: _scalar(f({key: value.copy() for key, value in base.items()})))
    if not isinstance(analytic, Mapping):
        note = (f"gradients must be a dict with keys {sorted(base)}, "
                f"got {type(analytic).__name__}")
        return [_failed(key, rtol or 1e-6, value.shape, (), note) for key, value in base.items()]
    outcomes = {}
    for key, value in base.items():
        if key not in analytic:
            outcomes[key] = _failed(key, rtol or 1e-6, value.shape, (),
                                    f"missing gradient for {key!r}")
            continue

        def f_of_one(t, key=key):
            return f({k: (t if k == key else v.copy()) for k, v in base.items()})

        outcomes[key] = _prepare(f_of_one, value, analytic[key], name=key, rtol=rtol, seed=seed,
                                 max_full=max_full, f_value=f0, n_directions=4, n_samples=SAMPLED_ENTRIES,
                                 key=whole and memo.try_key("forward of one", whole, key))
    # The floor comes from the grader's own slopes only, never from the student's answer.
    biggest = max((p.magnitude() for p in outcomes.values() if isinstance(p, _Probe)), default=0.0)
    return [p if isinstance(p, CheckResult) else p.judge(min_scale=shared_floor * biggest)
            for p in outcomes.values()]


# --------------------------------------------------------------------------- input draws


def kink_free(draw: Callable[[], Any], *, is_kink: Callable[[Any], bool], max_tries: int = 50):
    """Call draw() until is_kink(value) is False and return that value.

    A draw that keeps landing on kinks is the grader's fault, so this raises
    RuntimeError (a grader error, never a student's failed test) after max_tries.
    """
    for _ in range(max_tries):
        value = draw()
        if not is_kink(value):
            return value
    raise RuntimeError(f"no kink-free input in {max_tries} draws: the grader's input "
                       "distribution sits on kinks too often (a grader bug, not the student's)")


def near_zero(*arrays, margin: float = 1e-3) -> bool:
    """True when any entry of any array is within `margin` of 0 (a relu/abs kink)."""
    return any(bool((np.abs(np.asarray(a, dtype=np.float64)) < margin).any()) for a in arrays)
