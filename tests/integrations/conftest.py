"""Fixtures for the integration tests: real tools, real virtual environments.

`wheelhouse` holds the wheels of the grader's dependencies (pip download,
from pip's cache when it has them, else from PyPI), so that every install
into a fresh venv after it runs with --no-index: offline, as a Gradescope
image or a student's laptop may have to.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from grader.integrations.wheel import project
from tests.conftest import ROOT

BIN = Path(sys.executable).parent
GRADER = shutil.which("grader", path=str(BIN))


def run(argv, *, cwd=ROOT, env=None, timeout=300, check=False):
    """Run a real command; on failure the assertion shows its output."""
    result = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout, stdin=subprocess.DEVNULL)
    if check:
        assert result.returncode == 0, f"{argv} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result


def grader(*args, cwd=ROOT, timeout=300):
    assert GRADER, "the grader console script is not installed (pip install -e .)"
    return run([GRADER, *args], cwd=cwd, timeout=timeout)


def tool_env(**extra) -> dict:
    """The environment with this venv's tools first on PATH (nbgrader calls `alembic` by name)."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update({k: str(v) for k, v in extra.items()})
    return env


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheelhouse")
    requirements = list(project().dependencies)
    run([sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:", "-d", folder, *requirements],
        check=True, timeout=600)
    return folder


def offline_pip_env(wheelhouse: Path, **extra) -> dict:
    """pip may only use local wheels: the wheelhouse plus whatever --find-links a command adds.

    PYTHONPATH goes: a fresh venv must see nothing of this checkout.
    """
    env = tool_env(PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheelhouse), PIP_DISABLE_PIP_VERSION_CHECK="1", **extra)
    env.pop("PYTHONPATH", None)
    return env


def fresh_venv(where: Path) -> Path:
    """A new virtual environment with pip and nothing else; returns its bin folder."""
    venv.EnvBuilder(with_pip=True, clear=True).create(where)
    return where / "bin"


@pytest.fixture(scope="session")
def release(tmp_path_factory) -> Path:
    """`grader release day13 --out DIR`, built once."""
    out = tmp_path_factory.mktemp("release") / "day13"
    built = grader("release", "day13", "--out", out)
    assert built.returncode == 0, built.stderr
    return out


def impostor_wheel(folder: Path, version: str = "99.0") -> Path:
    """A wheel named calc4ml-grader of a higher version, as anyone could upload to PyPI."""
    name = f"calc4ml_grader-{version}"
    target = folder / f"{name}-py3-none-any.whl"
    files = {f"{name}.dist-info/METADATA": f"Metadata-Version: 2.1\nName: calc4ml-grader\nVersion: {version}\n",
             f"{name}.dist-info/WHEEL": "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
             "impostor.py": "PWNED = True\n"}
    files[f"{name}.dist-info/RECORD"] = "".join(f"{n},,\n" for n in files) + f"{name}.dist-info/RECORD,,\n"
    with zipfile.ZipFile(target, "w") as wheel:
        for member, text in files.items():
            wheel.writestr(member, text)
    return target


@pytest.fixture(scope="session")
def index_with_impostor(tmp_path_factory, wheelhouse) -> Path:
    """The dependencies' wheels plus an impostor calc4ml-grader 99.0: what pip may find on PyPI."""
    folder = tmp_path_factory.mktemp("index")
    for wheel in wheelhouse.glob("*.whl"):
        (folder / wheel.name).symlink_to(wheel)
    impostor_wheel(folder)
    return folder


def readme_install(release: Path) -> list[str]:
    """The pip install command of the release's README, as words."""
    line = next(line for line in (release / "README.md").read_text().splitlines() if "pip install" in line)
    return shlex.split(line.split("pip install", 1)[1])


@pytest.fixture(scope="session")
def student_venv(tmp_path_factory, release, index_with_impostor) -> Path:
    """A fresh venv with the release's grader installed the way its README says (offline, with an
    impostor of a higher version on the index); its bin folder."""
    bin_dir = fresh_venv(tmp_path_factory.mktemp("student") / "venv")
    run([bin_dir / "python", "-m", "pip", "install", "--quiet", *readme_install(release)],
        cwd=release, env=offline_pip_env(index_with_impostor), check=True, timeout=600)
    return bin_dir
