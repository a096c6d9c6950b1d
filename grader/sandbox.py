"""Where student code runs during batch grading: a bubblewrap sandbox, or rlimits only.

The worker (grader.worker) is started by grader.student.StudentProcess; this
module only changes *how* it is started, through StudentProcess's `launcher`
hook. Inside the sandbox the worker sees:

- the system (/usr, /etc, /lib...) and the Python installation, read-only;
- the grader package, read-only, with its suites (hidden tests) masked;
- its own submission, read-only at /handed-in and copied into a small
  private tmpfs at /submission (its working folder), so it can write there
  and nothing it writes reaches the disk;
- a private /tmp (tmpfs), a new /proc and /dev, no network, its own pid,
  IPC and UTS namespaces; nothing else: no repository, no solutions, no other
  submission, no output folder.

Limits: rlimits on address space, CPU time and file size (student.py's), and
on the number of processes. RLIMIT_NPROC does not bind root, so when the
grader runs as root the worker drops to a uid of its own (one per grading
process, so one sandbox's fork bomb cannot starve another) before Python
starts; the pid namespace takes every process of the sandbox down with it.

As root, a grading process starts one sandbox holding a zygote with NumPy
imported, and forks every worker from it into namespaces of its own
(grader.zygote): the same view as above, without paying for Python and
NumPy at every submission. Otherwise each worker gets a sandbox by exec.

Without a usable bubblewrap the worker runs with rlimits only, on a scratch
copy on disk, and the caller prints a loud warning (or refuses, with
--require-sandbox).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from grader.student import _limit_resources, _worker_env, boot_program

PROCESS_LIMIT = 32  # processes *and threads* of one sandbox; the worker itself needs 2 or 3
TMP_BYTES = 64 * 1024**2  # the private /tmp
SCRATCH_BYTES = 64 * 1024**2  # the writable copy of the submission
HANDED_IN = "/handed-in"  # the unpacked submission, read-only inside the sandbox
SUBMISSION = "/submission"  # its writable copy (a tmpfs): the worker imports from here
UID_BASE = 1_500_000_000  # + the grading process's pid: a uid no real account uses
SANDBOX_HOSTNAME = "grader-sandbox"

Launcher = Callable[[list, dict, str], tuple]


class SandboxUnavailable(Exception):
    """bubblewrap cannot be used here; the message says why."""


@dataclass
class Prepared:
    """What StudentProcess needs for one submission: the folder to name and how to start the worker."""

    submission: Path  # the path the worker imports from
    launcher: Launcher | None
    scratch: Path | None = None  # a disk copy to delete afterwards (rlimits mode only)
    spawner: Callable | None = None  # instead of launcher: fork the worker (grader.zygote)

    def cleanup(self) -> None:
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)


# --------------------------------------------------------------------------- bubblewrap


def _is_root() -> bool:
    return os.geteuid() == 0


def _python_paths() -> list[Path]:
    """The read-only paths a -I worker needs: the interpreter, its venv, and the grader package."""
    import grader

    paths = [Path(sys.base_prefix), Path(sys.prefix), Path(sys.exec_prefix), Path(grader.__file__).parent]
    paths.append(Path(os.path.realpath(sys.executable)).parent.parent)
    resolved = []
    for path in paths:
        real = Path(os.path.realpath(path))
        for p in (path, real):  # bind under both names: symlinks in the venv point at the real one
            if p.exists() and p not in resolved:
                resolved.append(p)
    return _outermost(resolved)


def _outermost(paths: list[Path]) -> list[Path]:
    """Drop paths inside another one of the list (their parent's bind already shows them)."""
    paths = sorted(set(paths), key=lambda p: len(p.parts))
    kept: list[Path] = []
    for p in paths:
        if not any(p == k or k in p.parents for k in kept):
            kept.append(p)
    return kept


class _Tree:
    """The sandbox's directory tree as bwrap builds it, argument by argument.

    bwrap creates missing parents with mode 0700, which the dropped uid could not
    enter, so every parent is made explicitly, world-readable. Inside a bind the
    host's directories already exist; inside a tmpfs nothing does.
    """

    def __init__(self):
        self.made: set[Path] = {Path("/")}
        self.binds: list[Path] = []

    def in_bind(self, path: Path) -> bool:
        return any(path == m or m in path.parents for m in self.binds)

    def _parents(self, path: Path) -> list[str]:
        args: list[str] = []
        for parent in reversed(path.parents):
            if parent not in self.made and not self.in_bind(parent):
                args += ["--perms", "0755", "--dir", str(parent)]
                self.made.add(parent)
        return args

    def bind(self, option: str, source: Path, path: Path) -> list[str]:
        args = self._parents(path) + [option, str(source), str(path)]
        self.binds.append(path)
        return args

    def tmpfs(self, path: Path, size: int, perms: str) -> list[str]:
        args = self._parents(path) + ["--size", str(size), "--perms", perms, "--tmpfs", str(path)]
        self.made.add(path)
        return args


def _system_view(bwrap: str, tree: _Tree, user_namespace: bool) -> list[str]:
    """What every sandbox sees: namespaces, the read-only system and Python, a private /tmp, suites masked."""
    from grader.course import SUITES_ROOT

    argv = [
        bwrap, "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
        *(["--unshare-user"] if user_namespace else []),
        "--die-with-parent", "--new-session", "--hostname", SANDBOX_HOSTNAME,
    ]
    for name in ("usr", "etc", "bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():  # merged /usr: keep the link, not a second copy of its target
            argv += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            argv += tree.bind("--ro-bind", path, path)
    argv += ["--proc", "/proc", "--dev", "/dev"]
    argv += tree.tmpfs(Path("/tmp"), TMP_BYTES, "1777")  # before the binds: a venv may live in /tmp
    for path in _python_paths():
        if not tree.in_bind(path):
            argv += tree.bind("--ro-bind", path, path)
    for masked in {SUITES_ROOT, Path(os.path.realpath(SUITES_ROOT))}:
        if tree.in_bind(masked):  # the hidden tests are the instructor's, not the student's
            argv += ["--tmpfs", str(masked)]
    return argv


def _bwrap_argv(bwrap: str, original: Path, worker_argv: list[str], uid: int | None) -> list[str]:
    """One sandbox for one worker, started by exec: its submission at /handed-in, copied to /submission."""
    tree = _Tree()
    argv = _system_view(bwrap, tree, user_namespace=uid is None)
    argv += tree.bind("--ro-bind", original, Path(HANDED_IN))
    argv += tree.tmpfs(Path(SUBMISSION), SCRATCH_BYTES, "0777")
    argv += ["--chdir", SUBMISSION, "--"]
    if uid is not None:  # root: become nobody-in-particular before any student code can fork
        setpriv = shutil.which("setpriv") or "setpriv"
        argv += [setpriv, "--reuid", str(uid), "--regid", str(uid), "--clear-groups",
                 "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
    else:  # a user namespace of our own: RLIMIT_NPROC set inside it counts only its processes
        argv += [shutil.which("prlimit") or "prlimit", f"--nproc={PROCESS_LIMIT}:{PROCESS_LIMIT}", "--"]
    script = f'cp -R {HANDED_IN}/. . && exec "$@"'
    # The worker is told the sandbox's name of the folder, not the host's (which says where OUT is).
    worker_argv = [SUBMISSION if arg == str(original) else arg for arg in worker_argv]
    return argv + ["/bin/sh", "-c", script, "sh", *worker_argv]


def _zygote_argv(bwrap: str, staging: Path, user_namespace: bool) -> list[str]:
    """One sandbox for many workers: the zygote, which forks each into namespaces of its own.

    As root the workers drop to a uid of their own; otherwise the zygote lives in a user namespace
    (its capabilities count only there) and the workers drop every capability instead."""
    from grader import zygote

    tree = _Tree()
    argv = _system_view(bwrap, tree, user_namespace=user_namespace)
    argv += tree.bind("--ro-bind", staging, Path(zygote.STAGING))
    argv += ["--perms", "0755", "--dir", zygote.SUBMISSION]  # each worker mounts its own tmpfs here
    capabilities = zygote.USERNS_CAPABILITIES if user_namespace else zygote.CAPABILITIES
    for capability in capabilities:  # the zygote's, to build each worker's sandbox; workers drop all
        argv += ["--cap-add", capability]
    return argv + ["--chdir", "/", "--", sys.executable, "-I", "-S", "-c", boot_program(zygote.BOOT_CALL)]


def _sandbox_env(env: dict) -> dict:
    return dict(env) | {"TMPDIR": "/tmp", "HOME": SUBMISSION, "PATH": "/usr/local/bin:/usr/bin:/bin"}


def _preexec_with_nproc() -> None:
    _limit_resources(PROCESS_LIMIT)


def _become(uid: int) -> None:
    """In the worker before exec, as root: rlimits (NPROC binds once root is gone), then only `uid`:
    no groups, no capabilities left, and no way back (setuid from root drops them all)."""
    _limit_resources(PROCESS_LIMIT)
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)


def _give_to(folder: Path, uid: int) -> None:
    """The scratch copy belongs to the worker's uid: its working folder, which it may write."""
    for root, dirs, files in os.walk(folder):
        os.chown(root, uid, uid)
        for name in dirs + files:
            os.chown(os.path.join(root, name), uid, uid, follow_symlinks=False)


class Bubblewrap:
    """bubblewrap around every worker. Given a staging folder, one sandboxed zygote forks each worker
    from a process with NumPy already imported (grader.zygote); otherwise each worker gets a
    sandbox of its own, started by exec."""

    kind = "bubblewrap"

    def __init__(self, bwrap: str, staging: Path | None = None, *, user_namespace: bool | None = None):
        self.bwrap = bwrap
        self.staging = Path(staging).resolve() if staging is not None else None
        # Not root: the zygote and its workers live in a user namespace of their own.
        self.user_namespace = not _is_root() if user_namespace is None else user_namespace
        self._zygote = None
        self.forking, self.forking_problem = False, ""  # set by choose() after a real probe

    def describe(self) -> str:
        who = "a uid of its own" if _is_root() else "a user namespace"
        how = "; workers forked from a sandboxed zygote with NumPy loaded" if self.forking else ""
        return (f"bubblewrap sandbox ({self.bwrap}): no network, private /tmp, read-only system, "
                f"only its own submission visible, {who}, at most {PROCESS_LIMIT} processes{how}")

    def prepare(self, original: Path) -> Prepared:
        original = Path(original).resolve()
        if self.staging is not None and self.staging in original.parents:
            folder = str(original.relative_to(self.staging))
            return Prepared(original, launcher=None, spawner=lambda *fds: self._spawn(folder, *fds))
        uid = UID_BASE + os.getpid() if _is_root() else None
        bwrap = self.bwrap

        def launcher(argv, env, cwd):
            # As root, NPROC set before bwrap binds the dropped uid (root's own forks are exempt).
            preexec = _preexec_with_nproc if uid is not None else _limit_resources
            return _bwrap_argv(bwrap, original, list(argv), uid), _sandbox_env(env), "/", preexec

        return Prepared(original, launcher)

    def warm(self) -> None:
        """Start the zygote now (forking only), not when the first worker is asked for. A zygote
        that cannot start is left for that first worker to report, as without this call."""
        from grader import zygote

        if self.staging is not None:
            try:
                self._live_zygote()
            except (zygote.ZygoteGone, OSError):
                self.close()

    def _live_zygote(self):
        from grader import zygote

        if self._zygote is None or not self._zygote.alive():
            self.close()
            kept_in_tmp = [str(p) for p in _python_paths() if Path("/tmp") in p.parents]
            # In a user namespace the zygote shares the worker's uid and its count.
            uid, nproc = (None, PROCESS_LIMIT + 1) if self.user_namespace else (UID_BASE + os.getpid(), PROCESS_LIMIT)
            spec = {"uid": uid, "nproc": nproc, "tmp_bytes": TMP_BYTES, "scratch_bytes": SCRATCH_BYTES,
                    "kept_in_tmp": kept_in_tmp}
            self._zygote = zygote.Zygote(_zygote_argv(self.bwrap, self.staging, self.user_namespace),
                                         _sandbox_env(_worker_env()), spec)
        return self._zygote

    def _spawn(self, folder: str, req_r: int, resp_w: int, output: int):
        from grader import zygote

        for attempt in (1, 2):  # a zygote that died (killed, out of memory) is replaced once
            live = self._live_zygote()
            try:
                return live.spawn(folder, req_r, resp_w, output)
            except zygote.ZygoteGone:
                if attempt == 2:
                    raise

    def close(self) -> None:
        if self._zygote is not None:
            self._zygote.close()
            self._zygote = None

    def check(self, work: Path) -> None:
        """Start a real sandboxed Python once; SandboxUnavailable says why it cannot run here."""
        probe = work / "sandbox-probe"
        probe.mkdir(parents=True, exist_ok=True)
        (probe / "probe.py").write_text("import os\nos.listdir('.')\n")
        os.chmod(probe, 0o755)
        os.chmod(probe / "probe.py", 0o644)
        code = "import sys; sys.path.insert(0, '/submission'); import probe, grader.worker, numpy; open('written', 'w').write('ok')"
        argv, env, cwd, preexec = self.prepare(probe).launcher([sys.executable, "-I", "-c", code], {}, "/")
        try:
            done = subprocess.run(argv, env=env, cwd=cwd, preexec_fn=preexec, capture_output=True,
                                  text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SandboxUnavailable(f"{self.bwrap} could not start: {exc}") from None
        finally:
            shutil.rmtree(probe, ignore_errors=True)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
            raise SandboxUnavailable(f"a test sandbox failed: {last[:300]}")

    def check_forking(self, work: Path) -> str:
        """Fork one real worker from a zygote and call into it: "" if that works, else why not."""
        staging = work / "fork-probe"
        return _probe_worker(Bubblewrap(self.bwrap, staging), staging, "a forked worker")


# --------------------------------------------------------------------------- fallback


class RlimitsOnly:
    """No isolation: the worker runs on a disk copy with resource limits only. Given a uid (as root,
    in a Gradescope container say, see rlimits_fallback) it first drops to that uid, so student code
    cannot kill or trace the grader, nor write its results or its installed code."""

    kind = "rlimits"

    def __init__(self, reason: str, *, other_uid: bool = False):
        self.reason = reason
        # one uid per process (each batch grading process has its own), so one submission's
        # processes never count against another's RLIMIT_NPROC
        self.uid = UID_BASE + os.getpid() if other_uid else None

    def describe(self) -> str:
        if self.uid is not None:
            return (f"rlimits only (memory, CPU, file size, at most {PROCESS_LIMIT} processes) as a uid of its "
                    f"own: student code can read what any user can, but cannot write your files or stop the grader")
        procs = "no process limit (RLIMIT_NPROC does not bind root)" if _is_root() else \
            f"at most {PROCESS_LIMIT} processes of this user"
        return f"rlimits only (memory, CPU, file size; {procs}): student code can read and write what you can"

    def prepare(self, original: Path) -> Prepared:
        original = Path(original).resolve()
        scratch = original.parent / "scratch"
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.copytree(original, scratch, symlinks=True)
        preexec = _limit_resources if _is_root() else _preexec_with_nproc
        if self.uid is not None:
            _give_to(scratch, self.uid)
            preexec = functools.partial(_become, self.uid)

        def launcher(argv, env, cwd):
            return list(argv), dict(env) | {"HOME": str(scratch)}, str(scratch), preexec

        return Prepared(scratch, launcher, scratch)

    def check(self, work: Path) -> None:
        return None

    def close(self) -> None:
        return None  # nothing kept running between submissions


def rlimits_fallback(reason: str, work: Path) -> RlimitsOnly:
    """The fallback without bubblewrap. As root, workers run as a uid of their own if a real one can
    (the Python installation must be readable by every user: not under /root, as pyenv puts it);
    otherwise as root, and the reason says why."""
    if not _is_root():
        return RlimitsOnly(reason)
    box = RlimitsOnly(reason, other_uid=True)
    problem = _probe_worker(box, work / "uid-probe")
    if problem:
        return RlimitsOnly(f"{reason}; and workers cannot run as another uid here ({problem})")
    return box


def _probe_worker(box, probe: Path, what: str = "a worker") -> str:
    """Start one real worker through `box` (for a folder under `probe`) and call into it: "" if
    that works, else why not. Closes the box."""
    from grader.student import StudentError, StudentProcess
    from grader.zygote import ZygoteGone

    folder = probe / "probe"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "probe.py").write_text("def answer():\n    return 42\n")
    for path, mode in ((probe, 0o755), (folder, 0o755), (folder / "probe.py", 0o644)):
        os.chmod(path, mode)
    prepared = box.prepare(folder)
    try:
        with StudentProcess(prepared.submission, launcher=prepared.launcher, spawner=prepared.spawner,
                            timeout=60) as student:
            return "" if student.call("probe", "answer") == 42 else f"{what} gave a wrong answer"
    except (StudentError, ZygoteGone, OSError) as exc:
        return f"{what} failed: {str(exc)[:300]}"
    finally:
        prepared.cleanup()
        box.close()
        shutil.rmtree(probe, ignore_errors=True)


def choose(work: Path, *, forking: bool = True) -> Bubblewrap | RlimitsOnly:
    """bubblewrap if it runs here (probed once, for real), else the rlimits fallback with the reason.
    forking=False: one submission only (Gradescope), so no zygote is probed."""
    if sys.platform != "linux":
        return rlimits_fallback(f"bubblewrap exists only on Linux (this is {sys.platform})", work)
    bwrap = os.environ.get("GRADER_BWRAP") or shutil.which("bwrap")
    if not bwrap or not os.path.exists(bwrap):
        return rlimits_fallback("bubblewrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)", work)
    helper = "setpriv" if _is_root() else "prlimit"
    if not shutil.which(helper):
        return rlimits_fallback(f"{helper} (util-linux) is not installed; the sandbox needs it to limit processes",
                                work)
    sandbox = Bubblewrap(bwrap)
    # Workers forked from a zygote: the same sandbox, ~80 ms less CPU per submission. Only if
    # that cannot run here is the sandbox-per-worker (exec) path probed and used.
    sandbox.forking_problem = sandbox.check_forking(work) if forking else "not asked for"
    sandbox.forking = not sandbox.forking_problem
    if not sandbox.forking:
        try:
            sandbox.check(work)
        except SandboxUnavailable as exc:
            return rlimits_fallback(str(exc), work)
    return sandbox
