"""One submission per catalogued misconception: the reference solution with exactly that bug.

Each Bug replaces `old` (which must occur `count` times) by `new` in
solutions/day13/<module>.py. tests/feedback/test_catalogue_recognises_bugs.py
grades each buggy copy and demands that the failure is named by the entry's id.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bug:
    misconception: str
    module: str
    old: str
    new: str
    count: int = 1  # occurrences of `old` to replace (all of them must exist)


MSE_GRAD = "return 2 * (np.asarray(y_pred) - np.asarray(y)) / np.size(y)"
BCE_GRAD = "return (p - y) / (p * (1 - p)) / y.size"
FORWARD = "return (f(x + h) - f(x)) / h"
CENTRAL = "return (f(x + h) - f(x - h)) / (2 * h)"
INTERCEPT = "intercept = float(f(a)) - slope * float(a)"
SIGMOID_GRAD = "    s = sigmoid(x)\n    return s * (1 - s)"
TANH_GRAD = "return 1 - t * t"
QUOTIENT = "return (du(x) * v_x - u(x) * dv(x)) / (v_x * v_x)"
NUMGRAD = "grad[i] = (f_plus - f_minus) / (2 * h)"
RELATIVE = "return float(np.max(np.abs(a - b) / np.maximum(1e-12, np.abs(a) + np.abs(b))))"
FIT_LOSS = "        losses.append(float(np.mean(residual**2)))\n"
MOMENTUM = "    velocity = beta * velocity + grad\n    return theta - lr * velocity, velocity"
RMSPROP_STEP = "return theta - lr * grad / (np.sqrt(cache) + eps), cache"
ADAM_STEP = "return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v"
DENSE_BACKWARD = "return dout @ W.T, X.T @ dout, dout.sum(axis=0)"
PREDICT = '    hidden = np.tanh(X @ params["W1"] + params["b1"])\n    return (hidden @ params["W2"] + params["b2"])[:, 0]'
UPDATE = 'params = {name: value - lr * grads[name] for name, value in params.items()}'

BUGS = [
    # slopes
    Bug("forward_difference.divides_by_2h", "slopes", FORWARD, "return (f(x + h) - f(x)) / (2 * h)"),
    Bug("forward_difference.ignores_h", "slopes", FORWARD, "return (f(x + 1e-6) - f(x)) / 1e-6"),
    Bug("forward_difference.looks_backward", "slopes", FORWARD, "return (f(x) - f(x - h)) / h"),
    Bug("central_difference.divided_by_h", "slopes", CENTRAL, "return (f(x + h) - f(x - h)) / h"),
    Bug("central_difference.one_sided", "slopes", CENTRAL, "return (f(x + h) - f(x)) / h"),
    Bug("central_difference.sign_flipped", "slopes", CENTRAL, "return (f(x - h) - f(x + h)) / (2 * h)"),
    Bug("tangent_line.intercept_sign", "slopes", INTERCEPT, "intercept = float(f(a)) + slope * float(a)"),
    Bug("tangent_line.intercept_is_f_of_a", "slopes", INTERCEPT, "intercept = float(f(a))"),
    Bug("tangent_line.slope_from_f", "slopes", "slope = float(df(a))", "slope = float(f(a))"),
    Bug("find_flat_point.keeps_wrong_half", "slopes", "if (slope_mid > 0) == (slope_lo > 0):",
        "if (slope_mid > 0) != (slope_lo > 0):"),
    Bug("find_flat_point.skips_zero_endpoint", "slopes",
        "    if slope_lo == 0:\n        return lo\n    if slope_hi == 0:\n        return hi\n", ""),
    Bug("find_flat_point.no_value_error", "slopes", "if (slope_lo > 0) == (slope_hi > 0):", "if False:"),
    # activations
    Bug("sigmoid.of_minus_x", "activations", "np.where(x >= 0, 1 / (1 + e), e / (1 + e))",
        "np.where(x >= 0, e / (1 + e), 1 / (1 + e))"),
    Bug("sigmoid.overflows", "activations", "return np.where(x >= 0, 1 / (1 + e), e / (1 + e))[()]",
        "return 1 / (1 + np.exp(-x))"),
    Bug("sigmoid_grad.of_x_not_sigmoid", "activations", SIGMOID_GRAD, "    return x * (1 - x)"),
    Bug("sigmoid_grad.returns_sigmoid", "activations", SIGMOID_GRAD, "    return sigmoid(x)"),
    Bug("tanh_grad.one_minus_x_squared", "activations", TANH_GRAD, "return 1 - x * x"),
    Bug("tanh_grad.missing_square", "activations", TANH_GRAD, "return 1 - t"),
    Bug("relu.np_max", "activations", "return np.maximum(x, 0)", "return np.max(x, 0)"),
    Bug("relu_grad.one_at_zero", "activations", "np.where(np.asarray(x) > 0, 1.0, 0.0)",
        "np.where(np.asarray(x) >= 0, 1.0, 0.0)"),
    Bug("relu_grad.returns_relu", "activations", "return np.where(np.asarray(x) > 0, 1.0, 0.0)[()]",
        "return np.maximum(x, 0)"),
    # rules
    Bug("chain_rule.outer_at_x", "rules", "return df(g(x)) * dg(x)", "return df(x) * dg(x)"),
    Bug("chain_rule.missing_inner_derivative", "rules", "return df(g(x)) * dg(x)", "return df(g(x))"),
    Bug("product_rule.product_of_derivatives", "rules", "return du(x) * v(x) + u(x) * dv(x)", "return du(x) * dv(x)"),
    Bug("product_rule.one_term", "rules", "return du(x) * v(x) + u(x) * dv(x)", "return du(x) * v(x)"),
    Bug("quotient_rule.numerator_reversed", "rules", QUOTIENT, "return (u(x) * dv(x) - du(x) * v_x) / (v_x * v_x)"),
    Bug("quotient_rule.denominator_not_squared", "rules", QUOTIENT, "return (du(x) * v_x - u(x) * dv(x)) / v_x"),
    Bug("quotient_rule.quotient_of_derivatives", "rules", QUOTIENT, "return du(x) / dv(x)"),
    # gradients
    Bug("numerical_gradient.forward_difference", "gradients",
        "        x[i] = saved - h\n        f_minus = f(x)\n        x[i] = saved\n        " + NUMGRAD,
        "        x[i] = saved\n        f_minus = f(x)\n        grad[i] = (f_plus - f_minus) / h"),
    Bug("numerical_gradient.divided_by_h", "gradients", NUMGRAD, "grad[i] = (f_plus - f_minus) / h"),
    Bug("numerical_gradient.ignores_h", "gradients", "    grad = np.zeros_like(x)\n",
        "    grad = np.zeros_like(x)\n    h = 1e-5\n"),
    Bug("quadratic_gradient.assumes_symmetric", "gradients", "return (A + A.T) @ x", "return 2 * A @ x"),
    Bug("quadratic_gradient.only_ax", "gradients", "return (A + A.T) @ x", "return A @ x"),
    Bug("relative_error.mean_not_max", "gradients", RELATIVE, RELATIVE.replace("np.max(", "np.mean(")),
    Bug("relative_error.one_sided_scale", "gradients", RELATIVE, RELATIVE.replace(" + np.abs(b)", "")),
    # losses
    Bug("mse.sum_not_mean", "losses", "return float(np.mean(diff * diff))", "return float(np.sum(diff * diff))"),
    Bug("mse.square_of_mean", "losses", "return float(np.mean(diff * diff))", "return float(np.mean(diff) ** 2)"),
    Bug("mse_grad.missing_factor_2", "losses", MSE_GRAD, "return (np.asarray(y_pred) - np.asarray(y)) / np.size(y)"),
    Bug("mse_grad.missing_1_over_n", "losses", MSE_GRAD, "return 2 * (np.asarray(y_pred) - np.asarray(y))"),
    Bug("mse_grad.sign_flipped", "losses", MSE_GRAD, "return 2 * (np.asarray(y) - np.asarray(y_pred)) / np.size(y)"),
    Bug("mse_grad.divides_by_rows", "losses", MSE_GRAD, "return 2 * (np.asarray(y_pred) - np.asarray(y)) / len(y)"),
    Bug("linear_regression_gradients.db_mean", "losses", "return X.T @ g, float(np.sum(g))",
        "return X.T @ g, float(np.mean(g))"),
    Bug("linear_regression_gradients.missing_factor_2", "losses", "return X.T @ g, float(np.sum(g))",
        "return X.T @ g / 2, float(np.sum(g)) / 2"),
    Bug("binary_cross_entropy.missing_minus", "losses", "return float(-np.mean(", "return float(np.mean("),
    Bug("binary_cross_entropy_grad.sign_flipped", "losses", BCE_GRAD, "return (y - p) / (p * (1 - p)) / y.size"),
    Bug("binary_cross_entropy_grad.missing_1_over_n", "losses", BCE_GRAD, "return (p - y) / (p * (1 - p))"),
    Bug("binary_cross_entropy_grad.logit_shortcut", "losses", BCE_GRAD, "return (p - y) / y.size"),
    Bug("l2_penalty.norm_not_squared", "losses", "return float(lam * np.sum(W * W))",
        "return float(lam * np.sqrt(np.sum(W * W)))"),
    Bug("l2_penalty_grad.missing_factor_2", "losses", "return 2 * lam * np.asarray(W)", "return lam * np.asarray(W)"),
    # descent
    Bug("gradient_descent.ascent", "descent", "theta = theta - lr * grad(theta)", "theta = theta + lr * grad(theta)"),
    Bug("gradient_descent.drops_theta0", "descent", "    path = [theta]\n", "    path = []\n"),
    Bug("fit_linear_regression.loss_after_update", "descent", FIT_LOSS, ""),  # re-added after the update below
    Bug("fit_linear_regression.missing_factor_2", "descent", "g = 2 * residual / y.size", "g = residual / y.size"),
    Bug("momentum_step.old_velocity", "descent", MOMENTUM,
        "    new_velocity = beta * velocity + grad\n    return theta - lr * velocity, new_velocity"),
    Bug("momentum_step.lr_inside_velocity", "descent", MOMENTUM,
        "    velocity = beta * velocity + lr * grad\n    return theta - velocity, velocity"),
    Bug("momentum_step.no_decay", "descent", "velocity = beta * velocity + grad", "velocity = velocity + grad"),
    Bug("rmsprop_step.no_sqrt", "descent", RMSPROP_STEP, "return theta - lr * grad / (cache + eps), cache"),
    Bug("rmsprop_step.eps_inside_sqrt", "descent", RMSPROP_STEP, "return theta - lr * grad / np.sqrt(cache + eps), cache"),
    Bug("rmsprop_step.missing_one_minus_decay", "descent", "cache = decay * cache + (1 - decay) * grad * grad",
        "cache = decay * cache + grad * grad"),
    Bug("momentum_step.moving_average", "descent", MOMENTUM,
        "    velocity = beta * velocity + (1 - beta) * grad\n    return theta - lr * velocity, velocity"),
    Bug("adam_step.t_from_zero", "descent", "    m_hat = m / (1 - beta1**t)\n    v_hat = v / (1 - beta2**t)",
        "    m_hat = m / (1 - beta1 ** (t + 1))\n    v_hat = v / (1 - beta2 ** (t + 1))"),
    Bug("adam_step.no_bias_correction", "descent", ADAM_STEP, "return theta - lr * m / (np.sqrt(v) + eps), m, v"),
    Bug("adam_step.eps_inside_sqrt", "descent", ADAM_STEP, "return theta - lr * m_hat / np.sqrt(v_hat + eps), m, v"),
    Bug("adam_step.corrected_state", "descent", ADAM_STEP,
        "return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m_hat, v_hat"),
    # backprop
    Bug("tanh_backward.missing_upstream", "backprop", "return da * (1 - a * a)", "return 1 - a * a"),
    Bug("tanh_backward.missing_square", "backprop", "return da * (1 - a * a)", "return da * (1 - a)"),
    Bug("tanh_backward.tanh_applied_twice", "backprop", "return da * (1 - a * a)", "return da * (1 - np.tanh(a) ** 2)"),
    Bug("tanh_backward.z_instead_of_a", "backprop", "return da * (1 - a * a)", "return da * (1 - np.arctanh(a) ** 2)"),
    Bug("two_layer_loss.broadcast_n_by_n", "backprop", "loss = float(np.mean(residual**2))",
        "loss = float(np.mean((out - y) ** 2))"),
    Bug("dense_forward.missing_bias", "backprop", "return X @ W + b, (X, W)", "return X @ W, (X, W)"),
    Bug("dense_backward.dw_transposed", "backprop", DENSE_BACKWARD, "return dout @ W.T, dout.T @ X, dout.sum(axis=0)"),
    Bug("dense_backward.db_mean", "backprop", DENSE_BACKWARD, "return dout @ W.T, X.T @ dout, dout.mean(axis=0)"),
    Bug("dense_backward.db_not_summed", "backprop", DENSE_BACKWARD, "return dout @ W.T, X.T @ dout, dout"),
    Bug("dense_backward.db_wrong_axis", "backprop", DENSE_BACKWARD, "return dout @ W.T, X.T @ dout, dout.sum(axis=1)"),
    Bug("two_layer_loss.missing_tanh_derivative", "backprop", "dhidden_in = tanh_backward(dhidden, tanh1)",
        "dhidden_in = dhidden"),
    Bug("two_layer_loss.missing_1_over_n", "backprop", "dout = (2 * residual / residual.size)[:, None]",
        "dout = (2 * residual)[:, None]"),
    Bug("two_layer_loss.missing_factor_2", "backprop", "dout = (2 * residual / residual.size)[:, None]",
        "dout = (residual / residual.size)[:, None]"),
    Bug("two_layer_loss.loss_summed", "backprop", "loss = float(np.mean(residual**2))",
        "loss = float(np.sum(residual**2))"),
    # house_prices
    Bug("standardize.sample_std", "house_prices", "std = np.std(X, axis=0)", "std = np.std(X, axis=0, ddof=1)"),
    Bug("standardize.whole_array_mean", "house_prices", "mean = np.mean(X, axis=0)", "mean = np.mean(X)"),
    Bug("predict.missing_tanh", "house_prices", PREDICT, PREDICT.replace("np.tanh(", "(")),
    Bug("predict.not_squeezed", "house_prices", PREDICT, PREDICT.replace("[:, 0]", "")),
    Bug("feature_sensitivity.no_abs", "house_prices", "np.mean(np.abs(input_grads), axis=0)",
        "np.mean(input_grads, axis=0)"),
    Bug("feature_sensitivity.missing_tanh_derivative", "house_prices", '(params["W2"][:, 0] * (1 - hidden**2))',
        '(params["W2"][:, 0] * np.ones_like(hidden))'),
    Bug("train_house_price_model.gradient_ascent", "house_prices", UPDATE, UPDATE.replace("- lr", "+ lr")),
    Bug("train_house_price_model.step_without_lr", "house_prices", UPDATE, UPDATE.replace("lr * ", "")),
    # autodiff
    Bug("Value.assign_not_accumulate", "autodiff", ".grad += ", ".grad = ", count=8),
    Bug("Value.forgot_upstream_tanh", "autodiff", "self.grad += (1 - t * t) * out.grad", "self.grad += (1 - t * t)"),
    Bug("Value.tanh_slope_from_input", "autodiff", "self.grad += (1 - t * t) * out.grad",
        "self.grad += (1 - self.data * self.data) * out.grad"),
    Bug("Value.exp_slope_from_input", "autodiff", "self.grad += out.data * out.grad", "self.grad += self.data * out.grad"),
    Bug("Value.relu_one_at_zero", "autodiff", "(1.0 if self.data > 0 else 0.0)", "(1.0 if self.data >= 0 else 0.0)"),
    Bug("Value.pow_missing_exponent", "autodiff", "self.grad += k * self.data ** (k - 1) * out.grad",
        "self.grad += self.data ** (k - 1) * out.grad"),
    Bug("Value.backward_without_seed", "autodiff", "        self.grad = 1.0\n", ""),
    Bug("Value.reflected_sub_reversed", "autodiff", "return other + (-self)", "return self - other"),
    Bug("Value.reflected_div_reversed", "autodiff", "return other * self**-1", "return self / other"),
]

# Some bugs need a second edit to stay a single mistake (the loss must still be recorded, only later).
FOLLOW_UP = {
    "fit_linear_regression.loss_after_update": (
        "        b = b - lr * float(np.sum(g))\n",
        "        b = b - lr * float(np.sum(g))\n        losses.append(float(np.mean((X @ w + b - y) ** 2)))\n",
    ),
}


def apply(bug: Bug, source: str) -> str:
    """The source with the bug in; AssertionError if the text to replace is not there as often as said."""
    found = source.count(bug.old)
    assert found == bug.count, f"{bug.misconception}: {bug.old!r} occurs {found} times, expected {bug.count}"
    source = source.replace(bug.old, bug.new)
    if bug.misconception in FOLLOW_UP:
        old, new = FOLLOW_UP[bug.misconception]
        assert source.count(old) == 1, f"{bug.misconception}: follow-up text {old!r} must occur once"
        source = source.replace(old, new)
    return source
