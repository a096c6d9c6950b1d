"""autodiff.py: the student's Value runs programs the grader writes; a trusted reverse mode grades them.

Every test builds a fresh graph in the worker (grader.drivers.run_program),
calls backward() once on it and reads back .data and .grad of its nodes.
Each operation is checked below an upstream gradient that is not 1 (the
result is multiplied by another Value), so a rule that drops out.grad fails.
"""

import pytest

from grader.suites.day13 import _graphs
from grader.suites.day13._graphs import leaf, num

DEEP_TIMEOUT = 60.0  # seconds for the 10,000-operation chain; the reference needs about 0.05 s

# One operation on x = n0 (and y = n1), then times w = n2.
OPERATIONS = {
    "value_plus_value": ["add", 0, 1],
    "value_plus_number": ["add", 0, num(2.5)],
    "number_plus_value": ["add", num(3, "int"), 0],
    "value_minus_value": ["sub", 0, 1],
    "value_minus_number": ["sub", 0, num(1.5)],
    "number_minus_value": ["sub", num(2, "int"), 0],
    "value_times_value": ["mul", 0, 1],
    "value_times_number": ["mul", 0, num(3, "int")],
    "number_times_value": ["mul", num(-2.5), 0],
    "value_over_value": ["div", 0, 1],
    "value_over_number": ["div", 0, num(4, "int")],
    "number_over_value": ["div", num(3, "int"), 0],
    "power_int": ["pow", 0, num(3, "int")],
    "power_negative_int": ["pow", 0, num(-2, "int")],
    "power_float": ["pow", 0, num(0.5)],
    "power_numpy_float64": ["pow", 0, num(1.5, "numpy.float64")],
    "power_numpy_int64": ["pow", 0, num(2, "numpy.int64")],
    "negation": ["neg", 0],
    "tanh": ["tanh", 0],
    "exp": ["exp", 0],
    "relu_of_positive": ["relu", 0],
    "relu_of_negative": ["relu", 0],
}
NEEDS_POSITIVE = {"power_float", "power_numpy_float64", "relu_of_positive"}


def operation_program(rng, name, operations=OPERATIONS):
    x = leaf(rng)
    if name in NEEDS_POSITIVE:
        x = abs(x)
    elif name.endswith("of_negative"):
        x = -abs(x)
    program = [["value", x], ["value", leaf(rng)], ["value", leaf(rng)], operations[name], ["mul", 3, 2]]
    return program, 4


# Nodes used more than once: their grads must add up (+=, not =).
SHARED = {
    "square_as_x_times_x": [["mul", 0, 0], ["mul", 2, 1]],
    "double_as_x_plus_x": [["add", 0, 0], ["mul", 2, 1]],
    "x_minus_x": [["sub", 0, 0], ["add", 2, 0], ["mul", 3, 1]],
    "diamond": [["mul", 0, 1], ["add", 2, 0], ["mul", 2, 3]],
    "fan_out": [["mul", 0, num(2, "int")], ["add", 0, num(1, "int")], ["mul", 2, 3], ["add", 4, 0], ["mul", 5, 0]],
}


def chain_program(rng, operations=10_000):
    """x, then + c, * 2, + (-2c), * 0.5 repeated, each with a Value made once (n1..n4 are used
    2,500 times each): values stay put, every local slope along the chain is 2, 1/2 or 1."""
    c = leaf(rng)
    program = [["value", leaf(rng)], ["value", c], ["value", 2.0], ["value", -2 * c], ["value", 0.5]]
    pattern = [["add", 1], ["mul", 2], ["add", 3], ["mul", 4]]
    return program + [["repeat", 0, pattern, operations]], 4 + operations


def spread(count: int, every: int = 499) -> list:
    """The node numbers reported back from a long program: a sample plus both ends."""
    return sorted(set(range(0, count, every)) | {0, 1, 2, count - 2, count - 1})


@pytest.mark.covers("Value")
@pytest.mark.parametrize("name", list(OPERATIONS))
def test_operation(student, rng, seed, name):
    program, root = operation_program(rng, name)
    _graphs.check(student, program, root, what=f"autodiff.Value ({name.replace('_', ' ')})", seed=seed)


@pytest.mark.covers("Value")
def test_fresh_values_have_zero_grad(student, rng, seed):
    program = [["value", 3], ["value", leaf(rng)], ["mul", 0, 1], ["tanh", 2], ["add", 3, num(1, "int")]]
    _graphs.check(student, program, None, what="autodiff.Value (grads before backward)", seed=seed)


@pytest.mark.covers("Value")
def test_numpy_scalars_that_are_not_python_numbers(student, rng, seed):
    # Public, so its message is seen: np.float32 and np.int64 are no float or int subclasses (np.float64
    # is), so an isinstance check on (int, float) misses them, and np.int64(2) ** -1 raises (a count
    # from np.sum(mask) is one). The SPEC allows numbers of any kind.
    program = [["value", leaf(rng)], ["value", leaf(rng)], ["mul", num(2, "numpy.float32"), 0],
               ["mul", 0, num(2, "numpy.int64")], ["div", 0, num(2, "numpy.int64")], ["add", 2, 3], ["add", 5, 4],
               ["mul", 6, 1]]
    _graphs.check(student, program, 7, what="autodiff.Value (NumPy float32 and int64 numbers on either side)",
                  seed=seed)


@pytest.mark.covers("Value")
def test_relu_grad_at_zero_is_zero(student, rng, seed):
    # x = 0 also feeds x ** 2, whose slope 2x is 0 there (a rule written k * out / x divides by zero)
    program = [["value", 0.0], ["value", leaf(rng)], ["relu", 0], ["mul", 2, 1], ["pow", 0, num(2, "int")],
               ["mul", 4, 1], ["add", 3, 5]]
    _graphs.check(student, program, 6, what="autodiff.Value (relu and x ** 2 at exactly x = 0, where relu' and "
                  "2x are 0)", seed=seed)


@pytest.mark.covers("Value")
@pytest.mark.parametrize("name", list(SHARED))
def test_shared_node(student, rng, seed, name):
    program = [["value", leaf(rng)], ["value", leaf(rng)]] + SHARED[name]
    _graphs.check(student, program, len(program) - 1, what=f"autodiff.Value ({name.replace('_', ' ')})",
                  seed=seed)


@pytest.mark.covers("Value")
@pytest.mark.parametrize("draw", range(3))
def test_random_graph_with_shared_nodes(student, rng, seed, draw):
    program, root = _graphs.random_program(rng, leaves=3, operations=12)
    _graphs.check(student, program, root, what="autodiff.Value (a random graph)", seed=seed)


@pytest.mark.covers("Value")
def test_chain_of_10000_operations(student, rng, seed):
    program, root = chain_program(rng)
    _graphs.check(student, program, root, what="autodiff.Value (a chain of 10,000 operations; build the "
                  "topological order with a loop, not recursion)", seed=seed,
                  report=spread(root + 1), timeout=DEEP_TIMEOUT)
