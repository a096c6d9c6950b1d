"""The worker: the only process that runs student code.

Started as `python -I -m grader.worker SUBMISSION_DIR REQ_FD RESP_FD`. It
imports the student's modules from SUBMISSION_DIR, answers calls from the
grader over two pipes, and never decides a verdict: whatever student code
does in here (patch NumPy, print, exit) changes only the answers it sends.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
import traceback
import warnings

from grader.codec import CodecError, from_wire, read_frame, to_wire, write_frame

GC_THRESHOLDS = (100_000, 10, 10)  # young objects between collections: tens of MB of garbage at most

# Objects the grader asked to keep (a callable returned by chain_rule, say).
_handles: dict[int, object] = {}
_import_errors: dict[str, "CallError"] = {}


class CallError(Exception):
    def __init__(self, kind: str, message: str, exc_type: str = "", tb: str = "", label: str = "",
                 exc_types: list[str] | None = None):
        super().__init__(message)
        self.payload = {"kind": kind, "message": message, "type": exc_type, "traceback": tb, "label": label,
                        "types": exc_types or ([exc_type] if exc_type else [])}

    @classmethod
    def raised(cls, kind: str, exc: BaseException, label: str = "") -> "CallError":
        """Student code raised `exc`: its class and the names of all the classes it derives from, so
        a test that wants a ValueError also accepts the student's own subclass of it."""
        names = [c.__name__[:100] for c in type(exc).__mro__[:12]]
        return cls(kind, _describe(exc), type(exc).__name__, _student_traceback(exc), label, names)


def call_student(label: str, fn, *args, **kwargs):
    """Call student code from a driver, reporting failures under the student's function name."""
    try:
        return fn(*args, **kwargs)
    except CallError:
        raise
    except BaseException as exc:
        raise CallError.raised("student", exc, label) from None


def _student_module(name: str):
    if name in _import_errors:  # importing twice would run its side effects twice
        raise _import_errors[name]
    if name in sys.modules:
        return sys.modules[name]
    if not os.path.exists(os.path.join(_submission, f"{name}.py")):
        raise CallError("missing_module", f"{name}.py was not found in the submitted folder")
    try:
        return importlib.import_module(name)
    except BaseException as exc:  # SystemExit and friends too: importing must not end the worker
        _import_errors[name] = CallError.raised("import", exc)
        raise _import_errors[name] from None


def _student_attr(module: str, name: str):
    mod = _student_module(module)
    try:
        return getattr(mod, name)
    except AttributeError:
        raise CallError("missing_function", f"{module}.py defines no {name}") from None
    except BaseException as exc:  # a module __getattr__ may do anything
        raise CallError.raised("student", exc) from None


def _trusted(path: str):
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def _resolve(data):
    """Decode arguments, resolving the references only the worker can resolve."""
    if isinstance(data, list):
        return [_resolve(v) for v in data]
    if isinstance(data, dict):
        if "__fn__" in data:
            fn = _trusted(data["__fn__"])
            kwargs = {k: _resolve(v) for k, v in data.get("kwargs", {}).items()}
            return fn(**kwargs) if data.get("factory") else fn
        if "__plain__" in data:  # only the grader sends this: plain data, nothing to decode
            return data["__plain__"]
        if "__student__" in data:
            return _student_attr(*data["__student__"])
        if "__handle__" in data:
            return _handles[data["__handle__"]]
        if "__tuple__" in data:
            return tuple(_resolve(v) for v in data["__tuple__"])
        if "__dict__" in data:
            return {k: _resolve(v) for k, v in data["__dict__"].items()}
    return from_wire(data)


def _target(spec: dict):
    if "student" in spec:
        return _student_attr(*spec["student"])
    if "trusted" in spec:
        return _trusted(spec["trusted"])
    return _handles[spec["handle"]]


def _call(request: dict) -> dict:
    fn = _target(request["target"])
    args = _resolve(request.get("args", []))
    kwargs = _resolve(request.get("kwargs", {"__dict__": {}}))
    # Copies of the array arguments, to tell the grader which ones the call changed in place
    # (cheaper than sending them all back; a lie here could only hide a student's own mistake).
    before = [(i, a.shape, a.dtype, a.tobytes()) for i, a in enumerate(args) if _is_array(a)] \
        if request.get("watch_args") else []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = fn(*args, **kwargs)
    except CallError:
        raise
    except BaseException as exc:  # includes SystemExit from sys.exit() in student code
        raise CallError.raised("student", exc) from None
    if request.get("want") == "handle":
        # The grader numbers handles itself: a request that names one is then built from the
        # grader's own counting, never from an answer (grader.ahead relies on that).
        handle = int(request["handle"])
        _handles[handle] = result
        return {"handle": handle}
    try:
        value = to_wire(result)
    except CodecError as exc:
        raise CallError("unencodable", f"returned {exc}, which is not a number, array, tuple or dict of them") from None
    answer = {"value": value, "warnings": [f"{w.category.__name__}: {w.message}"[:200] for w in caught[:3]]}
    changed = [i for i, shape, dtype, data in before
               if args[i].shape != shape or args[i].dtype != dtype or args[i].tobytes() != data]
    if changed:
        answer["args_changed"] = changed
        answer["args_changed_names"] = _parameter_names(fn, changed)
    return answer


def _parameter_names(fn, positions: list[int]) -> list[str]:
    """The student's own names of those parameters, for the message ("" where there is none)."""
    try:
        import inspect

        names = list(inspect.signature(fn).parameters)
    except Exception:  # noqa: BLE001 - student code may define a signature that fails
        return []
    return [names[i] if i < len(names) else "" for i in positions]


def _is_array(value) -> bool:
    return type(value).__module__ == "numpy" and type(value).__name__ == "ndarray"


def _describe(exc: BaseException) -> str:
    if isinstance(exc, SystemExit):
        return f"called sys.exit({exc.code!r})"
    if isinstance(exc, SyntaxError):  # (a file holding NUL bytes has neither a name nor a line here)
        where = " in " + os.path.basename(exc.filename) if exc.filename else ""
        line = f" line {exc.lineno}" if exc.lineno else ""
        return f"SyntaxError{where}{line}: {exc.msg}"
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:300]}" if text else type(exc).__name__


def _student_traceback(exc: BaseException) -> str:
    """The traceback frames inside the submission only, for the student to read."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(_submission)]
    lines = [f"  {os.path.basename(f.filename)}, line {f.lineno}, in {f.name}: {(f.line or '').strip()}" for f in frames]
    return "\n".join(lines[-6:])


def serve(submission: str, req_fd: int, resp_fd: int) -> None:
    global _submission
    _submission = os.path.realpath(submission)
    sys.path.insert(0, _submission)
    sys.dont_write_bytecode = True  # leave no __pycache__ in the student's folder
    # A graph of 10,000 Values is tens of thousands of objects: at Python's default threshold (700)
    # the collector runs hundreds of times while one is built, half the time of the build (and a
    # tenth of a 500-epoch training, whose every step makes dicts and tuples).
    gc.set_threshold(*GC_THRESHOLDS)
    write_frame(resp_fd, {"ready": True, "pid": os.getpid()})
    while True:
        request = read_frame(req_fd)
        if request.get("op") == "exit":
            return
        try:
            answer = {"id": request.get("id"), "ok": True} | _call(request)
        except CallError as exc:
            answer = {"id": request.get("id"), "ok": False, "error": exc.payload}
        except Exception as exc:  # a bug or a protocol mismatch: report, keep serving
            answer = {"id": request.get("id"), "ok": False, "error": {"kind": "protocol", "message": repr(exc)[:500]}}
        write_frame(resp_fd, answer)


_submission = ""

if __name__ == "__main__":
    # Serve from the importable module, not __main__, so drivers share its state.
    from grader.worker import serve as _serve

    _serve(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
