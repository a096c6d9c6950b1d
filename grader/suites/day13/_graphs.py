"""Autodiff programs for the autodiff suites: random graphs, a trusted reverse mode, and the verdict.

A program (the format is defined in grader.drivers) is run twice: in the
worker on the student's Value, and here by a float64 interpreter that knows
every local derivative. Steps only refer to earlier nodes, so walking the
steps backwards is a topological order and the trusted reverse mode needs no
graph search. Random programs stay where every formula is smooth and tame:
no relu input near its kink, no division by a small number, no fractional
power of a negative number, no exp of a large one.
"""

from __future__ import annotations

import math

import numpy as np

from grader import gradcheck
from grader.drivers import NUMBER_KINDS, expand, step_text
from grader.expect import Wrong
from grader.student import StudentError, TimedOut, WorkerDied

RTOL = 1e-6  # float64 answers; correct code differs only in the order of roundings
FLOOR = 1e-3  # a node near zero is judged against 1e-3 of the graph's largest entry


# --------------------------------------------------------------------------- trusted interpreter


def number(operand) -> float:
    """A constant operand's value, exactly as the worker builds it (np.float32(0.5) is 0.5)."""
    _, x, kind = operand
    return float(NUMBER_KINDS[kind](x))


def _value(data: list, operand) -> float:
    return data[operand] if isinstance(operand, int) else number(operand)


def forward(step, data: list) -> float:
    op = step[0]
    if op == "value":
        return float(step[1])
    a = _value(data, step[1])
    if op == "neg":
        return -a
    if op == "tanh":
        return math.tanh(a)
    if op == "exp":
        return math.exp(a)
    if op == "relu":
        return max(a, 0.0)
    b = _value(data, step[2])
    if op == "add":
        return a + b
    if op == "sub":
        return a - b
    if op == "mul":
        return a * b
    if op == "div":
        return a / b
    return a**b


def _local_slopes(step, data: list, out: float) -> list[tuple[object, float]]:
    """(operand, d out / d operand) for each operand of a step (slopes of constants are never used)."""
    op = step[0]
    if op == "value":
        return []
    a_ref = step[1]
    a = _value(data, a_ref)
    if op == "neg":
        return [(a_ref, -1.0)]
    if op == "tanh":
        return [(a_ref, 1.0 - out * out)]
    if op == "exp":
        return [(a_ref, out)]
    if op == "relu":
        return [(a_ref, 1.0 if a > 0 else 0.0)]  # relu'(0) = 0
    b_ref = step[2]
    b = _value(data, b_ref)
    if op == "add":
        return [(a_ref, 1.0), (b_ref, 1.0)]
    if op == "sub":
        return [(a_ref, 1.0), (b_ref, -1.0)]
    if op == "mul":
        return [(a_ref, b), (b_ref, a)]
    if op == "div":
        return [(a_ref, 1.0 / b), (b_ref, -a / (b * b))]
    return [(a_ref, b * a ** (b - 1))]  # pow: the exponent is a constant


def evaluate(program: list, root: int | None) -> tuple[list[float], list[float]]:
    """(data, grads) of every node after n{root}.backward() (grads all 0 when root is None)."""
    program = expand(program)
    data: list[float] = []
    for step in program:
        data.append(forward(step, data))
    grads = [0.0] * len(program)
    if root is not None:
        grads[root] = 1.0
        for i in range(root, -1, -1):
            for operand, slope in _local_slopes(program[i], data, data[i]):
                if isinstance(operand, int):
                    grads[operand] += slope * grads[i]
    return data, grads


# --------------------------------------------------------------------------- programs


def num(x, kind: str = "float") -> list:
    return ["num", x, kind]


def leaf(rng, low=0.4, high=1.8) -> float:
    """A leaf value away from 0 and 1 (where x**k and k*x**(k-1) could agree), either sign."""
    return round(float(rng.uniform(low, high) * rng.choice([-1.0, 1.0])), 6)


CONSTANTS = [num(2, "int"), num(3, "int"), num(-1, "int"), num(0.5), num(1.5), num(-2.5), num(0.75)]
EXPONENTS_POSITIVE_BASE = [num(2, "int"), num(3, "int"), num(-1, "int"), num(0.5), num(1.5), num(-0.5),
                           num(1.5, "numpy.float64"), num(2, "numpy.int64"), num(2.5, "numpy.float32")]
EXPONENTS_ANY_BASE = [num(2, "int"), num(3, "int"), num(-1, "int"), num(-2, "int"), num(3, "numpy.int64")]
OPS = ["add", "sub", "mul", "div", "pow", "neg", "tanh", "exp", "relu"]
WEIGHTS = np.array([2.0, 2.0, 2.0, 1.5, 1.5, 0.7, 1.0, 0.7, 0.8])


def _allowed(step, data: list) -> bool:
    """Keep every formula smooth and every value moderate, so only wrong code can miss."""
    op = step[0]
    a = _value(data, step[1])
    if op == "relu" and abs(a) < 1e-3:
        return False
    if op == "exp" and abs(a) > 2.5:
        return False
    if op == "div" and abs(_value(data, step[2])) < 0.4:
        return False
    if op == "pow":
        k = number(step[2])
        if (k != int(k) and a < 0.3) or (k < 0 and abs(a) < 0.4) or abs(a) < 0.05:
            return False
    try:
        out = forward(step, data)
    except (OverflowError, ZeroDivisionError, ValueError):
        return False
    return isinstance(out, float) and math.isfinite(out) and abs(out) <= 25.0


def _random_step(rng, data: list) -> list:
    op = OPS[rng.choice(len(OPS), p=WEIGHTS / WEIGHTS.sum())]
    recent = max(0, len(data) - 6)
    a = int(rng.integers(recent, len(data))) if rng.random() < 0.7 else int(rng.integers(len(data)))
    if op in ("neg", "tanh", "exp", "relu"):
        return [op, a]
    if op == "pow":
        choices = EXPONENTS_POSITIVE_BASE if data[a] > 0.3 else EXPONENTS_ANY_BASE
        return [op, a, choices[rng.integers(len(choices))]]
    roll = rng.random()
    if roll < 0.1:
        return [op, a, a]  # the same node on both sides: x * x, x - x
    if roll < 0.4:
        constant = CONSTANTS[rng.integers(len(CONSTANTS))]
        return [op, a, constant] if rng.random() < 0.5 else [op, constant, a]  # numbers on either side
    return [op, a, int(rng.integers(len(data)))]


def random_program(rng, leaves: int = 3, operations: int = 12) -> tuple[list, int]:
    """(program, root): random operations over shared nodes, ending in one root that uses every node.

    It opens with a diamond on n0 (n0 feeds a product and the sum after it)
    and joins every node nobody used into the root, so each node reaches it.
    """
    program = [["value", leaf(rng)] for _ in range(leaves)]
    program += [["mul", 0, 1], ["add", leaves, 0]]
    data = evaluate(program, None)[0]
    while len(program) < leaves + 2 + operations:
        step = _random_step(rng, data)
        if _allowed(step, data):
            program.append(step)
            data.append(forward(step, data))
    used = {ref for step in program[leaves:] for ref in step[1:] if isinstance(ref, int)}
    unused = [i for i in range(len(program)) if i not in used]
    root = unused[0]
    for other in unused[1:]:
        program.append(["add", root, other])
        root = len(program) - 1
    return program, root


def listing(program: list, root: int | None, limit: int = 40) -> str:
    lines = [step_text(i, step) for i, step in enumerate(expand(program))]
    if len(lines) > limit:
        lines = lines[:6] + [f"... ({len(lines) - 10} more steps)"] + lines[-4:]
    if root is not None:
        lines.append(f"n{root}.backward()")
    return "\n".join("    " + line for line in lines)


# --------------------------------------------------------------------------- verdict


def run(student, program: list, root: int | None, report: list | None = None, timeout=None):
    """(data, grads) of the student's Values for the reported nodes."""
    try:
        return student.trusted("grader.drivers:run_program", program, root, report, timeout=timeout)
    except (TimedOut, WorkerDied) as exc:
        raise type(exc)(str(exc).replace("run_program", "building the graph and calling backward()")) from None
    except StudentError as exc:
        if exc.exc_type != "RecursionError":
            raise
        raise StudentError(f"{exc}\n  A graph this deep needs its topological order built with a loop and an "
                           "explicit stack, not with recursion.", exc.exc_type) from None


def check(student, program: list, root: int | None, *, what: str, seed: int, report: list | None = None,
          timeout=None) -> None:
    """Wrong unless every reported node's .data and .grad match the trusted reverse mode."""
    got_data, got_grads = run(student, program, root, report, timeout)
    data, grads = evaluate(program, root)
    nodes = list(range(len(data))) if report is None else list(report)
    for attribute, got, expected in (("data", got_data, data), ("grad", got_grads, grads)):
        want = np.array([expected[i] for i in nodes])
        scale = FLOOR * float(np.abs(want).max(initial=0.0)) + 1e-12
        result = gradcheck.compare(np.array(got, dtype=np.float64), want, name=attribute, rtol=RTOL, scale=scale)
        if not result.passed:
            after = f" after n{root}.backward()" if root is not None else " before any backward()"
            raise Wrong(f"{what}: wrong .{attribute}{after} in this program:\n{listing(program, root)}\n"
                        + _table(attribute, result, nodes) + f"\n  (seed {seed})")


def _table(attribute: str, result, nodes: list) -> str:
    if not result.worst:
        return "  " + (result.note or "no usable answer")
    lines = [f"  {'node':<8}{'expected .' + attribute:>16}{'got':>16}"]
    lines += [f"  n{nodes[m.index[0]]:<7}{m.expected:>16.8g}{m.got:>16.8g}" for m in result.worst]
    hint = result.ratio_hint()
    return "\n".join(lines + ([f"  hint: {hint}"] if hint else []))
