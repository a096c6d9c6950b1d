"""gradients.py mistakes: one-sided or 1-d-only numerical gradients, 2Ax, relative error without its floor."""

from tests.mutants import Mutant

COPY = "x = np.array(x, dtype=np.float64)  # a copy: nudging it leaves the caller's x alone"
NUDGE_DOWN = """        x[i] = saved - h
        f_minus = f(x)
        x[i] = saved
        grad[i] = (f_plus - f_minus) / (2 * h)"""
RESTORE = """        f_minus = f(x)
        x[i] = saved
"""
LOOP_TO_RESTORE = """    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        saved = x[i]
        x[i] = saved + h
        f_plus = f(x)
        x[i] = saved - h
""" + RESTORE
QUADRATIC = "return (A + A.T) @ x"
RELATIVE = "return float(np.max(np.abs(a - b) / np.maximum(1e-12, np.abs(a) + np.abs(b))))"

MUTANTS = [
    Mutant(
        "gradients-numerical-forward-difference", "gradients", NUDGE_DOWN,
        """        x[i] = saved
        f_minus = f(x)
        grad[i] = (f_plus - f_minus) / h""",
        kills=("test_numerical_gradient",),
        why="one-sided (forward) differences: O(h) error instead of central O(h^2)",
    ),
    Mutant(
        "gradients-numerical-no-restore", "gradients", RESTORE, "        f_minus = f(x)\n",
        kills=("test_numerical_gradient_of_any_shape", "test_numerical_gradient_uses_the_step_it_is_given"),
        why="never puts x[i] back, so every later entry is measured at a shifted point",
    ),
    Mutant(
        "gradients-numerical-nudges-callers-x", "gradients", COPY + "\n" + LOOP_TO_RESTORE,
        "x = np.asarray(x, dtype=np.float64)\n" + LOOP_TO_RESTORE.replace(RESTORE, "        f_minus = f(x)\n"),
        kills=("test_numerical_gradient",),
        why="nudges the caller's own array and never restores it: the input is changed afterwards",
    ),
    Mutant(
        "gradients-numerical-ignores-h", "gradients", COPY, COPY + "\n    h = 1e-5",
        kills=("test_numerical_gradient_uses_the_step_it_is_given",),
        why="hard-codes the step instead of using the h argument",
    ),
    Mutant(
        "gradients-numerical-only-1d", "gradients", "for i in np.ndindex(x.shape):", "for i in range(len(x)):",
        kills=("test_numerical_gradient_of_any_shape[2d]", "test_numerical_gradient_of_any_shape[3d]",
               "test_numerical_gradient_of_a_4d_input"),
        why="loops over the first axis only: right for vectors, wrong for matrices and tensors",
    ),
    Mutant(
        "gradients-quadratic-2Ax", "gradients", QUADRATIC, "return 2 * A @ x",
        kills=("test_quadratic_gradient",),
        why="2Ax, true only for symmetric A",
    ),
    Mutant(
        "gradients-quadratic-Ax", "gradients", QUADRATIC, "return A @ x",
        kills=("test_quadratic_gradient",),
        why="drops the A^T x term altogether",
    ),
    Mutant(
        "gradients-relative-no-floor", "gradients", RELATIVE,
        "return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))",
        kills=("test_relative_error_value", "test_relative_error_uses_the_floor"),
        why="no 1e-12 floor: 0/0 gives NaN where both entries are 0",
    ),
    Mutant(
        "gradients-relative-floor-added", "gradients", RELATIVE,
        "return float(np.max(np.abs(a - b) / (1e-12 + np.abs(a) + np.abs(b))))",
        kills=("test_relative_error_uses_the_floor",),
        why="adds 1e-12 to the denominator instead of taking max(1e-12, ...)",
    ),
    Mutant(
        "gradients-relative-mean", "gradients", RELATIVE,
        "return float(np.mean(np.abs(a - b) / np.maximum(1e-12, np.abs(a) + np.abs(b))))",
        kills=("test_relative_error",),
        why="averages the elementwise errors instead of taking the worst one",
    ),
    Mutant(
        "gradients-relative-one-sided", "gradients", RELATIVE,
        "return float(np.max(np.abs(a - b) / np.maximum(1e-12, np.abs(a))))",
        kills=("test_relative_error_value", "test_relative_error_of_float32_arrays"),
        why="divides by |a| only",
    ),
    Mutant(
        "gradients-numerical-default-h-1e-4", "gradients", "def numerical_gradient(f, x, h=1e-5):",
        "def numerical_gradient(f, x, h=1e-4):",
        kills=("test_numerical_gradient_default_step_is_1e_5",),
        why="a default step of 1e-4, still accurate but not the contract's",
    ),
]
