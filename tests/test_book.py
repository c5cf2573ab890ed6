"""The book builds from a clean execution cache with warnings as errors, and every page is there."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bncourse.toc import ROOT, toc_files

pytestmark = pytest.mark.slow


def test_book_builds_without_warnings(tmp_path):
    """jupyter-book executes every chapter (fresh cache) and builds the HTML with -W -n."""
    result = subprocess.run(
        [str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT), "--path-output", str(tmp_path),
         "-W", "-n", "--keep-going"],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, f"book build failed:\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}"
    html = tmp_path / "_build" / "html"
    for page in toc_files():
        assert (html / f"{page}.html").is_file(), f"{page} was not built"


def test_exercise_paths_in_the_book_exist():
    """Every exercise notebook a chapter points to is in exercises/."""
    for page in toc_files():
        text = (ROOT / f"{page}.md").read_text()
        for path in re.findall(r"`(exercises/[\w/]+\.ipynb)`", text):
            assert (ROOT / path).is_file(), f"{page} points to {path}, which does not exist"
