"""summary.png, drawn by a helper process started early in the run, or right here when it cannot be."""

from __future__ import annotations

import os
import struct
import subprocess

from grader import summary_plot

from .classroom import GRADED, copy_solutions, grade_argv

FACTS = {"histogram": [0, 1, 0, 2, 0, 0, 3, 0, 1, 5],
         "exercises": [{"id": "slopes", "rate": 0.9}, {"id": "house_prices", "rate": 0.25}]}


def png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def test_the_helper_draws_the_summary_at_the_figure_size(tmp_path):
    with summary_plot.Plotter() as plotter:
        plotter.start()
        plotter.draw(FACTS, tmp_path / "summary.png", "day13: 12 students")
    assert png_size(tmp_path / "summary.png") == (11 * summary_plot.DPI, round(4.2 * summary_plot.DPI))
    assert [p.name for p in tmp_path.iterdir()] == ["summary.png"]  # no temporary file left
    assert (tmp_path / "summary.png").stat().st_mode & 0o777 == 0o644  # readable by TAs, as the other files


def test_without_a_helper_or_with_a_dead_one_the_summary_is_drawn_here(tmp_path):
    summary_plot.Plotter().draw(FACTS, tmp_path / "here.png", "never started")
    assert png_size(tmp_path / "here.png")[0] == 11 * summary_plot.DPI
    with summary_plot.Plotter() as plotter:
        plotter.start()
        plotter.process.kill()
        plotter.process.join()
        plotter.draw(FACTS, tmp_path / "after.png", "helper killed")
    assert png_size(tmp_path / "after.png")[0] == 11 * summary_plot.DPI


def test_without_matplotlib_the_run_warns_and_writes_everything_else(tmp_path):
    hidden = tmp_path / "no-matplotlib" / "matplotlib"
    hidden.mkdir(parents=True)
    (hidden / "__init__.py").write_text("raise ImportError('No module named matplotlib')\n")
    subs = tmp_path / "submissions"
    copy_solutions(subs / "ada")
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.png").write_bytes(b"an earlier run's plot")  # would disagree with this run's grades
    env = dict(os.environ, PYTHONPATH=str(hidden.parent))
    run = subprocess.run(grade_argv(subs, out, "--exercises", ",".join(GRADED), "--seed", "3"), env=env,
                         capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "matplotlib is not installed: summary.png was not drawn" in run.stderr + run.stdout
    assert not (out / "summary.png").exists()
    assert "summary.txt\n" in run.stdout and "summary.png" not in run.stdout.split("wrote ")[-1]
    assert (out / "grades.csv").read_text().splitlines()[1].startswith("ada,")
    assert (out / "summary.txt").is_file()
