"""Find solution text and hidden tests in a folder meant for students.

A release leaks when any of its files (text inside wheels and zips, cell
sources of notebooks, the text of HTML pages included) contains

* a line of a solution region (``### BEGIN SOLUTION`` ... ``### END SOLUTION``)
  of the reference solutions, compared with whitespace collapsed; lines
  shorter than MIN_CHARS and the few idioms in GENERIC are too common to
  tell anything;
* the definition line of a hidden test, or any file of a hidden suite.
"""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from pathlib import Path

from grader.course import Day
from grader.stubs import BEGIN, END

MIN_CHARS = 24
# Lines any NumPy program writes: finding one tells a reader nothing about an answer.
GENERIC = {
    "rng = np.random.default_rng(seed)",
    "for _ in range(steps):",
    "for _ in range(epochs):",
}
TEXT_SUFFIXES = {".py", ".md", ".txt", ".toml", ".ini", ".cfg", ".json", ".ipynb", ".html", ".htm", ".js",
                 ".yml", ".yaml", ".csv", ".sh", ""}


def normalize(line: str) -> str:
    return " ".join(line.split())


def solution_lines(solutions: Path) -> dict[str, str]:
    """{normalized line: 'file:line'} of every telling line inside a solution region."""
    found = {}
    for path in sorted(Path(solutions).glob("*.py")):
        inside = False
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            text = line.strip()
            if text == BEGIN:
                inside = True
            elif text == END:
                inside = False
            elif inside and not text.startswith("#"):
                key = normalize(text)
                if len(key) >= MIN_CHARS and key not in GENERIC:
                    found.setdefault(key, f"{path.name}:{number}")
    return found


def hidden_test_lines(day: Day) -> dict[str, str]:
    """{normalized `def test_...` line: 'hidden/file:line'} of the day's hidden suites."""
    found = {}
    for path in sorted((day.suite_dir / "hidden").glob("test_*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.match(r"\s*def test_\w+\(", line):
                found[normalize(line)] = f"hidden/{path.name}:{number}"
    return found


def texts(folder: Path):
    """(label, text) of every readable file under folder, looking inside .whl and .zip files."""
    for path in sorted(Path(folder).rglob("*")):
        if not path.is_file():
            continue
        label = path.relative_to(folder).as_posix()
        if path.suffix in (".whl", ".zip"):
            yield from _zip_texts(path.read_bytes(), label)
        elif path.suffix in TEXT_SUFFIXES:
            yield label, _readable(path.name, path.read_bytes())


def _zip_texts(data: bytes, label: str):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.infolist():
                if member.is_dir():
                    continue
                inner = f"{label}!{member.filename}"
                content = archive.read(member)
                if member.filename.endswith((".whl", ".zip")):
                    yield from _zip_texts(content, inner)
                elif Path(member.filename).suffix in TEXT_SUFFIXES:
                    yield inner, _readable(member.filename, content)
    except zipfile.BadZipFile:
        yield label, ""


def _readable(name: str, data: bytes) -> str:
    text = data.decode("utf-8", errors="replace")
    if name.endswith(".ipynb"):
        try:
            cells = json.loads(text).get("cells", [])
            parts = []
            for cell in cells:
                parts.append(_joined(cell.get("source", "")))
                for output in cell.get("outputs", []):
                    parts.append(_joined(output.get("text", "")))
                    parts.extend(_joined(v) for v in (output.get("data") or {}).values() if isinstance(v, (str, list)))
            return "\n".join(parts)
        except (ValueError, AttributeError):
            return text
    if name.endswith((".html", ".htm")):
        # Highlighted code is split into spans: compare the text a reader sees.
        return html.unescape(re.sub(r"<[^>]+>", "", text))
    return text


def _joined(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def find_leaks(folder: Path, solutions: Path, day: Day) -> list[str]:
    """One readable line per leak found in folder; empty when it is clean."""
    secrets = {line: f"solution {where}" for line, where in solution_lines(solutions).items()}
    secrets.update({line: f"hidden test {where}" for line, where in hidden_test_lines(day).items()})
    leaks = []
    for label, text in texts(folder):
        if re.search(rf"(^|/|!)grader/suites/{day.id}/hidden/", label):
            leaks.append(f"{label}: a hidden suite file")
            continue
        for line in {normalize(raw) for raw in text.splitlines()}:
            if line in secrets:
                leaks.append(f"{label}: {line!r} ({secrets[line]})")
    return sorted(leaks)
