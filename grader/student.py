"""The grader's side of the worker: calls student code in another process.

Suites use it as `student.losses.mse_grad(y_pred, y)`; the call goes over a
pipe to the worker, with a timeout, and comes back as plain data. Whatever
goes wrong in there arrives here as a StudentError with a message written
for the student.
"""

from __future__ import annotations

import ast
import functools
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grader.ahead import Ahead, Plan
from grader.codec import (
    ChannelClosed,
    CodecError,
    FrameTimeout,
    WireRef,
    encode_frame,
    from_wire,
    printable,
    read_frame,
    to_wire,
    write_encoded,
)
from grader.threads import BLAS_THREAD_VARIABLES

DEFAULT_TIMEOUT = 10.0
START_TIMEOUT = 60.0


class StudentError(Exception):
    """Student code could not give an answer; the message says why, for the student."""

    def __init__(self, message: str, exc_type: str = "", exc_types: tuple[str, ...] = ()):
        super().__init__(message)
        self.exc_type = exc_type  # the exception class student code raised, if it raised one
        self.exc_types = exc_types or ((exc_type,) if exc_type else ())  # it and the classes it derives from

    def raised(self, name: str) -> bool:
        """Whether student code raised a `name` (the class itself, or one derived from it)."""
        return name in self.exc_types

    def explained(self, more: str) -> StudentError:
        """The same failure with `more` said after its message (what it raised stays known)."""
        return StudentError(f"{self}{more}", self.exc_type, self.exc_types)


class NotImplementedYet(StudentError):
    pass


class TimedOut(StudentError):
    pass


class WorkerDied(StudentError):
    pass


class InputModified(StudentError):
    pass


class Trusted(WireRef):
    """A grader function passed to student code by name (it is imported in the worker)."""

    def __init__(self, path: str, *, factory: bool = False, **kwargs):
        self.path, self.factory, self.kwargs = path, factory, kwargs

    def __wire__(self) -> dict:
        return {"__fn__": self.path, "factory": self.factory, "kwargs": {k: to_wire(v) for k, v in self.kwargs.items()}}


class StudentAttr(WireRef):
    """A name from the submission (e.g. the class autodiff.Value) passed to a trusted driver."""

    def __init__(self, module: str, name: str):
        self.module, self.name = module, name

    def __wire__(self) -> dict:
        return {"__student__": [self.module, self.name]}


class Handle(WireRef):
    """An object kept in the worker (a callable a student function returned)."""

    def __init__(self, student: StudentProcess, number: int, label: str):
        self.student, self.number, self.label = student, number, label

    def __wire__(self) -> dict:
        return {"__handle__": self.number}

    def __call__(self, *args, timeout: float | None = None, **kwargs):
        return self.student.request({"handle": self.number}, self.label, args, kwargs, timeout=timeout)


class _Function:
    def __init__(self, student: StudentProcess, module: str, name: str):
        self.student, self.module, self.name = student, module, name

    def __call__(self, *args, timeout: float | None = None, allow_warnings: bool = True, **kwargs):
        return self.student.call(self.module, self.name, *args, timeout=timeout,
                                 allow_warnings=allow_warnings, **kwargs)

    def returning_handle(self, *args, timeout: float | None = None, **kwargs) -> Handle:
        """Call, keeping the result in the worker (for functions that return functions)."""
        return self.student.call(self.module, self.name, *args, timeout=timeout, want="handle", **kwargs)


class _Module:
    def __init__(self, student: StudentProcess, name: str):
        self._student, self._name = student, name

    def __getattr__(self, name: str) -> _Function:
        if name.startswith("_"):
            raise AttributeError(name)
        return _Function(self._student, self._name, name)


class StudentProcess:
    """One worker process for one submission folder, restarted when it dies."""

    def __init__(self, submission: Path, *, timeout: float = DEFAULT_TIMEOUT, launcher=None, spawner=None,
                 cwd: Path | None = None, plan: Plan | None = None):
        self.submission = Path(submission).resolve()
        self.timeout = timeout
        self.launcher = launcher  # sandbox hook: (argv, env, cwd) -> (argv, env, cwd, preexec_fn)
        self.spawner = spawner  # or a forking sandbox: (req_r, resp_w, output_fd) -> a process handle
        self.cwd = Path(cwd) if cwd else self.submission
        self._proc: _Exec | None = None  # or a grader.zygote.ForkedWorker: kill() and wait() alike
        self._ready = False
        self._handles = 0  # handles the worker holds, numbered by the grader
        self._next_id = 0
        self._broken: dict[str, str] = {}  # module or function -> why it is not called again
        self._imported: dict[str, None] = {}  # the modules this worker imported, in order
        self.output = tempfile.TemporaryFile()
        self._plan = plan  # a batch's: requests to send ahead (grader.ahead)
        self._ahead: Ahead | None = None
        self.history: list[bytes] | None = [] if plan is not None else None  # while one worker serves
        self.stopped: str | None = None  # why grading of this submission was stopped (its time budget)

    # -- life cycle ---------------------------------------------------------
    def start(self) -> None:
        if self._proc is not None:
            return
        req_r, self._req_w = os.pipe()
        os.set_blocking(self._req_w, False)  # a write waits for the worker no longer than a call may
        self._resp_r, resp_w = os.pipe()
        try:
            if self.spawner is not None:
                self._proc = self.spawner(req_r, resp_w, self.output.fileno())
            else:
                self._proc = self._exec(req_r, resp_w)
        finally:
            os.close(req_r)
            os.close(resp_w)
        self._ready = False
        self._imported.clear()
        self._handles = 0  # handles this worker holds; the grader numbers them (see request)
        if self._next_id == 0 and self._plan is not None:  # a round's first worker
            self._ahead = self._plan.follow(self._req_w)

    def close(self) -> None:
        if self._proc is None:
            return
        try:  # a courtesy: the worker is killed next, so never wait for room in its pipe
            write_encoded(self._req_w, encode_frame({"op": "exit"}), time.monotonic())
        except (OSError, FrameTimeout):
            pass
        self._kill(ending=True)

    def _kill(self, ending: bool = False) -> None:
        proc, self._proc = self._proc, None
        self._ahead = None
        if not ending:  # a worker killed mid-round: the requests it saw are not a plan
            self.history = None
        if proc is None:
            return
        proc.kill()
        proc.wait()
        for fd in (self._req_w, self._resp_r):
            try:
                os.close(fd)
            except OSError:
                pass

    def _exec(self, req_r: int, resp_w: int) -> _Exec:
        argv = [sys.executable, "-I", "-S", "-c", _worker_boot(), str(self.submission), str(req_r), str(resp_w)]
        env = _worker_env()
        cwd, preexec = str(self.cwd), _limit_resources
        if self.launcher is not None:
            argv, env, cwd, preexec = self.launcher(argv, env, cwd)
        return _Exec(subprocess.Popen(
            argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=self.output, stderr=self.output,
            pass_fds=(req_r, resp_w), start_new_session=True, preexec_fn=preexec,
        ))

    def kill(self) -> None:
        """Kill the worker and whatever it started (from any thread); the call waiting on it fails."""
        proc = self._proc
        if proc is not None:
            proc.kill()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.close()

    # -- calls ----------------------------------------------------------------
    def __getattr__(self, module: str) -> _Module:
        if module.startswith("_"):
            raise AttributeError(module)
        return _Module(self, module)

    def call(self, module: str, name: str, *args, timeout=None, want="value", allow_warnings=True, **kwargs):
        label = f"{module}.{name}"
        if self.stopped:  # not "could not be imported": nothing more is run at all
            raise TimedOut(self.stopped)
        if label in self._broken:
            raise TimedOut(self._broken[label])
        self._ensure_imported(module)
        try:
            return self.request({"student": [module, name]}, label, args, kwargs, timeout=timeout, want=want,
                                allow_warnings=allow_warnings)
        except TimedOut as exc:
            self._broken[label] = f"{label} was not called again: it timed out in an earlier test ({exc})"
            raise

    def trusted(self, path: str, *args, timeout=None, **kwargs):
        """Run a grader driver in the worker (it may touch student objects there)."""
        return self.request({"trusted": path}, path.rpartition(":")[2], args, kwargs, timeout=timeout)

    def _ensure_imported(self, module: str) -> None:
        if module in self._broken:
            raise StudentError(self._broken[module])
        if module in self._imported and self._proc is not None:
            return
        try:
            self.request({"trusted": "grader.drivers:import_module"}, f"importing {module}.py", (module,), {})
        except (TimedOut, WorkerDied) as exc:
            self._broken[module] = f"{module}.py could not be imported: {exc}"
            raise StudentError(self._broken[module]) from None
        self._imported[module] = None

    def request(self, target: dict, label: str, args, kwargs, *, timeout=None, want="value", allow_warnings=True):
        if self.stopped:  # the submission's time is up: no worker is started again
            raise TimedOut(self.stopped)
        self.start()
        self._await_ready()
        message = {
            "op": "call", "id": self._next_id + 1, "target": target,
            "args": to_wire(list(args)), "kwargs": to_wire(dict(kwargs)), "want": want,
            "watch_args": want == "value",
        }
        if want == "handle":  # numbered here, not by the worker, whose answers may lie
            message["handle"] = self._handles + 1
        frame = encode_frame(message)
        if self._ahead is not None and not self._ahead.expect(frame):
            self._leave_plan()  # makes requests of its own: this one comes after them
            message["id"] = self._next_id + 1
            if want == "handle":
                message["handle"] = self._handles + 1
            frame = encode_frame(message)
        self._next_id += 1
        if self.history is not None:
            self.history.append(frame)
        limit = self.timeout if timeout is None else timeout
        try:
            if self._ahead is None:
                write_encoded(self._req_w, frame, time.monotonic() + limit)
            else:
                self._ahead.send(time.monotonic() + limit)
            answer = read_frame(self._resp_r, timeout=limit)
            if self._ahead is not None:
                self._ahead.answered()
        except FrameTimeout:
            self._kill()
            raise TimedOut(f"{label} did not finish within {limit:g} s (an endless loop?)") from None
        except (ChannelClosed, BrokenPipeError):
            if self.stopped:  # killed because the submission's time ran out, not by a limit
                self._kill()
                raise TimedOut(f"{label}: {self.stopped}") from None
            raise WorkerDied(f"the process running your code ended during {label} ({self._exit_reason()})") from None
        except CodecError as exc:
            self._kill()
            raise WorkerDied(f"the answer of {label} was garbled ({exc}); did your code write to the grader's channel?") from None
        if not isinstance(answer, dict) or answer.get("id") != self._next_id:
            self._kill()
            raise WorkerDied(f"the answer of {label} was out of step with the question; did your code write to the grader's channel?")
        if not answer.get("ok"):
            raise self._error(label, answer.get("error") or {})
        if want == "handle":
            self._handles += 1
            return Handle(self, self._handles, f"the function returned by {label}")
        try:
            value = from_wire(answer.get("value"))
            changed = [int(i) for i in answer.get("args_changed") or []]
        except (CodecError, AttributeError, TypeError, ValueError, RecursionError) as exc:
            raise WorkerDied(f"the answer of {label} was garbled ({exc})") from None
        if changed:
            names = answer.get("args_changed_names") or []
            name = names[0] if names and isinstance(names[0], str) and names[0].isidentifier() else ""
            which = f"{name[:40]} (argument #{changed[0] + 1})" if name else f"argument #{changed[0] + 1}"
            raise InputModified(f"{label} changed its {which} in place; work on a copy (x = x.copy())")
        warned = answer.get("warnings") or []
        if warned and not allow_warnings:
            raise StudentError(f"{label} caused a warning ({printable(warned[0], 200)}); it must compute without any "
                               f"warning for these inputs", "Warning")
        return value

    def _leave_plan(self) -> None:
        """The tests asked for something the plan does not hold (grader.ahead): the worker may have
        run requests they do not want, so a fresh one, with the same modules imported in the same
        order, takes over, one call at a time. (Handles the old worker kept are gone with it: no
        test asks for one after a request of its own left the plan.)"""
        imported = list(self._imported)
        self._kill()
        for module in imported:
            try:
                self._ensure_imported(module)
            except StudentError:  # it imported before: its own calls will report what changed
                pass

    def _await_ready(self) -> None:
        if self._ready:
            return
        try:
            hello = read_frame(self._resp_r, timeout=START_TIMEOUT)
        except (FrameTimeout, ChannelClosed, CodecError):
            reason = self._exit_reason()
            self._kill()
            raise WorkerDied(f"the grader's worker did not start ({reason}): {self.output_tail()}") from None
        self._ready = bool(isinstance(hello, dict) and hello.get("ready"))

    def _error(self, label: str, error: dict) -> StudentError:
        # Everything here comes from the worker, that is from student code: shown only as printable text.
        # The message is one line (the worker keeps an exception's first): a line break in it (one
        # in a class name, say) could only dress up student text as the grader's own lines.
        kind, text = error.get("kind"), printable(" ".join(str(error.get("message", "")).splitlines()), 500)
        label = printable(error.get("label") or label, 200)
        where = ("\n" + printable(error["traceback"], 4000)) if error.get("traceback") else ""
        if kind == "student" and error.get("type") == "NotImplementedError":
            module, _, name = label.partition(".")
            summary = docstring_summary(self.submission / f"{module}.py", name)
            return NotImplementedYet(f"{label} is not implemented yet" + (f": {summary}" if summary else ""))
        if kind == "student":
            types = error.get("types")
            types = tuple(printable(t, 100) for t in types[:12]) if isinstance(types, list) else ()
            return StudentError(f"{label} raised {text}{where}", printable(error.get("type", ""), 100), types)
        if kind == "import":
            module = label.removeprefix("importing ").partition(".")[0]  # "importing rules.py" or "rules.f"
            return StudentError(f"{module}.py could not be imported: {text}{where}")
        if kind in ("missing_module", "missing_function"):
            return StudentError(text)
        if kind == "unencodable":
            return StudentError(f"{label} {text}")
        return StudentError(f"{label}: {text}")

    def _exit_reason(self) -> str:
        proc = self._proc
        if proc is None:
            return "it was stopped"
        try:
            code = proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            code = None
        self._kill()
        if code is None:
            return "it closed the grader's channel"
        if code < 0:
            name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
            hint = {"SIGKILL": "out of memory or over a limit?", "SIGXCPU": "over the CPU time limit",
                    "SIGXFSZ": "wrote too large a file", "SIGSEGV": "a crash"}.get(name, "")
            return f"killed by {name}" + (f": {hint}" if hint else "")
        return f"exit code {code}: did your code call os._exit() or exit()?"

    def output_tail(self, limit: int = 2000) -> str:
        self.output.seek(0, os.SEEK_END)
        size = self.output.tell()
        self.output.seek(max(0, size - limit))
        return printable(self.output.read().decode(errors="replace"), limit)  # what student code printed


class _Exec:
    """A worker started by exec in a session of its own."""

    def __init__(self, popen: subprocess.Popen):
        self.popen = popen

    def kill(self) -> None:
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)  # the whole group: children it forked too
        except (ProcessLookupError, PermissionError):
            pass

    def wait(self, timeout: float | None = None) -> int:
        return self.popen.wait(timeout)


def docstring_summary(path: Path, name: str) -> str:
    """First docstring line of a function or class in a file, read without running it."""
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return ""
    return _docstring_summaries(str(path), stamp).get(name, "")


@functools.lru_cache(maxsize=64)
def _docstring_summaries(path: str, stamp: int) -> dict[str, str]:
    """Every summary line of one version of a file: an untouched stub fails ~100 tests, parse it once."""
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8", errors="replace"))
    except (OSError, SyntaxError, ValueError):
        return {}
    summaries: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name not in summaries:
            doc = (ast.get_docstring(node) or "").strip()
            summaries[node.name] = doc.splitlines()[0] if doc else ""
    return summaries


def worker_import_paths() -> list[str]:
    """Where grader and NumPy come from, for a `python -I -S` that has no site to find them."""
    import site

    import grader

    return [str(Path(grader.__file__).resolve().parent.parent), *site.getsitepackages()]


def boot_program(call: str) -> str:
    """A -c program for `python -I -S` that runs `call`. -S skips site (its .pth files and the
    editable-install finder cost CPU at every start), so the places grader and NumPy come from
    are named here, after the standard library as site would put them."""
    paths = worker_import_paths()
    # site would also have made exit() and quit(); student code may call them
    return f"import sys, builtins; sys.path += {paths!r}; builtins.exit = builtins.quit = sys.exit; {call}"


def _worker_boot() -> str:
    return boot_program("from grader.worker import serve; serve(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))")


def _worker_env() -> dict:
    keep = ("PATH", "LANG", "LC_ALL", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "SYSTEMROOT", "TMPDIR")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    # One thread per worker: batch grading runs one worker per core.
    env |= dict.fromkeys(BLAS_THREAD_VARIABLES, "1") | {"PYTHONHASHSEED": "0"}
    return env


MEMORY_LIMIT = 4 * 1024**3
FILE_SIZE_LIMIT = 64 * 1024**2
CPU_SECONDS_LIMIT = 600


def _limit_resources(processes: int | None = None) -> None:
    """rlimits for the worker (in the child before exec, or in a forked worker); `processes`
    also caps the processes of its user (RLIMIT_NPROC, which never binds root)."""
    import resource

    limits = [(resource.RLIMIT_AS, MEMORY_LIMIT), (resource.RLIMIT_FSIZE, FILE_SIZE_LIMIT),
              (resource.RLIMIT_CPU, CPU_SECONDS_LIMIT), (resource.RLIMIT_CORE, 0)]
    for limit, value in limits:
        try:
            resource.setrlimit(limit, (value, value))
        except (ValueError, OSError):
            pass
    if processes is not None:
        resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
