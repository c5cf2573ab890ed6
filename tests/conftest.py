"""Test set-up: the helpers next to this file are importable, and the book is built once per session."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from bncourse.toc import ROOT  # noqa: E402

BOOK_HTML_ENV = "BNCOURSE_BOOK_HTML"  # an existing build to check instead of building (browser tests)


@pytest.fixture(scope="session")
def book_html(tmp_path_factory) -> Path:
    """The HTML book (``_build/html``), built once per session from a clean execution cache with
    ``-W -n --keep-going``; or the folder ``$BNCOURSE_BOOK_HTML`` names, an existing build, as is."""
    if os.environ.get(BOOK_HTML_ENV):
        return Path(os.environ[BOOK_HTML_ENV]).resolve()
    out = tmp_path_factory.mktemp("book")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT), "--path-output", str(out),
         "-W", "-n", "--keep-going"],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, f"book build failed:\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}"
    return out / "_build" / "html"
