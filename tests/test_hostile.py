"""The hostile corpus (tests/hostile.py), graded by plain `nbgrader autograde` in one batch per
assignment, together with the reference solution (and, for weight_init, the blank notebook and the
honest wrong answers).

Asserts: no hostile case gets more than its honest work deserves; honest submissions get exactly
their scores (nobody else's grade moves); the course's grading files are byte-identical afterwards;
nothing was written outside the sandbox or sent over the network; no feedback page shows a hidden
check or runs to megabytes; the batch finishes.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import threading

import pytest

from hostile import HOSTILE, PORT_ENV
from nbgrader_course import ROOT, exported_scores, make_course, max_scores, mutate, nbgrader, read_notebook, submit
from wrong_answers import WRONG_ANSWERS

pytestmark = pytest.mark.slow
CASES = [(assignment, name) for assignment, cases in HOSTILE.items() for name in cases]


def with_attack(notebook: dict, code: str) -> dict:
    """``notebook`` with ``code`` at the top of its first answer cell."""
    cells = [dict(cell, source="".join(cell["source"])) for cell in notebook["cells"]]
    first = next(cell for cell in cells if cell.get("metadata", {}).get("nbgrader", {}).get("solution"))
    first["source"] = code + "\n" + first["source"]
    return dict(notebook, cells=cells)


def place(course, assignment: str, name: str, case: dict, bases: dict) -> None:
    """Put one hostile submission in ``submitted/<name>/<assignment>/``."""
    folder = course / "submitted" / name / assignment
    folder.mkdir(parents=True)
    notebook = bases[case["base"]]
    if "replace" in case:
        notebook = mutate(notebook, [case["replace"]])
    if "code" in case:
        notebook = with_attack(notebook, case["code"])
    if "edit" in case:
        notebook = case["edit"](notebook)
    text = case.get("text", json.dumps(notebook, indent=1))
    (folder / case.get("rename", f"{assignment}.ipynb")).write_text(text)
    for path, content in case.get("files", {}).items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(content)


def fingerprint(course) -> dict:
    """sha256 of every grading file of the course (config, sources, the grader's own package)."""
    files = [course / "nbgrader_config.py", *sorted((course / "autograder").rglob("*")),
             *sorted((ROOT / "autograder").rglob("*.py")), *sorted((ROOT / "autograder").rglob("*.json"))]
    return {str(path): hashlib.sha256(path.read_bytes()).hexdigest() for path in files if path.is_file()}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Grade the whole corpus, one `nbgrader autograde` run per assignment, with a TCP listener on loopback."""
    course = make_course(tmp_path_factory.mktemp("hostile-course"), sorted(HOSTILE))
    honest = {}
    for assignment in HOSTILE:
        notebook = f"{assignment}.ipynb"
        solution = read_notebook(course / "solutions" / assignment / notebook)
        blank = read_notebook(course / "exercises" / assignment / notebook)
        submit(course, "solution", assignment, {notebook: solution})
        honest[(assignment, "solution")] = "all"
        if assignment == "weight_init":
            submit(course, "blank", assignment, {notebook: blank})
            honest[(assignment, "blank")] = set(max_scores_from_source(assignment))
            for name, wrong in WRONG_ANSWERS[assignment].items():
                submit(course, name, assignment, {notebook: mutate(solution, wrong["edits"])})
                honest[(assignment, name)] = wrong["fails"]
        for name, case in HOSTILE[assignment].items():
            place(course, assignment, name, case, {"solution": solution, "blank": blank})
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(1)
    contacts, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                contacts.append(listener.accept())
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    before = fingerprint(course)
    logs = []
    for assignment in HOSTILE:
        done = subprocess.run(
            [sys.executable, "-m", "nbgrader", "autograde", assignment, "--create", "--Execute.timeout=10"],
            cwd=course, capture_output=True, text=True, timeout=3000,
            env={**os.environ, PORT_ENV: str(listener.getsockname()[1]), "PYTHONWARNINGS": "ignore"},
        )
        assert done.returncode in (0, 1), done.stderr[-3000:]  # 1: a submission nbgrader itself rejects
        nbgrader(course, "generate_feedback", assignment)
        logs.append(done.stderr)
    stop.set()
    thread.join()
    listener.close()
    return {"course": course, "scores": exported_scores(course), "honest": honest, "before": before,
            "after": fingerprint(course), "contacts": contacts, "log": "\n".join(logs)}


def max_scores_from_source(assignment: str) -> dict:
    """``grade_id -> points`` of an assignment's graded cells, read from its source notebook."""
    cells = read_notebook(ROOT / "autograder" / "source" / assignment / f"{assignment}.ipynb")["cells"]
    return {cell["metadata"]["nbgrader"]["grade_id"]: cell["metadata"]["nbgrader"]["points"]
            for cell in cells if cell.get("metadata", {}).get("nbgrader", {}).get("grade")}


@pytest.mark.parametrize("assignment, name", CASES)
def test_hostile_submission_gets_exactly_the_points_of_its_honest_work(batch, assignment, name):
    """Each attack earns nothing: the score is the points of the honest work it holds, no more."""
    score = batch["scores"].get((assignment, name), 0.0)
    assert score == HOSTILE[assignment][name]["deserves"], f"{name} scored {score}"


@pytest.mark.parametrize("assignment", sorted(HOSTILE))
def test_honest_submissions_keep_exactly_their_scores(batch, assignment):
    """The reference solution, the blank notebook and the honest wrong answers: exactly their scores,
    after the whole corpus was graded beside them; the points per cell are the source's."""
    points = max_scores_from_source(assignment)
    assert max_scores(batch["course"], assignment) == points
    for (graded, name), failing in batch["honest"].items():
        if graded == assignment:
            expected = sum(points.values()) - (0 if failing == "all" else sum(points[c] for c in failing))
            assert batch["scores"][(assignment, name)] == expected, name


def test_grading_files_are_untouched_and_nothing_escaped(batch):
    """Config, sources and grader are byte-identical; no file outside the sandbox; no connection."""
    assert batch["after"] == batch["before"]
    course = batch["course"]
    for folder in (course, course.parent, course / "submitted", ROOT):
        assert not (folder / "HACKED").exists()
    assert not batch["contacts"], "a submission reached a TCP port on this machine"


def test_feedback_is_small_and_shows_no_hidden_check(batch):
    """Every feedback page is under 200 kB and quotes no code of the judge."""
    for assignment in HOSTILE:
        judge = (ROOT / "autograder" / "assignments" / f"{assignment}.py").read_text()
        code = [line.strip() for line in judge.splitlines()
                if len(line.strip()) > 20 and not {'"', "'", "#"} & set(line)]
        pages = sorted((batch["course"] / "feedback").glob(f"*/{assignment}/*.html"))
        assert len(pages) >= len(HOSTILE[assignment]) - 2  # the renamed and the broken file have none
        for page in pages:
            text = page.read_text()
            assert len(text) < 200_000, f"{page} is {len(text)} bytes"
            assert not [line for line in code if line in text], page
