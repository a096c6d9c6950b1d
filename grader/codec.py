"""The wire format between the grader and the worker that runs student code.

MessagePack (the msgpack library) of plain data: numbers, strings, lists,
string-keyed maps, and tagged NumPy arrays whose bytes travel as they are.
Never pickle: unpickling bytes that student code wrote would run the
student's code in the grader; unpacking MessagePack builds only those plain
types. (It replaced JSON with base64 arrays: a fifth less CPU per submission
in the grading process, as both sides' encoding and decoding run in C.)
Frames are an 8-byte big-endian length followed by the MessagePack body.
"""

from __future__ import annotations

import math
import os
import re
import select
import time

import msgpack
import numpy as np

MAX_FRAME = 256 * 1024 * 1024
# Lists and maps in one frame. An empty map is one byte on the wire but about a hundred in
# memory: a frame of 16 MB of them took 2.4 GB and 20 s to read. The grader's largest
# messages (an autodiff program, a trajectory as lists) hold a few thousand.
MAX_CONTAINERS = 200_000
_NUMERIC_KINDS = "biuf"


class WireRef:
    """Something the grader names but only the worker can resolve (a function, a handle)."""

    def __wire__(self) -> dict:
        raise NotImplementedError


class Plain(WireRef):
    """Trusted plain data (lists, str, int, float) the wire carries as it is: crosses unwalked.

    An autodiff program is thousands of small lists; walking them with to_wire on this side and
    _resolve in the worker cost more than running them."""

    def __init__(self, value):
        self.value = value

    def __wire__(self) -> dict:
        return {"__plain__": self.value}


class CodecError(Exception):
    """A value cannot cross the wire, or a frame is malformed."""


class FrameTimeout(Exception):
    """The other side did not answer in time."""


class ChannelClosed(Exception):
    """The other side closed the channel (usually: the process ended)."""


def to_wire(value):
    """Turn a value into JSON-able data; CodecError for what cannot cross."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, WireRef):
        return value.__wire__()
    if isinstance(value, int):
        return value if abs(value) < 2**53 else float(value)
    if isinstance(value, float):
        return _float_to_wire(value)
    if isinstance(value, np.ndarray):
        return _array_to_wire(value)
    if isinstance(value, np.generic):
        if value.dtype.kind not in _NUMERIC_KINDS:
            raise CodecError(f"a NumPy scalar of dtype {value.dtype}")
        return {"__scalar__": value.dtype.str, "v": _array_to_wire(np.asarray(value))}
    if isinstance(value, tuple):
        return {"__tuple__": [to_wire(v) for v in value]}
    if isinstance(value, list):
        return [to_wire(v) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise CodecError("a dict with non-string keys")
        return {"__dict__": {k: to_wire(v) for k, v in value.items()}}
    raise CodecError(f"an object of type {type(value).__name__}")


def from_wire(data):
    """Inverse of to_wire; accepts only the tags it knows."""
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [from_wire(v) for v in data]
    if isinstance(data, dict):
        if "__nd__" in data:
            return _array_from_wire(data)
        if "__scalar__" in data:
            return _array_from_wire(data["v"])[()]
        if "__float__" in data:
            return float(data["__float__"])
        if "__tuple__" in data:
            return tuple(from_wire(v) for v in data["__tuple__"])
        if "__dict__" in data:
            return {str(k): from_wire(v) for k, v in data["__dict__"].items()}
        return {str(k): from_wire(v) for k, v in data.items()}
    raise CodecError(f"unexpected {type(data).__name__} on the wire")


# C0 and C1 control characters but newline and tab, and the marks that reorder text on screen.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, limit: int) -> str:
    """Text from the worker, safe to show: at most `limit` characters, and no control characters
    (an escape sequence in an exception's name could clear the terminal and draw a fake score)."""
    return _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], str(text)[:limit])


def _float_to_wire(x: float):
    if x != x or x in (float("inf"), float("-inf")):
        return {"__float__": repr(x)}
    return x


def _array_to_wire(arr: np.ndarray) -> dict:
    if arr.dtype.kind not in _NUMERIC_KINDS:
        raise CodecError(f"an array of dtype {arr.dtype}")
    # tobytes(order="C") copies as needed and, unlike ascontiguousarray, keeps 0-d arrays 0-d.
    return {"__nd__": arr.dtype.str, "shape": list(arr.shape), "raw": arr.tobytes(order="C")}


def _array_from_wire(data: dict) -> np.ndarray:
    try:
        dtype = np.dtype(data["__nd__"])
        shape = tuple(int(n) for n in data["shape"])
        raw = data["raw"]
        if not isinstance(raw, bytes):
            raise TypeError("array data is not bytes")
    except (KeyError, TypeError, ValueError) as exc:
        raise CodecError(f"malformed array: {exc}") from None
    if dtype.kind not in _NUMERIC_KINDS or dtype.hasobject:
        raise CodecError(f"refused dtype {dtype}")
    count = math.prod(shape)
    if count * dtype.itemsize != len(raw):
        raise CodecError("array size does not match its shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def encode_frame(message) -> bytes:
    # surrogatepass: a student's message with a lone surrogate must not stop the worker; the
    # reader replaces what is not UTF-8.
    body = msgpack.packb(message, use_bin_type=True, unicode_errors="surrogatepass")
    return len(body).to_bytes(8, "big") + body


def write_frame(fd: int, message) -> None:
    write_encoded(fd, encode_frame(message))


def write_encoded(fd: int, frame: bytes, deadline: float | None = None) -> None:
    """Write a frame encode_frame made; on a non-blocking pipe that stays full until `deadline`
    (time.monotonic()), FrameTimeout."""
    data = memoryview(frame)
    while data:
        try:
            data = data[os.write(fd, data):]
        except BlockingIOError:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not select.select([], [fd], [], wait)[1]:
                raise FrameTimeout() from None


def read_frame(fd: int, timeout: float | None = None):
    """Read one frame; FrameTimeout after `timeout` seconds, ChannelClosed at EOF."""
    deadline = None if timeout is None else time.monotonic() + timeout
    header = _read_exact(fd, 8, deadline)
    size = int.from_bytes(header, "big")
    if size > MAX_FRAME:
        raise CodecError(f"frame of {size} bytes is larger than allowed")
    body = _read_exact(fd, size, deadline)
    left = [MAX_CONTAINERS]

    def counted(container):
        left[0] -= 1
        if left[0] < 0:
            raise CodecError(f"a frame holding more than {MAX_CONTAINERS} lists and maps")
        return container

    try:
        return msgpack.unpackb(body, raw=False, strict_map_key=True, unicode_errors="replace",
                               object_hook=counted, list_hook=counted)
    except (ValueError, TypeError, msgpack.UnpackException) as exc:  # also too deep, trailing data
        raise CodecError(f"malformed frame: {exc}") from None


def _read_exact(fd: int, size: int, deadline: float | None) -> bytes:
    chunks, remaining = [], size
    while remaining:
        wait = None if deadline is None else max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            raise FrameTimeout()
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise ChannelClosed()
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
