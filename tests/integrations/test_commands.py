"""The export and release commands: bad input gets one line and exit 2; the wheel is what it claims."""

from __future__ import annotations

import zipfile

import pytest

from grader.integrations.wheel import build_wheel
from tests.integrations.conftest import grader


@pytest.mark.parametrize("args, needle", [
    (["export", "gradescope", "day13", "--python", "3.12"], "options of github-actions"),
    (["export", "github-actions", "day13", "--wheels", "{tmp}"], "options of gradescope"),
    (["export", "gradescope", "day13", "-o", "{tmp}"], "is a folder"),
    (["export", "gradescope", "day13", "--wheels", "/nonexistent"], "no folder /nonexistent"),
    (["export", "gradescope", "day13", "--timeout", "0"], "--timeout"),
    (["export", "github-actions", "day13", "--install", "a\nb"], "one line"),
    (["export", "nosuch", "day13"], "invalid choice"),
    (["export", "gradescope", "day99"], "unknown day"),
    (["release", "day13", "--out", "{tmp}/out", "--repo", "/nonexistent"], "no folder /nonexistent/exercises/day13"),
    (["release", "day13", "--out", "{tmp}"], "is not empty"),
    (["release", "day13", "--out", "{tmp}/out", "--site", "{tmp}"], "not a built site"),
    (["release", "day13", "--out", "{tmp}", "--force"], "is not a release written by grader"),
    (["export", "gradescope", "day13", "-o", "{tmp}/something"], "ending in .zip"),
    (["export", "gradescope", "day13", "-o", "/etc/passwd/x.zip"], "/etc/passwd is not a folder"),
    (["export", "github-actions", "day13", "-o", "{tmp}/something"], "a .yml or .yaml file"),
    (["export", "github-actions", "day13", "-o", "/etc/passwd/x.yml"], "/etc/passwd is not a folder"),
    (["export", "github-actions", "day13", "--python", 'x"'], "--python takes a version such as 3.11"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, needle):
    (tmp_path / "something").write_text("x")  # tmp is a non-empty folder
    result = grader(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.returncode == 2, result.stdout + result.stderr
    assert needle in result.stderr and "Traceback" not in result.stderr


def test_exports_overwrite_only_files_they_wrote(tmp_path):
    solution = tmp_path / "losses.py"
    solution.write_text("def mse(): ...\n")
    theirs = tmp_path / "ci.yml"
    theirs.write_text("name: the course's own CI\n")
    assert grader("export", "gradescope", "day13", "-o", solution).returncode == 2
    refused = grader("export", "github-actions", "day13", "-o", theirs)
    assert refused.returncode == 2 and "is not a workflow written by grader" in refused.stderr
    assert solution.read_text() == "def mse(): ...\n" and theirs.read_text() == "name: the course's own CI\n"
    for _ in range(2):  # its own output, it replaces
        assert grader("export", "github-actions", "day13", "-o", tmp_path / "grader.yml").returncode == 0


def test_the_public_wheel_leaves_out_hidden_tests_and_answer_code_and_is_reproducible(tmp_path):
    public = build_wheel(tmp_path / "a", include_hidden=False)
    again = build_wheel(tmp_path / "b", include_hidden=False)
    full = build_wheel(tmp_path / "c", include_hidden=True)
    assert public.read_bytes() == again.read_bytes()  # same files, same bytes
    with zipfile.ZipFile(public) as wheel:
        names = wheel.namelist()
        record = wheel.read(next(n for n in names if n.endswith("/RECORD"))).decode()
        entry_points = wheel.read(next(n for n in names if n.endswith("/entry_points.txt"))).decode()
    with zipfile.ZipFile(full) as wheel:
        full_names = wheel.namelist()
    assert "grader/suites/day13/test_losses.py" in names and "grader/data/house_prices.csv" in names
    assert not [n for n in names if "/hidden/" in n or "/misconceptions/variants" in n]
    assert "grader/suites/day13/hidden/test_losses.py" in full_names
    assert all(f"{n}," in record for n in names)  # every file listed, with its hash
    assert "grader = grader.cli:main" in entry_points
