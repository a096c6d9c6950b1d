"""The misconception catalogue of a day: data next to the suites, loaded and checked here.

A day keeps its catalogue in grader/suites/<day>/misconceptions/: one TOML
file per exercise and `variants.py`, trusted helpers that compute what a
known mistake returns (a buggy optimizer step, a bisection that keeps the
wrong half). Each TOML file has two parts:

    [functions.mse_grad]
    signature = "y_pred, y"            # the contract's parameters, with defaults
    returns = "x"                      # optional: parameters of a function it returns
    reference = "..."                  # optional: the right result of one call

    [[misconception]]
    id = "mse_grad.missing_factor_2"   # <function>.<what went wrong>
    function = "mse_grad"
    name = "missing factor 2"          # a few words, shown as the mistake's name
    answer = "expected / 2"            # the wrong answer, or `call = ...` (see below)
    explanation = "Your gradient is exactly half ... ?"
    lesson = "day13/05-losses.md#the-gradient-of-the-mse"

A misconception says what the wrong code gives, in one of three ways:

- `answer`: an expression for the wrong answer at a failed check, from
  `expected` (the trusted answer of that check), the inputs the suite
  showed, and the arguments of the test's last call of the function
  (bound to `signature` by name). `part` limits it to one checked tensor
  or a list of them (keys of a gradient dict, e.g. "b" or ["W1", "b1"]).
- `call`: an expression for what the buggy function returns when called
  with the arguments of each call the test made; it must agree with what
  the student's code returned on every call (`output` picks one value of a
  returned tuple). For behaviour that only shows over several calls
  (optimizer trajectories) or checks without an expected array.
- `condition`: a yes/no expression over a call's arguments, `result` and
  `raised` (the exception type the student's code raised, or None).

Expressions are Python over NumPy (`np`), the helpers of variants.py and
the names above; they are ours, trusted, and checked when the catalogue
loads. `needs` lists extra names an answer expression takes from the
suite's inputs.

The TOML files hold no working code, only mistakes and their explanations;
variants.py does hold working algorithms (a bisection, Adam, backprop), so
a student release may leave it out: the entries that call its helpers are
then skipped and the others still name mistakes.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import importlib.util
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

import numpy as np

from grader.course import Day, ManifestError, load_day

MODES = ("answer", "call", "condition")
_ID = re.compile(r"^(?P<function>[A-Za-z_][A-Za-z0-9_]*)\.[a-z0-9_]+$")
_SEED_LINE = re.compile(r"^\s*\(seed \d+\)$")
_LESSON = re.compile(r"^[\w./-]+\.(md|ipynb)#[a-z0-9_-]+$")
# What an expression may call besides np and the helpers: pure functions only, no I/O, no imports.
SAFE_BUILTINS = {name: getattr(builtins, name) for name in (
    "abs", "all", "any", "bool", "dict", "enumerate", "float", "int", "isinstance", "len", "list",
    "max", "min", "range", "round", "sorted", "sum", "tuple", "zip", "ValueError", "ZeroDivisionError",
)}


class CatalogueError(Exception):
    """The catalogue data is malformed: a maintainer's mistake, reported with the file and entry."""


@dataclass(frozen=True)
class Expression:
    source: str
    code: CodeType
    names: frozenset[str]  # every name the expression reads

    @classmethod
    def parse(cls, source: str, where: str) -> "Expression":
        try:
            tree = ast.parse(source.strip(), mode="eval")
        except SyntaxError as exc:
            raise CatalogueError(f"{where}: not a Python expression ({exc.msg}): {source!r}") from None
        bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        bound |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.Lambda) for a in n.args.args}
        read = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        return cls(source.strip(), compile(tree, where, "eval"), frozenset(read - bound))

    def evaluate(self, helpers: dict, names: dict) -> Any:
        scope = {"__builtins__": SAFE_BUILTINS, "np": np, **helpers}
        return eval(self.code, scope, dict(names))  # noqa: S307 - our own catalogue, checked at load


@dataclass(frozen=True)
class Signature:
    """A parameter list like "theta, grad, lr=0.1, *inputs": binds recorded call arguments to names."""

    params: tuple[str, ...]
    defaults: dict
    varargs: str | None = None

    @classmethod
    def parse(cls, text: str, where: str) -> "Signature":
        try:
            fn = ast.parse(f"def _({text}): pass").body[0]
            args = fn.args
            defaults = [ast.literal_eval(d) for d in args.defaults]
        except (SyntaxError, ValueError) as exc:
            raise CatalogueError(f"{where}: bad signature {text!r} ({exc})") from None
        params = tuple(a.arg for a in args.args)
        return cls(params, dict(zip(params[len(params) - len(defaults):], defaults)),
                   args.vararg.arg if args.vararg else None)

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self.params) | ({self.varargs} if self.varargs else set())

    def bind(self, args: tuple, kwargs: dict) -> dict:
        """Names for one call; missing arguments take their defaults, unknown keywords are dropped."""
        bound = dict(self.defaults)
        bound.update(zip(self.params, args))
        if self.varargs:
            bound[self.varargs] = tuple(args[len(self.params):])
        bound.update((k, v) for k, v in kwargs.items() if k in self.params)
        return bound


@dataclass(frozen=True)
class FunctionInfo:
    name: str
    exercise: str
    signature: Signature
    returns: Signature | None = None
    reference: Expression | None = None


@dataclass(frozen=True)
class Misconception:
    id: str
    function: str
    exercise: str
    name: str
    explanation: str
    lesson: str  # a docs path and a section anchor: day13/05-losses.md#the-gradient-of-the-mse
    mode: str  # one of MODES
    expression: Expression
    part: tuple[str, ...] | None = None  # the checked tensors it applies to (None: every check)
    output: int | None = None
    needs: tuple[str, ...] = ()

    @property
    def lesson_link(self) -> str:
        return f"docs/{self.lesson}"

    def feedback(self) -> str:
        """The lines a student reads under the failure: the mistake's name, why, and where to read up."""
        return (f"  mistake: {self.name}\n"
                f"    {self.explanation}\n"
                f"    lesson: {self.lesson_link}")

    def annotate(self, message: str) -> str:
        """A failure message with this mistake named under the expected-against-got table.

        The generic diagnosis above it ("hint: your values are about 0.5x the
        expected ones") stays; the "(seed N)" line stays last.
        """
        lines = message.splitlines()
        tail = [lines.pop()] if lines and _SEED_LINE.match(lines[-1]) else []
        return "\n".join(lines + self.feedback().splitlines() + tail)


@dataclass(frozen=True)
class Catalogue:
    day: str
    functions: dict[str, FunctionInfo]
    entries: tuple[Misconception, ...]
    helpers: dict = field(default_factory=dict)

    def for_function(self, name: str) -> list[Misconception]:
        return [m for m in self.entries if m.function == name]

    def entry(self, misconception_id: str) -> Misconception:
        for m in self.entries:
            if m.id == misconception_id:
                return m
        raise KeyError(misconception_id)


def catalogue_dir(day: Day) -> Path:
    return day.suite_dir / "misconceptions"


@cache
def load_catalogue(day_id: str) -> Catalogue:
    """The day's catalogue, validated against its manifest (CatalogueError says what is wrong)."""
    try:
        day = load_day(day_id)
    except ManifestError as exc:
        raise CatalogueError(str(exc)) from None
    return read_catalogue(day, catalogue_dir(day))


def read_catalogue(day: Day, folder: Path) -> Catalogue:
    """Read and check the catalogue in `folder` (no folder: an empty catalogue).

    Without variants.py (a student release may leave out its working code),
    the entries whose expressions call its helpers are left out and the rest
    still work; with it, an unknown name in any expression is an error.
    """
    has_helpers = (folder / "variants.py").is_file()
    helpers = _helpers(folder) if has_helpers else {}
    functions: dict[str, FunctionInfo] = {}
    entries: list[Misconception] = []
    for path in sorted(folder.glob("*.toml")):
        exercise = path.stem
        try:
            day.exercise(exercise)
        except ManifestError:
            raise CatalogueError(f"{path}: no exercise {exercise!r} in the {day.id} manifest") from None
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise CatalogueError(f"{path}: {exc}") from None
        for name, raw in data.get("functions", {}).items():
            functions[name] = _function(path, exercise, name, raw, day, has_helpers)
        for i, raw in enumerate(data.get("misconception", [])):
            try:
                entries.append(_entry(path, exercise, i, raw, functions, helpers))
            except _NeedsHelpers:
                if has_helpers:
                    raise
    ids = [m.id for m in entries]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise CatalogueError(f"{folder}: misconception ids used twice: {twice}")
    return Catalogue(day.id, functions, tuple(entries), helpers)


class _NeedsHelpers(CatalogueError):
    """An expression reads names that are neither known nor given: helpers of a missing variants.py."""


def _helpers(folder: Path) -> dict:
    spec = importlib.util.spec_from_file_location(f"_misconception_variants_{abs(hash(folder))}",
                                                  folder / "variants.py")
    module: ModuleType = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    names = getattr(module, "__all__", [n for n in vars(module) if not n.startswith("_")])
    return {n: getattr(module, n) for n in names}


def _function(path: Path, exercise: str, name: str, raw: dict, day: Day, has_helpers: bool) -> FunctionInfo:
    where = f"{path}: [functions.{name}]"
    if day.exercise(exercise).function(name) is None:
        raise CatalogueError(f"{where}: {exercise} has no function {name!r} in the manifest")
    if not isinstance(raw.get("signature"), str):
        raise CatalogueError(f"{where} needs a signature (the contract's parameter list)")
    signature = Signature.parse(raw["signature"], where)
    returns = Signature.parse(raw["returns"], where) if "returns" in raw else None
    reference = Expression.parse(raw["reference"], f"{where} reference") if "reference" in raw else None
    if reference is not None and not has_helpers:
        plain = signature.names | (returns.names if returns else set()) | set(SAFE_BUILTINS) | {"np"}
        reference = reference if reference.names <= plain else None  # it calls a helper that is not here
    return FunctionInfo(name, exercise, signature, returns, reference)


def _entry(path: Path, exercise: str, i: int, raw: dict, functions: dict, helpers: dict) -> Misconception:
    where = f"{path}: misconception #{i + 1} ({raw.get('id', 'no id')})"
    for key in ("id", "function", "name", "explanation", "lesson"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise CatalogueError(f"{where} needs {key!r}")
    match = _ID.match(raw["id"])
    if not match or match["function"] != raw["function"]:
        raise CatalogueError(f"{where}: the id must read <function>.<mistake>, e.g. {raw['function']}.missing_factor_2")
    info = functions.get(raw["function"])
    if info is None or info.exercise != exercise:
        raise CatalogueError(f"{where}: declare [functions.{raw['function']}] in this file first")
    if not _LESSON.match(raw["lesson"]):
        raise CatalogueError(f"{where}: lesson must be a docs path and an anchor, like day13/05-losses.md#section")
    modes = [m for m in MODES if m in raw]
    if len(modes) != 1:
        raise CatalogueError(f"{where}: give exactly one of {', '.join(MODES)}")
    mode = modes[0]
    expression = Expression.parse(raw[mode], where)
    needs = tuple(raw.get("needs", ()))
    known = set(helpers) | {"np"} | info.signature.names | set(needs)
    known |= info.returns.names if info.returns else set()
    known |= {"expected", "part"} if mode == "answer" else set()
    known |= {"result", "raised"} if mode == "condition" else set()
    unknown = sorted(expression.names - known - set(SAFE_BUILTINS))
    if unknown:
        raise _NeedsHelpers(f"{where}: the {mode} expression reads unknown names {unknown}")
    if mode != "answer" and "part" in raw:
        raise CatalogueError(f"{where}: `part` applies to answer expressions only")
    return Misconception(
        id=raw["id"], function=raw["function"], exercise=exercise, name=raw["name"].strip(),
        explanation=" ".join(raw["explanation"].split()), lesson=raw["lesson"], mode=mode,
        expression=expression, part=_parts(raw.get("part"), where), output=raw.get("output"), needs=needs,
    )


def _parts(raw, where: str) -> tuple[str, ...] | None:
    if raw is None:
        return None
    parts = (raw,) if isinstance(raw, str) else tuple(raw) if isinstance(raw, list) else ()
    if not parts or not all(isinstance(p, str) and p for p in parts):
        raise CatalogueError(f"{where}: part must be a name or a list of names")
    return parts
