"""backprop.py mistakes: the upstream gradient, tanh' written with z, transposes, batch sums, the loss's 2/N."""

from tests.mutants import Mutant

TANH_FWD = "    a = np.tanh(z)\n    return a, a\n"
TANH_BWD = "return da * (1 - a * a)"
DENSE_FWD = "return X @ W + b, (X, W)"
DENSE_BWD = "return dout @ W.T, X.T @ dout, dout.sum(axis=0)"
DOUT = "dout = (2 * residual / residual.size)[:, None]"

TANH_BACKWARD_TESTS = ("test_tanh_backward_matches_finite_differences", "test_tanh_backward_3d",
                       "test_tanh_backward_large_float32")
DENSE_BACKWARD_TESTS = ("test_dense_backward_matches_finite_differences", "test_dense_backward_wide",
                        "test_dense_backward_large_batch_float64")
LOSS_VALUE_TESTS = ("test_two_layer_loss_value", "test_two_layer_loss_value_one_feature")
LOSS_GRAD_TESTS = ("test_two_layer_loss_grads_match_finite_differences", "test_two_layer_loss_grads_one_feature")

MUTANTS = [
    Mutant(
        "backprop-tanh-forward-is-sigmoid", "backprop", TANH_FWD, "    a = 1 / (1 + np.exp(-z))\n    return a, a\n",
        kills=("test_tanh_forward_values", "test_tanh_forward_3d"),
        why="uses the logistic sigmoid where tanh was asked for",
    ),
    Mutant(
        "backprop-tanh-forward-in-place", "backprop", TANH_FWD, "    a = np.tanh(z, out=z)\n    return a, a\n",
        kills=("test_tanh_forward_values", "test_tanh_forward_3d") + TANH_BACKWARD_TESTS,
        why="writes tanh(z) over the caller's z to save memory",
    ),
    Mutant(
        "backprop-tanh-backward-forgets-upstream", "backprop", TANH_BWD, "return 1 - a * a",
        kills=TANH_BACKWARD_TESTS + LOSS_GRAD_TESTS,
        why="returns the local derivative tanh' without multiplying by the upstream gradient da",
    ),
    Mutant(
        "backprop-tanh-cache-z", "backprop", TANH_FWD, "    a = np.tanh(z)\n    return a, z\n",
        kills=TANH_BACKWARD_TESTS + LOSS_GRAD_TESTS,
        why="caches z, so the backward computes 1 - z**2 instead of 1 - tanh(z)**2",
    ),
    Mutant(
        "backprop-tanh-backward-sigmoid-slope", "backprop", TANH_BWD, "return da * a * (1 - a)",
        kills=TANH_BACKWARD_TESTS,
        why="uses the sigmoid's a(1 - a) as tanh's derivative",
    ),
    Mutant(
        "backprop-dense-forward-forgets-bias", "backprop", DENSE_FWD, "return X @ W, (X, W)",
        kills=("test_dense_forward_values", "test_dense_forward_wide") + LOSS_VALUE_TESTS,
        why="leaves out the bias b",
    ),
    Mutant(
        "backprop-dense-backward-transposed-dW", "backprop", DENSE_BWD,
        "return dout @ W.T, dout.T @ X, dout.sum(axis=0)",
        kills=DENSE_BACKWARD_TESTS + LOSS_GRAD_TESTS,
        why="dW = dout^T X has W's transposed shape (H, D)",
    ),
    Mutant(
        "backprop-dense-backward-db-not-summed", "backprop", DENSE_BWD, "return dout @ W.T, X.T @ dout, dout",
        kills=DENSE_BACKWARD_TESTS,
        why="returns dout as db without summing over the batch",
    ),
    Mutant(
        "backprop-dense-backward-db-mean", "backprop", DENSE_BWD, "return dout @ W.T, X.T @ dout, dout.mean(axis=0)",
        kills=DENSE_BACKWARD_TESTS + LOSS_GRAD_TESTS,
        why="averages dout over the batch: the loss already carries its 1/N",
    ),
    Mutant(
        "backprop-dense-backward-db-sum-everything", "backprop", DENSE_BWD,
        "return dout @ W.T, X.T @ dout, dout.sum()",
        kills=DENSE_BACKWARD_TESTS,
        why="sums dout over every axis, giving one number instead of one per unit",
    ),
    Mutant(
        "backprop-dense-backward-dX-forgets-transpose", "backprop", DENSE_BWD,
        "return dout @ W, X.T @ dout, dout.sum(axis=0)",
        kills=DENSE_BACKWARD_TESTS,
        why="dX = dout @ W: the shapes (N, H) and (D, H) do not even multiply",
    ),
    Mutant(
        "backprop-loss-grad-missing-1-over-n", "backprop", DOUT, "dout = (2 * residual)[:, None]",
        kills=LOSS_GRAD_TESTS,
        why="starts the backward pass from the gradient of the sum of squares, not of the mean",
    ),
    Mutant(
        "backprop-loss-grad-missing-2", "backprop", DOUT, "dout = (residual / residual.size)[:, None]",
        kills=LOSS_GRAD_TESTS,
        why="forgets the 2 of the square's derivative",
    ),
    Mutant(
        "backprop-loss-no-squeeze", "backprop", "residual = out[:, 0] - y", "residual = out - y",
        kills=LOSS_VALUE_TESTS + LOSS_GRAD_TESTS,
        why="subtracts y (N,) from out (N, 1): broadcasting makes an (N, N) table of residuals",
    ),
    Mutant(
        "backprop-loss-is-sum", "backprop", "loss = float(np.mean(residual**2))",
        "loss = float(np.sum(residual**2))",
        kills=LOSS_VALUE_TESTS,
        why="sums the squared errors instead of averaging them",
    ),
    Mutant(
        "backprop-loss-skips-tanh-backward", "backprop", "dhidden_in = tanh_backward(dhidden, tanh1)",
        "dhidden_in = dhidden",
        kills=LOSS_GRAD_TESTS,
        why="goes straight from the hidden activations to the first layer, forgetting tanh's derivative",
    ),
    Mutant(
        "backprop-loss-grads-typo", "backprop", '"b2": db2}', '"b2": db1}',
        kills=LOSS_GRAD_TESTS,
        why="a copy-paste slip: grads['b2'] holds db1",
    ),
]
