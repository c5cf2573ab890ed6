"""The hostile corpus (tests/hostile.py), graded in one batch per assignment together with the honest
submissions (the reference solution, the blank notebook and the quick wrong answers), in the session's
graded course (tests/graded_course.py: the class-grading command, which scores through nbgrader).

The cases of ``EXTENDED_HOSTILE`` (variants of attacks that a default case shows stopped by the
same mechanism) are graded only in the extended tier, ``python -m pytest -m extended``.

Asserts: no hostile case gets more than its honest work deserves; honest submissions get exactly
their scores (nobody else's grade moves); the course's grading files are byte-identical afterwards;
nothing was written outside the sandbox or sent over the network; no feedback page shows a hidden
check or runs to megabytes; the batch finishes.
"""

from __future__ import annotations

import html
import re

import pytest

from hostile import EXTENDED_HOSTILE, HOSTILE, fingerprint, max_scores_from_source
from autograder.course import ROOT, judge_code_lines, max_scores

pytestmark = pytest.mark.slow
# The batch-wide checks run in each tier, on the cases that tier graded.
TIER = pytest.mark.parametrize("tier", ["default", pytest.param("extended", marks=pytest.mark.extended)])
CASES = [pytest.param(assignment, name, marks=pytest.mark.extended)
         if name in EXTENDED_HOSTILE.get(assignment, set()) else (assignment, name)
         for assignment, cases in HOSTILE.items() for name in cases]


@pytest.fixture(scope="module")
def batch(graded_course):
    """The selected cases of the corpus, graded."""
    assert graded_course.hostile, "no hostile case is selected: the batch would show nothing"
    for assignment in HOSTILE:
        graded_course.grade(assignment)
    return {"course": graded_course.course, "scores": graded_course.scores, "honest": graded_course.honest,
            "before": graded_course.before, "after": fingerprint(graded_course.course),
            "contacts": graded_course.contacts, "cases": graded_course.hostile}


@pytest.mark.parametrize("assignment, name", CASES)
def test_hostile_submission_gets_exactly_the_points_of_its_honest_work(batch, assignment, name):
    """Each attack earns nothing: the score is the points of the honest work it holds, no more."""
    score = batch["scores"].get((assignment, name), 0.0)
    assert score == HOSTILE[assignment][name]["deserves"], f"{name} scored {score}"


@pytest.mark.parametrize("assignment", sorted(HOSTILE))
@TIER
def test_honest_submissions_keep_exactly_their_scores(tier, batch, assignment):
    """The reference solution, the blank notebook and the honest wrong answers: exactly their scores,
    after the whole corpus was graded beside them; the points per cell are the source's."""
    points = max_scores_from_source(assignment)
    assert max_scores(batch["course"], assignment) == points
    for (graded, name), failing in batch["honest"].items():
        if graded == assignment:
            expected = sum(points.values()) - (0 if failing == "all" else sum(points[c] for c in failing))
            assert batch["scores"][(assignment, name)] == expected, name


@TIER
def test_grading_files_are_untouched_and_nothing_escaped(tier, batch):
    """Config, sources and grader are byte-identical; no file outside the sandbox; no connection."""
    assert batch["after"] == batch["before"]
    course = batch["course"]
    for folder in (course, course.parent, course / "submitted", ROOT):
        assert not (folder / "HACKED").exists()
    assert not batch["contacts"], "a submission reached a TCP port on this machine"


@TIER
def test_feedback_is_small_and_shows_no_hidden_check(tier, batch):
    """Every feedback page is under 250 kB (about half of it nbgrader's own style sheet) and quotes no
    code of the judge."""
    for assignment in HOSTILE:
        code = judge_code_lines(assignment)
        assert code
        pages = sorted((batch["course"] / "feedback").glob(f"*/{assignment}/*.html"))
        submitted = sum(1 for graded, _ in batch["cases"] if graded == assignment)
        assert len(pages) >= submitted - 2  # the renamed and the broken file have none
        for page in pages:
            text = page.read_text()
            assert len(text) < 250_000, f"{page} is {len(text)} bytes"
            shown = html.unescape(re.sub(r"<[^>]+>", "", text))  # the page as a reader sees it
            assert not [line for line in code if line in shown], page
