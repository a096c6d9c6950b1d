"""Records read during a run are reused by the final rebuild only while their files are unchanged."""

from __future__ import annotations

import os

import pytest

from grader import batch, gradebook, submissions
from grader.course import load_day
from grader.record_cache import RecordCache

DAY = load_day("day13")


def graded(out, student: str, why: str) -> None:
    """A record and its feedback files, as a grading process leaves them."""
    result = gradebook.ungraded(DAY, 5, why)
    digests = gradebook.write_feedback(out, student, result)
    gradebook.save_record(out, student, {"student": student, "status": "graded", "feedback": digests,
                                         "result": result.to_json(reveal_hidden=True)})


def reason(result) -> str:
    """The word `graded` was given: ungraded() puts it in the result's notes."""
    return next(word for word in ("first", "second") if word in " ".join(result.notes))


@pytest.fixture
def out(tmp_path):
    for folder in ("results", "feedback"):
        (tmp_path / folder).mkdir()
    return tmp_path


def test_a_record_read_once_is_taken_as_it_was(out):
    graded(out, "ada", "first")
    records = RecordCache(out, DAY)
    assert records.read("ada")["student"] == "ada"
    record, result = records.unchanged("ada")
    assert reason(result) == "first" and record["status"] == "graded"


def test_a_record_written_again_after_it_was_read_is_read_again(out):
    graded(out, "ada", "first")
    records = RecordCache(out, DAY)
    records.read("ada")
    graded(out, "ada", "second")
    assert records.unchanged("ada") is None


@pytest.mark.parametrize("kind", ["json", "md"])
def test_feedback_changed_or_gone_after_the_read_is_noticed(out, kind):
    graded(out, "ada", "first")
    graded(out, "ben", "first")
    records = RecordCache(out, DAY)
    records.read("ada")
    records.read("ben")
    gradebook.write_atomic(gradebook.feedback_path(out, "ada", kind), "edited by hand\n")
    os.unlink(gradebook.feedback_path(out, "ben", kind))
    assert records.unchanged("ada") is None and records.unchanged("ben") is None


def test_a_record_whose_feedback_does_not_match_is_returned_but_not_kept(out):
    graded(out, "ada", "first")
    gradebook.write_atomic(gradebook.feedback_path(out, "ada", "md"), "stale\n")
    records = RecordCache(out, DAY)
    assert records.read("ada")["student"] == "ada"
    assert records.unchanged("ada") is None


def test_no_record_or_an_unreadable_one(out):
    records = RecordCache(out, DAY)
    assert records.read("nobody") is None and records.unchanged("nobody") is None
    graded(out, "ada", "first")
    records.read("ada")
    gradebook.write_atomic(gradebook.record_path(out, "ada"), "{not json\n")
    assert records.read("ada") is None and records.unchanged("ada") is None


def test_the_rebuild_uses_the_record_on_disk_not_the_one_read_earlier(out, tmp_path_factory):
    subs = tmp_path_factory.mktemp("subs")
    for student in ("ada", "ben"):
        (subs / student).mkdir()
        (subs / student / "slopes.py").write_text("x = 1\n")
    found = submissions.discover(subs).submissions
    graded(out, "ada", "first")
    graded(out, "ben", "first")
    records = RecordCache(out, DAY)
    records.read("ada")
    records.read("ben")
    graded(out, "ben", "second")  # replaced after it was read
    os.unlink(gradebook.feedback_path(out, "ada", "md"))  # lost after it was read
    results, _ = batch._rebuild(DAY, out, found, records)
    assert reason(results["ada"]) == "first" and reason(results["ben"]) == "second"
    assert gradebook.feedback_path(out, "ada", "md").exists()  # written again from the record
    assert "second" in gradebook.feedback_path(out, "ben", "json").read_text()
