"""The grader's own computations, remembered from one submission to the next in a batch.

Every student of one batch run gets the same random inputs, so the finite
differences and reference values behind one submission's tests are those of
the next one's. `remember(key, compute)` keeps such results while a batch runs
(`enabled()`); elsewhere, as in `grader check`, it simply computes.

A key is built from the values themselves: the bytes of arrays, the code,
closure and defaults of functions (`key_of`). Where a result was asked for
never matters, so a remembered result is reused only for the same
computation on the same numbers, whatever the submission did. What cannot
be keyed that way (an object of unknown kind) is never remembered. Only
trusted code may use this: it assumes a function reads nothing but its
arguments, closure, defaults and constant module globals.
"""

from __future__ import annotations

import functools
import hashlib
import types
from collections import OrderedDict
from contextlib import contextmanager
from typing import Callable

import numpy as np

MAX_ENTRIES = 20_000  # about one batch round of suites many times over; oldest go first

_table: OrderedDict | None = None  # None: not remembering


class Unkeyable(Exception):
    """A value whose key cannot be built from its contents."""


@contextmanager
def enabled():
    """Remember computations inside this block (one batch run), forget them after."""
    global _table
    outer, _table = _table, OrderedDict()
    try:
        yield
    finally:
        _table = outer


def remember(key, compute: Callable):
    """compute(), or what it returned before for an equal key while remembering."""
    if _table is None or key is None:
        return compute()
    try:
        value = _table[key]
    except KeyError:
        value = _table[key] = compute()
        if len(_table) > MAX_ENTRIES:
            _table.popitem(last=False)
        return value
    _table.move_to_end(key)
    return value


def remembered(fn: Callable) -> Callable:
    """fn, whose results are remembered by the contents of its arguments while a batch runs.

    For trusted reference computations (a reference trajectory, say). Each caller gets its own
    copy of any array in the result, so changing it cannot change what the next one gets."""

    @functools.wraps(fn)
    def call(*args, **kwargs):
        return _fresh(remember(try_key("call", fn, args, kwargs), lambda: fn(*args, **kwargs)))

    return call


def _fresh(value):
    if isinstance(value, np.ndarray):
        return value.copy()
    if type(value) in (tuple, list):
        return type(value)(_fresh(v) for v in value)
    return value


def key_of(value, _depth: int = 0):
    """A hashable key equal only for values that compute alike; Unkeyable otherwise."""
    if _depth > 12:  # a function reaching itself through its closure, or absurd nesting
        raise Unkeyable("too deep")
    kind = type(value)
    if value is None or kind in (bool, int, float, str, bytes):
        return kind.__name__, value
    if kind is np.ndarray:
        data = np.ascontiguousarray(value)
        return "nd", value.dtype.str, value.shape, hashlib.blake2b(data.view(np.uint8), digest_size=16).digest()
    if isinstance(value, np.generic):
        return "np", value.dtype.str, value.tobytes()
    if kind in (tuple, list):
        return kind.__name__, tuple(key_of(v, _depth + 1) for v in value)
    if kind is dict:
        return "dict", tuple((key_of(k, _depth + 1), key_of(v, _depth + 1)) for k, v in value.items())
    if kind is types.FunctionType:
        return _function_key(value, _depth)
    if kind is functools.partial:
        return ("partial", key_of(value.func, _depth + 1), key_of(value.args, _depth + 1),
                key_of(value.keywords, _depth + 1))
    if kind is types.MethodType:
        return "method", key_of(value.__func__, _depth + 1), key_of(value.__self__, _depth + 1)
    if kind in (types.BuiltinFunctionType, np.ufunc, type):
        return "named", kind.__name__, getattr(value, "__module__", None), getattr(value, "__qualname__", value.__name__)
    if kind is types.ModuleType:
        return "module", value.__name__
    if isinstance(value, np.dtype):
        return "dtype", value.str
    raise Unkeyable(f"a {kind.__name__}")


def _function_key(fn: types.FunctionType, depth: int):
    code = fn.__code__
    cells = tuple(key_of(cell.cell_contents, depth + 1) for cell in fn.__closure__ or ())
    # The code object compares by content (bytecode, constants, names, line); its file and the
    # module's name keep apart identical lines of two suites, whose globals may differ.
    return ("fn", code, code.co_filename, fn.__module__, cells, key_of(fn.__defaults__, depth + 1),
            key_of(fn.__kwdefaults__, depth + 1))


def try_key(*values) -> bytes | None:
    """A short digest of key_of(values) while remembering, else None (and None for what cannot be
    keyed). The digest hashes fast as part of further keys; repr of a key is unambiguous (literal
    syntax; a code object's repr names its address, and suite code lives as long as the process)."""
    if _table is None:
        return None
    try:
        key = key_of(values)
    except Unkeyable:
        return None
    return hashlib.blake2b(repr(key).encode(), digest_size=20).digest()
