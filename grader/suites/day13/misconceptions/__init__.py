"""The day-13 misconception catalogue: one TOML file per exercise, and variants.py (see grader.misconceptions)."""
