"""How well and how cheaply the grader names mistakes. Prints figures; asserts nothing.

1. Recognition: each catalogued bug (tests/feedback/bugs.py) graded on several
   seeds; how often its own name is given, and whether any other is.
2. Reach: the project's mutants (tests/mutants/, realistic bugs written for
   another purpose) graded once; how many get some name.
3. Cost: seconds spent naming (only failing tests are looked at) against the
   whole check, for a correct folder and for buggy ones.

    .venv/bin/python benchmarks/misconception_naming.py [--seeds N] [--skip-mutants] [--show-names]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import grader.misconceptions as misconceptions  # noqa: E402
from grader.course import load_day  # noqa: E402
from grader.runner import run_day  # noqa: E402
from tests.feedback.bugs import BUGS, apply  # noqa: E402
from tests.mutants import all_mutants  # noqa: E402

SOLUTIONS = ROOT / "solutions" / "day13"
DAY = load_day("day13")
spent = {"seconds": 0.0, "calls": 0}


def _timed_diagnose(real):
    def diagnose(*args, **kwargs):
        start = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            spent["seconds"] += time.perf_counter() - start
            spent["calls"] += 1
    return diagnose


def _grade(module: str, source: str | None, seed: int, extra: dict | None = None):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "sub"
        shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
        if source is not None:
            (folder / f"{module}.py").write_text(source)
        for name, text in (extra or {}).items():
            (folder / name).write_text(text)
        before = dict(spent)
        start = time.perf_counter()
        result = run_day(DAY, folder, [module], seed=seed, timeout=30)
        total = time.perf_counter() - start
        return result, total, spent["seconds"] - before["seconds"], spent["calls"] - before["calls"]


def recognition(seeds: list[int]) -> list[float]:
    print(f"1. Recognition of the {len(BUGS)} catalogued bugs on seeds {seeds}")
    rates, misnamed, costs = [], [], []
    for bug in BUGS:
        source = apply(bug, (SOLUTIONS / f"{bug.module}.py").read_text())
        hits = 0
        for seed in seeds:
            result, total, naming, _ = _grade(bug.module, source, seed)
            costs.append((total, naming))
            entry = misconceptions.load_catalogue("day13").entry(bug.misconception)
            names = {t.misconception for t in result.exercises[0].tests
                     if t.misconception and t.function == entry.function}
            hits += bug.misconception in names
            misnamed += sorted(names - {bug.misconception})
        rates.append(hits / len(seeds))
        if hits < len(seeds):
            print(f"   {bug.misconception}: named on {hits} of {len(seeds)} seeds")
    print(f"   named on every seed: {sum(r == 1 for r in rates)} of {len(rates)} bugs; "
          f"mean rate {statistics.mean(rates):.3f}; other names given: {len(misnamed)} {Counter(misnamed) or ''}")
    return costs


def reach(show: bool) -> None:
    """Mutants were written to prove tests fail, not for naming: a name given must fit the mutant's `why`."""
    mutants = all_mutants()
    named = Counter()
    for mutant in mutants:
        source = (SOLUTIONS / f"{mutant.module}.py").read_text().replace(mutant.old, mutant.new)
        result, *_ = _grade(mutant.module, source, 20261123, mutant.extra_files)
        ids = sorted({t.misconception for t in result.exercises[0].tests if t.misconception})
        named[bool(ids)] += 1
        if show and ids:
            print(f"   {mutant.id:44s} {mutant.why[:60]:60s} -> {', '.join(ids)}")
    print(f"2. Reach: {named[True]} of {len(mutants)} mutants in tests/mutants/ get a name "
          f"({named[True] / len(mutants):.0%}); the rest get the generic diagnosis")


def cost(costs: list[tuple[float, float]]) -> None:
    calls_before = spent["calls"]
    clean = [_grade(ex.id, None, 1)[1] for ex in DAY.exercises]
    print("3. Cost")
    print(f"   correct folder, all nine exercises one by one: {sum(clean):.2f} s of checks, "
          f"{spent['calls'] - calls_before} naming calls (naming runs only on failures)")
    totals = [t for t, _ in costs]
    naming = [n for _, n in costs]
    print(f"   buggy folders ({len(costs)} checks of one exercise): median check {statistics.median(totals):.2f} s, "
          f"median naming {1000 * statistics.median(naming):.1f} ms, max naming {1000 * max(naming):.0f} ms, "
          f"naming share of all check time {sum(naming) / sum(totals):.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="seeds per catalogued bug (default 3)")
    parser.add_argument("--skip-mutants", action="store_true")
    parser.add_argument("--show-names", action="store_true", help="list each named mutant, to review the names")
    args = parser.parse_args()
    misconceptions.diagnose = _timed_diagnose(misconceptions.diagnose)  # the runner looks it up at call time
    costs = recognition([101 + 7919 * i for i in range(args.seeds)])
    if not args.skip_mutants:
        reach(args.show_names)
    cost(costs)


if __name__ == "__main__":
    main()
