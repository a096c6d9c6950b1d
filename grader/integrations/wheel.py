"""Build a wheel of the installed grader package, with or without the hidden suites.

The grader is pure Python, so its wheel is a zip of the package plus a
dist-info folder (PEP 427): no build tool, no network, and we decide exactly
which files go in. That is what lets a student release prove it carries no
hidden test, and a Gradescope bundle install offline.
"""

from __future__ import annotations

import base64
import hashlib
import re
import tomllib
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import grader

PACKAGE_DIR = Path(grader.__file__).resolve().parent
DIST_NAME = "calc4ml-grader"
_EPOCH = (1980, 1, 1, 0, 0, 0)  # fixed timestamps: the same files give the same wheel


@dataclass(frozen=True)
class Project:
    name: str
    version: str
    summary: str
    requires_python: str
    dependencies: tuple[str, ...]
    scripts: tuple[tuple[str, str], ...]


def project() -> Project:
    """The package's metadata: pyproject.toml next to the package if it is a checkout, else the installed one."""
    pyproject = PACKAGE_DIR.parent / "pyproject.toml"
    if pyproject.is_file():
        data = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
        if data.get("name") == DIST_NAME:
            return Project(
                name=data["name"], version=data["version"], summary=data.get("description", ""),
                requires_python=data.get("requires-python", ""),
                dependencies=tuple(data.get("dependencies", ())),
                scripts=tuple(sorted(data.get("scripts", {}).items())),
            )
    meta = metadata.metadata(DIST_NAME)
    dist = metadata.distribution(DIST_NAME)
    return Project(
        name=meta["Name"], version=meta["Version"], summary=meta.get("Summary", ""),
        requires_python=meta.get("Requires-Python", ""),
        dependencies=tuple(r for r in (dist.requires or ()) if "extra ==" not in r),
        scripts=tuple(sorted((ep.name, ep.value) for ep in dist.entry_points if ep.group == "console_scripts")),
    )


def dependency_names(info: Project) -> list[str]:
    """The runtime dependencies' names ("numpy" of "numpy>=1.26"), for the texts that list them."""
    return [re.match(r"[A-Za-z0-9._-]+", requirement).group() for requirement in info.dependencies]


def is_hidden_suite(relative: str) -> bool:
    """grader/suites/<day>/hidden/...: the tests students never get."""
    parts = relative.split("/")
    return len(parts) >= 4 and parts[1] == "suites" and parts[3] == "hidden"


def is_answer_code(relative: str) -> bool:
    """grader/suites/<day>/misconceptions/variants.py: helpers that compute the right answers.

    The catalogue's TOML entries stay: without variants.py it still names
    most mistakes (grader.misconceptions.catalogue loads without it).
    """
    parts = relative.split("/")
    return len(parts) == 5 and parts[1] == "suites" and parts[3] == "misconceptions" and parts[4] == "variants.py"


def instructor_only(relative: str) -> bool:
    """Files a student release leaves out: hidden tests, and code that computes right answers."""
    return is_hidden_suite(relative) or is_answer_code(relative)


def package_files(*, include_hidden: bool) -> list[tuple[str, Path]]:
    """(path inside the wheel, file on disk) for every file of the grader package.

    Without include_hidden, the instructor-only files are left out (see instructor_only).
    """
    files = []
    for path in sorted(PACKAGE_DIR.rglob("*")):
        relative = path.relative_to(PACKAGE_DIR.parent).as_posix()
        if not path.is_file() or "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo"):
            continue
        if any(part.startswith(".") for part in path.relative_to(PACKAGE_DIR).parts):
            continue
        if not include_hidden and instructor_only(relative):
            continue
        files.append((relative, path))
    return files


def wheel_name(info: Project) -> str:
    return f"{_escape(info.name)}-{_escape(info.version)}-py3-none-any.whl"


def build_wheel(out_dir: Path, *, include_hidden: bool) -> Path:
    """Write the grader's wheel into out_dir and return its path."""
    info = project()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / wheel_name(info)
    dist_info = f"{_escape(info.name)}-{_escape(info.version)}.dist-info"
    entries = [(name, path.read_bytes()) for name, path in package_files(include_hidden=include_hidden)]
    entries += [
        (f"{dist_info}/METADATA", _metadata(info).encode()),
        (f"{dist_info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: grader.integrations.wheel\n"
                               b"Root-Is-Purelib: true\nTag: py3-none-any\n"),
        (f"{dist_info}/top_level.txt", b"grader\n"),
    ]
    if info.scripts:
        lines = "".join(f"{name} = {value}\n" for name, value in info.scripts)
        entries.append((f"{dist_info}/entry_points.txt", f"[console_scripts]\n{lines}".encode()))
    record = "".join(f"{name},sha256={_digest(data)},{len(data)}\n" for name, data in entries)
    record += f"{dist_info}/RECORD,,\n"
    entries.append((f"{dist_info}/RECORD", record.encode()))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as wheel:
        for name, data in entries:
            member = zipfile.ZipInfo(name, date_time=_EPOCH)
            member.external_attr = 0o644 << 16
            member.compress_type = zipfile.ZIP_DEFLATED
            wheel.writestr(member, data)
    return target


def _metadata(info: Project) -> str:
    lines = ["Metadata-Version: 2.1", f"Name: {info.name}", f"Version: {info.version}"]
    if info.summary:
        lines.append(f"Summary: {info.summary}")
    if info.requires_python:
        lines.append(f"Requires-Python: {info.requires_python}")
    lines += [f"Requires-Dist: {dep}" for dep in info.dependencies]
    return "\n".join(lines) + "\n"


def _escape(part: str) -> str:
    return re.sub(r"[^\w\d.+]+", "_", part)


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
