"""rules with the factors reordered and the quotient split in two fractions."""


def chain_rule(df, g, dg):
    return lambda x: dg(x) * df(g(x))


def product_rule(u, du, v, dv):
    return lambda x: u(x) * dv(x) + v(x) * du(x)


def quotient_rule(u, du, v, dv):
    # (u/v)' = u'/v - u v'/v^2, the product rule on u * (1/v)
    def derivative(x):
        bottom = v(x)
        return du(x) / bottom - u(x) * dv(x) / bottom**2

    return derivative
