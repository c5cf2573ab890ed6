"""Test set-up: the helpers next to this file are importable; the book is built, and the grading tests'
course made, once per session."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from bncourse.toc import ROOT, chapters_with_code  # noqa: E402

BOOK_HTML_ENV = "BNCOURSE_BOOK_HTML"  # an existing build to check instead of building (browser tests)


@pytest.fixture(scope="session")
def book_html(tmp_path_factory) -> Path:
    """The HTML book (``_build/html``), built once per session from a clean execution cache with
    ``-W -n --keep-going``, its chapters executed two at a time first (``bncourse.execute_chapters``,
    in a process of its own); or the folder ``$BNCOURSE_BOOK_HTML`` names, an existing build, as is."""
    if os.environ.get(BOOK_HTML_ENV):
        return Path(os.environ[BOOK_HTML_ENV]).resolve()
    out = tmp_path_factory.mktemp("book")
    executed = subprocess.run([sys.executable, "-m", "bncourse.execute_chapters", str(out)],
                              capture_output=True, text=True)
    assert executed.returncode == 0, f"executing the chapters failed:\n{executed.stderr[-3000:]}"
    result = subprocess.run(
        [str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT), "--path-output", str(out),
         "-W", "-n", "--keep-going"],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, f"book build failed:\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}"
    cached = result.stdout.count("Using cached notebook")
    assert cached == len(chapters_with_code()), \
        f"the build executed chapters itself: only {cached} were found as bncourse.execute_chapters cached them"
    return out / "_build" / "html"


@pytest.fixture(scope="session")
def graded_course(tmp_path_factory, request):
    """The one course of the grading tests (tests/graded_course.py): every assignment generated; its
    submissions graded on first use: the solution, the blank notebook, the quick wrong answers, and
    the other wrong answers and the hostile cases whose tests were selected."""
    from graded_course import GradedCourse, quick_wrong_answers

    def selected(test: str) -> set[tuple[str, str]]:
        """The ``(assignment, name)`` parameters of the selected tests of that name."""
        return {(item.callspec.params["assignment"], item.callspec.params["name"]) for item in request.session.items
                if getattr(item, "originalname", "") == test}

    wrong = quick_wrong_answers() | selected("test_wrong_answer_loses_exactly_its_checks")
    hostile = selected("test_hostile_submission_gets_exactly_the_points_of_its_honest_work")
    graded = GradedCourse(tmp_path_factory.mktemp("course"), wrong, hostile)
    yield graded
    graded.close()
