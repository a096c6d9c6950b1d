"""Hidden test suites (run by grader.runner, not by the project tests)."""
