"""The stub generator, and the proof that stubs and solutions never drift."""

import importlib
import inspect
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from grader.stubs import StubError, drift, main, make_stub, solution_regions, sync

ROOT = Path(__file__).resolve().parents[1]
DAY = "day13"
MANIFEST = tomllib.loads((ROOT / "grader" / "suites" / DAY / "manifest.toml").read_text())
EXERCISES = {ex["id"]: [fn["name"] for fn in ex["functions"]] for ex in MANIFEST["exercises"]}


def import_fresh(folder: Path, name: str):
    """Import module `name` from `folder`, isolated from other copies of the course modules."""
    for other in EXERCISES:
        sys.modules.pop(other, None)
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(folder))
        for other in EXERCISES:
            sys.modules.pop(other, None)


# --- make_stub on hand-written sources -------------------------------------

FUNCTION_SOURCE = '''\
import math


def area(r):
    """Return the area of a circle of radius r."""
    ### BEGIN SOLUTION
    squared = r * r
    return math.pi * squared
    ### END SOLUTION


def given(x):
    return x + 1
'''


def test_region_becomes_a_raise_and_the_rest_is_kept():
    stub = make_stub(FUNCTION_SOURCE)
    assert stub == FUNCTION_SOURCE.replace(
        "    ### BEGIN SOLUTION\n    squared = r * r\n    return math.pi * squared\n    ### END SOLUTION\n",
        '    raise NotImplementedError("area: not implemented yet")\n',
    )
    assert '"""Return the area of a circle of radius r."""' in stub
    assert "def given(x):\n    return x + 1\n" in stub


def test_method_regions_keep_their_deeper_indentation_and_qualified_name():
    source = '''\
class Box:
    """A box."""

    def __init__(self, size):
        """Store the size."""
        ### BEGIN SOLUTION
        self.size = size

        def helper():
            return size

        self.helper = helper
        ### END SOLUTION

    def volume(self):
        """Return size cubed."""
        ### BEGIN SOLUTION
        return self.size**3
        ### END SOLUTION
'''
    stub = make_stub(source)
    assert '        raise NotImplementedError("Box.__init__: not implemented yet")\n' in stub
    assert '        raise NotImplementedError("Box.volume: not implemented yet")\n' in stub
    assert "helper" not in stub and "size**3" not in stub
    assert solution_regions(source) == ["Box.__init__", "Box.volume"]
    namespace = {}
    exec(compile(stub, "<stub>", "exec"), namespace)
    with pytest.raises(NotImplementedError, match="Box.__init__"):
        namespace["Box"](3)


def test_source_without_regions_is_unchanged():
    source = "def f(x):\n    return x\n"
    assert make_stub(source) == source


def test_windows_line_endings_are_kept():
    source = FUNCTION_SOURCE.replace("\n", "\r\n")
    stub = make_stub(source)
    assert 'raise NotImplementedError("area: not implemented yet")\r\n' in stub
    assert "\n" not in stub.replace("\r\n", "")


@pytest.mark.parametrize(
    "body, message",
    [
        ("    ### BEGIN SOLUTION\n    return 1\n", "never closed"),
        ("    return 1\n    ### END SOLUTION\n", "without a ### BEGIN SOLUTION"),
        (
            "    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n    ### END SOLUTION\n",
            "nested",
        ),
        ("    ### BEGIN SOLUTION\n    return 1\n  ### END SOLUTION\n", "indented differently"),
    ],
)
def test_bad_markers_raise_a_clear_value_error(body, message):
    source = 'def f():\n    """Doc."""\n' + body
    with pytest.raises(ValueError, match=message):
        make_stub(source)


def test_region_outside_a_function_is_refused():
    with pytest.raises(StubError, match="outside any function"):
        make_stub("### BEGIN SOLUTION\nX = 1\n### END SOLUTION\n")


def test_invalid_python_is_refused():
    with pytest.raises(StubError, match="not valid Python"):
        make_stub("def f(:\n    ### BEGIN SOLUTION\n    pass\n    ### END SOLUTION\n")


# --- sync / drift / main on a throw-away repository ------------------------


@pytest.fixture
def tiny_repo(tmp_path):
    suites = tmp_path / "grader" / "suites" / "day99"
    suites.mkdir(parents=True)
    (suites / "manifest.toml").write_text(
        'day = "day99"\ntitle = "t"\n[[exercises]]\nid = "circle"\ntitle = "c"\nlesson = "x.md"\n'
        'functions = [{ name = "area", points = 1 }]\n'
    )
    (tmp_path / "solutions" / "day99").mkdir(parents=True)
    (tmp_path / "solutions" / "day99" / "circle.py").write_text(FUNCTION_SOURCE)
    return tmp_path


def test_drift_reports_missing_stale_and_unlisted_files(tiny_repo):
    assert drift(tiny_repo, "day99") == [
        "exercises/day99/circle.py: missing stub (run: python -m grader.stubs day99)"
    ]
    assert sync(tiny_repo, "day99") == [tiny_repo / "exercises" / "day99" / "circle.py"]
    assert drift(tiny_repo, "day99") == []
    assert sync(tiny_repo, "day99") == []  # nothing changed, nothing rewritten

    stub = tiny_repo / "exercises" / "day99" / "circle.py"
    stub.write_text(stub.read_text() + "# a student's edit\n")
    (tiny_repo / "solutions" / "day99" / "square.py").write_text("")
    (tiny_repo / "exercises" / "day99" / "__pycache__").mkdir()
    assert drift(tiny_repo, "day99") == [
        "exercises/day99/circle.py: stale stub, differs from the one generated from solutions/day99/circle.py",
        "solutions/day99/square.py: not an exercise of the day99 manifest",
    ]


def grader_stubs(*args):
    """The real `grader stubs` command."""
    grader = Path(sys.executable).with_name("grader")
    return subprocess.run([str(grader), "stubs", *map(str, args)], capture_output=True, text=True, timeout=60)


def test_stubs_never_overwrite_an_edited_exercise_without_force(tiny_repo):
    circle = tiny_repo / "exercises" / "day99" / "circle.py"
    assert grader_stubs("day99", "--root", tiny_repo).returncode == 0
    work = circle.read_text().replace('raise NotImplementedError("area: not implemented yet")', "return 3.14 * r * r")
    circle.write_text(work)  # a student's answer
    manifest = tiny_repo / "grader" / "suites" / "day99" / "manifest.toml"
    manifest.write_text(manifest.read_text() + '[[exercises]]\nid = "square"\ntitle = "s"\nlesson = "x.md"\n'
                        'functions = [{ name = "area", points = 1 }]\n')
    (tiny_repo / "solutions" / "day99" / "square.py").write_text(FUNCTION_SOURCE)

    refused = grader_stubs("day99", "--root", tiny_repo)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert refused.stderr.startswith("grader: error: nothing written: exercises/day99/circle.py differs")
    assert "--force overwrites them (your edits in those files are lost)" in refused.stderr
    assert circle.read_text() == work and not (tiny_repo / "exercises" / "day99" / "square.py").exists()

    assert grader_stubs("day99", "--root", tiny_repo, "--check").returncode == 1  # --check still reports
    forced = grader_stubs("day99", "--root", tiny_repo, "--force")
    assert forced.returncode == 0, forced.stderr
    assert "wrote exercises/day99/circle.py" in forced.stdout and "wrote exercises/day99/square.py" in forced.stdout
    assert grader_stubs("day99", "--root", tiny_repo, "--check").returncode == 0
    assert grader_stubs("day99", "--root", tiny_repo).returncode == 0  # all in sync: nothing to refuse


def test_drift_reports_a_missing_solution_and_a_broken_one(tiny_repo):
    solution = tiny_repo / "solutions" / "day99" / "circle.py"
    solution.write_text("def area(r):\n    ### BEGIN SOLUTION\n    return r\n")
    assert drift(tiny_repo, "day99") == ["solutions/day99/circle.py: line 2: ### BEGIN SOLUTION is never closed by ### END SOLUTION"]
    solution.unlink()
    assert drift(tiny_repo, "day99") == ["solutions/day99/circle.py: missing solution for exercise 'circle'"]


def test_main_check_exits_1_on_drift_and_0_after_sync(tiny_repo, capsys):
    assert main(["--check", "--root", str(tiny_repo)]) == 1
    assert "missing stub" in capsys.readouterr().out
    assert main(["--root", str(tiny_repo), "day99"]) == 0
    assert "wrote exercises/day99/circle.py" in capsys.readouterr().out
    assert main(["--check", "--root", str(tiny_repo), "day99"]) == 0


def test_main_explains_bad_input_without_a_traceback(tiny_repo, capsys):
    assert main(["--root", str(tiny_repo), "day42"]) == 2
    assert "no manifest for day42" in capsys.readouterr().err
    assert main(["--root", str(tiny_repo), "../etc"]) == 2
    assert "not a day name" in capsys.readouterr().err
    assert main(["--root", str(tiny_repo / "nowhere")]) == 2
    assert "no day manifests" in capsys.readouterr().err


# --- the real day 13 --------------------------------------------------------


def test_committed_stubs_match_the_solutions_and_nothing_is_unlisted():
    assert drift(ROOT, DAY) == []


def test_check_command_passes_on_the_repository():
    done = subprocess.run(
        [sys.executable, "-m", "grader.stubs", "--check", "--root", str(ROOT), DAY],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "match their solutions" in done.stdout


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_every_solution_imports_and_defines_its_contract(exercise_id):
    module = import_fresh(ROOT / "solutions" / DAY, exercise_id)
    lesson = next(ex["lesson"] for ex in MANIFEST["exercises"] if ex["id"] == exercise_id)
    assert f"Lesson: docs/{lesson}" in module.__doc__
    for name in EXERCISES[exercise_id]:
        function = getattr(module, name)
        assert callable(function)
        assert (inspect.getdoc(function) or "").strip(), f"{name} needs a docstring"


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_every_stub_imports_and_every_region_raises_not_implemented(exercise_id):
    source = (ROOT / "solutions" / DAY / f"{exercise_id}.py").read_text()
    owners = solution_regions(source)
    # every contract name is answered by a region (a function) or holds regions (a class)
    for name in EXERCISES[exercise_id]:
        assert any(owner == name or owner.startswith(name + ".") for owner in owners), name

    stub = import_fresh(ROOT / "exercises" / DAY, exercise_id)
    for owner in owners:
        target = stub
        for part in owner.split("."):
            target = getattr(target, part)
        parameters = inspect.signature(target).parameters.values()
        dummies = [None for p in parameters if p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD]
        with pytest.raises(NotImplementedError, match=f"^{owner}: not implemented yet$"):
            target(*dummies)
        first_line = inspect.getdoc(target).splitlines()[0]
        assert first_line.endswith("."), f"{owner}: the docstring's first line should be one sentence"


def test_contract_functions_of_stubs_raise_when_called_like_a_student_would():
    # Spot checks with real arguments, as the grader calls them.
    slopes = import_fresh(ROOT / "exercises" / DAY, "slopes")
    with pytest.raises(NotImplementedError, match="forward_difference"):
        slopes.forward_difference(lambda x: x * x, 1.0)
    autodiff = import_fresh(ROOT / "exercises" / DAY, "autodiff")
    with pytest.raises(NotImplementedError, match="Value.__init__"):
        autodiff.Value(2.0)
