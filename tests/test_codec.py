"""The wire format: values round-trip exactly; hostile frames are refused, never executed."""

import os
import threading
import time

import msgpack

import numpy as np
import pytest

from grader.codec import (ChannelClosed, CodecError, FrameTimeout, encode_frame, from_wire, read_frame, to_wire,
                          write_encoded, write_frame)

VALUES = [
    1.5, -0.0, float("inf"), float("nan"), 7, True, None, "text",
    np.float32(1.25), np.float16(3.0), np.int64(-4), np.array(2.0), np.array(2.0, np.float32),
    np.arange(6.0).reshape(2, 3).T, np.zeros((0, 3)), np.ones((2, 1, 3), np.float32),
    (1.0, np.arange(3)), {"W1": np.eye(2), "b1": np.zeros(2)}, [1, [2.0, (3,)]],
]


@pytest.mark.parametrize("value", VALUES, ids=[type(v).__name__ + str(i) for i, v in enumerate(VALUES)])
def test_values_round_trip_with_type_shape_and_dtype(value):
    r, w = os.pipe()
    write_frame(w, to_wire(value))
    back = from_wire(read_frame(r, timeout=1))
    os.close(r), os.close(w)
    assert type(back) is type(value) or (isinstance(value, np.generic) and isinstance(back, np.generic))
    if isinstance(value, (np.ndarray, np.generic)):
        assert back.shape == value.shape and back.dtype == value.dtype
        assert np.array_equal(back, value, equal_nan=True)
    elif isinstance(value, float) and value != value:
        assert back != back
    else:
        assert repr(back) == repr(value)


@pytest.mark.parametrize("value", [object(), np.array(["a"]), np.array([{}], dtype=object), {1: 2}, lambda: 0])
def test_what_cannot_cross_is_refused(value):
    with pytest.raises(CodecError):
        to_wire(value)


@pytest.mark.parametrize("data", [
    {"__nd__": "|O", "shape": [1], "raw": b""},
    {"__nd__": "<f8", "shape": [3], "raw": b"\0\0\0"},
    {"__nd__": "<f8", "shape": [1], "raw": "a str, not bytes"},
    {"__nd__": "<f8", "shape": [-1], "raw": b""},
    {"__nd__": "V8", "shape": [1], "raw": b"\0" * 8},
])
def test_malformed_arrays_are_refused(data):
    with pytest.raises(CodecError):
        from_wire(data)


def test_frames_time_out_close_and_refuse_oversized_or_garbage():
    r, w = os.pipe()
    write_frame(w, {"a": to_wire(np.arange(3.0))})
    assert np.array_equal(from_wire(read_frame(r, timeout=1))["a"], np.arange(3.0))
    with pytest.raises(FrameTimeout):
        read_frame(r, timeout=0.05)
    os.write(w, (10**12).to_bytes(8, "big"))
    with pytest.raises(CodecError):
        read_frame(r, timeout=1)
    os.write(w, (5).to_bytes(8, "big") + b"{{{{{")
    with pytest.raises(CodecError):
        read_frame(r, timeout=1)
    for body in [msgpack.packb(msgpack.ExtType(1, b"x")), msgpack.packb({1: 2}), b"\xc1",
                 msgpack.packb([1]) + b"trailing"]:
        os.write(w, len(body).to_bytes(8, "big") + body)
        with pytest.raises(CodecError):
            from_wire(read_frame(r, timeout=1))
    os.close(w)
    with pytest.raises(ChannelClosed):
        read_frame(r, timeout=1)
    os.close(r)


def test_a_small_frame_of_many_empty_maps_is_refused_quickly_instead_of_filling_memory():
    """b"\\x80" is an empty map: one byte on the wire, about a hundred in memory once read."""
    count = 4_000_000
    body = b"\xdd" + count.to_bytes(4, "big") + b"\x80" * count
    r, w = os.pipe()
    writer = threading.Thread(target=os.write, args=(w, len(body).to_bytes(8, "big") + body))
    writer.start()
    with pytest.raises(CodecError, match="more than"):
        read_frame(r, timeout=10)
    writer.join()
    os.close(r)
    os.close(w)
    program = [["value", 0.5]] + [["add", i, ["num", 1.0, "float"]] for i in range(20_000)]  # a large honest one
    r, w = os.pipe()
    frame = encode_frame({"args": program})
    writer = threading.Thread(target=os.write, args=(w, frame))
    writer.start()
    assert read_frame(r, timeout=10)["args"] == program
    writer.join()
    os.close(r)
    os.close(w)


def test_a_write_to_a_full_pipe_waits_until_the_reader_makes_room_or_the_deadline():
    r, w = os.pipe()
    os.set_blocking(w, False)
    frame = encode_frame(to_wire(np.arange(40_000.0)))  # 320 kB: five times what the pipe holds
    started = time.monotonic()
    with pytest.raises(FrameTimeout):
        write_encoded(w, frame, time.monotonic() + 0.3)  # nobody reads
    assert 0.25 < time.monotonic() - started < 5
    os.close(r), os.close(w)
    r, w = os.pipe()
    os.set_blocking(w, False)
    received = []
    reader = threading.Thread(target=lambda: (time.sleep(0.2), received.append(read_frame(r, timeout=10))))
    reader.start()
    write_encoded(w, frame, time.monotonic() + 10)  # a slow reader: every byte arrives, in order
    reader.join()
    assert np.array_equal(from_wire(received[0]), np.arange(40_000.0))
    os.close(r), os.close(w)
