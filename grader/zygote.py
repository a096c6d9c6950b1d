"""Start sandboxed workers by forking one process that has already imported NumPy.

A fresh `python` plus `import numpy` costs about 80 ms of CPU, more than
grading a small assignment. So each batch grading process starts one
bubblewrap sandbox holding a *zygote*: Python with NumPy and the worker
loaded. For every submission the zygote forks a child that isolates itself
further before any student code runs:

    zygote (in bwrap; as root caps SYS_ADMIN SETUID SETGID CHOWN KILL,
            otherwise SYS_ADMIN inside a user namespace of its own)
      └─ worker, pid 1 of new pid, mount and IPC namespaces: fresh /tmp,
         /proc and /submission (a tmpfs holding a copy of this submission),
         /staging hidden, rlimits, then (as root) a uid of its own, no
         capabilities and no_new_privs; only then student code.

When the worker ends, the kernel kills every process left in its pid
namespace, so nothing a submission started outlives it. The grading
process talks to the zygote over a Unix socket, handing it the worker's
pipes (SCM_RIGHTS) and a control socket, on which the zygote reports the
worker's exit status and by which the grading process has it killed. (A
keeper process per worker did this before: a fork of the zygote more, which
cost about a third of a worker's start.)
"""

from __future__ import annotations

import ctypes
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile

STAGING = "/staging"  # the grading process's unpacked submissions, read-only
SUBMISSION = "/submission"
CAPABILITIES = ("CAP_SYS_ADMIN", "CAP_SETUID", "CAP_SETGID", "CAP_CHOWN", "CAP_KILL")
# The zygote's -c program (run as the worker's: -I -S, import paths named); argv[1] is its socket.
BOOT_CALL = "from grader.zygote import serve_forks; serve_forks(int(sys.argv[1]))"
USERNS_CAPABILITIES = ("CAP_SYS_ADMIN",)  # not root: the zygote's user namespace has one uid, kept by all

_CLONE_NEWNS, _CLONE_NEWPID, _CLONE_NEWIPC = 0x00020000, 0x20000000, 0x08000000
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 1, 2, 4, 8
_MS_REMOUNT, _MS_BIND, _MS_REC, _MS_PRIVATE = 32, 4096, 1 << 14, 1 << 18
_PR_SET_PDEATHSIG, _PR_SET_NO_NEW_PRIVS, _PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL = 1, 38, 47, 4
_CAPABILITY_VERSION_3 = 0x20080522


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


class ZygoteGone(Exception):
    """The zygote is not running (it died, or never started); a new one is needed."""


# --------------------------------------------------------------------------- inside the sandbox


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(libc, source: str, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    _check(libc.mount(source.encode(), target.encode(), fstype and fstype.encode(), flags,
                      data and data.encode()), f"mount {target}")


def serve_forks(sock_fd: int) -> None:
    """The zygote's loop: a spawn request in, a forked worker out; each worker watched until it
    ends (its exit status then goes back on its control socket), or killed when that socket says
    so or closes. Returns never: exits when the grading process closes the socket."""
    # Imported once here, inherited by every fork: NumPy, numpy.random (which numpy itself does
    # not import, and most submissions use: ~10 ms), and the worker's own modules.
    import numpy
    import numpy.random  # noqa: F401 - preloaded for the fork

    import grader.drivers
    import grader.probes  # the suites' trusted test functions (and numpy.polynomial: ~4 ms a worker)
    import grader.student
    import grader.worker  # noqa: F401 - preloaded for the fork (the child imports serve from it)
    import gc

    gc.freeze()  # the collector never visits what the zygote loaded: fewer copied pages per fork
    libc = _libc()
    own_pid_namespace = os.open("/proc/self/ns/pid", os.O_RDONLY)
    sock = socket.socket(fileno=sock_fd)
    sock.sendall(b"ready\n")
    events = select.poll()
    events.register(sock, select.POLLIN)
    running: dict[int, tuple[int, int]] = {}  # pidfd -> (pid, control socket) of each live worker
    controls: dict[int, int] = {}  # control socket -> pid, until it asks for a kill
    while True:
        for fd, _ in events.poll():
            if fd == sock.fileno():
                try:
                    message, fds, _, _ = socket.recv_fds(sock, 4096, 4)
                except OSError:
                    message = b""
                if not message:  # the grading process is done: its workers die with this process
                    os._exit(0)  # (and tearing NumPy down would only make it wait longer)
                pid, pidfd, control = _spawn_worker(libc, own_pid_namespace, json.loads(message), *fds)
                running[pidfd], controls[control] = (pid, control), pid
                events.register(pidfd, select.POLLIN)
                events.register(control, select.POLLIN)
            elif fd in controls:  # a byte or EOF: kill the worker, and with it its namespace
                os.kill(controls.pop(fd), signal.SIGKILL)
                events.unregister(fd)
            elif fd in running:  # the worker ended: say how
                pid, control = running.pop(fd)
                _, status = os.waitpid(pid, 0)
                try:
                    os.write(control, f"{status}\n".encode())
                except OSError:
                    pass
                if controls.pop(control, None) is not None:
                    events.unregister(control)
                events.unregister(fd)
                os.close(fd)
                os.close(control)


def _spawn_worker(libc, own_pid_namespace: int, spec: dict, req_r: int, resp_w: int, output: int,
                  control: int) -> tuple[int, int, int]:
    """(pid, pidfd, control) of a new worker: pid 1 of new pid, mount and IPC namespaces."""
    _check(libc.unshare(_CLONE_NEWPID), "unshare")  # for the next child only
    try:
        pid = os.fork()
        if pid == 0:
            try:
                _check(libc.unshare(_CLONE_NEWNS | _CLONE_NEWIPC), "unshare")
                _mount(libc, "none", "/", None, _MS_REC | _MS_PRIVATE)
                _become_worker(libc, spec, req_r, resp_w, output)
            except BaseException as exc:  # noqa: BLE001 - say why on the worker's output, then go
                os.write(output, f"the sandboxed worker could not start: {exc}\n".encode(errors="replace"))
            finally:
                os._exit(70)
    finally:  # later children back in the zygote's own namespace, ready for the next unshare
        _check(libc.setns(own_pid_namespace, _CLONE_NEWPID), "setns")
    for fd in (req_r, resp_w, output):
        os.close(fd)
    return pid, os.pidfd_open(pid), control


def _become_worker(libc, spec: dict, req_r: int, resp_w: int, output: int) -> None:
    """Pid 1 of a new namespace: build its private filesystem, drop every privilege, serve."""
    _check(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL), "prctl")
    uid = spec["uid"]
    _private_tmp(libc, spec["tmp_bytes"], spec["kept_in_tmp"])
    owner = f",uid={uid},gid={uid}" if uid is not None else ""  # None: the user namespace's own uid
    _mount(libc, "tmpfs", SUBMISSION, "tmpfs", _MS_NOSUID | _MS_NODEV, f"size={spec['scratch_bytes']},mode=0700{owner}")
    source = os.path.join(STAGING, spec["folder"])
    _copy_tree(source, SUBMISSION)
    for root, dirs, files in os.walk(SUBMISSION) if uid is not None else ():
        for name in dirs + files:
            os.chown(os.path.join(root, name), uid, uid, follow_symlinks=False)
    _mount(libc, "tmpfs", STAGING, "tmpfs", _MS_RDONLY | _MS_NOSUID | _MS_NODEV | _MS_NOEXEC, "size=4k")
    _mount(libc, "proc", "/proc", "proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC)
    null = os.open("/dev/null", os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(output, 1)
    os.dup2(output, 2)
    keep = sorted({0, 1, 2, req_r, resp_w})
    for low, high in zip(keep, keep[1:] + [1 << 16]):
        os.closerange(low + 1, high)
    from grader.student import _limit_resources

    _limit_resources(spec["nproc"])
    os.chdir(SUBMISSION)
    os.environ.update(HOME=SUBMISSION, TMPDIR="/tmp")
    if uid is not None:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)  # from root to another uid: every capability is gone
    _drop_capabilities(libc)  # (as another uid already none; in a user namespace, the zygote's)
    _check(libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl")  # and no exec can give any back
    _check(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL), "prctl")  # changing uid cleared it
    if "numpy.random" in sys.modules:  # not the zygote's random state in every worker
        sys.modules["numpy.random"].seed()
    from grader.worker import serve

    code = 0
    try:
        serve(SUBMISSION, req_r, resp_w)
    except SystemExit as exc:  # student code ended the worker itself, as it could in a process of its own
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - the channel broke: the grader sees a dead worker
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - student code may have replaced them
            pass
    os._exit(code)


def _copy_tree(source: str, target: str) -> None:
    """The submission's files, links kept as links; contents only (shutil.copytree's metadata
    calls took most of a worker's set-up time, and shutil.copyfile half of what was left)."""
    for entry in os.scandir(source):
        path = os.path.join(target, entry.name)
        if entry.is_symlink():
            os.symlink(os.readlink(entry.path), path)
        elif entry.is_dir():
            os.mkdir(path)
            _copy_tree(entry.path, path)
        else:
            _copy_file(entry.path, path)


def _copy_file(source: str, target: str) -> None:
    reader = os.open(source, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        writer = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        try:
            while chunk := os.read(reader, 1 << 20):
                view = memoryview(chunk)
                while view:
                    view = view[os.write(writer, view):]
        finally:
            os.close(writer)
    finally:
        os.close(reader)


def _drop_capabilities(libc) -> None:
    """Empty effective, permitted, inheritable and ambient capability sets."""
    _check(libc.capset(ctypes.byref(_CapHeader(_CAPABILITY_VERSION_3, 0)), (_CapData * 2)()), "capset")
    _check(libc.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), "prctl")


def _private_tmp(libc, size: int, kept: list[str]) -> None:
    """A fresh /tmp. Folders of the Python installation that live under /tmp (a venv made in /tmp)
    are bound back in, read-only, from the zygote's view of them (suites still masked)."""
    handles = [(path, os.open(path, os.O_PATH)) for path in kept]
    _mount(libc, "tmpfs", "/tmp", "tmpfs", _MS_NOSUID | _MS_NODEV, f"size={size},mode=1777")
    for path, handle in handles:
        os.makedirs(path, exist_ok=True)
        folder = path
        while folder not in ("/tmp", "/"):
            os.chmod(folder, 0o755)  # root's folders: the student may enter them, not write there
            folder = os.path.dirname(folder)
        _mount(libc, f"/proc/self/fd/{handle}", path, None, _MS_BIND | _MS_REC)
        _mount(libc, "none", path, None, _MS_REMOUNT | _MS_BIND | _MS_RDONLY | _MS_NOSUID | _MS_NODEV)
        os.close(handle)


# --------------------------------------------------------------------------- the grading process's side


class ForkedWorker:
    """The grading process's handle on one forked worker (what subprocess.Popen is for an exec'd one)."""

    def __init__(self, control: socket.socket):
        self.control = control
        self.returncode: int | None = None

    def kill(self) -> None:
        try:
            self.control.send(b"k")
        except OSError:
            pass

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            ready, _, _ = select.select([self.control], [], [], timeout)
            if not ready:
                raise subprocess.TimeoutExpired("worker", timeout)
            text = self.control.recv(64).decode(errors="replace").strip()
            self.returncode = os.waitstatus_to_exitcode(int(text)) if text.lstrip("-").isdigit() else -signal.SIGKILL
            self.control.close()
        return self.returncode


class Zygote:
    """One running zygote; spawn() forks a worker for a folder under the staging directory."""

    def __init__(self, argv: list[str], env: dict, spec: dict):
        self.spec = spec
        self.sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        fd = theirs.fileno()
        self.errors = tempfile.TemporaryFile()  # a file, not a pipe: nobody reads it while all is well
        self.process = subprocess.Popen([*argv, str(fd)], env=env, cwd="/", pass_fds=(fd,),
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=self.errors, start_new_session=True)
        theirs.close()
        self.sock.settimeout(60)
        try:
            hello = self.sock.recv(16)
        except OSError:
            hello = b""
        self.sock.settimeout(None)
        if hello != b"ready\n":
            self.close()
            self.errors.seek(0)
            error = self.errors.read().decode(errors="replace").strip().splitlines()
            raise ZygoteGone(error[-1] if error else f"exit code {self.process.returncode}")

    def spawn(self, folder: str, req_r: int, resp_w: int, output: int) -> ForkedWorker:
        mine, theirs = socket.socketpair()
        try:
            socket.send_fds(self.sock, [json.dumps(self.spec | {"folder": folder}).encode()],
                            [req_r, resp_w, output, theirs.fileno()])
        except OSError as exc:
            mine.close()
            raise ZygoteGone(str(exc)) from None
        finally:
            theirs.close()
        return ForkedWorker(mine)

    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        self.sock.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
