"""grader.helpers: batch helpers are forks of a fork server with NumPy and pytest already loaded."""

from __future__ import annotations

import os
import sys

from grader import helpers
from grader.threads import BLAS_THREAD_VARIABLES


def _report(conn) -> None:
    conn.send({"preloaded": sorted(m for m in helpers.PRELOAD if m in sys.modules),
               "blas": {name: os.environ.get(name) for name in BLAS_THREAD_VARIABLES},
               "parent": os.getppid()})


def test_a_helper_starts_with_the_grading_modules_loaded_and_one_blas_thread(monkeypatch):
    for name in BLAS_THREAD_VARIABLES:  # a caller who never asked for one BLAS thread
        monkeypatch.delenv(name, raising=False)
    context = helpers.context()
    conn, child = context.Pipe()
    process = context.Process(target=_report, args=(child,))
    process.start()
    facts = conn.recv()
    process.join(timeout=30)
    assert process.exitcode == 0
    assert facts["preloaded"] == sorted(helpers.PRELOAD)
    assert set(facts["blas"].values()) == {"1"}
    assert facts["parent"] != os.getpid()  # a fork of the server, not of this process
    assert all(name not in os.environ for name in BLAS_THREAD_VARIABLES)  # the caller's env is as it was


def test_off_linux_helpers_are_spawned_not_forked(monkeypatch):
    """macOS may not fork a process that has loaded NumPy's BLAS; Windows cannot fork at all."""
    monkeypatch.setattr(helpers.sys, "platform", "darwin")
    assert helpers.context().get_start_method() == "spawn"
    monkeypatch.setattr(helpers.sys, "platform", "linux")
    assert helpers.context().get_start_method() == "forkserver"
