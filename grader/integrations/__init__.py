"""Exports of the same suites to the engines courses already run on.

nbgrader (a course folder whose test cells call our runner), Gradescope (an
autograder bundle), GitHub Actions (a workflow for student repositories) and
the student release (stubs, docs and the grader with public tests only).
Each module here is plain code; grader/commands/ only parses arguments.
"""
