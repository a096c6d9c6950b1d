"""Named misconceptions: recognise a known mistake in a wrong answer, and say so.

The catalogue (grader/suites/<day>/misconceptions/) is data: each entry is a
known wrong variant of a function, its plain-language explanation and the
lesson section that derives the right formula. While a test runs, the
runner records what it checked and which calls it made (`recording`);
when the test fails, `diagnose` looks for the entry that reproduces the
student's answer (`matching`). The runner puts the entry's id in
TestResult.misconception and its explanation in the failure message, so
every rendering (terminal, --json, batch feedback, exports) shows the same.
"""

from grader.misconceptions.catalogue import Catalogue, CatalogueError, Misconception, load_catalogue
from grader.misconceptions.matching import diagnose

__all__ = ["Catalogue", "CatalogueError", "Misconception", "diagnose", "load_catalogue"]
