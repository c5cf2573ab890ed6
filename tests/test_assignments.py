"""The grading path of every assignment: generate, validate, submit, autograde, export.

`UPDATE_GOLDEN=1 pytest tests/test_assignments.py -k golden` rewrites exercises/ and solutions/ from
a fresh generation (the same as running nbgrader generate_assignment / generate_solution in the root).
"""

import html
import os
import re
import shutil

import pytest

from autograder.course import (
    ASSIGNMENTS, ROOT, SOURCE, cell_scores, judge_code_lines, max_scores, nbgrader, notebook_paths, read_notebook,
)
from graded_course import EXTENDED
from wrong_answers import WRONG_ANSWERS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def course(graded_course):
    """The session's course (tests/conftest.py): every assignment generated from autograder/source."""
    return graded_course.course


@pytest.mark.parametrize("folder", ["exercises", "solutions"])
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_golden_generated_notebooks_are_committed(course, folder, assignment):
    """exercises/ and solutions/ are exactly what nbgrader generates from the sources today."""
    fresh, committed = course / folder / assignment, ROOT / folder / assignment
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(committed, ignore_errors=True)
        shutil.copytree(fresh, committed)
    assert [p.name for p in notebook_paths(committed)] == [p.name for p in notebook_paths(fresh)]
    for path in notebook_paths(fresh):
        assert read_notebook(committed / path.name) == read_notebook(path), (
            f"{folder}/{assignment}/{path.name} is out of date: run "
            "UPDATE_GOLDEN=1 pytest tests/test_assignments.py -k golden"
        )


# `nbgrader validate`, the students' own check, is shown on the quickest assignment; on the others it
# repeats what the autograde of their solution and blank notebook shows, so it is in the extended tier.
VALIDATED = [a if a == "weight_init" else pytest.param(a, marks=pytest.mark.extended) for a in ASSIGNMENTS]


@pytest.mark.parametrize("assignment", VALIDATED)
def test_source_passes_validation(course, assignment):
    """Every test of the source notebook (the reference solution) passes nbgrader validate."""
    for path in notebook_paths(SOURCE / assignment):
        result = nbgrader(course, "validate", str(path))
        assert "Success! Your notebook passes all the tests." in result.stdout, result.stdout


@pytest.mark.parametrize("assignment", VALIDATED)
def test_blank_student_version_fails_every_test(course, assignment):
    """Left blank, the student notebook fails every one of its tests (nbgrader validate --invert)."""
    for path in notebook_paths(course / "exercises" / assignment):
        result = nbgrader(course, "validate", "--invert", str(path))
        assert "Success! The notebook does not pass any tests." in result.stdout, result.stdout


@pytest.fixture(scope="module")
def graded(graded_course):
    """``graded(assignment)``: the exported scores once the assignment's submissions are graded."""
    return graded_course.grade


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_scores_full_marks_and_blank_zero(course, graded, assignment):
    """Exported grades: the reference solution gets every point, the untouched student version none."""
    scores = graded(assignment)
    total = sum(max_scores(course, assignment).values())
    assert total > 0
    assert scores[(assignment, "solution")] == total
    assert scores[(assignment, "blank")] == 0


WRONG = [pytest.param(a, name, marks=pytest.mark.extended) if a in EXTENDED else (a, name)
         for a, answers in WRONG_ANSWERS.items() for name in answers]


@pytest.mark.parametrize("assignment, name", WRONG)
def test_wrong_answer_loses_exactly_its_checks(course, graded, assignment, name):
    """A typical wrong answer scores zero on the checks it breaks and full points on all others."""
    expected_failures = WRONG_ANSWERS[assignment][name]["fails"]
    exported = graded(assignment)
    maximum = max_scores(course, assignment)
    scores = cell_scores(course, assignment, name)
    lost = {cell for cell, score in scores.items() if score < maximum[cell]}
    assert lost == expected_failures
    assert all(scores[cell] == 0 for cell in expected_failures)
    assert exported[(assignment, name)] == sum(maximum.values()) - sum(maximum[c] for c in expected_failures)


def hidden_lines(assignment):
    """Every substantial line of code that only the hidden checks of an assignment hold: its hidden-test
    regions, or the judge's module of its checks (autograder/assignments/<assignment>.py).

    A line that also stands elsewhere in the notebook (say, a compile call the solution makes too, or
    an import followed there by a comment) may rightly appear on a feedback page, so it is left out.
    """
    hidden, shown = set(judge_code_lines(assignment)), set()
    pattern = r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS"
    for path in notebook_paths(SOURCE / assignment):
        for cell in read_notebook(path)["cells"]:
            source = "".join(cell["source"])
            for region in re.findall(pattern, source, re.S):
                hidden.update(line.strip() for line in region.splitlines() if len(line.strip()) > 20)
            shown.update(line.strip() for line in re.sub(pattern, "", source, flags=re.S).splitlines())
    return sorted(line for line in hidden if not any(line in other for other in shown))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_never_shows_hidden_tests(course, graded, assignment):
    """generate_feedback writes a page per graded notebook that quotes no line of any hidden test."""
    graded(assignment)
    pages = sorted((course / "feedback").glob(f"*/{assignment}/*.html"))
    names = [path.name for path in notebook_paths(SOURCE / assignment)]
    autograded = [path for name in names for path in (course / "autograded").glob(f"*/{assignment}/{name}")]
    assert ([page.relative_to(course / "feedback").with_suffix(".ipynb") for page in pages]
            == sorted(path.relative_to(course / "autograded") for path in autograded))
    assert len(pages) == len(autograded) > 1
    secret = hidden_lines(assignment)
    assert secret, "every assignment has hidden tests"
    for page in pages:
        text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))
        leaked = [line for line in secret if line in text]
        assert not leaked, f"{page} shows hidden test code: {leaked[0]}"
