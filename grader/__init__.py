"""Auto-grader for the calculus-for-ML course: checks student code in a separate process."""

__version__ = "0.1.0"
