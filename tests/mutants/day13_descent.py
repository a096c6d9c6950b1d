"""descent.py mistakes: step signs, off-by-one trajectories, optimizer state and constants."""

from tests.mutants import Mutant

GD_STEP = "theta = theta - lr * grad(theta)"
RECORD_AND_STEP = """        losses.append(float(np.mean(residual**2)))
        g = 2 * residual / y.size
        w = w - lr * (X.T @ g)
        b = b - lr * float(np.sum(g))"""
MOMENTUM = """    velocity = beta * velocity + grad
    return theta - lr * velocity, velocity"""
RMSPROP_CACHE = "cache = decay * cache + (1 - decay) * grad * grad"
RMSPROP_STEP = "return theta - lr * grad / (np.sqrt(cache) + eps), cache"
ADAM_HATS = """    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)"""
ADAM_STEP = "return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v"

MUTANTS = [
    Mutant(
        "descent-gd-ascent", "descent", GD_STEP, "theta = theta + lr * grad(theta)",
        kills=("test_gradient_descent",),
        why="+ instead of -: walks uphill",
    ),
    Mutant(
        "descent-gd-no-theta0-row", "descent", "path = [theta]", "path = []",
        kills=("test_gradient_descent",),
        why="records only the iterates after each step, not theta0",
    ),
    Mutant(
        "descent-gd-aliased-rows", "descent", GD_STEP, "theta -= lr * grad(theta)",
        kills=("test_gradient_descent",),
        why="updates theta in place, so every stored row is the same array (the last iterate)",
    ),
    Mutant(
        "descent-gd-atleast-1d", "descent", "theta = np.array(theta0, dtype=np.float64)",
        "theta = np.atleast_1d(np.array(theta0, dtype=np.float64))",
        kills=("test_gradient_descent_trajectory[float]",),
        why="np.atleast_1d turns a float theta0 into shape (1,): the result is (steps + 1, 1), not (steps + 1,)",
    ),
    Mutant(
        "descent-gd-one-step-short", "descent", "for _ in range(steps):", "for _ in range(steps - 1):",
        kills=("test_gradient_descent",),
        why="counts theta0 as one of the steps",
    ),
    Mutant(
        "descent-fit-loss-after-update", "descent", RECORD_AND_STEP,
        RECORD_AND_STEP.replace("        losses.append(float(np.mean(residual**2)))\n", "")
        + "\n        losses.append(float(np.mean((X @ w + b - y) ** 2)))",
        kills=("test_fit_linear_regression_follows_gradient_descent",),
        why="records the loss after the update instead of before it",
    ),
    Mutant(
        "descent-fit-starts-at-one", "descent", "w, b = np.zeros(X.shape[1]), 0.0", "w, b = np.ones(X.shape[1]), 0.0",
        kills=("test_fit_linear_regression_follows_gradient_descent",),
        why="initialises the weights at one instead of zero",
    ),
    Mutant(
        "descent-fit-bias-not-trained", "descent", "        b = b - lr * float(np.sum(g))\n", "",
        kills=("test_fit_linear_regression",),
        why="never updates the bias",
    ),
    Mutant(
        "descent-fit-default-epochs", "descent", "def fit_linear_regression(X, y, lr=0.01, epochs=1000):",
        "def fit_linear_regression(X, y, lr=0.01, epochs=100):",
        kills=("test_fit_linear_regression_default_hyperparameters",),
        why="a different default number of epochs than the contract's 1000",
    ),
    Mutant(
        "descent-momentum-lr-in-velocity", "descent", MOMENTUM,
        "    velocity = beta * velocity + lr * grad\n    return theta - velocity, velocity",
        kills=("test_momentum_step_default_beta",),
        why="the other textbook form v = beta v + lr g, theta -= v: the same thetas for a fixed lr, "
            "but the returned velocity is lr times the contract's",
    ),
    Mutant(
        "descent-momentum-ema", "descent", MOMENTUM,
        "    velocity = beta * velocity + (1 - beta) * grad\n    return theta - lr * velocity, velocity",
        kills=("test_momentum_step", "test_optimizer_over_forty_steps[momentum]"),
        why="damps the gradient by (1 - beta), an exponential average instead of a running sum",
    ),
    Mutant(
        "descent-momentum-old-velocity", "descent", MOMENTUM,
        "    new_velocity = beta * velocity + grad\n    return theta - lr * velocity, new_velocity",
        kills=("test_momentum_step", "test_optimizer_over_forty_steps[momentum]"),
        why="steps with the velocity from before the update",
    ),
    Mutant(
        "descent-rmsprop-eps-inside-sqrt", "descent", RMSPROP_STEP,
        "return theta - lr * grad / np.sqrt(cache + eps), cache",
        kills=("test_rmsprop_steps[eps=0.5]",),
        why="puts eps under the square root",
    ),
    Mutant(
        "descent-rmsprop-no-one-minus-decay", "descent", RMSPROP_CACHE, "cache = decay * cache + grad * grad",
        kills=("test_rmsprop_steps", "test_optimizer_over_forty_steps[rmsprop]"),
        why="forgets the (1 - decay) weight of the new squared gradient",
    ),
    Mutant(
        "descent-rmsprop-unsquared", "descent", RMSPROP_CACHE, "cache = decay * cache + (1 - decay) * np.abs(grad)",
        kills=("test_rmsprop_steps", "test_optimizer_over_forty_steps[rmsprop]"),
        why="averages |g| instead of g^2",
    ),
    Mutant(
        "descent-adam-no-bias-correction", "descent", ADAM_HATS, "    m_hat, v_hat = m, v",
        kills=("test_adam_step", "test_optimizer_over_forty_steps[adam]"),
        why="skips the bias correction of m and v",
    ),
    Mutant(
        "descent-adam-eps-inside-sqrt", "descent", ADAM_STEP,
        "return theta - lr * m_hat / np.sqrt(v_hat + eps), m, v",
        kills=("test_adam_steps[eps=0.3]",),
        why="puts eps under the square root",
    ),
    Mutant(
        "descent-adam-t-minus-one", "descent", ADAM_HATS,
        "    m_hat = m / (1 - beta1**(t - 1))\n    v_hat = v / (1 - beta2**(t - 1))",
        kills=("test_adam_step", "test_optimizer_over_forty_steps[adam]"),
        why="treats t as 0-based: divides by zero at the first step",
    ),
    Mutant(
        "descent-adam-returns-hats", "descent", ADAM_STEP,
        "return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m_hat, v_hat",
        kills=("test_adam_step", "test_optimizer_over_forty_steps[adam]"),
        why="returns the corrected moments as the state, so the correction compounds",
    ),
    Mutant(
        "descent-adam-v-unsquared", "descent", "v = beta2 * v + (1 - beta2) * grad * grad",
        "v = beta2 * v + (1 - beta2) * grad",
        kills=("test_adam_steps", "test_optimizer_over_forty_steps[adam]"),
        why="second moment of g instead of g^2 (sqrt of a negative number)",
    ),
    Mutant(
        "descent-rmsprop-torch-default-decay", "descent", "def rmsprop_step(theta, grad, cache, lr, decay=0.9, eps=1e-8):",
        "def rmsprop_step(theta, grad, cache, lr, decay=0.99, eps=1e-8):",
        kills=("test_rmsprop_step_defaults",),
        why="writes PyTorch's default decay 0.99 instead of the contract's 0.9",
    ),
    Mutant(
        "descent-rmsprop-default-eps", "descent", "def rmsprop_step(theta, grad, cache, lr, decay=0.9, eps=1e-8):",
        "def rmsprop_step(theta, grad, cache, lr, decay=0.9, eps=1e-6):",
        kills=("test_rmsprop_step_defaults",),
        why="a default eps of 1e-6: the steps of tiny gradients shrink",
    ),
    Mutant(
        "descent-gd-returns-list", "descent", "return np.stack(path)", "return [p.tolist() for p in path]",
        kills=("test_gradient_descent",),
        why="returns a list of lists where the contract asks for an array",
    ),
]
