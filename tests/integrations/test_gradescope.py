"""The Gradescope bundle, unpacked into a folder laid out like /autograder and run for real.

AUTOGRADER_ROOT moves the root, so nothing here needs root paths. setup.sh runs
whole (it finds Python 3.11, skips apt, makes its venv and installs the grader
and its dependencies from the bundle's wheels, offline); run_autograder grades
real submissions and results.json is checked against the specification's fields.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import stat
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest

from grader.course import load_day
from tests.conftest import SOLUTIONS
from grader.integrations.wheel import project
from tests.integrations.conftest import GRADER, grader, offline_pip_env, run

DAY = load_day("day13")
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}
BROKEN = ("return 2 * (np.asarray(y_pred)", "return (np.asarray(y_pred)")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory, wheelhouse) -> Path:
    out = tmp_path_factory.mktemp("export") / "autograder.zip"
    made = grader("export", "gradescope", "day13", "-o", out, "--wheels", wheelhouse)
    assert made.returncode == 0, made.stderr
    return out


@pytest.fixture(scope="module")
def autograder(tmp_path_factory, bundle, wheelhouse) -> Path:
    """A folder like /autograder after Gradescope built the image: source/, run_autograder, venv/."""
    return built_root(tmp_path_factory.mktemp("autograder"), bundle)


def unpack(bundle: Path, root: Path) -> None:
    with zipfile.ZipFile(bundle) as zf:
        for member in zf.infolist():
            zf.extract(member, root / "source")
            mode = member.external_attr >> 16
            if mode:
                (root / "source" / member.filename).chmod(mode)


def built_root(root: Path, bundle: Path, **env) -> Path:
    """Unpack the bundle into root/source and run its setup.sh, offline (env: more variables)."""
    unpack(bundle, root)
    shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
    # Offline: pip may use nothing but the bundle's wheels (PIP_FIND_LINKS points at an empty folder).
    empty = root / "no-index"
    empty.mkdir()
    setup = run(["bash", root / "source" / "setup.sh"], cwd=root / "source",
                env=offline_pip_env(empty, AUTOGRADER_ROOT=root) | env, timeout=600)
    assert setup.returncode == 0, setup.stdout + setup.stderr
    assert "from PyPI" not in setup.stdout
    assert (root / "venv" / "bin" / "grader").exists()
    return root


def grade(root: Path, files: dict[str, str], **env) -> dict:
    """Put a submission in place, run run_autograder as Gradescope does, return results.json."""
    submission = root / "submission"
    shutil.rmtree(submission, ignore_errors=True)
    shutil.rmtree(root / "results", ignore_errors=True)
    for name, text in files.items():
        (submission / name).parent.mkdir(parents=True, exist_ok=True)
        (submission / name).write_text(text)
    result = run([root / "run_autograder"], cwd=root, env=offline_pip_env(root, AUTOGRADER_ROOT=root) | env)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads((root / "results" / "results.json").read_text())


def valid(results: dict) -> dict:
    """Check results.json against the autograder specification's fields; return it."""
    assert isinstance(results["score"], float)
    assert isinstance(results["execution_time"], (int, float)) and results["execution_time"] >= 0
    assert isinstance(results["output"], str) and results["stdout_visibility"] in VISIBILITIES
    assert results["tests"], "one entry per test"
    for test in results["tests"]:
        assert isinstance(test["name"], str) and test["name"]
        assert isinstance(test["score"], (int, float)) and isinstance(test["max_score"], (int, float))
        assert 0 <= test["score"] <= test["max_score"]
        assert isinstance(test["output"], str) and test["output"]
        assert test["visibility"] in VISIBILITIES and test["status"] in ("passed", "failed")
        assert isinstance(test["execution_time"], float) and test["execution_time"] >= 0
        assert isinstance(test["number"], str) and isinstance(test["tags"], list)
    assert results["score"] == pytest.approx(sum(t["score"] for t in results["tests"]), abs=1e-4)
    assert sum(t["max_score"] for t in results["tests"]) == pytest.approx(DAY.max_score, abs=1e-4)
    return results


def test_the_zip_follows_the_layout_gradescope_asks_for(bundle):
    with zipfile.ZipFile(bundle) as zf:
        names = set(zf.namelist())
        modes = {m.filename: m.external_attr >> 16 for m in zf.infolist()}
        wheels = [n for n in names if n.startswith("wheels/calc4ml_grader-")]
        assert {"setup.sh", "run_autograder"} <= names and len(wheels) == 1
        assert modes["setup.sh"] & stat.S_IXUSR and modes["run_autograder"] & stat.S_IXUSR
        assert any(n.startswith("wheels/numpy-") for n in names)  # the dependencies ride along
        with zf.open(wheels[0]) as raw, zipfile.ZipFile(raw) as wheel:
            inside = wheel.namelist()
    assert "grader/suites/day13/test_losses.py" in inside
    assert "grader/suites/day13/hidden/test_losses.py" in inside  # Gradescope grades with the hidden tests


def test_setup_sh_installs_the_bundled_grader_when_the_index_offers_a_higher_version(tmp_path, index_with_impostor):
    # No dependency wheels in the bundle: setup.sh needs the index, where anyone may upload a calc4ml-grader 99.0.
    bundle = tmp_path / "autograder.zip"
    assert grader("export", "gradescope", "day13", "-o", bundle).returncode == 0
    root = tmp_path / "root"
    unpack(bundle, root)
    setup = run(["bash", root / "source" / "setup.sh"], cwd=root / "source",
                env=offline_pip_env(index_with_impostor, AUTOGRADER_ROOT=root), timeout=600)
    assert setup.returncode == 0, setup.stdout + setup.stderr
    assert f"grader {project().version}" in setup.stdout  # setup.sh's `grader --version`, not the impostor


def test_missing_dependency_wheels_are_named_in_a_warning(tmp_path):
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    (wheels / "numpy-2.0.0-cp312-cp312-manylinux_2_28_x86_64.whl").write_bytes(b"stand-in")
    (wheels / "Rich-13.0.0-py3-none-any.whl").write_bytes(b"stand-in")
    (wheels / "pytest-8.0.0-py3-none-any.whl").write_bytes(b"stand-in")
    made = grader("export", "gradescope", "day13", "-o", tmp_path / "a.zip", "--wheels", wheels)
    assert made.returncode == 0, made.stderr
    assert "setup.sh will fetch msgpack, watchfiles from PyPI" in made.stderr
    for name in ("msgpack-1.0.0-py3-none-any.whl", "watchfiles-1.0.0-py3-none-any.whl"):
        (wheels / name).write_bytes(b"stand-in")
    complete = grader("export", "gradescope", "day13", "-o", tmp_path / "a.zip", "--wheels", wheels)
    assert complete.returncode == 0 and "warning" not in complete.stderr


def test_a_full_disk_is_one_line_and_exit_2_and_leaves_no_partial_zip(tmp_path):
    # RLIMIT_FSIZE makes writing past 1.5 MB fail as a full disk would; the grader wheel alone fits.
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    (wheels / "big-1.0-py3-none-any.whl").write_bytes(os.urandom(3_000_000))
    out = tmp_path / "out" / "a.zip"
    limit = 1_500_000
    done = subprocess.run([GRADER, "export", "gradescope", "day13", "-o", out, "--wheels", wheels],
                          capture_output=True, text=True, timeout=300,
                          preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)))
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.startswith(f"grader: error: cannot write {out}: ") and "internal error" not in done.stderr
    assert list(out.parent.iterdir()) == []


def test_a_right_submission_in_a_repository_layout_scores_full_marks(autograder):
    files = {f"exercises/day13/{p.name}": p.read_text() for p in SOLUTIONS.glob("*.py")}
    results = valid(grade(autograder, files))
    assert results["score"] == DAY.max_score
    assert all(t["status"] == "passed" for t in results["tests"])
    assert "exercises/day13" in results["output"]
    hidden = [t for t in results["tests"] if t["visibility"] == "after_due_date"]
    public = [t for t in results["tests"] if t["visibility"] == "visible"]
    assert hidden and public  # hidden tests show after the deadline, public ones at once


def test_a_wrong_submission_loses_exactly_the_points_of_what_it_broke(autograder):
    files = {p.name: p.read_text() for p in SOLUTIONS.glob("*.py")}
    files["losses.py"] = files["losses.py"].replace(*BROKEN)
    results = valid(grade(autograder, files))
    losses = DAY.exercise("losses")
    lost = losses.function("mse_grad").points + losses.function("linear_regression_gradients").points
    assert results["score"] == pytest.approx(DAY.max_score - lost)
    failed = [t for t in results["tests"] if t["status"] == "failed"]
    assert {tuple(t["tags"]) for t in failed} == {("losses", "mse_grad"), ("losses", "linear_regression_gradients")}
    public_failure = next(t for t in failed if t["visibility"] == "visible" and t["tags"][1] == "mse_grad")
    assert "expected" in public_failure["output"] and "got" in public_failure["output"]
    for test in failed:
        if test["visibility"] != "visible":  # hidden: students learn only that it failed
            assert "not shown" in test["output"]


def test_a_notebook_submission_is_graded_by_its_module_cells(autograder):
    notebook = {"cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "my work"},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": "# module: slopes\n" + (SOLUTIONS / "slopes.py").read_text()},
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    results = valid(grade(autograder, {"day13.ipynb": json.dumps(notebook)}))
    assert results["score"] == DAY.exercise("slopes").max_score
    assert "graded slopes from the submission" in results["output"].lower()


def test_an_empty_submission_scores_zero_with_a_message(autograder):
    results = valid(grade(autograder, {"notes.txt": "nothing here"}))
    assert results["score"] == 0.0
    assert "found no exercise file" in results["output"].lower()


# Student code that tries the known trick against an unconfined autograder: write a perfect
# results.json, then kill the grader before it writes the real one. Its functions are correct.
SELF_GRADING = """

def _grade_myself():
    import json, os, signal
    for attempt in ("write", "kill"):
        try:
            if attempt == "write":
                os.makedirs(RESULTS, exist_ok=True)
                with open(RESULTS + "/results.json", "w") as out:
                    json.dump({"score": 1234.0, "output": "FAKE", "tests": []}, out)
            else:
                os.kill(os.getppid(), signal.SIGKILL)
        except OSError:
            pass

_grade_myself()
"""


def self_grading_submission(root: Path) -> dict[str, str]:
    files = {p.name: p.read_text() for p in SOLUTIONS.glob("*.py")}
    files["losses.py"] += f"\nRESULTS = {str(root / 'results')!r}\n" + SELF_GRADING
    return files


def test_student_code_can_neither_write_results_json_nor_kill_the_grader_in_the_sandbox(autograder):
    results = valid(grade(autograder, self_grading_submission(autograder)))  # grade() also asserts exit 0
    assert results["output"] != "FAKE" and results["score"] == DAY.max_score


@pytest.fixture(scope="module")
def autograder_without_bubblewrap(tmp_path_factory, bundle):
    """As on Gradescope's images, where bubblewrap cannot run: root, and a Python every user can
    read (Debian's /usr/bin/python3.11, not pyenv's under /root)."""
    if os.geteuid() != 0:
        pytest.skip("the uid a worker drops to is root's to give: run the tests as root to check it")
    if not Path("/usr/bin/python3.11").exists():
        pytest.skip("no /usr/bin/python3.11 to build a venv every user can read")
    root = Path(tempfile.mkdtemp(prefix="autograder-nobwrap-"))  # not pytest's: its folders are 0700
    os.chmod(root, 0o755)  # as /autograder is
    try:
        yield built_root(root, bundle, PATH="/usr/bin:/bin")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_without_bubblewrap_root_runs_student_code_as_another_uid_that_cannot_cheat(autograder_without_bubblewrap):
    root = autograder_without_bubblewrap
    files = self_grading_submission(root)
    files["slopes.py"] = "import os\n\ndef uid():\n    return os.getuid()\n" + files["slopes.py"]
    results = valid(grade(root, files, GRADER_BWRAP="/nonexistent"))
    assert results["output"] != "FAKE" and results["score"] == DAY.max_score
    check = run([root / "venv" / "bin" / "python", "-c",
                 "import sys; from grader import sandbox; print(sandbox.choose(__import__('pathlib').Path(sys.argv[1]),"
                 " forking=False).describe())", root / "probe-work"],
                env=offline_pip_env(root, GRADER_BWRAP="/nonexistent"), check=True)
    assert "as a uid of its own" in check.stdout
