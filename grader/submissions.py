"""A class's submissions as they come: find them, fingerprint them, unpack each into a flat folder.

SUBMISSIONS holds one entry per student, named by student id:

    alice/        a folder of module files (losses.py, ...), flat or nested up to
                  three levels (alice/day13/losses.py, repo-main/exercises/day13/losses.py);
                  the folder holding the most is graded, with everything in it
    bob.zip       a zip of such a folder, extracted safely (below)
    carol.ipynb   a notebook; its code cells become module files (below)

Nothing here runs student code. Unpacking copies regular files only (never
symlinks), stops at MAX_FILES files and MAX_BYTES bytes, and refuses zip
members that would land outside the folder (absolute paths, `..`), are
links, or are encrypted. A zip that unpacks to more than MAX_BYTES (a zip
bomb) is not graded at all.

Notebooks: a code cell belongs to module M when its first line is
`# module: M` or its cell tags include `module:M` (any case, `.py` allowed; a
name that is no exercise becomes a module of the student's own, with a note
in case it is a typo). Cells that only import
are copied into every module; other cells (experiments, plots) are left
out. A notebook with no marked cell is graded whole: all its code cells go
into each module for which it defines one of that module's functions.
IPython magics (`%...`) and shell lines (`!...`) are commented out; cells
that start with `%%` are skipped.
"""

from __future__ import annotations

import ast
import errno
import hashlib
import json
import os
import re
import shutil
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from grader.course import Day, ManifestError, load_day

MAX_FILES = 300
MAX_BYTES = 20 * 1024**2
MAX_NOTEBOOK_BYTES = 20 * 1024**2
MAX_SHARED_CELL = 64 * 1024  # characters: an import cell copied into every module is at most this long
MAX_MODULE_NAME = 100  # characters: a longer name cannot be a file name everywhere (255 bytes on Linux)
MAX_DEPTH = 3  # folders below a submission searched for its modules: repo-main/exercises/day13/
JUNK = {"__MACOSX", "__pycache__", ".ipynb_checkpoints", ".git", ".venv", "venv", "node_modules", ".DS_Store"}
KIND_ORDER = {"folder": 0, "zip": 1, "notebook": 2}  # one submission per student: the first of these wins
# `# module: losses`, also as students write it: `# Module: Losses`, `#module: losses.py`.
_MARKER = re.compile(r"^\s*#\s*module\s*:\s*([A-Za-z_][A-Za-z0-9_]*)(?:\.py)?\s*$", re.IGNORECASE)
_TAG = re.compile(r"^module\s*[:=]\s*([A-Za-z_][A-Za-z0-9_]*)(?:\.py)?$", re.IGNORECASE)


class Unusable(Exception):
    """Nothing in this submission can be graded; the message says why, for the student."""


@dataclass(frozen=True)
class Submission:
    student: str
    path: Path
    kind: str  # folder | zip | notebook
    notes: tuple[str, ...] = ()


@dataclass
class Discovery:
    submissions: list[Submission]
    ignored: list[str] = field(default_factory=list)  # entries of SUBMISSIONS that are not submissions


@dataclass
class Unpacked:
    folder: Path
    modules: list[str]  # the day's modules found in it
    notes: list[str]
    problem: str = ""  # set when nothing can be graded


# --------------------------------------------------------------------------- discovery


def kind_of(path: Path) -> str | None:
    """folder, zip or notebook: what a submission at `path` is (None: none of these)."""
    if path.is_symlink():
        return None
    if path.is_dir():
        return "folder"
    if path.is_file() and path.suffix.lower() == ".zip":
        return "zip"
    if path.is_file() and path.suffix.lower() == ".ipynb":
        return "notebook"
    return None


def discover(root: Path) -> Discovery:
    """One Submission per student id found in `root`, sorted by id."""
    found: dict[str, list[Submission]] = {}
    ignored: list[str] = []
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(".") or entry.name in JUNK:  # said, so that no student is left out unseen
            ignored.append(f"{entry.name}: a hidden or tool folder/file (names starting with '.', "
                           f"{', '.join(sorted(j for j in JUNK if not j.startswith('.')))}), not a submission")
            continue
        kind = kind_of(entry)
        if kind is None:
            why = "a symbolic link" if entry.is_symlink() else "not a folder, .zip or .ipynb"
            ignored.append(f"{entry.name}: {why}")
            continue
        student = entry.name if kind == "folder" else entry.stem
        found.setdefault(student, []).append(Submission(student, entry, kind))
    submissions = []
    for student, options in sorted(found.items()):
        options.sort(key=lambda s: KIND_ORDER[s.kind])
        chosen, rest = options[0], options[1:]
        notes = tuple(f"also found {s.path.name}, which was not graded: one submission per student "
                      f"(a folder wins over a .zip, a .zip over a notebook)" for s in rest)
        submissions.append(Submission(student, chosen.path, chosen.kind, notes))
    return Discovery(submissions, ignored)


def fingerprint(sub: Submission) -> str:
    """A hash of what the student handed in: same bytes, same fingerprint."""
    digest = hashlib.sha256(sub.kind.encode())
    if sub.kind != "folder":
        with open(sub.path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    # Every entry's name and kind; then, in the order the copy takes them (and beyond its limits),
    # the bytes of the files grading reads. Times only stand for what is not read, so that a class
    # downloaded again is not regraded, and a file edited past the limit still counts as changed.
    for dirpath, dirnames, filenames in os.walk(sub.path):
        dirnames.sort()
        for name in sorted(filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]):
            path = os.path.join(dirpath, name)
            mode = os.lstat(path).st_mode
            # fsencode: the name's own bytes, also when they are not UTF-8
            digest.update(b"\0" + os.fsencode(os.path.relpath(path, sub.path)) + f"\0{mode:o}\0".encode())
            if stat.S_ISLNK(mode):
                digest.update(os.fsencode(os.readlink(path)))
    files, _, _ = _copyable_files(sub.path)  # what cannot be listed is not graded either (unpack says so)
    budget = MAX_BYTES * 4
    for rel in files:
        path = sub.path / rel
        info = path.stat()
        notebook = len(rel.parts) == 1 and rel.suffix == ".ipynb"  # always read whole (up to its limit)
        digest.update(b"\0" + os.fsencode(str(rel)) + b"\0")
        try:
            if notebook and info.st_size <= MAX_NOTEBOOK_BYTES or info.st_size <= budget:
                budget -= 0 if notebook else info.st_size
                digest.update(path.read_bytes())
                continue
        except PermissionError:  # left out of grading with a note; its size and time stand for it
            pass
        digest.update(f"{info.st_size}:{info.st_mtime_ns}".encode())
    return digest.hexdigest()


# --------------------------------------------------------------------------- unpacking


def unpack(sub: Submission, dest: Path, day: Day) -> Unpacked:
    """Make `dest` a flat folder of the submission's files; never raises for a student's mistake."""
    dest.mkdir(parents=True)
    notes = list(sub.notes)
    try:
        if sub.kind == "notebook":
            _write_notebook_modules(sub.path, dest, day, notes)
        else:
            source = sub.path
            if sub.kind == "zip":
                source = dest.parent / "unzipped"
                _extract_zip(sub.path, source, notes)
            _copy_folder(_choose_folder(source, day, notes), dest, day, notes)
    except Unusable as exc:
        return Unpacked(dest, [], notes, str(exc))
    _make_readable(dest)
    modules = [ex.id for ex in day.exercises if (dest / ex.filename).is_file()]
    problem = "" if modules else _nothing_found(sub, day)
    return Unpacked(dest, modules, notes, problem)


def _nothing_found(sub: Submission, day: Day) -> str:
    wanted = ", ".join(ex.filename for ex in day.exercises)
    if sub.kind == "notebook":
        return (f"nothing to grade in {sub.path.name}: no code cell starts with `# module: <name>` and the "
                f"notebook defines none of the functions of {day.id}")
    return f"nothing to grade in {sub.path.name}: it holds none of the files {wanted}"


def _make_readable(folder: Path) -> None:
    """The sandboxed worker runs under another uid: it must be able to read what we unpacked."""
    for dirpath, _, filenames in os.walk(folder):
        os.chmod(dirpath, 0o755)
        for name in filenames:
            os.chmod(os.path.join(dirpath, name), 0o644)


def _choose_folder(root: Path, day: Day, notes: list[str]) -> Path:
    """The submission's root if it holds module files, else the folder below it holding the most,
    the shallowest of equals: alice/day13/losses.py, or a repository's zip with
    repo-main/exercises/day13/losses.py."""
    wanted = {ex.filename for ex in day.exercises}

    def score(folder: Path) -> int:
        files = {p.name.lower() for p in folder.iterdir() if p.is_file()}
        return len(wanted & files) + sum(1 for p in folder.glob("*.ipynb") if p.is_file() and not p.is_symlink())

    if score(root) > 0:
        return root
    ranked = [(s, p) for s, p in ((score(p), p) for p in _folders_below(root)) if s > 0]
    if not ranked:
        return root
    ranked.sort(key=lambda sp: -sp[0])  # stable: the shallowest first among equals
    best = ranked[0][1]
    if len(ranked) > 1:
        others = ", ".join(f"{p.relative_to(root)}/" for _, p in ranked[1:])
        notes.append(f"graded the folder {best.relative_to(root)}/ (it holds the most module files); "
                     f"also found {others}")
    return best


def _exact_module_names(folder: Path, day: Day, notes: list[str]) -> None:
    """Losses.py as losses.py: saved where file names ignore case, the student never saw a difference."""
    for ex in day.exercises:
        if (folder / ex.filename).exists():
            continue
        other = next((p for p in sorted(folder.iterdir()) if p.name.lower() == ex.filename and p.is_file()), None)
        if other is not None:
            other.rename(folder / ex.filename)
            notes.append(f"{other.name} was graded as {ex.filename} (file names are case-sensitive here)")


def _folders_below(root: Path) -> list[Path]:
    """Real folders under root, breadth first, at most MAX_DEPTH levels down and MAX_FILES of them."""
    found, level = [], [root]
    for _ in range(MAX_DEPTH):
        level = [p for parent in level for p in sorted(parent.iterdir())
                 if p.is_dir() and not p.is_symlink() and p.name not in JUNK and not p.name.startswith(".")]
        found += level
        if len(found) >= MAX_FILES:
            return found[:MAX_FILES]
    return found


def _copyable_files(source: Path) -> tuple[list[Path], int, list[OSError]]:
    """The regular files of a submitted folder in the order they are copied (top level first, module
    files first), how many links or special files were passed over, and the folders not listable."""
    files, skipped_links, unreadable = [], 0, []
    for dirpath, dirnames, filenames in os.walk(source, onerror=lambda exc: unreadable.append(exc)):
        dirnames[:] = sorted(d for d in dirnames if d not in JUNK and not d.startswith(".")
                             and not os.path.islink(os.path.join(dirpath, d)))
        for name in sorted(filenames):
            path = Path(dirpath, name)
            if name in JUNK or name.startswith("."):
                continue
            if path.is_symlink() or not path.is_file():
                skipped_links += 1
                continue
            files.append(path.relative_to(source))
    files.sort(key=lambda rel: (len(rel.parts), rel.suffix != ".py", str(rel)))
    return files, skipped_links, unreadable


def _copy_folder(source: Path, dest: Path, day: Day, notes: list[str]) -> None:
    """Regular files only, top level first, within MAX_FILES and MAX_BYTES; notebooks become modules."""
    files, skipped_links, unreadable = _copyable_files(source)
    if skipped_links:
        notes.append(f"{skipped_links} link(s) or special file(s) were not copied: only regular files are graded")
    count = size = 0
    for rel in files:
        length = (source / rel).stat().st_size
        if count + 1 > MAX_FILES or size + length > MAX_BYTES:
            notes.append(f"stopped copying at {count} files ({size // 1024} kB): a submission may hold at most "
                         f"{MAX_FILES} files and {MAX_BYTES // 2**20} MB; {len(files) - count} file(s) left out")
            break
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(source / rel, dest / rel, follow_symlinks=False)
        except PermissionError as exc:  # one file the grader may not read: the rest is still graded
            unreadable.append(exc)
            continue
        count, size = count + 1, size + length
    for exc in unreadable:
        where = Path(exc.filename).relative_to(source) if exc.filename and str(exc.filename).startswith(str(source)) \
            else exc.filename
        where = "the submitted folder" if str(where) == "." else where
        notes.append(f"{where} could not be read ({exc.strerror or exc}) and was not graded: ask the "
                     f"instructor to check its permissions")
    _exact_module_names(dest, day, notes)  # before the notebooks: a .py file next to one wins
    notebooks = [p for p in sorted(source.glob("*.ipynb")) if p.is_file() and not p.is_symlink()]
    marked = _notebook_modules(notebooks)  # read once for all of them, not once per notebook
    for notebook in notebooks:
        try:
            _write_notebook_modules(notebook, dest, day, notes, beside=marked)
        except Unusable as exc:  # one damaged notebook of several (nbgrader's layout): the others still count
            notes.append(f"{exc}; its cells were not graded")


def _extract_zip(path: Path, dest: Path, notes: list[str]) -> None:
    dest.mkdir(parents=True)
    total = 0
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_FILES * 2:
                raise Unusable(f"{path.name} holds {len(members)} entries; a submission may hold at most {MAX_FILES} files")
            for info in members:
                name = info.filename.replace("\\", "/")
                parts = PurePosixPath(name).parts
                if info.is_dir() or not parts:
                    continue
                if name.startswith("/") or ".." in parts or ":" in parts[0]:
                    notes.append(f"{path.name}: skipped {name!r}: it would be written outside the submission's folder")
                    continue
                if stat.S_ISLNK(info.external_attr >> 16):
                    notes.append(f"{path.name}: skipped {name!r}: a symbolic link")
                    continue
                if info.flag_bits & 0x1:
                    notes.append(f"{path.name}: skipped {name!r}: it is encrypted")
                    continue
                if any(p in JUNK for p in parts):
                    continue
                target = dest.joinpath(*parts)
                try:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with archive.open(info) as src, open(target, "xb") as out:
                        while block := src.read(1 << 16):
                            total += len(block)
                            if total > MAX_BYTES:
                                raise Unusable(f"{path.name} unpacks to more than {MAX_BYTES // 2**20} MB "
                                               f"(a zip bomb?); a submission may hold at most that")
                            out.write(block)
                except (FileExistsError, NotADirectoryError, IsADirectoryError):
                    notes.append(f"{path.name}: skipped {name!r}: it clashes with another entry of the same name")
                except OSError as exc:
                    if exc.errno not in (errno.ENAMETOOLONG, errno.EILSEQ, errno.EINVAL):
                        raise
                    notes.append(f"{path.name}: skipped an entry whose name this system cannot store "
                                 f"({exc.strerror}): {name[:80]!r}...")
    except (Unusable, PermissionError):  # PermissionError: the instructor's side, not a broken zip
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, NotImplementedError, ValueError,
            EOFError, OSError) as exc:
        raise Unusable(f"{path.name} could not be read as a zip file ({type(exc).__name__}: {str(exc)[:200]})") from None
    except Exception as exc:  # zlib.error and friends: a damaged archive
        raise Unusable(f"{path.name} is damaged ({type(exc).__name__}: {str(exc)[:200]})") from None


# --------------------------------------------------------------------------- notebooks


def _cell_source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _cell_module(cell: dict, source: str) -> str | None:
    tags = (cell.get("metadata") or {}).get("tags") or []
    for tag in tags if isinstance(tags, list) else []:
        match = _TAG.match(str(tag).strip())
        if match:
            return match.group(1)
    first = next((line for line in source.splitlines() if line.strip()), "")
    match = _MARKER.match(first)
    return match.group(1) if match else None


def _exercise_ids(day: Day) -> list[str]:
    try:  # every exercise of the day: a run may grade only some (--exercises)
        return [ex.id for ex in load_day(day.id).exercises]
    except ManifestError:
        return [ex.id for ex in day.exercises]


def _notebook_modules(notebooks: list[Path]) -> set[str]:
    """Names of the modules these notebooks mark (`# module: helpers`)."""
    names: set[str] = set()
    for notebook in notebooks:
        try:
            cells = _read_notebook(notebook)
        except (Unusable, OSError):
            continue
        names |= {m for cell in cells if (m := _cell_module(cell, _cell_source(cell)))}
    return names


def _exercise_names(chunks: dict, day: Day, path: Path, notes: list[str]) -> dict:
    """Marked names as the exercises' ids where only the case differs (`Losses`); another name
    stays a module of the student's own (a helper the others import), and is named in a note in
    case it is a typo."""
    ids = _exercise_ids(day)
    by_lower = {i.lower(): i for i in ids}
    named: dict = {}
    others = []
    for module, parts in chunks.items():
        exercise = by_lower.get(module.lower())
        if exercise is None:
            others.append(module)
        named.setdefault(exercise or module, []).extend(parts)
    if len(others) <= 5:
        notes += [f"{path.name}: cells marked `# module: {m}` became {m}.py, which is not one of the exercises of "
                  f"{day.id} ({', '.join(ids)})" for m in others]
    else:  # one note, however many (a notebook may mark thousands)
        shown = ", ".join(f"{m[:40]}.py" for m in others[:5]) + f" and {len(others) - 5} more"
        notes.append(f"{path.name}: cells marked with other names became {shown}, which are not exercises of "
                     f"{day.id} ({', '.join(ids)})")
    return named


def _as_python(source: str) -> str | None:
    """The cell as plain Python: magics and shell lines commented out; None for a %% cell."""
    if source.lstrip().startswith("%%"):
        return None
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        lines.append(f"{line[:len(line) - len(stripped)]}# (notebook only) {stripped}"
                     if stripped.startswith(("%", "!")) else line)
    return "\n".join(lines)


def _top_level_names(code: str) -> set[str] | None:
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return None
    return {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}


def _imports_only(code: str) -> bool:
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return False
    return bool(tree.body) and all(isinstance(node, (ast.Import, ast.ImportFrom)) for node in tree.body)


def _without_missing_imports(code: str, own: set[str], path: Path, notes: list[str]) -> str:
    """An import-only cell goes into every module: an import of a package not installed where the
    code is graded (matplotlib, pandas for a plot) would stop every module from importing, so it is
    commented out, and only code that uses the package fails. One note says what was left out."""
    import importlib.util

    lines = code.splitlines()
    installed: dict[str, bool] = {}
    left_out: list[str] = []
    missing: dict[str, None] = {}  # ordered set
    for node in ast.parse(code).body:  # _imports_only parsed it already
        if isinstance(node, ast.ImportFrom) and node.level:
            continue  # relative: the student's own package
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        absent = []
        for top in (n.split(".")[0] for n in names):
            if top in own:
                continue
            if top not in installed:  # asked once per name: find_spec walks sys.path
                installed[top] = _installed(top, importlib.util)
            if not installed[top]:
                absent.append(top)
        if not absent:
            continue
        # the statement's own lines, not ast.get_source_segment: that splits the whole cell at
        # every call, and a cell of 10,000 imports took minutes
        left_out.append(" ".join(line.strip() for line in lines[node.lineno - 1:node.end_lineno]))
        for i in range(node.lineno - 1, node.end_lineno):
            lines[i] = f"# (not installed where this is graded) {lines[i]}"
        missing.update(dict.fromkeys(absent))
    if left_out:
        shown = ", ".join(f"`{statement[:80]}`" for statement in left_out[:3])
        more = f" and {len(left_out) - 3} more" if len(left_out) > 3 else ""
        packages = ", ".join(list(missing)[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        notes.append(f"{path.name}: {shown}{more} left out of the import cell copied into every module: "
                     f"{packages} {'is' if len(missing) == 1 else 'are'} not installed where your code is graded")
    return "\n".join(lines)


def _without_imports_of(code: str, module: str) -> str:
    """A shared import cell as it goes into `module`: `from helpers import twice` would make
    helpers.py import itself, so there it is commented out."""
    lines = code.splitlines()
    for node in ast.parse(code).body:
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [] if node.level else [node.module or ""]
        if any(name.split(".")[0] == module for name in names):
            for i in range(node.lineno - 1, node.end_lineno):
                lines[i] = f"# (this module itself) {lines[i]}"
    return "\n".join(lines)


def _installed(name: str, util) -> bool:
    try:
        return bool(name) and util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _read_notebook(path: Path) -> list[dict]:
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        raise Unusable(f"{path.name} is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB; clear its outputs and hand it in again")
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:  # nested 200,000 deep
        raise Unusable(f"{path.name} is not a readable notebook ({type(exc).__name__}: {str(exc)[:200]})") from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise Unusable(f"{path.name} is not a Jupyter notebook of format 4 (it has no list of cells)")
    return [c for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"]


def _write_notebook_modules(path: Path, dest: Path, day: Day, notes: list[str], beside: set[str] | None = None) -> None:
    """Modules from the notebook's cells into dest. beside: the modules that the notebooks of the
    same submission folder mark (a .py file already in dest then wins); None for a notebook handed
    in alone."""
    cells = _read_notebook(path)
    chunks: dict[str, list[tuple[int, str]]] = {}
    shared: list[tuple[int, str]] = []
    everything: list[tuple[int, str]] = []
    for number, cell in enumerate(cells, start=1):
        source = _cell_source(cell)
        code = _as_python(source)
        if code is None or not code.strip():
            continue
        everything.append((number, code))
        module = _cell_module(cell, source)
        if module:
            chunks.setdefault(module, []).append((number, code))
        elif len(code) <= MAX_SHARED_CELL and _imports_only(code):  # a larger one is no import cell a student writes
            shared.append((number, code))
    if not chunks:  # nothing marked: grade the whole notebook as each module it implements
        names = _top_level_names("\n\n".join(code for _, code in everything))
        if names is None:
            names = set().union(*[_top_level_names(code) or set() for _, code in everything])
        for ex in day.exercises:
            if names & {f.name for f in ex.functions}:
                chunks[ex.id] = everything
        shared = []
        if chunks:
            notes.append(f"{path.name}: no cell starts with `# module: <name>`, so all its code cells were graded "
                         f"as {', '.join(sorted(chunks))}; mark the cells to grade only what belongs to each")
    chunks = _exercise_names(chunks, day, path, notes)
    # The student's own modules are never "not installed": the exercises, other notebooks' and
    # .py files of the submission (backprop.py beside house_prices.ipynb), and this notebook's.
    own = set(chunks) | set(_exercise_ids(day)) | {p.stem for p in dest.glob("*.py")} | (beside or set())
    shared = [(number, _without_missing_imports(code, own, path, notes)) for number, code in shared]
    # What the notebook writes counts against the submission's limits, as copied files do: the
    # shared cell goes into every module, so many tiny marked cells would multiply a large one.
    files, size = _folder_usage(dest)
    for module, parts in chunks.items():
        if len(module) > MAX_MODULE_NAME:
            notes.append(f"{path.name}: cells marked `# module: {module[:40]}...` were ignored: a module name may "
                         f"have at most {MAX_MODULE_NAME} characters")
            continue
        target = dest / f"{module}.py"
        if target.exists():
            if beside is not None:
                notes.append(f"{path.name}: cells for {module} were ignored: {module}.py is in the folder")
                continue
        numbers = ", ".join(str(n) for n, _ in shared + parts)
        pieces = [f"# {module}.py, made by the grader from the code cells {numbers} of {path.name}"]
        copied = [(n, _without_imports_of(code, module)) for n, code in shared]
        pieces += [f"# --- cell {n} ---\n{code}\n" for n, code in sorted(copied + parts)]
        # backslashreplace: a notebook named on another system (not UTF-8), or a cell holding a lone
        # surrogate, still makes a module; a surrogate then reads \udceb in it
        text = ("\n\n".join(pieces) + "\n").encode("utf-8", errors="backslashreplace")
        if files + 1 > MAX_FILES or size + len(text) > MAX_BYTES:
            notes.append(f"{path.name}: stopped making modules at {module}.py: a submission may hold at most "
                         f"{MAX_FILES} files and {MAX_BYTES // 2**20} MB, and each module made from a notebook "
                         f"holds its import cells again")
            break
        target.write_bytes(text)
        files, size = files + 1, size + len(text)


def _folder_usage(folder: Path) -> tuple[int, int]:
    """How many files a submission's copy holds, and their bytes."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)
