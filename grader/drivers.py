"""Grader code that runs inside the worker, next to student objects.

Some checks need student objects that cannot cross the wire (a layer's
cache, a graph of autodiff Values). These drivers build and use them in the
worker and send back plain numbers. They decide nothing: the grader judges
what they return against its own references.

Student functions are named by (module, name) strings and resolved here, so
that every failure, even a failed import, reaches the student under the name
of their own function. Arrays a driver receives as top-level arguments are
checked by the grader for in-place changes, like any student call.
"""

from __future__ import annotations

import inspect
import operator

import numpy as np

from grader.codec import CodecError, to_wire
from grader.worker import CallError, _student_attr, _student_module, call_student


def import_module(name: str) -> None:
    _student_module(name)


# --------------------------------------------------------------------------- helpers


def _student_function(module: str, name: str):
    """A student object by name; resolution errors carry the student's name as their label."""
    try:
        return _student_attr(module, name)
    except CallError as exc:
        exc.payload["label"] = exc.payload.get("label") or f"{module}.{name}"
        raise


def _contract(label: str, message: str) -> CallError:
    """A broken promise of the contract (wrong return structure), shown as 'label: message'."""
    return CallError("contract", message, "", "", label)


def _plain(label: str, value, what: str):
    """value, if it can cross the wire; otherwise an error that names what came back."""
    try:
        to_wire(value)
    except CodecError as exc:
        raise _contract(label, f"{what} is {exc}, not a number or an array of numbers") from None
    return value


def _parameter_names(fn) -> list:
    try:
        return list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return []


def _watch(fn, args, names: list | None = None) -> list:
    """Snapshots of every array in args (inside dicts and lists too), named after fn's parameters
    (`names`, when the caller already asked for them)."""
    names = list(_parameter_names(fn) if names is None else names)
    names += [f"#{i + 1}" for i in range(len(names), len(args))]
    return [(where, arr, arr.shape, arr.dtype, arr.tobytes())
            for name, value in zip(names, args) for where, arr in _arrays(value, name)]


def _arrays(value, where: str):
    if isinstance(value, np.ndarray):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _arrays(item, f"{where}[{key!r}]")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _arrays(item, f"{where}[{i}]")


def _differs(arr: np.ndarray, shape: tuple, dtype: np.dtype, data: bytes) -> bool:
    if arr.shape != shape or arr.dtype != dtype:
        return True
    if arr.tobytes() == data:  # the usual case, and the cheapest test (a driver watches ~1,000 arrays)
        return False
    before = np.frombuffer(data, dtype=dtype).reshape(shape)  # other bits, maybe the same values (-0.0, NaNs)
    return not np.array_equal(arr, before, equal_nan=dtype.kind == "f")


def _unchanged(label: str, watched: list) -> None:
    for where, arr, *before in watched:
        if _differs(arr, *before):
            raise _contract(label, f"changed its argument {where} in place; work on a copy "
                                   "(x = x.copy(), or new = old - step rather than old -= step)")


def _call_watched(label: str, fn, *args, names: list | None = None):
    """call_student, then an error if fn changed any array it was given."""
    watched = _watch(fn, args, names)
    result = call_student(label, fn, *args)
    _unchanged(label, watched)
    return result


# --------------------------------------------------------------------------- layers


def _out_and_cache(label: str, result):
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        kind = f"a {len(result)}-tuple" if isinstance(result, (tuple, list)) else type(result).__name__
        raise _contract(label, f"should return a pair (out, cache), got {kind}")
    return result[0], result[1]


def layer_forward(module: str, forward: str, *inputs):
    """out of a student layer's forward(*inputs); its cache never leaves the worker."""
    label = f"{module}.{forward}"
    out, _cache = _out_and_cache(label, _call_watched(label, _student_function(module, forward), *inputs))
    return _plain(label, out, "its output (the first value)")


def layer_round_trip(module: str, forward: str, backward: str, upstream, *inputs):
    """(out, grads): forward(*inputs), then backward(upstream, cache) with the layer's own cache.

    The backward is also blamed if it changes the forward's inputs (through a cache that holds them).
    """
    fwd_label, bwd_label = f"{module}.{forward}", f"{module}.{backward}"
    fwd, bwd = _student_function(module, forward), _student_function(module, backward)
    inputs_watched = _watch(fwd, inputs)
    out, cache = _out_and_cache(fwd_label, _call_watched(fwd_label, fwd, *inputs))
    grads = _call_watched(bwd_label, bwd, upstream, cache)
    _unchanged(bwd_label, inputs_watched)
    return _plain(fwd_label, out, "its output"), _plain(bwd_label, grads, "its answer")


def call_reporting_changes(module: str, name: str, *args):
    """(result, changed): a student function's answer, and the arrays it changed in place.

    Unlike the plain proxy, this also looks inside dict arguments, so a
    student who updates params["W1"] in place is told so by name.
    """
    label = f"{module}.{name}"
    fn = _student_function(module, name)
    watched = _watch(fn, args)
    result = call_student(label, fn, *args)
    changed = [where for where, arr, *before in watched if _differs(arr, *before)]
    return _plain(label, result, "its answer"), changed


# --------------------------------------------------------------------------- optimizers


def run_optimizer(module: str, name: str, returns: str, theta, grad, state: list, steps: int, hyper: list,
                  with_t: bool = False, dtype: str | None = None) -> dict:
    """A student's optimizer step fed its own output for `steps` steps, as a training loop would.

    Step t calls name(theta, grad(theta), *state, [t,] *hyper), arrays cast to `dtype` when given;
    it must return (theta, *state). One round trip instead of one per step. Returns every step's
    arguments before the constants (theta, gradient, state) and what it returned, by position
    (see _columns).
    """
    label = f"{module}.{name}"
    fn = _student_function(module, name)
    cast = (lambda a: np.asarray(a, dtype=dtype)) if dtype else (lambda a: a)
    names = _parameter_names(fn)  # once, not at each of 40 steps
    inputs, outputs = [], []
    for t in range(1, steps + 1):
        args = [cast(theta), cast(grad(theta)), *(cast(s) for s in state)]
        out = _call_watched(label, fn, *args, *([t] if with_t else []), *hyper, names=names)
        if not (isinstance(out, (tuple, list)) and len(out) == 1 + len(state)):
            raise _contract(label, f"should return {returns}")
        inputs.append(args)
        outputs.append(tuple(out))
        theta, state = out[0], list(out[1:])
    return {"inputs": _columns(label, inputs), "outputs": _columns(label, outputs)}


def _columns(label: str, rows: list) -> list:
    """Per-step tuples as one entry per position: an array (steps, ...) when every step holds an
    array of the same shape and dtype there (one array on the wire instead of one per step), else
    the list of the steps' values, each of which must be able to cross."""
    columns = []
    for values in zip(*rows):
        first = values[0]
        if isinstance(first, np.ndarray) and first.dtype.kind in "biuf" and all(
                type(v) is np.ndarray and v.shape == first.shape and v.dtype == first.dtype for v in values):
            columns.append(np.stack(values))
        else:
            columns.append([_plain(label, v, "its answer") for v in values])
    return columns


# --------------------------------------------------------------------------- autodiff
#
# A program is a list of steps; step i creates node n{i}:
#   ["value", x]                      Value(x)
#   ["neg" | "tanh" | "exp" | "relu", a]   -n{a}, n{a}.tanh(), n{a}.exp(), n{a}.relu()
#   ["add" | "sub" | "mul" | "div" | "pow", a, b]
# where a, b are node numbers (ints, earlier than i) or constants
# ["num", x, kind], kind one of NUMBER_KINDS, so numbers can stand on either
# side (2 - n1 exercises __rsub__). A pow's exponent is always a constant.
# Deep graphs travel in short form: ["repeat", a, pattern, count] stands for
# `count` steps, each applying the next entry of pattern (cycling) to the node
# before it, starting from n{a}; an entry is [op] or [op, b] (b, a node number
# or a constant, on the right) or [op, b, "left"] (b on the left).

NUMBER_KINDS = {
    "int": int,
    "float": float,
    "numpy.float64": np.float64,
    "numpy.float32": np.float32,
    "numpy.int64": np.int64,
}
UNARY = ("neg", "tanh", "exp", "relu")
BINARY = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**"}


def operand_text(operand) -> str:
    if isinstance(operand, int):
        return f"n{operand}"
    _, x, kind = operand
    return repr(NUMBER_KINDS[kind](x)) if kind in ("int", "float") else f"np.{kind.split('.')[1]}({x!r})"


def step_text(i: int, step) -> str:
    """The Python line a step stands for, e.g. 'n3 = 2 - n1'."""
    op = step[0]
    if op == "value":
        return f"n{i} = Value({step[1]!r})"
    if op == "neg":
        return f"n{i} = -n{step[1]}"
    if op in UNARY:
        return f"n{i} = n{step[1]}.{op}()"
    return f"n{i} = {operand_text(step[1])} {BINARY[op]} {operand_text(step[2])}"


def expand(program: list, first: int = 0) -> list:
    """The program with every "repeat" written out as single steps (the first one n{first})."""
    steps: list = []
    for step in program:
        if step[0] == "repeat":
            _, start, pattern, count = step
            at = first + len(steps)
            steps.extend(repeated_step(start, pattern, at, k) for k in range(count))
        else:
            steps.append(step)
    return steps


def repeated_step(start: int, pattern: list, first: int, k: int) -> list:
    """Step k of ["repeat", start, pattern, count] when its first node is n{first}."""
    entry, previous = pattern[k % len(pattern)], start if k == 0 else first + k - 1
    if len(entry) == 1:
        return [entry[0], previous]
    return [entry[0], entry[1], previous] if len(entry) == 3 and entry[2] == "left" else [entry[0], previous, entry[1]]


# Each operation as a call on its operands: a 10,000-step program spends its time here.
_APPLY = {
    "neg": operator.neg, "tanh": operator.methodcaller("tanh"), "exp": operator.methodcaller("exp"),
    "relu": operator.methodcaller("relu"), "add": operator.add, "sub": operator.sub, "mul": operator.mul,
    "div": operator.truediv, "pow": operator.pow,
}


def _build(Value, program: list) -> list:
    """The program's nodes, made with the student's Value; student failures name the step."""
    nodes: list = []
    for step in program:
        if step[0] != "repeat":
            nodes.append(_node(Value, nodes, len(nodes), step))
        elif _made_before(step, len(nodes)):
            _build_repeat(Value, nodes, step)
        else:  # its pattern names nodes of the repeat itself: one step at a time
            for single in expand([step], first=len(nodes)):
                nodes.append(_node(Value, nodes, len(nodes), single))
    return nodes


def _made_before(repeat: list, first: int) -> bool:
    """Every node the repeat's pattern names exists before the repeat starts."""
    return all(type(entry[1]) is not int or entry[1] < first for entry in repeat[2] if len(entry) > 1)


def _node(Value, nodes: list, i: int, step: list):
    """Node n{i} of one (not repeated) step."""
    try:
        if step[0] == "value":
            node = Value(step[1])
        else:
            a = _operand(nodes, step[1])
            node = _APPLY[step[0]](a) if len(step) == 2 else _APPLY[step[0]](a, _operand(nodes, step[2]))
    except BaseException as exc:  # noqa: BLE001  student code failed (even sys.exit): say on which line
        raise _failure(exc, f"autodiff.Value (computing {step_text(i, step)})") from None
    if not isinstance(node, Value):
        raise _contract("autodiff.Value", f"{step_text(i, step)} gave a {type(node).__name__}, not a Value")
    return node


def _operand(nodes: list, operand):
    return nodes[operand] if type(operand) is int else NUMBER_KINDS[operand[2]](operand[1])


def _build_repeat(Value, nodes: list, repeat: list) -> None:
    """The nodes of a ["repeat", ...] step, appended to nodes: what building each step of
    expand([repeat]) with _node gives, in half the time (a chain is 10,000 steps long)."""
    _, start, pattern, count = repeat
    first = len(nodes)
    # Each entry as (operation, other operand or None, other operand on the left?), resolved once.
    shapes = [(_APPLY[entry[0]], _operand(nodes, entry[1]) if len(entry) > 1 else None,
               len(entry) == 3 and entry[2] == "left") for entry in pattern]
    period, append, node = len(shapes), nodes.append, nodes[start]
    for k in range(count):
        apply, other, left = shapes[k % period]
        try:
            node = apply(node) if other is None else apply(other, node) if left else apply(node, other)
        except BaseException as exc:  # noqa: BLE001  student code failed (even sys.exit): say on which line
            line = step_text(first + k, repeated_step(start, pattern, first, k))
            raise _failure(exc, f"autodiff.Value (computing {line})") from None
        if type(node) is not Value and not isinstance(node, Value):
            line = step_text(first + k, repeated_step(start, pattern, first, k))
            raise _contract("autodiff.Value", f"{line} gave a {type(node).__name__}, not a Value")
        append(node)


def _failure(exc: BaseException, label: str) -> CallError:
    """Student code raised exc; an untouched stub is reported under the class, to show its summary."""
    if isinstance(exc, CallError):
        return exc
    if isinstance(exc, NotImplementedError):
        label = "autodiff.Value"
    return CallError.raised("student", exc, label)


def _number(label: str, node, attribute: str) -> float:
    value = call_student(label, getattr, node, attribute)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _contract(label, f".{attribute} is a {type(value).__name__}, not a float") from None
    return number


def run_program(program: list, root: int | None, report: list | None = None):
    """Build the program's nodes from the student's Value, call n{root}.backward(), read the nodes.

    root None skips backward (to read the grads of a fresh graph). report
    lists the node numbers to send back (all when None). Returns
    (data, grads), two float64 arrays in the order of `report`.
    """
    nodes = _build(_student_function("autodiff", "Value"), program)
    if root is not None:
        try:
            nodes[root].backward()
        except BaseException as exc:  # noqa: BLE001  student code, even sys.exit()
            raise _failure(exc, f"autodiff.Value.backward (n{root}.backward())") from None
    chosen = range(len(nodes)) if report is None else report
    data = [_number(f"autodiff.Value (n{i}.data)", nodes[i], "data") for i in chosen]
    grads = [_number(f"autodiff.Value (n{i}.grad)", nodes[i], "grad") for i in chosen]
    return np.array(data, dtype=np.float64), np.array(grads, dtype=np.float64)  # two arrays cross faster
