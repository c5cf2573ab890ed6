"""The hostile corpus (tests/hostile.py), graded by plain `nbgrader autograde` in one batch together
with the reference solution, the blank notebook and honest wrong answers.

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
ASSIGNMENT = "weight_init"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"


def with_attack(notebook: dict, code: str) -> dict:
    """``notebook`` with ``code`` at the top of its first answer cell."""
    cells = [dict(cell, source="".join(cell["source"])) for cell in notebook["cells"]]
    first = next(cell for cell in cells if cell.get("metadata", {}).get("nbgrader", {}).get("solution"))
    first["source"] = code + "\n" + first["source"]
    return dict(notebook, cells=cells)


def place(course, name: str, case: dict, bases: dict) -> None:
    """Put one hostile submission in ``submitted/<name>/weight_init/``."""
    folder = course / "submitted" / name / ASSIGNMENT
    folder.mkdir(parents=True)
    notebook = bases[case["base"]]
    if "replace" in case:
        notebook = mutate(notebook, [case["replace"]])
    if "code" in case:
        notebook = with_attack(notebook, case["code"])
    if "edit" in case:
        notebook = case["edit"](notebook)
    text = case.get("text", json.dumps(notebook, indent=1))
    (folder / case.get("rename", NOTEBOOK)).write_text(text)
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
    """Grade the whole corpus in one `nbgrader autograde` run, with a TCP listener on loopback."""
    course = make_course(tmp_path_factory.mktemp("hostile-course"), [ASSIGNMENT])
    solution = read_notebook(course / "solutions" / ASSIGNMENT / NOTEBOOK)
    blank = read_notebook(course / "exercises" / ASSIGNMENT / NOTEBOOK)
    honest = {"solution": 8, "blank": 0}
    submit(course, "solution", ASSIGNMENT, {NOTEBOOK: solution})
    submit(course, "blank", ASSIGNMENT, {NOTEBOOK: blank})
    total = 8
    for name, wrong in WRONG_ANSWERS[ASSIGNMENT].items():
        submit(course, name, ASSIGNMENT, {NOTEBOOK: mutate(solution, wrong["edits"])})
        honest[name] = None  # its exact score is known once the gradebook holds the points
    for name, case in HOSTILE.items():
        place(course, name, case, {"solution": solution, "blank": blank})
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(1)
    contacts = []

    def accept():
        while not stop.is_set():
            try:
                contacts.append(listener.accept())
            except OSError:
                pass

    stop = threading.Event()
    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    before = fingerprint(course)
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT, "--create", "--Execute.timeout=10"],
        cwd=course, capture_output=True, text=True, timeout=3000,
        env={**os.environ, PORT_ENV: str(listener.getsockname()[1]), "PYTHONWARNINGS": "ignore"},
    )
    stop.set()
    thread.join()
    listener.close()
    assert done.returncode in (0, 1), done.stderr[-3000:]  # 1: a submission nbgrader itself rejects
    nbgrader(course, "generate_feedback", ASSIGNMENT)
    maximum = max_scores(course, ASSIGNMENT)
    assert sum(maximum.values()) == total
    for name, wrong in WRONG_ANSWERS[ASSIGNMENT].items():
        honest[name] = total - sum(maximum[cell] for cell in wrong["fails"])
    return {"course": course, "scores": exported_scores(course), "honest": honest, "before": before,
            "after": fingerprint(course), "contacts": contacts, "log": done.stderr}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_submission_gets_no_more_than_its_honest_work(batch, name):
    """Each attack earns nothing: at most the points of the honest work it holds."""
    score = batch["scores"].get((ASSIGNMENT, name), 0.0)
    assert score <= HOSTILE[name]["deserves"], f"{name} scored {score}"
    assert score == HOSTILE[name]["deserves"] or HOSTILE[name]["deserves"] == 0, (
        f"{name} scored {score}, its honest work is worth {HOSTILE[name]['deserves']}")


def test_honest_submissions_keep_exactly_their_scores(batch):
    """The reference solution, the blank notebook and the honest wrong answers: exactly their scores."""
    for name, score in batch["honest"].items():
        assert batch["scores"][(ASSIGNMENT, name)] == score, name
    assert max_scores(batch["course"], ASSIGNMENT) == {
        "test_glorot_std": 1, "test_he_std": 1, "test_stack_structure": 2, "test_activation_stds": 2,
        "test_compare": 2}


def test_grading_files_are_untouched_and_nothing_escaped(batch):
    """Config, sources and grader are byte-identical; no file outside the sandbox; no connection."""
    assert batch["after"] == batch["before"]
    course = batch["course"]
    for folder in (course, course.parent, course / "submitted", ROOT):
        assert not (folder / "HACKED").exists()
    assert not batch["contacts"], "a submission reached a TCP port on this machine"


def test_feedback_is_small_and_shows_no_hidden_check(batch):
    """Every feedback page is under 200 kB and quotes no code of the judge."""
    judge = (ROOT / "autograder" / "assignments" / f"{ASSIGNMENT}.py").read_text()
    code = [line.strip() for line in judge.splitlines() if len(line.strip()) > 20 and not {'"', "'", "#"} & set(line)]
    pages = sorted((batch["course"] / "feedback").glob(f"*/{ASSIGNMENT}/*.html"))
    assert len(pages) > len(HOSTILE)
    for page in pages:
        text = page.read_text()
        assert len(text) < 200_000, f"{page} is {len(text)} bytes"
        assert not [line for line in code if line in text], page
