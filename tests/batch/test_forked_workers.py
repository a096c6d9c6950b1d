"""Workers forked from a sandboxed zygote (grader.zygote): as isolated as one sandbox each, and as killable.

Real bubblewrap, real forks, real namespaces; as root, which is how `grader
grade` uses the zygote (CI runs as root). Each test grades tiny submissions
through grader.student.StudentProcess, the way the batch does.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from grader import sandbox
from grader.student import StudentProcess, TimedOut, WorkerDied
from grader.zygote import ZygoteGone

from .classroom import processes_mentioning, python_in_tmp

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the zygote is used only when grading as root")

LINGER = "4321.1234"  # a process a submission leaves behind sleeps this long: easy to find in /proc

FACTS = """
import os, socket, subprocess

def facts():
    status = dict(line.split(":\\t", 1) for line in open("/proc/self/status").read().splitlines() if ":\\t" in line)
    return {
        "uid": os.getuid(), "pid": os.getpid(), "cap_eff": status["CapEff"].strip(),
        "no_new_privs": status["NoNewPrivs"].strip(), "cwd": os.getcwd(), "files": sorted(os.listdir(".")),
        "tmp": sorted(os.listdir("/tmp")), "staging": sorted(os.listdir("/staging")),
        "processes": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
        "interfaces": [name for _, name in socket.if_nameindex()],
    }

def leave_traces():
    open("/tmp/left-by-a-submission", "w").close()
    open("written-here", "w").close()
    subprocess.Popen(["sleep", "%s"], start_new_session=True)
    return True

def leave():
    os._exit(3)

def hang():
    while True:
        pass
""" % LINGER


@pytest.fixture(params=[False, True], ids=["own uid", "user namespace"])
def box(tmp_path, request):
    """Both ways a zygote runs: as root, workers drop to a uid of their own; as anyone else, the
    zygote lives in a user namespace and workers drop every capability (forced here, as root: the
    same code, though a process limit cannot bind the real root it maps to)."""
    bwrap = shutil.which("bwrap")
    assert bwrap, "bubblewrap is not installed (.ci/run installs it)"
    staging = tmp_path / "staging"
    staging.mkdir(mode=0o755)
    sandboxed = sandbox.Bubblewrap(bwrap, staging, user_namespace=request.param)
    yield sandboxed
    sandboxed.close()


def _submission(box, name: str) -> StudentProcess:
    folder = box.staging / name
    folder.mkdir(mode=0o755)
    (folder / "probe.py").write_text(textwrap.dedent(FACTS))
    return StudentProcess(folder, spawner=box.prepare(folder).spawner, timeout=5)


def test_the_grader_forks_workers_here(tmp_path):
    chosen = sandbox.choose(tmp_path)
    assert chosen.kind == "bubblewrap" and chosen.forking, getattr(chosen, "forking_problem", chosen.describe())
    assert "forked from a sandboxed zygote" in chosen.describe()  # what `grader grade` prints at the end


def test_a_forked_worker_has_no_privilege_and_sees_only_its_own_copy(box):
    with _submission(box, "alice") as alice:
        facts = alice.call("probe", "facts")
    assert box.user_namespace or facts["uid"] >= sandbox.UID_BASE
    assert int(facts["cap_eff"], 16) == 0 and facts["no_new_privs"] == "1"
    assert facts["pid"] == 1 and facts["processes"] == [1]  # a pid namespace of its own
    assert facts["cwd"] == "/submission" and facts["files"] == ["probe.py"]
    assert facts["staging"] == [] and facts["tmp"] == python_in_tmp() and facts["interfaces"] == ["lo"]


def test_the_workers_copy_holds_every_file_byte_for_byte(box):
    folder = box.staging / "copied"
    folder.mkdir(mode=0o755)
    (folder / "probe.py").write_text(textwrap.dedent(FACTS) + textwrap.dedent("""
        import hashlib, os
        def listing():
            found = {}
            for root, dirs, files in os.walk("."):
                for name in files + dirs:
                    path = os.path.join(root, name)
                    found[path] = ("link:" + os.readlink(path) if os.path.islink(path)
                                   else "dir" if os.path.isdir(path)
                                   else hashlib.sha256(open(path, "rb").read()).hexdigest())
            return found
    """))
    (folder / "data").mkdir(mode=0o755)
    big = os.urandom(3 * 1024 * 1024 + 17)  # over the copy's 1 MiB chunks
    (folder / "data" / "weights.bin").write_bytes(big)
    (folder / "data" / "empty.txt").write_bytes(b"")
    os.symlink("data/weights.bin", folder / "shortcut")
    with StudentProcess(folder, spawner=box.prepare(folder).spawner, timeout=5) as worker:
        found = worker.call("probe", "listing")
    import hashlib

    assert found["./data/weights.bin"] == hashlib.sha256(big).hexdigest()
    assert found["./data/empty.txt"] == hashlib.sha256(b"").hexdigest()
    assert found["./shortcut"] == "link:data/weights.bin" and found["./data"] == "dir"
    assert found["./probe.py"] == hashlib.sha256((folder / "probe.py").read_bytes()).hexdigest()


def test_nothing_a_submission_leaves_reaches_the_next_one(box):
    with _submission(box, "first") as first:
        assert first.call("probe", "leave_traces") is True
        time.sleep(0.2)
        assert processes_mentioning(LINGER), "the lingering process should run while its worker does"
    assert processes_mentioning(LINGER) == []  # gone with the worker's pid namespace
    with _submission(box, "second") as second:
        facts = second.call("probe", "facts")
    assert facts["tmp"] == python_in_tmp() and facts["files"] == ["probe.py"] and facts["processes"] == [1]
    assert not (box.staging / "first" / "written-here").exists()  # it wrote into its tmpfs copy only


def test_an_exit_is_reported_and_a_hang_is_killed(box):
    with _submission(box, "leaver") as leaver:
        with pytest.raises(WorkerDied, match="exit code 3"):
            leaver.call("probe", "leave")
    with _submission(box, "hanger") as hanger:
        with pytest.raises(TimedOut, match="did not finish within 1 s"):
            hanger.call("probe", "hang", timeout=1)
        assert hanger.call("probe", "facts")["pid"] == 1  # a fresh worker for the next call


def _children_of(pid: int) -> list[tuple[int, str]]:
    """(pid, state) of the processes whose parent is pid (state Z: ended, not yet reaped)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append((int(entry.name), fields[0]))
    return found


def _zygote_pid(box) -> int:
    """The zygote's own pid, under bubblewrap's process(es)."""
    pending = [box._zygote.process.pid]
    while pending:
        pid = pending.pop()
        if b"serve_forks" in Path(f"/proc/{pid}/cmdline").read_bytes() and \
                Path(f"/proc/{pid}/comm").read_text().strip() != "bwrap":
            return pid
        pending += [child for child, _ in _children_of(pid)]
    raise AssertionError("no zygote under bubblewrap")


def test_workers_alive_together_are_apart_and_each_is_killed_and_reaped_alone(box):
    with _submission(box, "one") as one, _submission(box, "two") as two:
        first, second = one.call("probe", "facts"), two.call("probe", "facts")
        assert first["processes"] == second["processes"] == [1]  # neither sees the other
        assert first["files"] == second["files"] == ["probe.py"]
        zygote = _zygote_pid(box)
        assert len(_children_of(zygote)) == 2  # the two workers, each the zygote's own child
        one.kill()
        with pytest.raises(WorkerDied, match="SIGKILL"):
            one.call("probe", "facts")
        assert two.call("probe", "facts")["pid"] == 1  # the other one goes on
    time.sleep(0.2)
    assert _children_of(zygote) == []  # both gone and reaped (no zombie left behind)


def test_a_dead_zygote_is_replaced(box):
    with _submission(box, "before") as before:
        assert before.call("probe", "facts")["files"] == ["probe.py"]
    os.killpg(box._zygote.process.pid, 9)
    box._zygote.process.wait()
    with _submission(box, "after") as after:
        assert after.call("probe", "facts")["files"] == ["probe.py"]


def test_a_warmed_box_has_its_zygote_running_before_any_worker_and_forks_from_it(box):
    box.warm()
    zygote = box._zygote
    assert zygote is not None and zygote.alive()
    with _submission(box, "first") as first:
        assert first.call("probe", "facts")["files"] == ["probe.py"]
    assert box._zygote is zygote  # the same zygote: not started again for the first worker


def test_warming_a_box_whose_zygote_cannot_start_leaves_the_failure_to_the_first_worker(tmp_path):
    staging = tmp_path / "staging"
    staging.mkdir(mode=0o755)
    broken = sandbox.Bubblewrap("/bin/false", staging)  # exits at once: no zygote ever says ready
    broken.warm()  # no exception here: grading has not started
    assert broken._zygote is None
    folder = staging / "student"
    folder.mkdir(mode=0o755)
    (folder / "probe.py").write_text(textwrap.dedent(FACTS))
    with pytest.raises(ZygoteGone, match="exit code 1"):  # as without warm(): the same report
        with StudentProcess(folder, spawner=broken.prepare(folder).spawner, timeout=5) as student:
            student.call("probe", "facts")


def test_without_a_staging_folder_each_worker_gets_a_sandbox_of_its_own(tmp_path):
    folder = tmp_path / "solo"
    folder.mkdir(mode=0o755)
    (folder / "probe.py").write_text(textwrap.dedent(FACTS).replace('sorted(os.listdir("/staging"))', "[]"))
    exec_box = sandbox.Bubblewrap(shutil.which("bwrap"))
    prepared = exec_box.prepare(folder)
    assert prepared.spawner is None
    with StudentProcess(prepared.submission, launcher=prepared.launcher, timeout=10) as student:
        facts = student.call("probe", "facts")
    assert facts["uid"] >= sandbox.UID_BASE and int(facts["cap_eff"], 16) == 0
    assert facts["cwd"] == "/submission" and facts["interfaces"] == ["lo"]


def test_python_folders_under_tmp_stay_importable_behind_the_private_tmp(tmp_path, monkeypatch):
    """A venv or checkout made in /tmp (as CI does) is bound back in, read-only, over the fresh /tmp."""
    installed = Path(tempfile.mkdtemp(dir="/tmp", prefix="venv-like-"))
    try:
        (installed / "lib").mkdir()
        (installed / "lib" / "helper_under_tmp.py").write_text("VALUE = 7\n")
        for path in (installed, installed / "lib"):
            os.chmod(path, 0o755)
        real = sandbox._python_paths
        monkeypatch.setattr(sandbox, "_python_paths", lambda: real() + [installed])
        staging = tmp_path / "staging"
        staging.mkdir(mode=0o755)
        forking = sandbox.Bubblewrap(shutil.which("bwrap"), staging)
        folder = staging / "student"
        folder.mkdir(mode=0o755)
        (folder / "probe.py").write_text(textwrap.dedent(f"""
            import os, sys
            sys.path.append({str(installed / 'lib')!r})

            def look():
                import helper_under_tmp
                try:
                    open({str(installed / 'lib' / 'written')!r}, "w").close()
                    writable = True
                except OSError:
                    writable = False
                return helper_under_tmp.VALUE, writable, sorted(os.listdir("/tmp"))
        """))
        try:
            with StudentProcess(folder, spawner=forking.prepare(folder).spawner, timeout=10) as student:
                value, writable, in_tmp = student.call("probe", "look")
        finally:
            forking.close()
        assert value == 7 and writable is False
        assert in_tmp == python_in_tmp()  # the Python folders (the patched ones too), nothing else of the host's /tmp
        assert not (installed / "lib" / "written").exists()
    finally:
        shutil.rmtree(installed, ignore_errors=True)
