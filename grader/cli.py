"""`grader`: a thin command line over the library. Subcommands live in grader/commands/."""

from __future__ import annotations

import argparse
import importlib
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


def fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"grader: error: {message}", file=sys.stderr)
    return code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="grader", description="Check and grade the exercises of the calculus-for-ML course."
    )
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
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return EXIT_USAGE
    from grader.course import ManifestError
    from grader.runner import GraderError

    try:
        return args._run(args)
    except (UsageError, ManifestError) as exc:
        return fail(str(exc))
    except GraderError as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except BrokenPipeError:  # output piped into `head` and closed early
        silence_stdout()
        return EXIT_FAILED
    except Exception as exc:  # a bug in the grader: one clear line, the traceback kept for the report
        return fail(f"internal error, a bug in the grader and not in your code ({type(exc).__name__}: "
                    f"{str(exc)[:200]}); details in {_save_traceback()}; please report it", EXIT_BUG)


def silence_stdout() -> None:
    """After its reader went away: what Python still flushes at exit goes nowhere, quietly."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


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
