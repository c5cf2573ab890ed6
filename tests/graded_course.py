"""One course for the grading tests (tests/test_assignments.py and tests/test_hostile.py): every
assignment generated once, and each assignment's submissions graded once, when a test first asks,
by the class-grading command (`python -m autograder.grade`, which scores through nbgrader's own
autograde; tests/test_class_grading.py shows it gives what sequential `nbgrader autograde` gives).

The submissions of an assignment: the reference solution, the blank student notebook, the wrong
answers asked for, and the cases of the hostile corpus of tests/hostile.py asked for. A TCP listener on
loopback, whose port the corpus's network attacks are told, records any connection that reaches it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from autograder.course import ASSIGNMENTS, exported_scores, make_course, mutate, nbgrader, read_notebook, submit
from autograder.grade import course_config
from hostile import CELL_TIMEOUT, HANGS, HOSTILE, PORT_ENV, all_cases, fingerprint, max_scores_from_source, place
from wrong_answers import WRONG_ANSWERS


class GradedCourse:
    """A course of every assignment; :meth:`grade` fills and grades one assignment, once."""

    def __init__(self, root: Path, wrong: set[tuple[str, str]], hostile: set[tuple[str, str]]):
        """``wrong`` and ``hostile``: the ``(assignment, name)`` wrong answers and hostile cases to submit."""
        self.course = make_course(root, ASSIGNMENTS)
        self.wrong, self.hostile = wrong, hostile
        self.honest: dict[tuple[str, str], object] = {}  # (assignment, student) -> failing cells, or "all"
        self.seconds: dict[str, float] = {}
        self.scores: dict[tuple[str, str], float] = {}
        self.before = fingerprint(self.course)
        self.contacts: list = []
        self._stop = threading.Event()
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen()
        self._listener.settimeout(1)
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                self.contacts.append(self._listener.accept())
            except OSError:
                pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._listener.close()

    def grade(self, assignment: str) -> dict[tuple[str, str], float]:
        """Submit and grade ``assignment`` (on first call), write its feedback; the exported scores."""
        if assignment not in self.seconds:
            self._fill(assignment)
            started = time.monotonic()
            hangs = sorted(name for name in HOSTILE[assignment] if name in HANGS and (assignment, name) in self.hostile)
            if hangs:  # first, with a short timeout (tests/hostile.py says why)
                self._run(assignment, f"--timeout={CELL_TIMEOUT[assignment]}", "--workers", "1", "--students", *hangs)
            timeout = max(CELL_TIMEOUT[assignment], course_config(self.course).Execute.timeout)
            self._run(assignment, f"--timeout={timeout}", "--workers", "1")
            self.seconds[assignment] = time.monotonic() - started
            nbgrader(self.course, "generate_feedback", assignment)
            self.scores = exported_scores(self.course)
        return self.scores

    def _fill(self, assignment: str) -> None:
        course, notebook = self.course, f"{assignment}.ipynb"
        solution = read_notebook(course / "solutions" / assignment / notebook)
        blank = read_notebook(course / "exercises" / assignment / notebook)
        submit(course, "solution", assignment, {notebook: solution})
        self.honest[(assignment, "solution")] = "all"
        submit(course, "blank", assignment, {notebook: blank})
        self.honest[(assignment, "blank")] = set(max_scores_from_source(assignment))
        for name, wrong in WRONG_ANSWERS.get(assignment, {}).items():
            if (assignment, name) in self.wrong:
                submit(course, name, assignment, {notebook: mutate(solution, wrong["edits"])})
                self.honest[(assignment, name)] = wrong["fails"]
        for name, case in HOSTILE[assignment].items():
            if (assignment, name) in self.hostile:
                place(course, assignment, name, case, {"solution": solution, "blank": blank})

    def _run(self, assignment: str, *args: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "autograder.grade", assignment, *args],
            cwd=self.course, capture_output=True, text=True, timeout=3000,
            env={**os.environ, PORT_ENV: str(self._listener.getsockname()[1]), "PYTHONWARNINGS": "ignore"},
        )
        if done.returncode != 0:
            raise AssertionError(f"grading {assignment} did not finish: {done.stderr[-3000:]}")


def grade_corpus(root: Path) -> GradedCourse:
    """Every assignment's solution, blank notebook, quick wrong answers and hostile corpus, graded in a
    fresh course in ``root`` (the benchmark's ``--only corpus``)."""
    graded = GradedCourse(root, quick_wrong_answers(), all_cases())
    try:
        for assignment in HOSTILE:
            graded.grade(assignment)
    finally:
        graded.close()
    return graded


# The wrong answers of the assignments that take long to grade (about 30 minutes together on 2 cores)
# are left to the extended tier, `python -m pytest -m extended`; their checks' failures on such answers
# are also shown by the fast unit tests (tests/test_checks_<assignment>.py).
EXTENDED = {"cifar10_overfitting", "fix_the_bugs", "lenet_bn", "shuffle", "tabular_bn"}


def quick_wrong_answers() -> set[tuple[str, str]]:
    """The ``(assignment, name)`` wrong answers of the assignments quick to grade."""
    return {(a, name) for a, answers in WRONG_ANSWERS.items() if a not in EXTENDED for name in answers}
