"""Two versions of the grader grading one class at the same time: CPU per submission of each.

On a shared machine the speed moves by 10-20% from one hour to the next, so
two versions measured one after the other compare the hours as much as the
code. Here both grade the same generated class (benchmarks/batch_throughput.py's)
at the same time, one core each (--jobs 1), swapping cores every round, each
in a cgroup of its own; the paired differences show what the code changed.

    python benchmarks/batch_side_by_side.py OLD_REV [NEW_REV] [--count 200] [--rounds 2]

Revisions are git revisions of this repository, each checked out in a
temporary worktree; without NEW_REV the working tree is the new version.
Needs 2 cores and a cgroup (root).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from batch_throughput import ROOT, CpuMeter, full_class


def checkout(rev: str, where: Path) -> Path:
    done = subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(where), rev])
    if done.returncode != 0:
        sys.exit(f"cannot check out {rev!r} (git said why above)")
    return where


def start(tree: Path, core: int, meter: CpuMeter, subs: Path, out: Path, errors) -> subprocess.Popen:
    def enter() -> None:
        os.sched_setaffinity(0, {core})  # --jobs 1 then pins its grading process to this core
        meter.join()

    argv = [sys.executable, "-m", "grader", "grade", "day13", str(subs), "--out", str(out), "--jobs", "1",
            "--seed", "1", "--require-sandbox"]
    # Each version's own bytecode, apart from any __pycache__ the working tree holds.
    env = dict(os.environ, PYTHONPATH=str(tree), PYTHONPYCACHEPREFIX=str(out.parent / f"pycache-{out.name}"))
    return subprocess.Popen(argv, env=env, cwd=out.parent, preexec_fn=enter,
                            stdout=subprocess.DEVNULL, stderr=errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", help="git revision of the old version")
    parser.add_argument("new", nargs="?", help="git revision of the new version (default: the working tree)")
    parser.add_argument("--count", type=int, default=200, help="submissions in the class")
    parser.add_argument("--rounds", type=int, default=2, help="rounds, each graded twice (cores swapped)")
    args = parser.parse_args()
    cores = sorted(os.sched_getaffinity(0))[:2]
    if len(cores) < 2:
        sys.exit("needs 2 cores: one for each version")
    meters = [CpuMeter("-old", join=False), CpuMeter("-new", join=False)]
    if any(m.seconds() is None for m in meters):
        sys.exit("needs a cgroup to measure CPU in (run as root)")
    names = [args.old, args.new or "working tree"]
    tmp = Path(tempfile.mkdtemp(prefix="side-by-side-"))
    trees = []
    try:
        trees = [checkout(args.old, tmp / "old")] + ([checkout(args.new, tmp / "new")] if args.new else [ROOT])
        full_class(tmp / "class", args.count, random.Random(13))
        spent: list[list[float]] = [[], []]
        for r in range(args.rounds):
            for order in (cores, cores[::-1]):
                for i in range(2):
                    shutil.rmtree(tmp / f"out{i}", ignore_errors=True)  # graded afresh: no record to reuse
                before = [m.seconds() for m in meters]
                logs = [(tmp / f"{which}.log").open("w") for which in ("old", "new")]
                runs = [start(tree, core, meter, tmp / "class", tmp / f"out{i}", log)
                        for i, (tree, core, meter, log) in enumerate(zip(trees, order, meters, logs))]
                codes = [run.wait() for run in runs]
                for name, code, log in zip(names, codes, logs):
                    log.close()
                    if code != 0:
                        sys.exit(f"{name}: grader grade exited {code}:\n{Path(log.name).read_text()[-2000:]}")
                for i, meter in enumerate(meters):
                    spent[i].append((meter.seconds() - before[i]) / args.count)
                print(f"round {r + 1}, old on core {order[0]}: old {spent[0][-1] * 1e3:.1f} ms, "
                      f"new {spent[1][-1] * 1e3:.1f} ms of CPU per submission", flush=True)
        differences = [(new - old) * 1e3 for old, new in zip(*spent)]
        for label, name, values in zip(("old", "new"), names, spent):
            print(f"{label} ({name}): median {statistics.median(values) * 1e3:.1f} ms of CPU per submission "
                  f"over {len(values)} runs")
        print(f"paired differences (new - old): {', '.join(f'{d:+.1f}' for d in differences)} ms; "
              f"new / old = {statistics.median(spent[1]) / statistics.median(spent[0]):.3f}")
    finally:
        for tree in trees:
            if tree != ROOT:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
        shutil.rmtree(tmp, ignore_errors=True)
        for meter in meters:
            meter.close()


if __name__ == "__main__":
    main()
