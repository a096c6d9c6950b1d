"""`grader export gradescope DAY -o autograder.zip` and `grader export github-actions DAY`."""

from __future__ import annotations

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
                   help="file to write (default: autograder.zip, or .github/workflows/grader-DAY.yml)")
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
                   "(default: pip install from the repository's wheels/ folder, as in a release)")
    return p


def run(args) -> int:
    from grader.cli import UsageError
    from grader.course import load_day

    day = load_day(args.day)
    if args.target == "gradescope":
        if args.python != "3.11" or args.install:
            raise UsageError("--python and --install are options of github-actions")
        if args.wheels is not None and not args.wheels.is_dir():
            raise UsageError(f"--wheels: no folder {args.wheels}")
        if args.timeout is not None and not 0 < args.timeout <= 3600:
            raise UsageError("--timeout takes seconds between 0 and 3600")
        from grader.integrations.gradescope import build_bundle

        out = args.output or Path("autograder.zip")
        if out.is_dir():
            raise UsageError(f"{out} is a folder; -o takes the zip file to write")
        build_bundle(day, out, wheels=args.wheels, hidden_visibility=args.hidden_visibility,
                     reveal_hidden=args.reveal_hidden, timeout=args.timeout)
        print(f"wrote {out}: upload it as the autograder of a Gradescope programming assignment")
        return 0

    if args.wheels or args.reveal_hidden or args.timeout or args.hidden_visibility != "after_due_date":
        raise UsageError("--wheels, --hidden-visibility, --reveal-hidden and --timeout are options of gradescope")
    from grader.integrations import github_actions

    try:
        text = github_actions.workflow(day, python=args.python, install=args.install or github_actions.DEFAULT_INSTALL)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    out = args.output or Path(github_actions.workflow_path(day))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}: commit it to the student template repository")
    return 0
