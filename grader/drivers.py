"""Grader code that runs inside the worker, next to student objects.

Some checks need student objects that cannot cross the wire (a layer's
cache, a graph of autodiff Values). These drivers build and use them in the
worker and send back plain numbers. They decide nothing: the grader judges
what they return against its own references.
"""

from __future__ import annotations

from grader.worker import _student_module, call_student


def import_module(name: str) -> None:
    _student_module(name)


def forward_backward(forward, backward, inputs: list, upstream, fwd_label: str, bwd_label: str):
    """(out, grads): run a student layer forward, then backward with its own cache."""
    result = call_student(fwd_label, forward, *inputs)
    if not (isinstance(result, tuple) and len(result) == 2):
        raise TypeError(f"{fwd_label} must return (out, cache), got {type(result).__name__}")
    out, cache = result
    grads = call_student(bwd_label, backward, upstream, cache)
    return out, grads


def run_graph(Value, program: list, seed_node: int):
    """Build a graph of student Values from a program, backpropagate, return data and grads.

    program: list of ("leaf", number) | ("op", name, a, b_or_number, ...) entries,
    each entry creating node number len(nodes). Returns (data, grads) lists.
    """
    nodes = []
    for step in program:
        nodes.append(call_student("autodiff.Value", _apply, Value, nodes, step))
    root = nodes[seed_node]
    call_student("autodiff.Value.backward", root.backward)
    data = [float(call_student("autodiff.Value.data", getattr, n, "data")) for n in nodes]
    grads = [float(call_student("autodiff.Value.grad", getattr, n, "grad")) for n in nodes]
    return data, grads


def _apply(Value, nodes, step):
    kind = step[0]
    if kind == "leaf":
        return Value(step[1])
    a = nodes[step[1]]
    if kind in ("tanh", "exp", "relu"):
        return getattr(a, kind)()
    if kind == "neg":
        return -a
    if kind == "pow":
        return a ** step[2]
    other = nodes[step[2]] if isinstance(step[2], int) and not step[3] else step[2]
    reflected = len(step) > 4 and step[4]
    x, y = (other, a) if reflected else (a, other)
    return {"add": lambda: x + y, "sub": lambda: x - y, "mul": lambda: x * y, "div": lambda: x / y}[kind]()
