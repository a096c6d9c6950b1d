"""How long a student waits for `grader check day13` on the whole day.

Prints the median wall time of the full check on the reference solutions,
the median of a bare `python -c "import numpy, pytest"` measured in the same
run, and their ratio. Goal (issue 2): under 1 s on 2 cores, at most 4x the
bare import.

    python benchmarks/check_latency.py [--runs 9]
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median_seconds(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0,):
            sys.exit(f"{' '.join(argv)} exited {done.returncode}:\n{done.stdout}{done.stderr}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    grader = shutil.which("grader", path=str(Path(sys.executable).parent)) or "grader"
    check = [grader, "check", "day13", "--path", str(ROOT / "solutions" / "day13")]
    bare = [sys.executable, "-c", "import numpy, pytest"]
    median_seconds(check, 1)  # warm the file cache and bytecode once
    check_s = median_seconds(check, args.runs)
    bare_s = median_seconds(bare, args.runs)
    print(f"grader check day13 (solutions): median {check_s * 1000:.0f} ms over {args.runs} runs")
    print(f"python -c 'import numpy, pytest': median {bare_s * 1000:.0f} ms over {args.runs} runs")
    print(f"ratio check / bare import: {check_s / bare_s:.2f}x  (goal: < 1 s and <= 4x)")


if __name__ == "__main__":
    main()
