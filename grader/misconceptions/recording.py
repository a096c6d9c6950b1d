"""What one test did, kept for the matcher: the checks it judged and the calls it made.

The runner opens a Recorder before each test. `grader.expect` notes every
check it judges (the student's answer, the trusted answer, the inputs it
showed), and the runner's RecordingStudent notes every call of student
code (arguments and result). Nothing is analysed here: recording is a
list append, so passing tests stay as fast as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from grader.codec import Plain
from grader.student import Handle, StudentError, StudentProcess


@dataclass
class Comparison:
    """One answer judged by grader.expect."""

    what: str
    got: Any
    expected: Any  # the trusted answer, or a function computing it (finite differences cost time)
    inputs: dict
    context: dict
    part: str | None
    rtol: float
    passed: bool
    known: Any = None  # flat indices where `expected` is known (the rest NaN), or None: known everywhere

    def expected_value(self):
        if callable(self.expected):
            self.expected = self.expected()
        return self.expected


@dataclass
class Call:
    """One call of student code: function is its name ("mse_grad"), or "chain_rule()" for the
    function chain_rule returned. result is None when the call raised (raised names the type)."""

    function: str
    args: tuple
    kwargs: dict
    result: Any = None
    raised: str | None = None
    output_known: tuple[int, ...] | None = None  # a driver sent back only these values of a returned tuple


@dataclass
class Recorder:
    comparisons: list[Comparison] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)


_current: Recorder | None = None


def start() -> Recorder:
    global _current
    _current = Recorder()
    return _current


def stop() -> None:
    global _current
    _current = None


def current() -> Recorder | None:
    return _current


def note_comparison(comparison: Comparison) -> None:
    if _current is not None:
        _current.comparisons.append(comparison)


def _note_calls(calls: list[Call]) -> None:
    if _current is not None:
        _current.calls.extend(calls)


# --------------------------------------------------------------------------- student calls

def _layer_forward(args, result):
    # layer_forward(module, forward, *inputs) -> out; the cache stays in the worker
    return [Call(args[1], tuple(args[2:]), {}, (result, None), output_known=(0,))]


def _layer_round_trip(args, result):
    # layer_round_trip(module, forward, backward, upstream, *inputs) -> (out, grads)
    out, grads = result if isinstance(result, (tuple, list)) and len(result) == 2 else (None, None)
    return [Call(args[1], tuple(args[4:]), {}, (out, None), output_known=(0,)),
            Call(args[2], (args[3], None), {}, grads)]


def _call_reporting_changes(args, result):
    # call_reporting_changes(module, name, *args) -> (result, changed)
    value = result[0] if isinstance(result, (tuple, list)) and len(result) == 2 else None
    return [Call(args[1], tuple(args[2:]), {}, value)]


def _run_optimizer(args, result):
    # run_optimizer(module, name, returns, theta, grad, state, steps, hyper, with_t, dtype) -> inputs, outputs,
    # each one entry per position (an array with a row per step, or a list of the steps' values)
    name, hyper, with_t = args[1], tuple(args[7]), bool(args[8]) if len(args) > 8 else False
    steps = zip(zip(*result["inputs"]), zip(*result["outputs"]))
    return [Call(name, (*inputs, *((t,) if with_t else ()), *hyper), {}, tuple(out))
            for t, (inputs, out) in enumerate(steps, start=1)]


def _run_program(args, result):
    # run_program(program, root, report) -> (data, grads) of the student's autodiff Values
    return [Call("Value", tuple(args), {}, result)]


# The grader's own drivers call student code inside the worker; these say which calls they stand for.
DRIVERS: dict[str, Callable[[tuple, Any], list[Call]]] = {
    "grader.drivers:layer_forward": _layer_forward,
    "grader.drivers:layer_round_trip": _layer_round_trip,
    "grader.drivers:call_reporting_changes": _call_reporting_changes,
    "grader.drivers:run_program": _run_program,
    "grader.drivers:run_optimizer": _run_optimizer,
}


class RecordingStudent(StudentProcess):
    """The student's worker, noting each call of student code for the matcher."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._handle_owner: dict[int, str] = {}  # handle number -> the function that returned it

    def request(self, target: dict, label: str, args, kwargs, **options):
        try:
            value = super().request(target, label, args, kwargs, **options)
        except StudentError as exc:
            self._record(target, args, kwargs, None, exc.exc_type or type(exc).__name__)
            raise
        self._record(target, args, kwargs, value, None)
        return value

    def _record(self, target: dict, args, kwargs, value, raised: str | None) -> None:
        if _current is None:
            return
        # What crossed as codec.Plain is recorded as the data it wraps
        args = tuple(a.value if isinstance(a, Plain) else a for a in args)
        kwargs = dict(kwargs)
        if "student" in target:
            name = target["student"][1]
            if isinstance(value, Handle):
                self._handle_owner[value.number] = name
            _note_calls([Call(name, args, kwargs, value, raised)])
        elif "handle" in target:
            owner = self._handle_owner.get(target["handle"])
            if owner:
                _note_calls([Call(f"{owner}()", args, kwargs, value, raised)])
        elif "trusted" in target and target["trusted"] in DRIVERS:
            if raised is not None:
                return  # which of the driver's student calls raised is not known here
            try:
                _note_calls(DRIVERS[target["trusted"]](args, value))
            except (IndexError, TypeError):
                pass  # an answer of an unexpected structure: the suite reports it, we record nothing
