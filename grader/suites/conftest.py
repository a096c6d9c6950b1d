"""Fixtures every suite uses: the student's worker and a reproducible RNG per test."""

import functools
import zlib

import numpy as np
import pytest


@pytest.fixture(scope="session")
def _grader_session(request):
    session = getattr(request.config, "grader_session", None)
    if session is None:
        pytest.fail("the suites run only through the grader (grader check / grader.runner.run_day)")
    return session


@pytest.fixture(scope="session")  # session scope: built once, not once per test
def student(_grader_session):
    """The submission, called in its own process: student.losses.mse_grad(...)."""
    return _grader_session.student


@pytest.fixture(scope="session")
def seed(_grader_session):
    return _grader_session.seed


@pytest.fixture
def rng(_grader_session, seed):
    """Seeded per run (--seed) and per test, so a failure can be reproduced alone.

    The test's id comes from the grader (asking pytest's `request` for it costs more than the rest
    of the fixture set-up of a test)."""
    bit_generator, start = _bit_generator(seed, _grader_session.test_id)
    bit_generator.state = start  # as fresh as default_rng([seed, crc32(test id)]), a tenth of the cost
    return np.random.Generator(bit_generator)


@functools.lru_cache(maxsize=4096)
def _bit_generator(seed: int, test_id: str) -> tuple[np.random.PCG64, dict]:
    """The test's bit generator and its starting state, made once: a batch grades every student
    with one seed, and each test runs to its end before the next one asks for its own."""
    bit_generator = np.random.PCG64(np.random.SeedSequence([seed, zlib.crc32(test_id.encode())]))
    return bit_generator, bit_generator.state
