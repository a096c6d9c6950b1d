"""The GitHub Actions workflow: valid YAML with the expected jobs and steps, run locally as a runner would.

The runner is imitated only where it must be: `uses:` steps are stood in for
(the checkout is the release folder, setup-python is the fresh venv first on
PATH, upload-artifact is a check that the file it names exists); every `run:`
step is executed by bash with GitHub's default flags and GITHUB_STEP_SUMMARY /
GITHUB_OUTPUT files, and `if: always()` decides what runs after a failure.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

from grader.course import load_day
from tests.conftest import SOLUTIONS
from tests.integrations.conftest import grader, offline_pip_env, run

DAY = load_day("day13")


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("workflow") / "grader.yml"
    made = grader("export", "github-actions", "day13", "-o", out)
    assert made.returncode == 0, made.stderr
    return out


def steps_of(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text())["jobs"]["check"]["steps"]


def run_workflow(repo: Path, bin_dir: Path, wheelhouse: Path) -> dict:
    """Run the repository's workflow the way a runner would; return what happened."""
    steps = steps_of(repo / ".github" / "workflows" / "grader-day13.yml")
    summary, outputs = repo.parent / "summary.md", repo.parent / "outputs.txt"
    summary.write_text(""), outputs.write_text("")
    env = offline_pip_env(wheelhouse, GITHUB_STEP_SUMMARY=summary, GITHUB_OUTPUT=outputs, CI="true")
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"  # what actions/setup-python does
    failed, results, artifacts = False, {}, []
    for step in steps:
        if failed and step.get("if") != "always()":
            results[step["name"]] = "skipped"
            continue
        if "uses" in step:
            if step["uses"].startswith("actions/upload-artifact"):
                artifacts.append(repo / step["with"]["path"])
            results[step["name"]] = "stood in"
            continue
        done = run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=repo, env=env,
                   timeout=600)
        results[step["name"]] = done.returncode
        failed = failed or done.returncode != 0
    return {"failed": failed, "steps": results, "summary": summary.read_text(), "artifacts": artifacts}


def test_the_workflow_is_yaml_with_the_jobs_steps_and_commands_it_promises(exported, release):
    data = yaml.safe_load(exported.read_text())
    triggers = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "push" in triggers
    job = data["jobs"]["check"]
    assert job["runs-on"] == "ubuntu-latest" and job["timeout-minutes"] > 0
    steps = job["steps"]
    uses = [s["uses"].split("@")[0] for s in steps if "uses" in s]
    assert uses == ["actions/checkout", "actions/setup-python", "actions/upload-artifact"]
    runs = [s["run"] for s in steps if "run" in s]
    wheel = next((release / "wheels").glob("calc4ml_grader-*.whl")).name
    assert f"python -m pip install wheels/{wheel}" in runs  # the file: by name, pip would also ask PyPI
    assert "grader check day13 --json > grader-day13.json" in runs
    summary = next(s for s in steps if "GITHUB_STEP_SUMMARY" in s.get("run", ""))
    artifact = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    assert summary["if"] == artifact["if"] == "always()"
    assert artifact["with"]["path"] == "grader-day13.json"
    assert not any("classroom" in str(s).lower() for s in steps)
    assert exported.read_text() == (release / ".github" / "workflows" / "grader-day13.yml").read_text()


def test_on_untouched_stubs_the_job_fails_and_still_reports_the_points(release, student_venv, wheelhouse, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(release, repo)
    outcome = run_workflow(repo, student_venv, wheelhouse)
    assert outcome["failed"]
    assert outcome["steps"]["Install the grader"] == 0 and outcome["steps"]["Check day13"] == 1
    assert outcome["steps"]["Points per exercise"] == 0
    assert f"## grader check day13: 0 / {DAY.max_score:g} points" in outcome["summary"]
    assert outcome["summary"].count("| ❌ |") == len(DAY.exercises)
    report = json.loads(outcome["artifacts"][0].read_text())
    assert report["score"] == 0 and len(report["exercises"]) == len(DAY.exercises)


def test_on_finished_work_the_job_passes_with_a_full_table(release, student_venv, wheelhouse, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(release, repo)
    for path in SOLUTIONS.glob("*.py"):
        shutil.copy(path, repo / "exercises" / "day13" / path.name)
    outcome = run_workflow(repo, student_venv, wheelhouse)
    assert not outcome["failed"], outcome["steps"]
    assert f"## grader check day13: {DAY.max_score:g} / {DAY.max_score:g} points" in outcome["summary"]
    for ex in DAY.exercises:
        assert f"| ✅ | `{ex.id}` | {ex.max_score:g} / {ex.max_score:g} |" in outcome["summary"]
    assert json.loads(outcome["artifacts"][0].read_text())["score"] == DAY.max_score


def test_the_summary_says_so_when_the_check_wrote_no_report(student_venv, tmp_path):
    done = run([student_venv / "python", "-m", "grader.integrations.github_actions", "summary",
                tmp_path / "missing.json"], cwd=tmp_path, env=offline_pip_env(tmp_path))
    assert done.returncode == 1 and "no report" in done.stdout and "Traceback" not in done.stderr
