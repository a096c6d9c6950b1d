"""summary.png: the score histogram and the per-exercise pass rates side by side.

Importing matplotlib takes about 0.3 s of CPU. A batch run starts `Plotter`
before it probes the sandbox, so that the import happens in a process of its
own while the class is graded, and only the drawing (about 0.13 s) is left
when the results are in. (A practice drawing made ahead saved under 10 ms of
that and cost 100.)"""

from __future__ import annotations

import os
import signal
import tempfile
from pathlib import Path

from grader import helpers, threads
from grader.gradebook import HISTOGRAM_BINS, with_suppressed

DPI = 110


def draw(facts: dict, path: Path, title: str) -> None:
    """Write the PNG atomically."""
    fig = _figure(facts, title)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        fig.savefig(tmp, format="png", dpi=DPI)
        os.chmod(tmp, 0o644)  # as the other files of OUT (mkstemp's 0600 would lock TAs out)
        os.replace(tmp, path)
    finally:
        with_suppressed(os.unlink, tmp)


def _figure(facts: dict, title: str):
    """matplotlib's Agg canvas: no display needed, no pyplot state."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # Margins set here, not by a layout engine: "constrained" doubled the drawing time, which is
    # spent after the last submission is graded. The gap between the plots fits the longest name.
    names = [ex["id"] for ex in facts["exercises"]]
    longest = max((len(n) for n in names), default=0)
    fig = Figure(figsize=(11, 4.2))
    FigureCanvasAgg(fig)
    fig.subplots_adjust(left=0.07, right=0.97, bottom=0.14, top=0.84, wspace=0.1 + 0.02 * min(longest, 40))
    left, right = fig.subplots(1, 2)
    edges = [i * 100 / HISTOGRAM_BINS for i in range(HISTOGRAM_BINS)]
    left.bar(edges, facts["histogram"], width=100 / HISTOGRAM_BINS, align="edge", color="#4c72b0", edgecolor="white")
    left.set(xlabel="score (% of the maximum)", ylabel="students", xlim=(0, 100), title="Scores")
    rates = [100 * ex["rate"] for ex in facts["exercises"]]
    right.barh(names[::-1], rates[::-1], color="#55a868")
    right.set(xlabel="% of students passing every test", xlim=(0, 100), title="Exercises")
    fig.suptitle(title)
    return fig


class Plotter:
    """draw(), in a process started ahead of time by start(); without start(), right here."""

    def __init__(self) -> None:
        self.conn = self.process = None

    def __enter__(self) -> Plotter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        if self.process is not None:
            return
        context = helpers.context()
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()

    def draw(self, facts: dict, path: Path, title: str) -> None:
        """ImportError without matplotlib; any other failure of the helper is retried here, to
        raise the real error (or succeed)."""
        if self.process is None:
            return draw(facts, path, title)
        try:
            self.conn.send((facts, str(path), title))
            kind, message = self.conn.recv()
        except (EOFError, OSError):  # the helper died: draw here instead
            kind, message = "lost", ""
        finally:
            self.close()
        if kind == "ImportError":
            raise ImportError(message)
        if kind != "ok":
            draw(facts, path, title)

    def close(self) -> None:
        if self.process is None:
            return
        self.conn.close()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def _serve(conn) -> None:
    # Ctrl-C reaches the whole process group: it is the coordinator's to handle (it closes the
    # pipe, and this process ends), as for the grading processes (grader.pool)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threads.one_blas_thread()
    try:  # while the class is graded
        from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: F401 - loaded ahead
        from matplotlib.figure import Figure  # noqa: F401 - loaded ahead
        missing = ""
    except ImportError as exc:
        missing = str(exc) or "matplotlib is not installed"
    except Exception:  # noqa: BLE001 - the real drawing will meet it again, and report it
        missing = ""
    try:
        job = conn.recv()
    except (EOFError, OSError):  # the run ended without a plot (it failed, or was interrupted)
        return
    if missing:
        conn.send(("ImportError", missing))
        return
    try:
        draw(job[0], Path(job[1]), job[2])
        conn.send(("ok", ""))
    except Exception as exc:  # noqa: BLE001 - reported; the coordinator draws again to raise it
        conn.send(("error", repr(exc)))
    os._exit(0)  # the PNG is written: skip tearing down matplotlib, which the run would wait for
