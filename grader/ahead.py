"""Requests sent ahead: a batch's worker runs several calls in a row, not one per wake-up.

Every submission of a batch is graded with one seed, and the suites never build
a request from a student's answer (even a handle on a function the student
returned is numbered by the grader, not by the worker), so each round sends
the same requests in
the same order, as long as every test runs to its end (a failed test stops
early; a function that timed out is not called again). A grading process
keeps the requests of a round in which every test passed, with one worker
throughout (a Plan), and in later rounds writes the next few of them into the
worker's request pipe before the tests ask for them. The worker answers them
in order; each test still reads its own answer, with its own timeout.

The grading process and its worker share a core and used to take turns at
every call: ~210 turns a submission, each costing the two about 60 µs of CPU
beyond the work itself (measured with calls that do next to nothing). With requests ahead,
and the grading process not preempting the worker when an answer arrives
(SCHED_BATCH), both run several calls' worth of work per turn.

The moment a test asks for something other than the plan's next request, the
worker, which may have run requests the tests no longer want, is killed and a
fresh one, with the same modules imported, answers from then on, one call at
a time (grader.student): no answer a test reads comes after a call the tests
did not make. As after any restart of a worker, a module's own state (a
counter, a cache) starts again from its import.
"""

from __future__ import annotations

import fcntl
import os

from grader.codec import write_encoded

CALLS_AHEAD = 8  # requests written beyond the one a test asks for: at most what leaving the plan wastes
PIPE_BYTES = 1 << 20  # Linux's largest pipe for a user without privileges, by default
_F_SETPIPE_SZ = 1031


class Plan:
    """The request frames, in order, of the last round in which every test passed."""

    def __init__(self) -> None:
        self.frames: list[bytes] = []

    def follow(self, request_fd: int) -> Ahead | None:
        return Ahead(self.frames, request_fd) if self.frames else None

    def learn(self, frames: list[bytes]) -> None:
        self.frames = frames


class Ahead:
    """One worker's place in a plan: frames written, answers read.

    The request pipe must be non-blocking. Frames ahead are written as far as the pipe takes
    them at once (the rest of a large one waits for the next chance), so the grading process
    never waits on a worker busy with student code, which may also have shrunk the pipe. It
    waits only to finish writing the request a test asks for, as for any request."""

    def __init__(self, frames: list[bytes], request_fd: int):
        self.frames, self.fd = frames, request_fd
        self.sent = self.taken = 0  # frames begun, answers read
        try:  # room for the largest requests (a network's data, an autodiff program) to go ahead whole
            fcntl.fcntl(request_fd, _F_SETPIPE_SZ, PIPE_BYTES)
        except OSError:  # above this system's limit (/proc/sys/fs/pipe-max-size): the default size
            pass
        self.unwritten = memoryview(b"")  # the end of frame `sent - 1`, when the pipe was full

    def expect(self, frame: bytes) -> bool:
        """Whether `frame` is the plan's next request."""
        return self.taken < len(self.frames) and self.frames[self.taken] == frame

    def send(self, deadline: float) -> None:
        """The expected request, unless it went ahead, then as many of the next ones as go."""
        if self.sent == self.taken:  # not begun: the whole of it now
            self.sent += 1
            write_encoded(self.fd, self.frames[self.taken], deadline)
        elif self.unwritten and self.sent == self.taken + 1:  # begun ahead: the rest of it now
            rest, self.unwritten = self.unwritten, memoryview(b"")
            write_encoded(self.fd, rest, deadline)
        self._write_ahead()

    def answered(self) -> None:
        self.taken += 1

    def _write_ahead(self) -> None:
        while self.unwritten or (self.sent < len(self.frames) and self.sent - self.taken <= CALLS_AHEAD):
            if not self.unwritten:  # the next frame, beyond the one asked for
                self.unwritten = memoryview(self.frames[self.sent])
                self.sent += 1
            try:
                self.unwritten = self.unwritten[os.write(self.fd, self.unwritten):]
            except BlockingIOError:  # the pipe is full: the worker has enough to do
                return
            except BrokenPipeError:  # the worker ended during a request sent earlier: the test that
                return  # asks for that one is told, not this one
            if self.unwritten:  # the pipe took part of it
                return
