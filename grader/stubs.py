"""Generate exercise stubs from reference solutions, and prove the two never drift.

A reference solution marks each answer with nbgrader's markers::

    def mse(y_pred, y):
        \"\"\"Return the mean squared error ...\"\"\"
        ### BEGIN SOLUTION
        return float(np.mean((y_pred - y) ** 2))
        ### END SOLUTION

and its stub keeps everything but the region, which becomes
``raise NotImplementedError("mse: not implemented yet")`` at the same
indentation. Paths follow the manifest's conventions:
``solutions/<day>/<id>.py`` -> ``exercises/<day>/<id>.py``.

    python -m grader.stubs [--check | --force] [--root DIR] [DAY ...]

regenerates the stubs of every day (or the days named), or with --check
lists every difference and exits 1 if there is any. It overwrites a stub
that differs from the new one (an edited exercise) only with --force.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import tomllib
from pathlib import Path

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
_DAY = re.compile(r"^[a-z][a-z0-9_]*$")
_IGNORED = {"__pycache__"}  # interpreter droppings, not course files


class StubError(ValueError):
    """A solution cannot be turned into a stub, or a day's files cannot be found."""


# --- one file -------------------------------------------------------------


def make_stub(source: str) -> str:
    """Return `source` with every solution region replaced by a NotImplementedError raise.

    Raises StubError (a ValueError) when markers are unbalanced, nested,
    misindented or outside a function, or when the source is not Python.
    """
    lines = source.splitlines(keepends=True)
    regions = _find_regions(lines)
    if not regions:
        return source
    owners = _region_owners(source, lines, regions)
    out: list[str] = []
    cursor = 0
    for (begin, end), owner in zip(regions, owners):
        out.extend(lines[cursor:begin])
        indent = _indent(lines[begin])
        newline = lines[begin][len(lines[begin].rstrip("\r\n")) :] or "\n"
        out.append(f'{indent}raise NotImplementedError("{owner}: not implemented yet"){newline}')
        cursor = end + 1
    out.extend(lines[cursor:])
    stub = "".join(out)
    try:
        ast.parse(stub)
    except SyntaxError as exc:  # e.g. a region that was the only code of an `if`
        raise StubError(f"the generated stub is not valid Python (line {exc.lineno}): {exc.msg}") from None
    return stub


def solution_regions(source: str) -> list[str]:
    """Return the qualified name (``Value.__add__``) of the function owning each solution region."""
    lines = source.splitlines(keepends=True)
    regions = _find_regions(lines)
    return _region_owners(source, lines, regions) if regions else []


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _find_regions(lines: list[str]) -> list[tuple[int, int]]:
    """Pair the markers into (begin, end) line indices (0-based), refusing bad nesting."""
    regions: list[tuple[int, int]] = []
    open_at: int | None = None
    for i, line in enumerate(lines):
        text = line.strip()
        if text == BEGIN:
            if open_at is not None:
                raise StubError(f"line {i + 1}: {BEGIN} inside the region opened at line {open_at + 1} (nested regions)")
            open_at = i
        elif text == END:
            if open_at is None:
                raise StubError(f"line {i + 1}: {END} without a {BEGIN} before it")
            if _indent(line) != _indent(lines[open_at]):
                raise StubError(f"line {i + 1}: {END} is indented differently from its {BEGIN} at line {open_at + 1}")
            regions.append((open_at, i))
            open_at = None
    if open_at is not None:
        raise StubError(f"line {open_at + 1}: {BEGIN} is never closed by {END}")
    return regions


def _region_owners(source: str, lines: list[str], regions: list[tuple[int, int]]) -> list[str]:
    """Name the innermost function whose body each region sits in (by the indentation rule)."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise StubError(f"the solution is not valid Python (line {exc.lineno}): {exc.msg}") from None

    functions: list[tuple[ast.AST, str]] = []

    def collect(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    functions.append((child, name))
                collect(child, name + ".")
            else:
                collect(child, prefix)

    collect(tree, "")
    # Statement starts (1-based line, column): a function's body ends before
    # the next statement that starts at or left of its `def`.
    starts = sorted((s.lineno, s.col_offset) for s in ast.walk(tree) if isinstance(s, ast.stmt))

    def body_ends_before(fn: ast.AST) -> int:
        later = [line for line, col in starts if line > fn.end_lineno and col <= fn.col_offset]
        return later[0] if later else len(lines) + 1

    owners = []
    for begin, _ in regions:
        line_no, column = begin + 1, len(_indent(lines[begin]).expandtabs())
        around = [
            (fn, name)
            for fn, name in functions
            if fn.lineno < line_no < body_ends_before(fn) and column > fn.col_offset
        ]
        if not around:
            raise StubError(f"line {line_no}: solution region outside any function body")
        owners.append(max(around, key=lambda pair: pair[0].lineno)[1])
    return owners


# --- one day --------------------------------------------------------------


def _exercise_ids(root: Path, day: str) -> list[str]:
    """Read the exercise ids from ``grader/suites/<day>/manifest.toml`` under `root`.

    Parsed here rather than with grader.course.load_day, which only reads the
    installed package's suites: the stub tools also work on other checkouts.
    """
    if not _DAY.match(day):
        raise StubError(f"{day!r} is not a day name (expected something like 'day13')")
    path = root / "grader" / "suites" / day / "manifest.toml"
    if not path.is_file():
        raise StubError(f"no manifest for {day} at {path} (run from the repository root or pass --root)")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        ids = [exercise["id"] for exercise in data["exercises"]]
    except (tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        raise StubError(f"{path}: cannot read the exercise ids ({exc})") from None
    if not all(isinstance(i, str) and _DAY.match(i) for i in ids):
        raise StubError(f"{path}: exercise ids must be lower-case identifiers, got {ids}")
    return ids


def _stub_for(root: Path, day: str, exercise_id: str) -> str:
    solution = root / "solutions" / day / f"{exercise_id}.py"
    if not solution.is_file():
        raise StubError(f"{solution.relative_to(root)}: missing solution for exercise {exercise_id!r}")
    try:
        return make_stub(solution.read_text(encoding="utf-8"))
    except StubError as exc:
        raise StubError(f"{solution.relative_to(root)}: {exc}") from None


def sync(root: Path, day: str, *, force: bool = False) -> list[Path]:
    """Write the stub of every exercise of `day` from its solution; return the files that changed.

    Students have this command too: without force, an existing file that differs from its new
    stub (maybe their work) makes it write nothing and raise StubError naming those files.
    """
    root = Path(root)
    stubs = {root / "exercises" / day / f"{i}.py": _stub_for(root, day, i) for i in _exercise_ids(root, day)}
    changed = [path for path, stub in stubs.items()
               if not path.is_file() or path.read_text(encoding="utf-8") != stub]
    edited = [path for path in changed if path.exists()]
    if edited and not force:
        names = ", ".join(str(path.relative_to(root)) for path in edited)
        raise StubError(f"nothing written: {names} differ{'s' if len(edited) == 1 else ''} from the stubs "
                        f"generated from solutions/{day}/; --force overwrites them (your edits in those files "
                        "are lost)")
    for path in changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(stubs[path], encoding="utf-8")
    return changed


def drift(root: Path, day: str) -> list[str]:
    """List, one readable line each, every way `day`'s stubs and solutions disagree with the manifest."""
    root = Path(root)
    ids = _exercise_ids(root, day)
    problems = []
    for exercise_id in ids:
        stub_path = root / "exercises" / day / f"{exercise_id}.py"
        try:
            expected = _stub_for(root, day, exercise_id)
        except StubError as exc:
            problems.append(str(exc))
            continue
        where = stub_path.relative_to(root)
        if not stub_path.is_file():
            problems.append(f"{where}: missing stub (run: python -m grader.stubs {day})")
        elif stub_path.read_text(encoding="utf-8") != expected:
            problems.append(f"{where}: stale stub, differs from the one generated from solutions/{day}/{exercise_id}.py")
    listed = {f"{exercise_id}.py" for exercise_id in ids}
    for folder in (root / "exercises" / day, root / "solutions" / day):
        if folder.is_dir():
            for entry in sorted(folder.iterdir()):
                if entry.name not in listed and entry.name not in _IGNORED and not entry.name.startswith("."):
                    problems.append(f"{entry.relative_to(root)}: not an exercise of the {day} manifest")
    return problems


# --- command line ---------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m grader.stubs",
        description="Regenerate exercise stubs from the reference solutions (or check they match).",
    )
    parser.add_argument("days", nargs="*", metavar="DAY", help="days to process (default: every day with a manifest)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="change nothing; list differences and exit 1 if any")
    mode.add_argument("--force", action="store_true",
                      help="overwrite exercise files that differ from their new stub (edits in them are lost)")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="repository root (default: current directory)")
    args = parser.parse_args(argv)

    root: Path = args.root
    days = args.days or sorted(p.parent.name for p in (root / "grader" / "suites").glob("*/manifest.toml"))
    if not days:
        print(f"grader: error: no day manifests under {root / 'grader' / 'suites'} (pass --root)", file=sys.stderr)
        return 2
    problems = []
    try:
        for day in days:
            if args.check:
                problems += drift(root, day)
            else:
                for path in sync(root, day, force=args.force):
                    print(f"wrote {path.relative_to(root)}")
    except (StubError, OSError) as exc:
        print(f"grader: error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        for line in problems:
            print(line)
        print(f"{len(problems)} difference(s)" if problems else f"stubs of {', '.join(days)} match their solutions")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
