"""The grading side of the course: structure checks, fresh-process evaluation and calibrated thresholds."""
