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

from grader import gradcheck, memo
from grader.codec import Plain
from grader.drivers import NUMBER_KINDS, expand, step_text
from grader.expect import Wrong
from grader.student import StudentError
from grader.suites.day13._nets import run_driver

RTOL = 1e-6  # float64 answers; correct code differs only in the order of roundings
FLOOR = 1e-3  # a node near zero is judged against 1e-3 of the graph's largest entry
# A NumPy float32 number (x ** np.float32(2.5)) may make a correct Value compute in float32 from
# there on (NumPy 2 keeps float32 against Python floats). The trusted pass bounds, to first order,
# how far such rounding can move each node; SLACK times that bound is never held against an answer.
UNIT = {False: 2.0**-53, True: 2.0**-24}  # unit roundoff: float64, float32
SLACK = 4.0


# --------------------------------------------------------------------------- trusted interpreter


def number(operand) -> float:
    """A constant operand's value, exactly as the worker builds it (np.float32(0.5) is 0.5)."""
    _, x, kind = operand
    return float(NUMBER_KINDS[kind](x))


# Each operation's value from its operands a, b (b is None for one-operand operations) ...
FORWARD = {
    "neg": lambda a, b: -a,
    "tanh": lambda a, b: math.tanh(a),
    "exp": lambda a, b: math.exp(a),
    "relu": lambda a, b: max(a, 0.0),
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
}
# ... and its local slopes (d out / d a, d out / d b), given a, b and out.
SLOPES = {
    "neg": lambda a, b, out: (-1.0, 0.0),
    "tanh": lambda a, b, out: (1.0 - out * out, 0.0),
    "exp": lambda a, b, out: (out, 0.0),
    "relu": lambda a, b, out: (1.0 if a > 0 else 0.0, 0.0),  # relu'(0) = 0
    "add": lambda a, b, out: (1.0, 1.0),
    "sub": lambda a, b, out: (1.0, -1.0),
    "mul": lambda a, b, out: (b, a),
    "div": lambda a, b, out: (1.0 / b, -a / (b * b)),
    "pow": lambda a, b, out: (b * a ** (b - 1), 0.0),  # the exponent is a constant
}


# ... and how far each local slope moves when a, b and out are off by ea, eb and eo.
SLOPE_ERRORS = {
    "neg": lambda a, b, out, ea, eb, eo: (0.0, 0.0),
    "tanh": lambda a, b, out, ea, eb, eo: (2.0 * abs(out) * eo, 0.0),
    "exp": lambda a, b, out, ea, eb, eo: (eo, 0.0),
    "relu": lambda a, b, out, ea, eb, eo: (0.0, 0.0),
    "add": lambda a, b, out, ea, eb, eo: (0.0, 0.0),
    "sub": lambda a, b, out, ea, eb, eo: (0.0, 0.0),
    "mul": lambda a, b, out, ea, eb, eo: (eb, ea),
    "div": lambda a, b, out, ea, eb, eo: (eb / (b * b), ea / (b * b) + 2.0 * abs(a) * eb / abs(b) ** 3),
    "pow": lambda a, b, out, ea, eb, eo: (abs(b * (b - 1) * a ** (b - 2)) * ea, 0.0),
}


def _float32(operand) -> bool:
    return isinstance(operand, list) and operand[0] == "num" and operand[2] == "numpy.float32"


def _operand(data: list, operand):
    """(value, node number or None) of an operand."""
    if operand is None:
        return None, None
    if isinstance(operand, int):
        return data[operand], operand
    return number(operand), None


def forward(step, data: list) -> float:
    """The value of one step, given the values of the nodes before it."""
    if step[0] == "value":
        return float(step[1])
    return FORWARD[step[0]](_operand(data, step[1])[0], _operand(data, step[2] if len(step) > 2 else None)[0])


def evaluate(program: list, root: int | None) -> tuple[list[float], list[float]]:
    """(data, grads) of every node after n{root}.backward() (grads all 0 when root is None)."""
    data: list[float] = []
    edges: list = []  # per node: (op, a, b, node of a, node of b)
    for step in expand(program):
        if step[0] == "value":
            data.append(float(step[1]))
            edges.append(None)
            continue
        a, a_node = _operand(data, step[1])
        b, b_node = _operand(data, step[2] if len(step) > 2 else None)
        data.append(FORWARD[step[0]](a, b))
        edges.append((step[0], a, b, a_node, b_node))
    grads = [0.0] * len(data)
    if root is not None:
        grads[root] = 1.0
        for i in range(root, -1, -1):  # creation order reversed is a topological order
            if edges[i] is None or grads[i] == 0.0:
                continue
            op, a, b, a_node, b_node = edges[i]
            slope_a, slope_b = SLOPES[op](a, b, data[i])
            if a_node is not None:
                grads[a_node] += slope_a * grads[i]
            if b_node is not None:
                grads[b_node] += slope_b * grads[i]
    return data, grads


def _holds_float32(part) -> bool:
    return isinstance(part, list) and (_float32(part) or any(_holds_float32(x) for x in part))


def rounding_bounds(program: list, root: int | None, data: list, grads: list) -> tuple[list, list]:
    """For each node's data and grad (as evaluate gives them), a first-order bound on how far
    correct code that computes in float32 after a float32 number, and in float64 elsewhere, may
    be from them. All zero when the program holds no float32 number: then RTOL alone is the rule."""
    if not _holds_float32(program):
        return [0.0] * len(data), [0.0] * len(data)
    data_err: list[float] = []
    single: list[bool] = []  # the node's data may be float32
    edges: list = []
    for i, step in enumerate(expand(program)):
        if step[0] == "value":
            data_err.append(0.0)
            single.append(False)
            edges.append(None)
            continue
        a, a_node = _operand(data, step[1])
        b, b_node = _operand(data, step[2] if len(step) > 2 else None)
        ea, eb = (0.0 if n is None else data_err[n] for n in (a_node, b_node))
        slope_a, slope_b = SLOPES[step[0]](a, b, data[i])
        f32 = any(single[n] for n in (a_node, b_node) if n is not None) or any(map(_float32, step[1:]))
        data_err.append(abs(slope_a) * ea + abs(slope_b) * eb + UNIT[f32] * abs(data[i]))
        single.append(f32)
        edges.append((step[0], a, b, a_node, b_node))
    grad_err = [0.0] * len(data)
    grad_single = [False] * len(data)
    partial = [0.0] * len(data)  # grads as the reverse pass accumulates them
    if root is not None:
        partial[root] = 1.0
        for i in range(root, -1, -1):
            if edges[i] is None or grads[i] == 0.0:
                continue
            op, a, b, a_node, b_node = edges[i]
            slopes = SLOPES[op](a, b, data[i])
            ea, eb = (0.0 if n is None else data_err[n] for n in (a_node, b_node))
            slope_errs = SLOPE_ERRORS[op](a, b, data[i], ea, eb, data_err[i])
            for node, slope, slope_err in zip((a_node, b_node), slopes, slope_errs):
                if node is None:
                    continue
                f32 = grad_single[i] or single[i] or single[node]
                term = slope * grads[i]
                partial[node] += term
                grad_err[node] += (abs(slope) * grad_err[i] + abs(grads[i]) * slope_err
                                   + UNIT[f32] * (abs(term) + abs(partial[node])))
                grad_single[node] = grad_single[node] or f32
    return data_err, grad_err


# --------------------------------------------------------------------------- programs


def num(x, kind: str = "float") -> list:
    return ["num", x, kind]


def leaf(rng, low=0.4, high=1.8) -> float:
    """A leaf value away from 0 and 1 (where x**k and k*x**(k-1) could agree), either sign."""
    return round(float(rng.uniform(low, high)) * (1.0 if rng.random() < 0.5 else -1.0), 6)


CONSTANTS = [num(2, "int"), num(3, "int"), num(-1, "int"), num(0.5), num(1.5), num(-2.5), num(0.75)]
EXPONENTS_POSITIVE_BASE = [num(2, "int"), num(3, "int"), num(-1, "int"), num(0.5), num(1.5), num(-0.5),
                           num(1.5, "numpy.float64"), num(2, "numpy.int64"), num(2.5, "numpy.float32")]
EXPONENTS_ANY_BASE = [num(2, "int"), num(3, "int"), num(-1, "int"), num(-2, "int"), num(3, "numpy.int64")]
OPS = ["add", "sub", "mul", "div", "pow", "neg", "tanh", "exp", "relu"]
WEIGHTS = np.array([2.0, 2.0, 2.0, 1.5, 1.5, 0.7, 1.0, 0.7, 0.8])


def _allowed(step, data: list) -> bool:
    """Keep every formula smooth and every value moderate, so only wrong code can miss."""
    op = step[0]
    a = _operand(data, step[1])[0]
    if op == "relu" and abs(a) < 1e-3:
        return False
    if op == "exp" and abs(a) > 2.5:
        return False
    if op == "div" and abs(_operand(data, step[2])[0]) < 0.4:
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

    A batch draws the same programs for every submission: the draw is remembered under the
    generator's state and replayed, leaving the generator where drawing would have.
    """
    key = memo.try_key("random_program", rng.bit_generator.state, leaves, operations)
    program, root, after = memo.remember(key, lambda: (*_draw_program(rng, leaves, operations),
                                                       rng.bit_generator.state))
    rng.bit_generator.state = after
    return [list(step) for step in program], root


def _draw_program(rng, leaves: int, operations: int) -> tuple[list, int]:
    """random_program's draw.

    It opens with shapes the classic bugs cannot pass: p = n0 * n1 feeds
    tanh(p) * n2 + p (a diamond with paths of different lengths, which an
    order that is not topological gets wrong) and s + s (a node used twice by
    one operation, which = instead of += gets wrong). Then every node nobody
    used is joined into the root, so each node reaches it.
    """
    n = leaves  # at least 3: the opening uses n0, n1 and n2
    program = [["value", leaf(rng)] for _ in range(n)]
    program += [["mul", 0, 1], ["tanh", n], ["mul", n + 1, 2], ["add", n + 2, n], ["add", n + 3, n + 3]]
    data = evaluate(program, None)[0]
    while len(program) < n + 5 + operations:
        step = _random_step(rng, data)
        if _allowed(step, data):
            program.append(step)
            data.append(forward(step, data))
    used = {ref for step in program[n:] for ref in step[1:] if isinstance(ref, int)}
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
        return run_driver(student, "run_program", "autodiff.Value", Plain(program), root, report, timeout=timeout)
    except StudentError as exc:
        if not exc.raised("RecursionError"):
            raise
        raise StudentError(f"{exc}\n  A graph this deep needs its topological order built with a loop and an "
                           "explicit stack, not with recursion.", exc.exc_type, exc.exc_types) from None


def check(student, program: list, root: int | None, *, what: str, seed: int, report: list | None = None,
          timeout=None) -> None:
    """Wrong unless every reported node's .data and .grad match the trusted reverse mode."""
    got_data, got_grads = run(student, program, root, report, timeout)
    # repr of a program (lists of numbers and names) is exact and much cheaper to key than its parts
    def trusted():
        data, grads = evaluate(program, root)
        return data, grads, *rounding_bounds(program, root, data, grads)

    data, grads, data_err, grad_err = memo.remember(memo.try_key("evaluate", repr(program), root), trusted)
    nodes = list(range(len(data))) if report is None else list(report)
    for attribute, got, expected, bound in (("data", got_data, data, data_err), ("grad", got_grads, grads, grad_err)):
        want = np.array([expected[i] for i in nodes])
        scale = FLOOR * float(np.abs(want).max(initial=0.0)) + 1e-12
        result = _judge(np.array(got, dtype=np.float64), want, SLACK * np.array([bound[i] for i in nodes]),
                        attribute, scale)
        if not result.passed:
            after = f" after n{root}.backward()" if root is not None else " before any backward()"
            raise Wrong(f"{what}: wrong .{attribute}{after} in this program:\n{listing(program, root)}\n"
                        + _table(attribute, result, nodes) + f"\n  (seed {seed})")


def _judge(got: np.ndarray, want: np.ndarray, slack: np.ndarray, name: str, scale: float):
    """gradcheck.compare after moving each answer up to `slack` towards the trusted value (rounding
    the trusted pass has bounded); a failure still shows the answers as they were."""
    if got.shape == want.shape:
        moved = want + np.sign(got - want) * np.maximum(np.abs(got - want) - slack, 0.0)
        moved = np.where(np.isfinite(got), moved, got)
    else:
        moved = got
    result = gradcheck.compare(moved, want, name=name, rtol=RTOL, scale=scale)
    for mismatch in result.worst:
        mismatch.got = float(got[mismatch.index[0]])
    return result


def _table(attribute: str, result, nodes: list) -> str:
    if not result.worst:
        return "  " + (result.note or "no usable answer")
    lines = [f"  {'node':<8}{'expected .' + attribute:>16}{'got':>16}"]
    lines += [f"  n{nodes[m.index[0]]:<7}{m.expected:>16.8g}{m.got:>16.8g}" for m in result.worst]
    hint = result.ratio_hint()
    return "\n".join(lines + ([f"  hint: {hint}"] if hint else []))
