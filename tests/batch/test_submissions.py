"""Finding, fingerprinting and unpacking submissions: folders, zips and notebooks, safely."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

from grader.course import load_day
from grader.submissions import MAX_BYTES, MAX_FILES, Submission, discover, fingerprint, unpack

from .classroom import SOLUTIONS, copy_solutions, make_zip, notebook, solution_body

DAY = load_day("day13")


def unpacked(tmp_path, path, kind):
    return unpack(Submission(path.stem if kind != "folder" else path.name, path, kind), tmp_path / "work" / "src", DAY)


def test_discover_names_students_by_folder_or_file_and_keeps_one_entry_each(tmp_path):
    for name in ("ann", "bob", "zed"):
        (tmp_path / name).mkdir()
    make_zip(tmp_path / "bob.zip", {"losses.py": "x = 1\n"})
    make_zip(tmp_path / "cat.zip", {"losses.py": "x = 1\n"})
    notebook(tmp_path / "dan.ipynb", [])
    (tmp_path / "notes.txt").write_text("not a submission")
    (tmp_path / ".DS_Store").write_text("")
    (tmp_path / "__MACOSX").mkdir()
    os.symlink(SOLUTIONS, tmp_path / "sneaky")
    found = discover(tmp_path)
    assert [(s.student, s.kind) for s in found.submissions] == [
        ("ann", "folder"), ("bob", "folder"), ("cat", "zip"), ("dan", "notebook"), ("zed", "folder")]
    assert "bob.zip" in found.submissions[1].notes[0]
    tool = ("a hidden or tool folder/file (names starting with '.', __MACOSX, __pycache__, node_modules, venv), "
            "not a submission")
    assert sorted(found.ignored) == [f".DS_Store: {tool}", f"__MACOSX: {tool}",
                                     "notes.txt: not a folder, .zip or .ipynb", "sneaky: a symbolic link"]


def test_fingerprint_follows_content_not_timestamps(tmp_path):
    folder = copy_solutions(tmp_path / "ann", ("losses",))
    sub = Submission("ann", folder, "folder")
    first = fingerprint(sub)
    os.utime(folder / "losses.py", (1, 1))
    assert fingerprint(sub) == first
    (folder / "losses.py").write_text(solution_body("losses") + "\n# changed\n")
    assert fingerprint(sub) != first
    (folder / "losses.py").write_text(solution_body("losses"))
    (folder / "extra.py").write_text("")
    assert fingerprint(sub) != first


def test_a_changed_module_is_seen_behind_a_data_file_as_large_as_the_fingerprint_reads(tmp_path):
    # Files used to be read in name order until 80 MB: a big `aaa_data.bin` first left losses.py
    # to its size and time, which a student can keep while changing what it does.
    folder = copy_solutions(tmp_path / "ann", ("losses",))
    with open(folder / "aaa_data.bin", "wb") as handle:
        handle.truncate(MAX_BYTES * 4 - 10)
    sub = Submission("ann", folder, "folder")
    before, stat = fingerprint(sub), (folder / "losses.py").stat()
    text = solution_body("losses")
    changed = text.replace("return float(np.mean(diff * diff))", "return 0.0")
    assert changed != text
    (folder / "losses.py").write_text(changed.ljust(len(text)))  # same size
    os.utime(folder / "losses.py", ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same time
    assert fingerprint(sub) != before


def test_a_folder_nested_one_level_is_found_and_links_are_not_followed(tmp_path):
    inner = copy_solutions(tmp_path / "ann" / "day13", ("slopes",))
    os.symlink(SOLUTIONS / "losses.py", inner / "losses.py")  # would hand over the reference solution
    (inner / "data").mkdir()
    (inner / "data" / "notes.csv").write_text("a,b\n")
    result = unpacked(tmp_path, tmp_path / "ann", "folder")
    assert result.modules == ["slopes"]
    assert sorted(p.name for p in result.folder.iterdir()) == ["data", "slopes.py"]
    assert any("link" in note for note in result.notes)


def test_a_repository_zip_is_graded_from_the_folder_deep_inside_that_holds_the_modules(tmp_path):
    # What "Download ZIP" of a student's repository gives: repo-main/exercises/day13/*.py, beside
    # a README and a stray module-named file higher up.
    path = make_zip(tmp_path / "ann.zip", {
        "calc4ml-main/README.md": "# my course work\n",
        "calc4ml-main/notes/losses.py": "x = 1\n",
        "calc4ml-main/exercises/day13/losses.py": solution_body("losses"),
        "calc4ml-main/exercises/day13/slopes.py": solution_body("slopes"),
        "calc4ml-main/exercises/day13/helpers/util.py": "y = 2\n",
    })
    result = unpacked(tmp_path, path, "zip")
    assert result.modules == ["slopes", "losses"] and not result.problem
    assert (result.folder / "helpers" / "util.py").is_file()  # the chosen folder's own files come along
    assert (result.folder / "losses.py").read_text() == solution_body("losses")
    assert any("graded the folder calc4ml-main/exercises/day13/" in note and "calc4ml-main/notes/" in note
               for note in result.notes)


def test_module_files_named_in_another_case_are_graded_under_their_exercise_name(tmp_path):
    # Saved on Windows or macOS, where Losses.py and losses.py are one file: here they are not.
    inner = tmp_path / "ann" / "Day13"
    inner.mkdir(parents=True)
    (inner / "Losses.py").write_text(solution_body("losses"))
    (inner / "SLOPES.PY").write_text(solution_body("slopes"))
    (inner / "Notes.py").write_text("x = 1\n")
    result = unpacked(tmp_path, tmp_path / "ann", "folder")
    assert result.modules == ["slopes", "losses"]
    assert (result.folder / "losses.py").read_text() == solution_body("losses")
    assert not (result.folder / "Losses.py").exists() and (result.folder / "Notes.py").is_file()
    assert any("Losses.py" in note and "losses.py" in note for note in result.notes)


def test_a_module_file_in_both_cases_keeps_the_exact_name(tmp_path):
    folder = copy_solutions(tmp_path / "ann", ("losses",))
    (folder / "Losses.py").write_text("an old copy, not python\n")
    result = unpacked(tmp_path, folder, "folder")
    assert (result.folder / "losses.py").read_text() == solution_body("losses")


def test_module_files_too_deep_are_not_searched_for(tmp_path):
    copy_solutions(tmp_path / "ann" / "a" / "b" / "c" / "d" / "e", ("losses",))
    result = unpacked(tmp_path, tmp_path / "ann", "folder")
    assert result.modules == [] and "none of the files" in result.problem


def test_a_zip_with_traversal_links_and_encryption_keeps_only_safe_entries(tmp_path):
    path = tmp_path / "ann.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("losses.py", solution_body("losses"))
        archive.writestr("../../evil.py", "x = 1\n")
        archive.writestr("/etc/evil.py", "x = 1\n")
        archive.writestr("a/../../evil2.py", "x = 1\n")
        archive.writestr("C:/evil3.py", "x = 1\n")
        link = zipfile.ZipInfo("slopes.py")
        link.external_attr = (0o120777 << 16)  # a symbolic link entry, pointing at the solutions
        archive.writestr(link, str(SOLUTIONS / "slopes.py"))
    result = unpacked(tmp_path, path, "zip")
    assert result.modules == ["losses"]
    assert not list(tmp_path.rglob("evil*.py"))
    notes = " ".join(result.notes)
    for name in ("../../evil.py", "/etc/evil.py", "a/../../evil2.py", "C:/evil3.py"):
        assert repr(name) in notes
    assert "'slopes.py': a symbolic link" in notes


def test_a_zip_bomb_and_a_zip_of_too_many_files_are_not_graded(tmp_path):
    bomb = make_zip(tmp_path / "bomb.zip", {"losses.py": b"#" * (MAX_BYTES + 1)})
    assert bomb.stat().st_size < MAX_BYTES // 100
    result = unpacked(tmp_path, bomb, "zip")
    assert result.modules == [] and "zip bomb" in result.problem
    many = make_zip(tmp_path / "many.zip", {f"f{i}.txt": "" for i in range(2 * MAX_FILES + 1)})
    result = unpack(Submission("many", many, "zip"), tmp_path / "w2" / "src", DAY)
    assert "entries" in result.problem


@pytest.mark.parametrize("content", [b"not a zip at all", b"PK\x03\x04" + b"\0" * 40])
def test_a_damaged_zip_is_a_reason_not_a_crash(tmp_path, content):
    path = tmp_path / "ann.zip"
    path.write_bytes(content)
    result = unpacked(tmp_path, path, "zip")
    assert result.modules == [] and "ann.zip" in result.problem


def test_notebook_cells_map_to_modules_by_marker_line_or_tag(tmp_path):
    path = notebook(tmp_path / "ann.ipynb", [
        ("import numpy as np\nfrom math import exp\n", []),
        ("%matplotlib inline\nimport numpy as np\n!ls\n", []),
        ("# module: losses\ndef mse(y_pred, y):\n    return float(np.mean((y_pred - y) ** 2))\n", []),
        ("def mse_grad(y_pred, y):\n    return 2 * (y_pred - y) / y.size\n", ["module:losses"]),
        ("%%time\nslow_experiment()\n", ["module:losses"]),
        ("mse(np.ones(3), np.zeros(3))  # an unmarked experiment\n", []),
        ("#   module :  slopes\ndef forward_difference(f, x, h=1e-6):\n    return (f(x + h) - f(x)) / h\n", []),
    ])
    result = unpacked(tmp_path, path, "notebook")
    assert result.modules == ["slopes", "losses"] and result.problem == ""
    losses = (result.folder / "losses.py").read_text()
    assert "from math import exp" in losses and "def mse(" in losses and "def mse_grad(" in losses
    assert "# (notebook only) %matplotlib inline" in losses and "# (notebook only) !ls" in losses
    assert "slow_experiment" not in losses and "unmarked experiment" not in losses
    assert "forward_difference" not in losses
    namespace: dict = {}
    exec(compile(losses, "losses.py", "exec"), namespace)
    assert namespace["mse_grad"].__name__ == "mse_grad"


def test_markers_as_students_write_them_still_name_the_exercise_and_a_typo_is_named(tmp_path):
    path = notebook(tmp_path / "ann.ipynb", [
        ("import numpy as np\n", []),
        ("# Module: Losses\ndef mse(y_pred, y):\n    return float(np.mean((y_pred - y) ** 2))\n", []),
        ("# module: slopes.py\ndef forward_difference(f, x, h=1e-6):\n    return (f(x + h) - f(x)) / h\n", []),
        ("def sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n", ["Module:Activations"]),
        ("# module: gradient\ndef relative_error(a, b):\n    return 0.0\n", []),
        ("# module: helpers\nSCALE = 2\n", []),
    ])
    result = unpacked(tmp_path, path, "notebook")
    assert result.modules == ["slopes", "activations", "losses"]
    assert "def mse(" in (result.folder / "losses.py").read_text()
    assert (result.folder / "helpers.py").is_file()  # a module of the student's own, for the others to import
    notes = " ".join(result.notes)
    assert "`# module: gradient`" in notes and "gradients" in notes  # the typo, and the exercises there are
    assert "Losses" not in notes and "slopes.py" not in notes
    # Grading some exercises only (--exercises losses): the cells of the others are no typos.
    only_losses = dataclasses.replace(DAY, exercises=(DAY.exercise("losses"),))
    result = unpack(Submission("ann", path, "notebook"), tmp_path / "again" / "src", only_losses)
    assert result.modules == ["losses"]
    flagged = sorted(note.split("`")[1] for note in result.notes if "is not one of" in note)
    assert flagged == ["# module: gradient", "# module: helpers"]


def test_an_unmarked_notebook_is_graded_whole_as_the_modules_it_implements(tmp_path):
    path = notebook(tmp_path / "ann.ipynb", [("import numpy as np\n", []), (solution_body("losses"), []),
                                             ("print(mse(np.ones(2), np.zeros(2)))\n", [])])
    result = unpacked(tmp_path, path, "notebook")
    assert result.modules == ["losses"]
    assert "print(mse(" in (result.folder / "losses.py").read_text()
    assert any("no cell starts with `# module: <name>`" in note for note in result.notes)


@pytest.mark.parametrize("text, needle", [
    ("{not json", "not a readable notebook"),
    ('{"cells": 3}', "not a Jupyter notebook of format 4"),
    ('{"cells": [{"cell_type": "code", "source": "x = 1\\n"}]}', "defines none of the functions"),
])
def test_unusable_notebooks_say_why(tmp_path, text, needle):
    path = tmp_path / "ann.ipynb"
    path.write_text(text)
    result = unpacked(tmp_path, path, "notebook")
    assert result.modules == [] and needle in result.problem


def test_a_folder_over_the_limits_is_copied_up_to_them_module_files_first(tmp_path):
    folder = copy_solutions(tmp_path / "ann", ("losses",))
    for i in range(MAX_FILES + 5):
        (folder / f"data{i:04}.txt").write_text("x")
    result = unpacked(tmp_path, folder, "folder")
    assert result.modules == ["losses"]
    assert len(list(result.folder.iterdir())) == MAX_FILES
    assert any("stopped copying" in note for note in result.notes)


def test_an_import_cell_naming_a_package_not_installed_here_does_not_stop_every_module(tmp_path):
    path = notebook(tmp_path / "ann.ipynb", [
        ("import numpy as np\nimport no_such_plotting_lib as plt\nfrom no_such_table_lib.io import (\n    read,\n)\n"
         "from math import tau\n", []),
        ("# module: losses\ndef mse(y_pred, y):\n    return float(np.mean((y_pred - y) ** 2))\n", []),
    ])
    result = unpacked(tmp_path, path, "notebook")
    losses = (result.folder / "losses.py").read_text()
    assert "# (not installed where this is graded) import no_such_plotting_lib as plt" in losses
    assert "# (not installed where this is graded)     read," in losses
    assert "\nimport numpy as np" in losses and "\nfrom math import tau" in losses
    assert [n for n in result.notes if "left out of the import cell" in n] == [
        "ann.ipynb: `import no_such_plotting_lib as plt`, `from no_such_table_lib.io import ( read, )` left out of "
        "the import cell copied into every module: no_such_plotting_lib, no_such_table_lib are not installed where "
        "your code is graded"]
    namespace: dict = {}
    exec(compile(losses, "losses.py", "exec"), namespace)
    assert namespace["mse"](namespace["np"].ones(2), namespace["np"].zeros(2)) == 1.0


def test_an_import_cell_of_thousands_of_missing_imports_is_unpacked_at_once_with_one_note(tmp_path):
    # Each import used to be re-found in the whole cell (quadratic): 10,000 lines took minutes.
    path = notebook(tmp_path / "ann.ipynb", [
        ("import numpy as np\n" + "import no_such_lib\n" * 3_000 + "import no_such_other\n", []),
        ("# module: losses\n" + solution_body("losses"), []),
        ("import numpy\n" + "import no_such_third\n" * 200_000, []),  # 4 MB: no import cell anyone writes
    ])
    result = unpacked(tmp_path, path, "notebook")
    assert result.modules == ["losses"]
    left_out = [n for n in result.notes if "left out of the import cell" in n]
    assert left_out == ["ann.ipynb: `import no_such_lib`, `import no_such_lib`, `import no_such_lib` and 2998 more "
                        "left out of the import cell copied into every module: no_such_lib, no_such_other are not "
                        "installed where your code is graded"]
    assert "no_such_third" not in (result.folder / "losses.py").read_text()  # too long to share: left out


def test_a_notebook_cannot_write_more_than_a_submission_may_hold(tmp_path):
    # The shared import cell goes into every marked module: a big one and many tiny modules would
    # multiply it (a 1 MB notebook wrote 200 MB).
    padding = "# " + "x" * 1000 + "\n"
    cells = [("import numpy as np\n" + padding * 60, [])]  # 60 kB, imports only (and comments)
    cells += [("# module: losses\n" + solution_body("losses"), [])]
    cells += [(f"# module: m{i}\nX = {i}\n", []) for i in range(MAX_FILES + 50)]
    path = notebook(tmp_path / "ann.ipynb", cells)
    result = unpacked(tmp_path, path, "notebook")
    written = [p for p in result.folder.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in written) <= MAX_BYTES and len(written) <= MAX_FILES
    assert "losses" in result.modules
    assert any("stopped making modules at" in note for note in result.notes)
    assert len(result.notes) < 10  # one note for the 350 modules that are no exercise, not one each
    assert any("cells marked with other names became m0.py, m1.py" in note and "and 345 more" in note
               for note in result.notes)


def test_a_module_name_too_long_for_a_file_name_costs_only_its_cells(tmp_path):
    path = notebook(tmp_path / "ann.ipynb", [
        ("import numpy as np\n", []),
        ("# module: losses\n" + solution_body("losses"), []),
        ("# module: " + "m" * 300 + "\nX = 1\n", []),
    ])
    result = unpacked(tmp_path, path, "notebook")
    assert result.modules == ["losses"] and not result.problem
    assert any("a module name may have at most 100 characters" in note for note in result.notes)


def test_a_notebook_nested_too_deep_to_read_says_so(tmp_path):
    path = tmp_path / "ann.ipynb"
    path.write_text("[" * 200_000 + "]" * 200_000)
    result = unpacked(tmp_path, path, "notebook")
    assert result.modules == [] and "not a readable notebook (RecursionError" in result.problem


def test_a_shared_import_of_the_students_own_helper_module_is_not_copied_into_that_module(tmp_path):
    path = notebook(tmp_path / "ann.ipynb", [
        ("import numpy as np\nfrom helpers import twice\n", []),
        ("# module: helpers\ndef twice(v):\n    return 2 * v\n", []),
        ("# module: losses\ndef mse(y_pred, y):\n    return float(np.mean(twice(y_pred - y) ** 2)) / 4\n", []),
    ])
    result = unpacked(tmp_path, path, "notebook")
    assert "# (this module itself) from helpers import twice" in (result.folder / "helpers.py").read_text()
    done = subprocess.run([sys.executable, "-c", "import losses, numpy as np; print(losses.mse(np.ones(2), np.zeros(2)))"],
                          cwd=result.folder, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "1.0", done.stderr


def test_a_shared_import_of_another_exercise_module_of_the_submission_is_kept(tmp_path):
    folder = tmp_path / "ann"  # backprop.py beside a house_prices notebook, as the spec allows
    folder.mkdir()
    (folder / "backprop.py").write_text(solution_body("backprop"))
    notebook(folder / "house_prices.ipynb", [
        ("import numpy as np\nfrom backprop import two_layer_loss\n", []),
        ("# module: house_prices\ndef loss_of(params, X, y):\n    return two_layer_loss(params, X, y)[0]\n", []),
    ])
    result = unpacked(tmp_path, folder, "folder")
    module = (result.folder / "house_prices.py").read_text()
    assert "\nfrom backprop import two_layer_loss" in module and "not installed" not in module
    assert not any("not installed" in note for note in result.notes)


def test_a_file_the_grader_may_not_read_is_left_out_with_a_note_and_the_rest_is_graded():
    """A real permission denial: as root, a forked child that has dropped to another uid unpacks."""
    base = Path(tempfile.mkdtemp(prefix="unreadable-"))  # not pytest's folders: they are 0700
    try:
        base.chmod(0o777)
        folder = copy_solutions(base / "ada", ("slopes", "losses"))
        folder.chmod(0o755)
        (folder / "slopes.py").chmod(0o644)
        (folder / "losses.py").chmod(0)
        modules, notes = _unpack_as_another_user(folder, base / "dest")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    assert modules == ["slopes"]
    assert any("losses.py could not be read (Permission denied)" in note for note in notes), notes


def _unpack_as_another_user(folder, dest):
    if os.geteuid() != 0:  # permissions already apply
        found = unpack(Submission("ada", folder, "folder"), dest, DAY)
        return found.modules, found.notes
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - reports through the pipe
        try:
            os.close(read)
            os.setresgid(65534, 65534, 65534)
            os.setresuid(65534, 65534, 65534)
            found = unpack(Submission("ada", folder, "folder"), dest, DAY)
            os.write(write, json.dumps([found.modules, found.notes]).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        report = pipe.read()
    os.waitpid(child, 0)
    return json.loads(report)


def test_a_damaged_notebook_next_to_good_ones_costs_only_its_own_cells(tmp_path):
    folder = tmp_path / "ann"  # nbgrader's layout: one notebook per exercise
    folder.mkdir()
    notebook(folder / "05-losses.ipynb", [(solution_body("losses"), ["module:losses"])])
    (folder / "01-slopes.ipynb").write_text("{ not json")
    result = unpacked(tmp_path, folder, "folder")
    assert result.modules == ["losses"] and result.problem == ""
    assert any("01-slopes.ipynb is not a readable notebook" in n and "not graded" in n for n in result.notes)
