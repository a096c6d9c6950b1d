"""A pytest plugin that records how long each suite test took (setup, call and teardown).

grader.runner.run_day takes no extra plugins, so exports that want per-test
times load this one by name through PYTEST_ADDOPTS (see `timed`). Keys are
(exercise id, test name), the pair that identifies a test in every export.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

durations: dict[tuple[str, str], float] = {}


def pytest_runtest_logreport(report):
    exercise = Path(str(report.fspath)).stem.removeprefix("test_")
    name = report.nodeid.rsplit("::", 1)[-1]
    durations[(exercise, name)] = durations.get((exercise, name), 0.0) + float(report.duration)


@contextlib.contextmanager
def timed():
    """Record the durations of the suites run inside the block into `durations`."""
    durations.clear()
    old = os.environ.get("PYTEST_ADDOPTS")
    os.environ["PYTEST_ADDOPTS"] = f"{old or ''} -p {__name__}".strip()
    try:
        yield durations
    finally:
        if old is None:
            os.environ.pop("PYTEST_ADDOPTS", None)
        else:
            os.environ["PYTEST_ADDOPTS"] = old
