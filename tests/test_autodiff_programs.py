"""Autodiff programs built in the worker (grader.drivers.run_program): a repeated pattern is built by
its own fast loop, and must give what building every step of expand(program) one by one gives,
values, grads and the line a failure names alike."""

import importlib.util
import random
import sys

import numpy as np
import pytest

from grader import drivers, worker
from grader.drivers import expand, step_text
from grader.worker import CallError
from tests.conftest import SOLUTIONS


def as_student_module(monkeypatch, tmp_path, source: str | None = None):
    """Make `autodiff` the module the drivers find, as the worker would import it."""
    path = tmp_path / "autodiff.py"
    path.write_text(source if source is not None else (SOLUTIONS / "autodiff.py").read_text())
    spec = importlib.util.spec_from_file_location("autodiff", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setitem(sys.modules, "autodiff", module)
    monkeypatch.setattr(worker, "_submission", str(tmp_path))
    return module


def one_step_at_a_time(Value, program):
    """The slow way: every step of the expanded program, one after the other."""
    nodes = []
    for i, step in enumerate(expand(program)):
        nodes.append(drivers._node(Value, nodes, i, step))
    return nodes


def random_program(rng: random.Random):
    constants = [["num", 2, "int"], ["num", -0.5, "float"], ["num", 1.5, "numpy.float64"],
                 ["num", 0.75, "numpy.float32"], ["num", 3, "numpy.int64"]]
    program = [["value", rng.uniform(0.5, 1.5)] for _ in range(3)]
    for _ in range(3):
        pattern = []
        for _ in range(rng.randint(1, 4)):
            op = rng.choice(["add", "sub", "mul", "div", "tanh", "neg"])
            if op in ("tanh", "neg"):
                pattern.append([op])
                continue
            other = rng.choice([rng.randrange(len(program)), rng.choice(constants)])
            pattern.append([op, other, "left"] if rng.random() < 0.4 else [op, other])
        start = rng.randrange(len(expand(program)))
        program.append(["repeat", start, pattern, rng.randint(1, 30)])
        program.append(["mul", len(expand(program)) - 1, ["num", 0.5, "float"]])
    return program


@pytest.mark.parametrize("draw", range(20))
def test_repeats_give_the_nodes_of_their_steps_one_by_one(monkeypatch, tmp_path, draw):
    module = as_student_module(monkeypatch, tmp_path)
    program = random_program(random.Random(draw))
    root = len(expand(program)) - 1
    data, grads = drivers.run_program(program, root)
    slow = one_step_at_a_time(module.Value, program)
    slow[root].backward()
    assert len(data) == len(slow)
    np.testing.assert_array_equal(data, [node.data for node in slow])
    np.testing.assert_array_equal(grads, [node.grad for node in slow])


def test_a_pattern_naming_a_node_of_its_own_repeat_is_built_step_by_step(monkeypatch, tmp_path):
    module = as_student_module(monkeypatch, tmp_path)
    # n3 = n2 * n1, then n4 = n3 + n3 ... : "add 3" names the repeat's first node
    program = [["value", 0.5], ["value", 2.0], ["value", 1.0], ["repeat", 2, [["mul", 1], ["add", 3]], 6]]
    data, grads = drivers.run_program(program, 8)
    slow = one_step_at_a_time(module.Value, program)
    slow[8].backward()
    np.testing.assert_array_equal(data, [node.data for node in slow])
    np.testing.assert_array_equal(grads, [node.grad for node in slow])


FAILING_MUL = '''
class Value:
    def __init__(self, data):
        self.data, self.grad = float(data), 0.0
    def __add__(self, other):
        return Value(self.data + getattr(other, "data", other))
    def __mul__(self, other):
        if self.data > 100:
            raise OverflowError("too big")
        return Value(self.data * getattr(other, "data", other)) if self.data < 50 else {kind}
'''


@pytest.mark.parametrize("kind, expected_message", [
    ("None", "gave a NoneType, not a Value"),  # never raises: returns None for 64 * 2
    ("Value(self.data * other.data)", "OverflowError: too big"),  # doubles until the 128 * 2 raises
])
def test_a_failing_step_inside_a_repeat_is_named_by_its_own_line(monkeypatch, tmp_path, kind, expected_message):
    as_student_module(monkeypatch, tmp_path, FAILING_MUL.format(kind=kind))
    program = [["value", 1.0], ["value", 2.0], ["repeat", 0, [["add", ["num", 0, "int"]], ["mul", 1]], 40]]
    with pytest.raises(CallError) as caught:
        drivers.run_program(program, None)
    payload = caught.value.payload
    doubled = [i for i, step in enumerate(expand(program)) if step[0] == "mul"]
    # n0 = 1, and every second step doubles: the mul on 64 (returns None) or on 128 (raises)
    failing = doubled[6] if "NoneType" in expected_message else doubled[7]
    line = step_text(failing, expand(program)[failing])
    assert line == f"n{failing} = n{failing - 1} * n1"
    assert expected_message in payload["message"]
    assert line in payload["message"] + payload["label"]
