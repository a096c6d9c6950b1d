"""autodiff.py, hidden cases: bigger random graphs, backward from an inner node, stacked diamonds, NumPy scalars."""

import pytest

from grader.suites.day13 import _graphs
from grader.suites.day13._graphs import leaf, num
from grader.suites.day13.test_autodiff import operation_program

NUMPY_OPERATIONS = {
    "value_plus_numpy_float64": ["add", 0, num(1.25, "numpy.float64")],
    "numpy_float64_times_value": ["mul", num(-1.5, "numpy.float64"), 0],
    "numpy_float64_minus_value": ["sub", num(0.75, "numpy.float64"), 0],
    "power_numpy_float32": ["pow", 0, num(2.5, "numpy.float32")],
}


@pytest.mark.covers("Value")
@pytest.mark.parametrize("name", list(NUMPY_OPERATIONS))
def test_operation_with_numpy_scalar(student, rng, seed, name):
    program, root = operation_program(rng, name, NUMPY_OPERATIONS)
    if name.startswith("power"):
        program[0][1] = abs(program[0][1])  # a fractional power needs a positive base
    _graphs.check(student, program, root, what=f"autodiff.Value ({name.replace('_', ' ')})", seed=seed)


@pytest.mark.covers("Value")
@pytest.mark.parametrize("draw", range(4))
def test_large_random_graph(student, rng, seed, draw):
    program, root = _graphs.random_program(rng, leaves=5, operations=60)
    _graphs.check(student, program, root, what="autodiff.Value (a random graph of 60 operations)", seed=seed)


@pytest.mark.covers("Value")
def test_backward_from_an_inner_node(student, rng, seed):
    # Nodes made after n{root} from it are not reachable from it: their grads stay 0.
    program, root = _graphs.random_program(rng, leaves=3, operations=8)
    program += [["mul", root, num(3, "int")], ["add", root + 1, 0], ["tanh", root + 2]]
    _graphs.check(student, program, root, what="autodiff.Value (backward() called on an inner node)", seed=seed)


@pytest.mark.covers("Value")
def test_one_value_feeding_two_hundred_nodes(student, rng, seed):
    program = [["value", leaf(rng)], ["mul", 0, num(0.5)]]
    for k in range(199):
        program += [["mul", 0, num(round(float(rng.uniform(-1, 1)), 3))], ["add", len(program) - 1, len(program)]]
    _graphs.check(student, program, len(program) - 1, what="autodiff.Value (one Value used by 200 products)",
                  seed=seed)


@pytest.mark.covers("Value")
def test_forty_stacked_diamonds(student, rng, seed):
    # y <- y * c + y, forty times: 2**40 paths from the top to x. Visiting nodes once per path
    # (a topological sort without a visited set) never ends; each node must be visited once.
    program = [["value", leaf(rng)]]
    for k in range(40):
        y = len(program) - 1
        program += [["mul", y, num(0.5 if k % 2 else -0.5)], ["add", y + 1, y]]
    _graphs.check(student, program, len(program) - 1, what="autodiff.Value (40 stacked diamonds)", seed=seed,
                  timeout=5.0)
