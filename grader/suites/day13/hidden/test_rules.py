"""Hidden rule checks: composed polynomials far from the origin."""

import pytest

from grader import expect, probes
from grader.student import Trusted


def _poly(rng):
    c = rng.uniform(-1, 1, size=3).tolist()
    return (Trusted("grader.probes:polynomial", factory=True, coeffs=c),
            Trusted("grader.probes:polynomial_slope", factory=True, coeffs=c), probes.polynomial(c), probes.polynomial_slope(c))


@pytest.mark.covers("chain_rule")
def test_chain_rule_of_two_polynomials(student, rng, seed):
    f_, df_, f, df = _poly(rng)
    g_, dg_, g, dg = _poly(rng)
    x = rng.uniform(2, 4, size=5)
    got = student.rules.chain_rule.returning_handle(df_, g_, dg_)(x)
    expect.values(got, df(g(x)) * dg(x), what="rules.chain_rule(df, g, dg)(x) for two quadratics", inputs={"x": x}, seed=seed)


@pytest.mark.covers("product_rule")
def test_product_rule_of_two_polynomials(student, rng, seed):
    u_, du_, u, du = _poly(rng)
    v_, dv_, v, dv = _poly(rng)
    x = rng.uniform(2, 4, size=5)
    got = student.rules.product_rule.returning_handle(u_, du_, v_, dv_)(x)
    expect.values(got, du(x) * v(x) + u(x) * dv(x), what="rules.product_rule(u, du, v, dv)(x)", inputs={"x": x}, seed=seed)


@pytest.mark.covers("quotient_rule")
def test_quotient_rule_with_a_shrinking_denominator(student, rng, seed):
    u_, du_, u, du = _poly(rng)
    k = -float(rng.uniform(0.3, 0.8))
    v, dv = probes.exp_scaled(k), probes.exp_scaled_slope(k)
    x = rng.uniform(0.5, 2, size=5)
    got = student.rules.quotient_rule.returning_handle(
        u_, du_, Trusted("grader.probes:exp_scaled", factory=True, k=k), Trusted("grader.probes:exp_scaled_slope", factory=True, k=k))(x)
    expect.values(got, (du(x) * v(x) - u(x) * dv(x)) / v(x) ** 2, what="rules.quotient_rule(u, du, v, dv)(x)",
                  inputs={"x": x}, seed=seed)
