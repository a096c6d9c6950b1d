"""`grader`: a thin command line over the library. Subcommands live in grader/commands/."""

from __future__ import annotations

import os
import sys

from grader import __version__

# Each module has register(subparsers) and run(args) -> exit code. Keep their
# top-level imports light: every command's module is imported to build --help.
COMMANDS = [
    "grader.commands.check",
    "grader.commands.hint",
    "grader.commands.watch",
    "grader.commands.list",
    "grader.commands.grade",
    "grader.commands.stubs",
    "grader.commands.nbgrader",
    "grader.commands.export",
    "grader.commands.release",
]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3


class UsageError(Exception):
    """Bad input or environment: printed as one line on stderr, exit code 2."""


class OutputError(Exception):
    """Standard output refused a write (a full disk, /dev/full, an I/O error): exit code 2."""


def fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"grader: error: {message}", file=sys.stderr)
    return code


def build_parser():
    # argparse and the commands are imported here, not at the top, so that Ctrl-C or a module
    # hidden by a file on PYTHONPATH meets main's handlers instead of printing a traceback
    import argparse
    import importlib

    class Parser(argparse.ArgumentParser):
        """intermixed=True: options may come between positionals (`check day13 --json losses`).

        argparse hands a subcommand's arguments to its parser's parse_known_args, and
        parse_intermixed_args refuses a parser holding subcommands, so each subcommand that
        takes several positionals opts in here instead of the top-level parser."""

        def __init__(self, *args, intermixed: bool = False, **kwargs):
            super().__init__(*args, **kwargs)
            self.intermixed = intermixed

        def parse_known_args(self, args=None, namespace=None):
            if not self.intermixed:
                return super().parse_known_args(args, namespace)
            self.intermixed = False  # parse_known_intermixed_args calls back into parse_known_args
            try:
                return self.parse_known_intermixed_args(args, namespace)
            finally:
                self.intermixed = True

    parser = Parser(prog="grader", description="Check and grade the exercises of the calculus-for-ML course.")
    parser.add_argument("--version", action="version", version=f"grader {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(name)
        module.register(sub).set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    # A file name that is not UTF-8 (made on another system) is printed as \xeb, never a crash.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    # Everything, imports included, runs inside the handlers: Ctrl-C at any moment ends with
    # one line and 130, never a KeyboardInterrupt traceback.
    args = None
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "_run", None):
            parser.print_help()
            return EXIT_USAGE
        return _run(args)
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except BrokenPipeError:  # output piped into `head` and closed early
        silence_stdout()
        # A command sets args.verdict once its exit code is decided, before it prints: a reader
        # that stops early (`| head`, a pipeline under `set -o pipefail`) still gets pass or
        # fail. Before that (a hint not shown yet, say) nothing was decided: 1, "did not succeed".
        verdict = getattr(args, "verdict", None)
        return verdict if verdict is not None else EXIT_FAILED
    except OutputError as exc:
        silence_stdout()  # what is left in the buffer would fail again when Python exits
        return fail(f"cannot write the report: {exc}")
    except Exception as exc:  # noqa: BLE001
        hidden = _hidden_module(exc)
        if hidden:  # e.g. a numpy.py of the student's on PYTHONPATH: their setup, not a bug
            name, path = hidden
            return fail(f"grader could not import {name}: a file {os.path.basename(path)} on PYTHONPATH hides "
                        f"it ({path}); rename that file or take its folder out of PYTHONPATH")
        # a bug in the grader: one clear line, the traceback kept for the report
        return fail(f"internal error, a bug in the grader and not in your code ({type(exc).__name__}: "
                    f"{str(exc)[:200]}); details in {_save_traceback()}; please report it", EXIT_BUG)


def _run(args) -> int:
    from grader.course import ManifestError
    from grader.runner import GraderError

    if sys.stdout is None:  # started with stdout closed (`>&-`): nothing could be shown
        # Checked before anything runs or is opened: a file opened now could become fd 1.
        return fail("cannot write the report: standard output is closed")
    try:
        os.getcwd()
    except FileNotFoundError:  # pytest and relative paths need it; nothing sensible can run
        return fail("the current folder no longer exists (deleted?); cd into an existing folder and run "
                    "grader again")
    args.verdict = None
    real_stdout = sys.stdout
    sys.stdout = _Stdout(real_stdout)
    try:
        code = args.verdict = args._run(args)
        sys.stdout.flush()  # here, not at exit, so that a failed write is reported like any other
        return code
    except (UsageError, ManifestError, GraderError) as exc:
        return fail(str(exc))
    finally:
        sys.stdout = real_stdout


class _Stdout:
    """sys.stdout, with its failed writes told apart from the grader's other OSErrors."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(exc.strerror or str(exc)) from None

    def flush(self):
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(exc.strerror or str(exc)) from None

    def __getattr__(self, name):
        return getattr(self._stream, name)


def silence_stdout() -> None:
    """After its reader went away: what Python still flushes at exit goes nowhere, quietly."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # no stdout at all: nothing to silence
        pass


def _hidden_module(exc: BaseException) -> tuple[str, str] | None:
    """(name, file) of a module of PYTHONPATH that hides a standard or installed one, if the
    failure went through it or it was imported; None otherwise. Run only after a failure."""
    import importlib.machinery
    import traceback

    try:
        entries = [os.path.abspath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        if not entries:
            return None
        files = [frame.f_code.co_filename for frame, _ in traceback.walk_tb(exc.__traceback__)]
        files += [getattr(m, "__file__", None) or "" for m in list(sys.modules.values())]
        elsewhere = [p for p in sys.path if p and os.path.abspath(p) not in entries]
        for path in files:
            for entry in entries:
                if not path.startswith(entry + os.sep):
                    continue
                name = os.path.relpath(path, entry).split(os.sep)[0].split(".")[0]
                if name in sys.stdlib_module_names or importlib.machinery.PathFinder.find_spec(name, elsewhere):
                    return name, path
    except Exception:  # noqa: BLE001 - only a better message was at stake
        return None
    return None


def _save_traceback() -> str:
    import tempfile
    import traceback

    try:
        handle, path = tempfile.mkstemp(prefix="grader-crash-", suffix=".txt")
        # backslashreplace: an argument that is not UTF-8 (a file name from another system) must
        # not turn the report of one bug into a second one
        with os.fdopen(handle, "w", encoding="utf-8", errors="backslashreplace") as report:
            report.write(f"grader {__version__}, python {sys.version.split()[0]}\n{' '.join(sys.argv)}\n\n")
            report.write(traceback.format_exc())
        return path
    except OSError:
        return "(no file could be written)"
