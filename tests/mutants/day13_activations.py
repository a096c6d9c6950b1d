"""activations.py mistakes: unstable sigmoid, wrong derivative tables, ReLU's kink."""

from tests.mutants import Mutant

SIGMOID = "return np.where(x >= 0, 1 / (1 + e), e / (1 + e))[()]"
SIGMOID_GRAD = "return s * (1 - s)"
TANH_GRAD = """    t = np.tanh(x)
    return 1 - t * t"""
RELU_GRAD = "return np.where(np.asarray(x) > 0, 1.0, 0.0)[()]"

MUTANTS = [
    Mutant(
        "activations-naive-sigmoid", "activations", SIGMOID, "return 1 / (1 + np.exp(-x))",
        kills=("test_sigmoid_is_stable_for_huge_inputs", "test_sigmoid_grad_in_the_tails_without_warnings"),
        why="the textbook 1/(1+exp(-x)) overflows (a RuntimeWarning) at x = -1e4",
    ),
    Mutant(
        "activations-sigmoid-branches-swapped", "activations", SIGMOID,
        "return np.where(x >= 0, e / (1 + e), 1 / (1 + e))[()]",
        kills=("test_sigmoid_values", "test_sigmoid_is_stable_for_huge_inputs", "test_sigmoid_of_a_float"),
        why="puts the x < 0 form on the x >= 0 side: sigma(-x) instead of sigma(x)",
    ),
    Mutant(
        "activations-sigmoid-grad-no-one-minus", "activations", SIGMOID_GRAD, "return s",
        kills=("test_sigmoid_grad",),
        why="sigma'(x) written as sigma(x), without the (1 - sigma) factor",
    ),
    Mutant(
        "activations-sigmoid-grad-of-x", "activations", SIGMOID_GRAD, "return s * (1 - x)",
        kills=("test_sigmoid_grad_matches_finite_differences", "test_sigmoid_grad_in_the_tails_without_warnings"),
        why="uses x where sigma(x) belongs in the second factor",
    ),
    Mutant(
        "activations-tanh-grad-of-x", "activations", TANH_GRAD, "    return 1 - x**2",
        kills=("test_tanh_grad",),
        why="1 - x^2 instead of 1 - tanh(x)^2 (confuses the activation's output with its input)",
    ),
    Mutant(
        "activations-tanh-grad-unsquared", "activations", TANH_GRAD, "    return 1 - np.tanh(x)",
        kills=("test_tanh_grad",),
        why="forgets to square tanh",
    ),
    Mutant(
        "activations-relu-np-max", "activations", "return np.maximum(x, 0)", "return np.max(x, 0)",
        kills=("test_relu_values", "test_relu_keeps_shape_of_a_3d_tensor"),
        why="np.max (a reduction along axis 0) instead of the elementwise np.maximum",
    ),
    Mutant(
        "activations-relu-grad-at-zero-is-one", "activations", RELU_GRAD,
        "return np.where(np.asarray(x) >= 0, 1.0, 0.0)[()]",
        kills=("test_relu_grad_is_zero_at_zero",),
        why=">= 0 gives relu'(0) = 1 against the stated convention",
    ),
    Mutant(
        "activations-relu-grad-bools", "activations", RELU_GRAD, "return np.asarray(x) > 0",
        kills=("test_relu_grad_matches_finite_differences_away_from_zero", "test_relu_grad_is_zero_at_zero",
               "test_relu_grad_on_a_3d_tensor"),
        why="returns the boolean mask instead of floats",
    ),
    Mutant(
        "activations-relu-grad-is-relu", "activations", RELU_GRAD, "return np.maximum(x, 0)",
        kills=("test_relu_grad",),
        why="returns relu(x) itself as its derivative",
    ),
]
