"""The pieces that let a whole class be graded side by side while nbgrader keeps its one writer.

Grading one submission with ``nbgrader autograde`` is: sanitize the notebook (nbgrader's own steps,
which read the gradebook), execute and judge it (:class:`autograder.grading.JudgedExecute`), then
score it (nbgrader's steps, which write the gradebook). :mod:`autograder.grade` splits that:

1. :class:`Capture` takes the place of every autograde step in a run of nbgrader on a scratch copy
   of the gradebook: it keeps the sanitized notebook and its folder, and nothing is scored;
2. :func:`execute_submission` runs ``JudgedExecute`` on them, on any worker, any machine;
3. :class:`Precomputed` takes the place of ``JudgedExecute`` in the real ``nbgrader autograde``: it
   hands nbgrader the worker's executed notebook, after checking that nbgrader sanitized the very
   same notebook, and nbgrader scores it as it scores any other.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

CAPTURED: dict = {}  # (student, notebook) -> {"notebook", "folder"}, filled by Capture in this process


def notebook_hash(nb) -> str:
    """A fingerprint of a notebook's cells (sources, kinds and nbgrader metadata)."""
    cells = [(cell.cell_type, cell.source, cell.get("metadata", {}).get("nbgrader")) for cell in nb.cells]
    return hashlib.sha256(json.dumps(cells, sort_keys=True).encode()).hexdigest()


STATE = ".grading"  # in the course folder: the executed notebooks and what is graded, per assignment


def results_folder(course: Path, assignment: str) -> Path:
    """Where the executed notebooks of an assignment are kept, in the course folder."""
    return Path(course) / STATE / assignment / "results"


def result_path(results: str | Path, student: str, notebook: str) -> Path:
    """Where the executed notebook of one student's notebook is kept."""
    return Path(results) / student / f"{notebook}.json"


class Capture(NbGraderPreprocessor):
    """Keeps the sanitized notebook and the files beside it; executes and scores nothing."""

    def preprocess(self, nb, resources):
        folder = Path(resources["metadata"]["path"])
        files = {str(path.relative_to(folder)): path.read_bytes()
                 for path in sorted(folder.rglob("*")) if path.is_file() and not path.is_symlink()}
        key = (resources["nbgrader"]["student"], resources["nbgrader"]["notebook"])
        CAPTURED[key] = {"notebook": nbformat.writes(nb), "files": files, "hash": notebook_hash(nb)}
        return nb, resources


class Precomputed(NbGraderPreprocessor):
    """nbgrader's execute step, done elsewhere: the notebook a worker executed and judged."""

    results = Unicode(help="folder of the executed notebooks, one JSON file per student and notebook").tag(config=True)

    def preprocess(self, nb, resources):
        student, notebook = resources["nbgrader"]["student"], resources["nbgrader"]["notebook"]
        path = result_path(self.results, student, notebook)
        if not path.is_file():
            raise RuntimeError(f"{student}/{notebook} was not executed: no result at {path}")
        found = json.loads(path.read_text())
        if found["hash"] != notebook_hash(nb):
            raise RuntimeError(f"{student}/{notebook} changed since it was executed: grade it again")
        return nbformat.reads(found["notebook"], as_version=4), resources


def execute_submission(assignment: str, student: str, notebook: str, captured: dict, config,
                       threads: int) -> dict:
    """Execute and judge one sanitized notebook with the course's ``JudgedExecute`` (run on a worker).

    ``captured`` is what :class:`Capture` kept; ``config`` the course's nbgrader configuration;
    ``threads`` the CPU threads each of the submission's TensorFlow processes may use. Returns the
    executed notebook, the seconds it took and the grader's log.
    """
    import logging

    from autograder.grading import JudgedExecute

    for name in ("OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS"):
        os.environ[name] = str(threads)
    os.environ["TF_NUM_INTEROP_THREADS"] = "1"
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    log = logging.getLogger(f"bncourse.grade.{student}")
    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bncourse-worker-") as scratch:
        folder = Path(scratch) / assignment
        for name, content in captured["files"].items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(content)
        nb = nbformat.reads(captured["notebook"], as_version=4)
        resources = {"metadata": {"path": str(folder)}, "unique_key": notebook,
                     "nbgrader": {"assignment": assignment, "student": student, "notebook": notebook}}
        executor = JudgedExecute(config=config, log=log)
        nb, _ = executor.preprocess(nb, resources)
    return {"hash": captured["hash"], "notebook": nbformat.writes(nb), "seconds": time.monotonic() - started,
            "log": lines, "worker": os.uname().nodename}
