"""The book builds from a clean execution cache with warnings as errors, and every page is there."""

import re

import pytest

from bncourse.toc import ROOT, toc_files

pytestmark = pytest.mark.slow


def test_book_builds_without_warnings(book_html):
    """jupyter-book executes every chapter (fresh cache) and builds the HTML with -W -n (the build is
    the session's `book_html`, which the browser tests open), and every page is there."""
    for page in toc_files():
        assert (book_html / f"{page}.html").is_file(), f"{page} was not built"


def test_exercise_paths_in_the_book_exist():
    """Every exercise notebook a chapter points to is in exercises/."""
    for page in toc_files():
        text = (ROOT / f"{page}.md").read_text()
        for path in re.findall(r"`(exercises/[\w/]+\.ipynb)`", text):
            assert (ROOT / path).is_file(), f"{page} points to {path}, which does not exist"
