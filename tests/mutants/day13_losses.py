"""losses.py mistakes: the 2 and the 1/N of MSE, signs, sums against means, shapes."""

from tests.mutants import Mutant

MSE = "return float(np.mean(diff * diff))"
MSE_GRAD = "return 2 * (np.asarray(y_pred) - np.asarray(y)) / np.size(y)"
LINREG = "return X.T @ g, float(np.sum(g))"
BCE = "return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))"
BCE_GRAD = "return (p - y) / (p * (1 - p)) / y.size"
L2 = "return float(lam * np.sum(W * W))"
L2_GRAD = "return 2 * lam * np.asarray(W)"

MUTANTS = [
    Mutant(
        "losses-mse-sum", "losses", MSE, "return float(np.sum(diff * diff))",
        kills=("test_mse_value", "test_mse_of_a_3d_target"),
        why="sums the squared errors instead of averaging them",
    ),
    Mutant(
        "losses-mse-square-of-mean", "losses", MSE, "return float(np.mean(diff) ** 2)",
        kills=("test_mse_value", "test_mse_of_a_3d_target"),
        why="squares the mean error instead of averaging the squares",
    ),
    Mutant(
        "losses-mse-grad-missing-2", "losses", MSE_GRAD, "return (np.asarray(y_pred) - np.asarray(y)) / np.size(y)",
        kills=("test_mse_grad",),
        why="forgets the 2 from differentiating the square",
    ),
    Mutant(
        "losses-mse-grad-missing-1-over-n", "losses", MSE_GRAD, "return 2 * (np.asarray(y_pred) - np.asarray(y))",
        kills=("test_mse_grad",),
        why="differentiates the sum of squares, forgetting the mean's 1/N",
    ),
    Mutant(
        "losses-mse-grad-sign", "losses", MSE_GRAD, "return 2 * (np.asarray(y) - np.asarray(y_pred)) / np.size(y)",
        kills=("test_mse_grad",),
        why="differentiates with respect to y instead of y_pred: the sign flips",
    ),
    Mutant(
        "losses-mse-grad-len", "losses", MSE_GRAD, "return 2 * (np.asarray(y_pred) - np.asarray(y)) / len(y)",
        kills=("test_mse_grad_matches_finite_differences[2d-float64]", "test_mse_grad_matches_finite_differences[2d-float32]",
               "test_mse_grad_on_a_large_batch"),
        why="N = len(y) counts rows only; for 2-d targets N must be y.size",
    ),
    Mutant(
        "losses-linreg-db-mean", "losses", LINREG, "return X.T @ g, float(np.mean(g))",
        kills=("test_linear_regression_gradients",),
        why="db as the mean of g, dividing by N a second time",
    ),
    Mutant(
        "losses-linreg-dw-shape", "losses", LINREG, "return X @ g, float(np.sum(g))",
        kills=("test_linear_regression_gradients",),
        why="X @ g instead of X^T @ g: the shapes do not even line up",
    ),
    Mutant(
        "losses-linreg-forgets-2", "losses", "\n    g = mse_grad(X @ w + b, y)\n",
        "\n    g = (X @ w + b - y) / len(y)\n",
        kills=("test_linear_regression_gradients",),
        why="writes the residual over N by hand and loses the 2",
    ),
    Mutant(
        "losses-bce-no-minus", "losses", BCE, "return float(np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))",
        kills=("test_binary_cross_entropy_value", "test_binary_cross_entropy_with_soft_labels"),
        why="forgets the leading minus: a log-likelihood, not a loss",
    ),
    Mutant(
        "losses-bce-swapped-logs", "losses", BCE, "return float(-np.mean(y * np.log(1 - p) + (1 - y) * np.log(p)))",
        kills=("test_binary_cross_entropy_value", "test_binary_cross_entropy_with_soft_labels"),
        why="pairs y with log(1-p) and 1-y with log(p)",
    ),
    Mutant(
        "losses-bce-grad-sign", "losses", BCE_GRAD, "return (y - p) / (p * (1 - p)) / y.size",
        kills=("test_binary_cross_entropy_grad",),
        why="(y - p) instead of (p - y)",
    ),
    Mutant(
        "losses-bce-grad-missing-1-over-n", "losses", BCE_GRAD, "return (p - y) / (p * (1 - p))",
        kills=("test_binary_cross_entropy_grad",),
        why="drops the 1/N of the mean",
    ),
    Mutant(
        "losses-bce-grad-is-logit-grad", "losses", BCE_GRAD, "return (p - y) / y.size",
        kills=("test_binary_cross_entropy_grad",),
        why="gives the gradient with respect to the logit (p - y)/N, not with respect to p",
    ),
    Mutant(
        "losses-bce-grad-len", "losses", BCE_GRAD, "return (p - y) / (p * (1 - p)) / len(y)",
        kills=("test_binary_cross_entropy_grad_with_soft_labels",),
        why="N = len(y) counts rows only; for 2-d p and y the mean is over y.size entries",
    ),
    Mutant(
        "losses-bce-sum-over-len", "losses", BCE,
        "return float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)) / len(y))",
        kills=("test_binary_cross_entropy_with_soft_labels",),
        why="divides the sum by len(y), the number of rows, instead of taking the mean over every entry",
    ),
    Mutant(
        "losses-l2-half", "losses", L2, "return float(0.5 * lam * np.sum(W * W))",
        kills=("test_l2_penalty_value", "test_l2_penalty_of_a_vector"),
        why="uses the 1/2 lam ||W||^2 convention of some textbooks",
    ),
    Mutant(
        "losses-l2-norm-not-squared", "losses", L2, "return float(lam * np.linalg.norm(W))",
        kills=("test_l2_penalty_value", "test_l2_penalty_of_a_vector"),
        why="lam ||W|| instead of lam ||W||^2",
    ),
    Mutant(
        "losses-l2-grad-missing-2", "losses", L2_GRAD, "return lam * np.asarray(W)",
        kills=("test_l2_penalty_grad",),
        why="forgets the 2 from differentiating W^2",
    ),
]
