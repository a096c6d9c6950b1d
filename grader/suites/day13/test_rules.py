"""rules.py: each rule returns a derivative function; judged on arrays and on floats."""

import numpy as np
import pytest

from grader import expect, probes
from grader.student import Trusted


def _poly(rng, degree=3):
    coeffs = rng.uniform(-1.5, 1.5, size=degree + 1).tolist()
    return (Trusted("grader.probes:polynomial", factory=True, coeffs=coeffs),
            Trusted("grader.probes:polynomial_slope", factory=True, coeffs=coeffs),
            probes.polynomial(coeffs), probes.polynomial_slope(coeffs))


def _wave(rng):
    a, b, c = (float(v) for v in rng.uniform([0.5, 0.7, 0.2], [1.5, 1.8, 1.0]))
    kw = {"a": a, "b": b, "c": c}
    return (Trusted("grader.probes:wave", factory=True, **kw), Trusted("grader.probes:wave_slope", factory=True, **kw),
            probes.wave(a, b, c), probes.wave_slope(a, b, c))


def _points(rng):
    return rng.uniform(-1.5, 1.5, size=6)


def _judge(derivative, x, expected, what, seed):
    expect.values(derivative(x), expected(x), what=f"{what} evaluated at x", inputs={"x": x}, seed=seed)
    x0 = float(x[0])
    got = expect.scalar(derivative(x0), f"{what} at a float")
    expect.values(got, float(expected(np.array([x0]))[0]), what=f"{what} evaluated at the float x = {x0:.4g}", seed=seed)


@pytest.mark.covers("chain_rule")
def test_chain_rule_of_wave_after_polynomial(student, rng, seed):
    f_, df_, f, df = _wave(rng)
    g_, dg_, g, dg = _poly(rng)
    derivative = student.rules.chain_rule.returning_handle(df_, g_, dg_)
    _judge(derivative, _points(rng), lambda x: df(g(x)) * dg(x),
           "the derivative of f(g(x)) from rules.chain_rule(df, g, dg)", seed)


@pytest.mark.covers("chain_rule")
def test_chain_rule_of_exponential_after_wave(student, rng, seed):
    k = float(rng.uniform(0.3, 1.2))
    g_, dg_, g, dg = _wave(rng)
    df_ = Trusted("grader.probes:exp_scaled_slope", factory=True, k=k)
    derivative = student.rules.chain_rule.returning_handle(df_, g_, dg_)
    _judge(derivative, _points(rng), lambda x: k * np.exp(k * g(x)) * dg(x),
           "the derivative of exp(k g(x)) from rules.chain_rule(df, g, dg)", seed)


@pytest.mark.covers("product_rule")
def test_product_rule(student, rng, seed):
    u_, du_, u, du = _poly(rng)
    v_, dv_, v, dv = _wave(rng)
    derivative = student.rules.product_rule.returning_handle(u_, du_, v_, dv_)
    _judge(derivative, _points(rng), lambda x: du(x) * v(x) + u(x) * dv(x),
           "the derivative of u*v from rules.product_rule(u, du, v, dv)", seed)


def _positive_denominator(rng):
    k = float(rng.uniform(0.3, 1.0))
    return (Trusted("grader.probes:exp_scaled", factory=True, k=k), Trusted("grader.probes:exp_scaled_slope", factory=True, k=k),
            probes.exp_scaled(k), probes.exp_scaled_slope(k))


@pytest.mark.covers("quotient_rule")
def test_quotient_rule(student, rng, seed):
    u_, du_, u, du = _poly(rng)
    v_, dv_, v, dv = _positive_denominator(rng)
    derivative = student.rules.quotient_rule.returning_handle(u_, du_, v_, dv_)
    _judge(derivative, _points(rng), lambda x: (du(x) * v(x) - u(x) * dv(x)) / v(x) ** 2,
           "the derivative of u/v from rules.quotient_rule(u, du, v, dv)", seed)


@pytest.mark.covers("quotient_rule")
def test_quotient_rule_with_a_wave_on_top(student, rng, seed):
    u_, du_, u, du = _wave(rng)
    v_, dv_, v, dv = _positive_denominator(rng)
    derivative = student.rules.quotient_rule.returning_handle(u_, du_, v_, dv_)
    _judge(derivative, _points(rng), lambda x: (du(x) * v(x) - u(x) * dv(x)) / v(x) ** 2,
           "the derivative of u/v from rules.quotient_rule(u, du, v, dv)", seed)
