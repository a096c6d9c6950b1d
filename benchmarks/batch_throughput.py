"""How fast `grader grade` grades a class, and how that compares with `nbgrader autograde`.

1. Full day 13: grades COUNT generated submissions (half the reference
   solutions, half with one realistic bug each; some zipped) with --jobs
   cores in the bubblewrap sandbox, and prints submissions per second.
2. A three-function assignment (a central-difference derivative, the MSE
   gradient, tanh backward) as nbgrader notebooks: a tiny real nbgrader
   course is built in a temporary folder (source notebook with solution
   regions and assert test cells, `nbgrader generate_assignment`, submitted
   copies), `nbgrader autograde` grades NB_COUNT of them, and our grader
   grades the same kind of notebooks (COUNT of them, same cells) on the same
   three functions. Prints both throughputs and their ratio.

Goals (issue 4): at least 10 full day-13 submissions per second on 2 cores,
and at least 20x nbgrader's throughput on the three-function assignment.

    python benchmarks/batch_throughput.py [--count 200] [--nb-count 20] [--jobs N] [--repeat R]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions" / "day13"
STUBS = ROOT / "exercises" / "day13"

# One realistic mistake each; appended to a reference module, the later def wins.
BUGS = [
    ("losses", "def mse_grad(y_pred, y):\n    return (y_pred - y) / np.size(y)\n"),
    ("activations", "def tanh_grad(x):\n    return 1 - np.tanh(x)\n"),
    ("slopes", "def central_difference(f, x, h=1e-5):\n    return (f(x + h) - f(x - h)) / h\n"),
    ("backprop", "def tanh_backward(da, cache):\n    return 1 - cache ** 2\n"),
    ("descent", "def momentum_step(theta, grad, velocity, lr, beta=0.9):\n"
                "    velocity = beta * velocity - grad\n    return theta - lr * velocity, velocity\n"),
    ("gradients", "def quadratic_gradient(A, x):\n    return 2 * A @ x\n"),
]


class CpuMeter:
    """CPU seconds used by this process and everything it starts, sandboxes included, via a cgroup.

    The machine may be shared: wall-clock rates then depend on the neighbours, and CPU seconds
    less, but not nothing (here they moved by 10-20% from one hour to the next; to compare two
    versions, benchmarks/batch_side_by_side.py runs them at the same time).
    cores / (CPU seconds per submission) is the rate on that many idle cores. None if no cgroup
    can be created here (not root, or no cpuacct controller). join=False: a cgroup that the
    processes to measure enter themselves (`join`, e.g. as a child's preexec_fn).
    """

    def __init__(self, name: str = "", join: bool = True):
        self.path = self.usage_file = None
        self.joined = join
        for root, usage in (("/sys/fs/cgroup/cpuacct", "cpuacct.usage"), ("/sys/fs/cgroup", "cpu.stat")):
            for stale in Path(root).glob("batch-bench-*"):  # left by a run that was killed
                if stale.name.startswith(f"batch-bench-{os.getpid()}"):
                    continue  # this run's own
                try:
                    stale.rmdir()  # only succeeds once no process is left in it
                except OSError:
                    pass
            try:
                path = Path(root) / f"batch-bench-{os.getpid()}{name}"
                path.mkdir()
                self.path, self.usage_file, self.parent = path, path / usage, Path(root)
                if join:
                    self.join()
                return
            except OSError:
                continue

    def join(self) -> None:
        (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def seconds(self) -> float | None:
        if self.usage_file is None:
            return None
        text = self.usage_file.read_text()
        if self.usage_file.name == "cpuacct.usage":
            return int(text) / 1e9
        return int(text.split("usage_usec")[1].split()[0]) / 1e6

    def close(self) -> None:
        if self.path is not None:
            try:
                if self.joined:
                    (self.parent / "cgroup.procs").write_text(str(os.getpid()))
                self.path.rmdir()
            except OSError:
                pass


class Quiet:
    def warn(self, text): print(f"  WARNING: {text}")
    def info(self, text): pass
    def start(self, total, reused, todo): pass
    def advance(self, *args): pass
    def finish(self): pass


# --------------------------------------------------------------------------- full day 13


def full_class(folder: Path, count: int, rng: random.Random) -> None:
    for i in range(count):
        student = folder / f"s{i:04d}"
        shutil.copytree(SOLUTIONS, student, ignore=shutil.ignore_patterns("__pycache__"))
        if i % 2:
            module, code = rng.choice(BUGS)
            with open(student / f"{module}.py", "a") as handle:
                handle.write("\n\n" + code)
            if rng.random() < 0.2:  # and a module not started at all
                stub = rng.choice(sorted(p.name for p in STUBS.glob("*.py")))
                shutil.copyfile(STUBS / stub, student / stub)
        if i % 10 == 3:
            with zipfile.ZipFile(folder / f"s{i:04d}.zip", "w", zipfile.ZIP_DEFLATED) as archive:
                for path in sorted(student.glob("*.py")):
                    archive.write(path, f"day13/{path.name}")
            shutil.rmtree(student)


def grade(day, subs: Path, out: Path, jobs: int | None, require_sandbox: bool, meter: CpuMeter):
    """(outcome, wall seconds, CPU seconds or None) of one `grade_class` run, start-up included."""
    from grader.batch import Options, grade_class

    cpu_before, started = meter.seconds(), time.perf_counter()
    outcome = grade_class(day, subs, out, Options(jobs=jobs, seed=1, require_sandbox=require_sandbox), Quiet())
    seconds = time.perf_counter() - started
    cpu = None if cpu_before is None else meter.seconds() - cpu_before
    return outcome, seconds, cpu


def machine_speed() -> str:
    """How quick this machine is right now, on work like a student's: the reference's 500-epoch
    house-price training (small NumPy operations in a Python loop), best of three. A shared
    machine's speed moves with its neighbours; this figure lets runs of different sittings be
    compared."""
    import importlib.util

    from grader.suites.day13 import _nets
    from grader.suites.day13.test_house_prices import SPLIT_SEED, TEST_ROWS

    sys.path.insert(0, str(SOLUTIONS))  # house_prices imports backprop
    try:
        spec = importlib.util.spec_from_file_location("reference_house_prices", SOLUTIONS / "house_prices.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(SOLUTIONS))
    data = _nets.house_split(SPLIT_SEED, TEST_ROWS)
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        module.train_house_price_model(data.X_train, data.y_train, epochs=500)
        best = min(best, time.process_time() - started)
    return f"machine speed: the reference's 500-epoch house-price training took {1000 * best:.0f} ms of CPU"


def rates(count: int, seconds: float, cpu: float | None, cores: int) -> str:
    text = f"{count} in {seconds:.1f} s: {count / seconds:.2f}/s measured (load average {os.getloadavg()[0]:.1f})"
    if cpu is not None:
        text += f"; {cpu / count:.3f} CPU s each, so {cores * count / cpu:.2f}/s on {cores} idle cores"
    return text


# --------------------------------------------------------------------------- three functions


THREE = {  # module: (function graded, the cell as the reference writes it, nbgrader's test cell)
    "slopes": ("central_difference",
               "def central_difference(f, x, h=1e-5):\n    ### BEGIN SOLUTION\n"
               "    return (f(x + h) - f(x - h)) / (2 * h)\n    ### END SOLUTION\n",
               "x = np.linspace(-2.0, 2.0, 9)\n"
               "assert np.allclose(central_difference(np.sin, x), np.cos(x), atol=1e-7)\n"
               "assert abs(central_difference(lambda t: t ** 3, 2.0) - 12.0) < 1e-5\n"),
    "losses": ("mse_grad",
               "def mse_grad(y_pred, y):\n    ### BEGIN SOLUTION\n"
               "    return 2 * (y_pred - y) / np.size(y)\n    ### END SOLUTION\n",
               "rng = np.random.default_rng(0)\nyp, y = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))\n"
               "assert np.allclose(mse_grad(yp, y), 2 * (yp - y) / y.size)\n"
               "assert mse_grad(yp, y).shape == yp.shape\n"),
    "backprop": ("tanh_backward",
                 "def tanh_forward(z):\n    a = np.tanh(z)\n    return a, a\n\n\n"
                 "def tanh_backward(da, cache):\n    ### BEGIN SOLUTION\n"
                 "    return da * (1 - cache ** 2)\n    ### END SOLUTION\n",
                 "z = np.linspace(-2.0, 2.0, 6).reshape(2, 3)\na, cache = tanh_forward(z)\n"
                 "da = np.arange(6.0).reshape(2, 3)\n"
                 "assert np.allclose(tanh_backward(da, cache), da * (1 - np.tanh(z) ** 2))\n"),
}
THREE_BUGS = {
    "slopes": "    return (f(x + h) - f(x)) / h\n",
    "losses": "    return (y_pred - y) / np.size(y)\n",
    "backprop": "    return 1 - cache ** 2\n",
}


def _cell(kind: str, source: str, meta: dict | None = None) -> dict:
    cell = {"cell_type": kind, "metadata": {"nbgrader": meta} if meta else {}, "source": source}
    if kind == "code":
        cell |= {"execution_count": None, "outputs": []}
    return cell


def source_notebook() -> dict:
    """The instructor's notebook: solution cells (each a module for our grader) and nbgrader test cells."""
    cells = [_cell("markdown", "# Three derivatives\n"),
             _cell("code", "import numpy as np\n", {"grade": False, "solution": False, "locked": True,
                                                    "grade_id": "imports", "schema_version": 3})]
    for module, (function, solution, test) in THREE.items():
        cells.append(_cell("code", f"# module: {module}\n{solution}",
                           {"grade": False, "solution": True, "locked": False, "grade_id": f"{function}",
                            "schema_version": 3}))
        cells.append(_cell("code", test, {"grade": True, "solution": False, "locked": True, "points": 1,
                                          "grade_id": f"test_{function}", "schema_version": 3}))
    return {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                        "language": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def student_notebook(released: dict, buggy: set[str]) -> dict:
    """The released notebook with every solution cell answered (wrongly for the modules in `buggy`)."""
    notebook = json.loads(json.dumps(released))
    for cell in notebook["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if not meta.get("solution"):
            continue
        module = next(m for m, (f, _, _) in THREE.items() if meta["grade_id"] == f)
        answer = THREE[module][1]
        start, end = answer.index("    ### BEGIN SOLUTION\n"), answer.index("    ### END SOLUTION\n")
        body = THREE_BUGS[module] if module in buggy else answer[start:end].split("\n", 1)[1]
        cell["source"] = f"# module: {module}\n" + answer[:start] + body + answer[end + len("    ### END SOLUTION\n"):]
    return notebook


def three_function_day():
    """Day 13 cut down to the three graded functions (the suites' other tests are not run)."""
    from grader.course import Function, load_day

    day = load_day("day13")
    kept = []
    for module, (function, _, _) in THREE.items():
        exercise = day.exercise(module)
        kept.append(dataclasses.replace(exercise, functions=(Function(function, 1.0),)))
    return dataclasses.replace(day, exercises=tuple(kept))


def venv_env() -> dict:
    """nbgrader runs `alembic` and `jupyter` by name: the venv's bin must be on PATH."""
    return dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}")


def nbgrader_course(root: Path, count: int, rng: random.Random) -> dict:
    """A real nbgrader course with `count` submitted notebooks; returns the released notebook."""
    nbgrader = str(Path(sys.executable).parent / "nbgrader")
    (root / "source" / "ps1").mkdir(parents=True)
    (root / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.root = {str(root)!r}\nc.CourseDirectory.course_id = 'bench'\n")
    (root / "source" / "ps1" / "ps1.ipynb").write_text(json.dumps(source_notebook(), indent=1))
    done = subprocess.run([nbgrader, "generate_assignment", "ps1", "--force"], cwd=root, capture_output=True, text=True,
                          env=venv_env())
    if done.returncode != 0:
        sys.exit(f"nbgrader generate_assignment failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")
    released = json.loads((root / "release" / "ps1" / "ps1.ipynb").read_text())
    for i in range(count):
        folder = root / "submitted" / f"s{i:04d}" / "ps1"
        folder.mkdir(parents=True)
        buggy = {rng.choice(sorted(THREE))} if i % 2 else set()
        (folder / "ps1.ipynb").write_text(json.dumps(student_notebook(released, buggy), indent=1))
        (folder / "timestamp.txt").write_text("2026-01-01 12:00:00.000000 UTC")
    return released


def nbgrader_scores(root: Path) -> list[float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        return [gradebook.find_submission("ps1", s.id).score for s in gradebook.students]


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="submissions graded by our grader (each part)")
    parser.add_argument("--nb-count", type=int, default=20, help="notebooks autograded by nbgrader")
    parser.add_argument("--jobs", type=int, help="our grader's --jobs (default: all cores)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="grade the full-day class this many times (a shared machine's speed varies)")
    parser.add_argument("--allow-no-sandbox", action="store_true", help="measure even without bubblewrap")
    args = parser.parse_args()
    from grader.batch import _cores
    from grader.course import load_day

    cores = args.jobs or _cores()
    rng = random.Random(13)
    meter = CpuMeter()
    sandbox = not args.allow_no_sandbox
    try:
        with tempfile.TemporaryDirectory(prefix="batch-bench-") as tmp:
            tmp = Path(tmp)
            print(machine_speed())
            print(f"1. full day 13: {args.count} generated submissions (half with a bug), --jobs {cores}")
            full_class(tmp / "class", args.count, rng)
            runs = []
            for run in range(args.repeat):  # the same class graded afresh each time
                outcome, seconds, cpu = grade(load_day("day13"), tmp / "class", tmp / f"graded{run}", args.jobs,
                                              sandbox, meter)
                runs.append(outcome.graded / seconds)
                print(f"   grader grade: {rates(outcome.graded, seconds, cpu, cores)}   (goal: >= 10/s on 2 cores)")
            if args.repeat > 1:
                print(f"   over {args.repeat} runs: best {max(runs):.2f}/s, median {statistics.median(runs):.2f}/s, "
                      f"worst {min(runs):.2f}/s measured")
            print(f"   mean score {outcome.summary['mean_score']:.1f} / {outcome.summary['max_score']:g}, "
                  f"histogram {outcome.summary['histogram']}")
            print(f"   student code ran in: {outcome.sandbox}")

            print("\n2. three-function assignment (derivative, MSE gradient, tanh backward) as notebooks")
            course = tmp / "course"
            released = nbgrader_course(course, args.nb_count, rng)
            nbgrader = str(Path(sys.executable).parent / "nbgrader")
            cpu_before, started = meter.seconds(), time.perf_counter()
            done = subprocess.run([nbgrader, "autograde", "ps1"], cwd=course, capture_output=True, text=True,
                                  env=venv_env())
            nb_seconds = time.perf_counter() - started
            nb_cpu = None if cpu_before is None else meter.seconds() - cpu_before
            if done.returncode != 0:
                sys.exit(f"nbgrader autograde failed:\n{done.stderr[-3000:]}")
            nb_scores = nbgrader_scores(course)
            print(f"   nbgrader autograde: {rates(args.nb_count, nb_seconds, nb_cpu, 1)} "
                  f"(serial; {nb_scores.count(3.0)} of {len(nb_scores)} scored 3/3)")

            notebooks = tmp / "notebooks"
            notebooks.mkdir()
            for i in range(args.count):
                buggy = {rng.choice(sorted(THREE))} if i % 2 else set()
                (notebooks / f"s{i:04d}.ipynb").write_text(json.dumps(student_notebook(released, buggy)))
            three, three_seconds, three_cpu = grade(three_function_day(), notebooks, tmp / "graded3", args.jobs,
                                                    sandbox, meter)
            print(f"   grader grade:       {rates(three.graded, three_seconds, three_cpu, cores)} "
                  f"({three.summary['histogram'][-1]} scored 3/3)")
            ratio = (three.graded / three_seconds) / (args.nb_count / nb_seconds)
            line = f"   ratio, measured: {ratio:.1f}x nbgrader's throughput"
            if three_cpu is not None and nb_cpu is not None:
                ours, theirs = cores * three.graded / three_cpu, args.nb_count / nb_cpu
                line += f"; on idle cores: {ours / theirs:.1f}x ({cores} cores against nbgrader's one)"
            print(line + "   (goal: >= 20x)")
    finally:
        meter.close()


if __name__ == "__main__":
    main()
