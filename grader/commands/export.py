"""`grader export gradescope DAY -o autograder.zip` and `grader export github-actions DAY`."""

from __future__ import annotations

import sys
from pathlib import Path

TARGETS = ("gradescope", "github-actions")


def register(sub):
    p = sub.add_parser(
        "export",
        help="(instructors) a Gradescope autograder zip, or a GitHub Actions workflow",
        description="gradescope: write an autograder zip (setup.sh, run_autograder, the grader wheel with "
        "the hidden tests) to upload to Gradescope. github-actions: write a workflow that runs "
        "`grader check DAY --json` on every push of a student repository, with the points in the job summary.",
    )
    p.add_argument("target", choices=TARGETS, help="what to export")
    p.add_argument("day", help="e.g. day13")
    p.add_argument("-o", "--output", type=Path,
                   help="file to write: a .zip (default: autograder.zip), or a .yml workflow "
                   "(default: .github/workflows/grader-DAY.yml)")
    g = p.add_argument_group("gradescope")
    g.add_argument("--wheels", type=Path, help="folder of dependency wheels to bundle, so setup.sh installs offline")
    g.add_argument("--hidden-visibility", default="after_due_date",
                   choices=("after_due_date", "after_published", "hidden"),
                   help="when students see the hidden tests (default: after_due_date)")
    g.add_argument("--reveal-hidden", action="store_true",
                   help="show hidden tests' failure details once they are visible (default: only pass or fail)")
    g.add_argument("--timeout", type=float, help="seconds each call of student code may take")
    a = p.add_argument_group("github-actions")
    a.add_argument("--python", default="3.11", help="Python version of the job (default: 3.11)")
    a.add_argument("--install", help="the command that installs the grader in the job "
                   "(default: pip install the grader's wheel from the repository's wheels/ folder, as in a release)")
    return p


def run(args) -> int:
    from grader.cli import UsageError
    from grader.commands import check_timeout
    from grader.course import load_day

    day = load_day(args.day)
    if args.target == "gradescope":
        if args.python != "3.11" or args.install:
            raise UsageError("--python and --install are options of github-actions")
        if args.wheels is not None and not args.wheels.is_dir():
            raise UsageError(f"--wheels: no folder {args.wheels}")
        check_timeout(args.timeout)  # the same bounds as check and grade
        from grader.integrations.gradescope import build_bundle, missing_dependencies

        out = args.output or Path("autograder.zip")
        if out.is_dir():
            raise UsageError(f"{out} is a folder; -o takes the zip file to write")
        if out.suffix.lower() != ".zip":  # never turn a file that is not a bundle into one
            raise UsageError(f"-o {out}: the bundle is a zip, give a file name ending in .zip")
        try:
            build_bundle(day, out, wheels=args.wheels, hidden_visibility=args.hidden_visibility,
                         reveal_hidden=args.reveal_hidden, timeout=args.timeout)
        except OSError as exc:
            raise _cannot_write(out, exc) from None
        if args.wheels is not None and (missing := missing_dependencies(args.wheels)):
            print(f"grader: warning: no wheel of {', '.join(missing)} in {args.wheels}: "
                  f"setup.sh will fetch {', '.join(missing)} from PyPI", file=sys.stderr)
        print(f"wrote {out}: upload it as the autograder of a Gradescope programming assignment")
        return 0

    if args.wheels or args.reveal_hidden or args.timeout or args.hidden_visibility != "after_due_date":
        raise UsageError("--wheels, --hidden-visibility, --reveal-hidden and --timeout are options of gradescope")
    from grader.integrations import github_actions

    try:
        text = github_actions.workflow(day, python=args.python, install=args.install)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    out = args.output or Path(github_actions.workflow_path(day))
    if out.suffix not in (".yml", ".yaml"):
        raise UsageError(f"-o {out}: a workflow is a .yml or .yaml file")
    if out.is_dir():
        raise UsageError(f"{out} is a folder; -o takes the workflow file to write")
    try:
        # Replace only a workflow this command wrote: anything else may be someone's work.
        if out.exists() and not out.read_text(encoding="utf-8", errors="replace").startswith(github_actions.HEADER):
            raise UsageError(f"{out} exists and is not a workflow written by grader; "
                             "choose another -o or remove it yourself")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise _cannot_write(out, exc) from None
    print(f"wrote {out}: commit it to the student template repository")
    return 0


def _cannot_write(out: Path, exc: OSError):
    """A full disk, no permission, or a file where a folder should be: one line, exit 2."""
    from grader.cli import UsageError

    nearest = next((folder for folder in out.parents if folder.exists()), None)
    if nearest is not None and not nearest.is_dir():
        return UsageError(f"cannot write {out}: {nearest} is not a folder")
    return UsageError(f"cannot write {out}: {exc.strerror or exc}")
