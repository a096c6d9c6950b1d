"""`grader release DAY --out DIR`: the folder students receive, with public tests only."""

from __future__ import annotations

from pathlib import Path


def register(sub):
    p = sub.add_parser(
        "release",
        help="(instructors) build what students receive: stubs, lessons, the grader with public tests",
        description="Write DIR with the stubs, the lesson sources (and the built site, if there is one), "
        "a wheel of the grader without hidden tests or solutions, a GitHub Actions workflow and a README. "
        "Refuses to write anything if a solution line or a hidden test would ship.",
    )
    p.add_argument("day", help="e.g. day13")
    p.add_argument("--out", type=Path, required=True, help="the folder to write (absent or empty; never the repository or a folder it reads)")
    p.add_argument("--repo", type=Path, default=Path("."), help="the course repository (default: .)")
    site = p.add_mutually_exclusive_group()
    site.add_argument("--site", type=Path, help="a built lessons site to include (default: REPO/site if built)")
    site.add_argument("--build-site", action="store_true", help="build the site with mkdocs first (slow)")
    p.add_argument("--force", action="store_true", help="replace DIR if it holds an earlier release (never any other folder)")
    return p


def run(args) -> int:
    from grader.cli import UsageError
    from grader.course import load_day
    from grader.integrations.release import ReleaseError, build_release

    day = load_day(args.day)
    if args.out.exists() and not args.out.is_dir():
        raise UsageError(f"{args.out} exists and is not a folder")
    try:
        release = build_release(day, args.out, repo=args.repo, site=args.site, build_site=args.build_site,
                                force=args.force)
    except ReleaseError as exc:
        raise UsageError(str(exc)) from None
    site = {"built": "a freshly built site", "copied": "the built site", "": "lesson sources only (no built site)"}
    print(f"wrote {release.folder}: {release.files} files, {site[release.site]}; "
          "no solution line and no hidden test in it")
    return 0
