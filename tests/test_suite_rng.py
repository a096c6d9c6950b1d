"""The suites' `rng` fixture: every test starts from default_rng([seed, crc32(test id)]), each time.

A batch reuses one bit generator per test across submissions; these check that no draw of an
earlier submission (or of another test) shows in the next one's numbers."""

from __future__ import annotations

import zlib
from types import SimpleNamespace

import numpy as np

from grader.suites import conftest

make_rng = conftest.rng.__wrapped__  # the fixture's own function, called as pytest would


def _rng(seed: int, test_id: str) -> np.random.Generator:
    return make_rng(SimpleNamespace(test_id=test_id), seed)


def _expected(seed: int, test_id: str, size: int) -> np.ndarray:
    return np.random.default_rng([seed, zlib.crc32(test_id.encode())]).normal(size=size)


def test_each_test_starts_from_its_own_documented_seed():
    got = _rng(7, "day13/test_losses.py::test_a").normal(size=5)
    np.testing.assert_array_equal(got, _expected(7, "day13/test_losses.py::test_a", 5))
    other = _rng(7, "day13/test_losses.py::test_b").normal(size=5)
    assert not np.array_equal(got, other)
    assert not np.array_equal(got, _rng(8, "day13/test_losses.py::test_a").normal(size=5))


def test_a_test_run_again_starts_afresh_whatever_the_last_run_drew():
    test_id = "day13/test_backprop.py::test_c"
    first = _rng(3, test_id)
    first.normal(size=1000)  # one submission's round draws a lot...
    first.integers(0, 10, size=7)
    again = _rng(3, test_id).normal(size=4)  # ...the next round of the same test sees none of it
    np.testing.assert_array_equal(again, _expected(3, test_id, 4))


def test_other_tests_in_between_do_not_shift_the_stream():
    a, b = "day13/test_rules.py::test_a", "day13/test_rules.py::test_b"
    _rng(5, a).normal(size=10)
    _rng(5, b).normal(size=10)
    np.testing.assert_array_equal(_rng(5, a).normal(size=3), _expected(5, a, 3))
    np.testing.assert_array_equal(_rng(5, b).normal(size=3), _expected(5, b, 3))
