"""How a batch run starts its helper processes (grading processes, the summary plot helper).

Each helper used to be spawned: a fresh interpreter that imported NumPy and
pytest by itself, about 0.3 s of CPU each, at the very time the run is
busiest (the sandbox is being probed and the first submissions graded).
With Python's fork server, those imports happen once, in the server, and
every helper is a fork of it. The server is itself a fresh interpreter
started by multiprocessing, so a helper still inherits no locks, threads or
open files from the coordinator. Off Linux, helpers are spawned as before:
Windows has no fork server, and on macOS a fork of a process that has
loaded NumPy's BLAS (Accelerate) is not safe to use.
"""

from __future__ import annotations

import multiprocessing
import os
import sys

from grader.threads import BLAS_THREAD_VARIABLES, one_blas_thread

# What every grading process imports before its first submission; the server loads it once.
PRELOAD = ["numpy", "pytest", "grader.suite_session", "grader.sandbox", "grader.pool"]


def context():
    """The multiprocessing context to start helpers with."""
    if sys.platform != "linux" or "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    from multiprocessing import forkserver

    chosen = multiprocessing.get_context("forkserver")
    chosen.set_forkserver_preload(PRELOAD)
    # The server imports NumPy: with one BLAS thread, as each helper must have (grader.threads),
    # whatever the caller's environment; the caller's own is left as it was.
    saved = {name: os.environ.get(name) for name in BLAS_THREAD_VARIABLES}
    one_blas_thread()
    try:
        forkserver.ensure_running()  # once per coordinator; later calls find it running
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return chosen
