"""rules.py mistakes: where the outer derivative is evaluated, missing terms, signs, squares."""

from tests.mutants import Mutant

CHAIN = "return df(g(x)) * dg(x)"
PRODUCT = "return du(x) * v(x) + u(x) * dv(x)"
QUOTIENT = "return (du(x) * v_x - u(x) * dv(x)) / (v_x * v_x)"

MUTANTS = [
    Mutant(
        "rules-chain-outer-at-x", "rules", CHAIN, "return df(x) * dg(x)",
        kills=("test_chain_rule",),
        why="evaluates the outer derivative at x instead of at g(x)",
    ),
    Mutant(
        "rules-chain-no-inner-derivative", "rules", CHAIN, "return df(g(x))",
        kills=("test_chain_rule",),
        why="forgets to multiply by the inner derivative dg(x)",
    ),
    Mutant(
        "rules-chain-floats-become-arrays", "rules", "    def derivative(x):\n        " + CHAIN,
        "    import numpy as np\n\n    def derivative(x):\n        x = np.atleast_1d(x)  # make floats work like arrays\n        "
        + CHAIN,
        kills=("test_chain_rule_of_wave_after_polynomial", "test_chain_rule_of_exponential_after_wave"),
        why="wraps the result in an array, so a float input gives an array of shape (1,), not a float",
    ),
    Mutant(
        "rules-product-derivatives-multiplied", "rules", PRODUCT, "return du(x) * dv(x)",
        kills=("test_product_rule",),
        why="(uv)' written as u'v'",
    ),
    Mutant(
        "rules-product-missing-term", "rules", PRODUCT, "return du(x) * v(x)",
        kills=("test_product_rule",),
        why="keeps only the first term of the product rule",
    ),
    Mutant(
        "rules-product-float-only", "rules", PRODUCT, "return float(du(x) * v(x) + u(x) * dv(x))",
        kills=("test_product_rule",),
        why="converts to float, so it only works for a single number, not elementwise on arrays",
    ),
    Mutant(
        "rules-quotient-sign-flipped", "rules", QUOTIENT, "return (u(x) * dv(x) - du(x) * v_x) / (v_x * v_x)",
        kills=("test_quotient_rule",),
        why="subtracts the terms of the numerator in the wrong order",
    ),
    Mutant(
        "rules-quotient-denominator-not-squared", "rules", QUOTIENT, "return (du(x) * v_x - u(x) * dv(x)) / v_x",
        kills=("test_quotient_rule",),
        why="divides by v instead of v^2",
    ),
]
