"""Grading a whole class with `python -m autograder.grade`: the same gradebook as sequential
`nbgrader autograde`, on a LocalCluster and on an external Dask scheduler, after a run killed in the
middle, and with a submission that kills its worker; the report lists every submission."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import cloudpickle
import numpy as np
import pytest

from hostile import HOSTILE, place
from autograder.course import cell_scores, make_course, mutate, nbgrader, read_notebook, submit
from wrong_answers import WRONG_ANSWERS

pytestmark = pytest.mark.slow
ASSIGNMENT = "weight_init"  # the quickest assignment to grade
WRONG = ["variance_instead_of_std", "stack_without_activation"]
# attacks that end by themselves (those that run until a cell's timeout cost minutes per run, and
# tests/test_hostile.py grades them all)
ATTACKS = ["artifact_writer_patched_to_forge_answers", "writes_outside_its_folder", "kills_its_own_kernel"]
COMMAND = [sys.executable, "-m", "autograder.grade", ASSIGNMENT]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A course with the batch submitted: the solution, the blank notebook, wrong answers, attacks."""
    course = make_course(tmp_path_factory.mktemp("class"), [ASSIGNMENT])
    notebook = f"{ASSIGNMENT}.ipynb"
    solution = read_notebook(course / "solutions" / ASSIGNMENT / notebook)
    blank = read_notebook(course / "exercises" / ASSIGNMENT / notebook)
    submit(course, "solution", ASSIGNMENT, {notebook: solution})
    submit(course, "blank", ASSIGNMENT, {notebook: blank})
    for name in WRONG:
        submit(course, name, ASSIGNMENT, {notebook: mutate(solution, WRONG_ANSWERS[ASSIGNMENT][name]["edits"])})
    for name in ATTACKS:
        place(course, ASSIGNMENT, name, HOSTILE[ASSIGNMENT][name], {"solution": solution, "blank": blank})
    return course


def students(course: Path) -> list[str]:
    return sorted(path.name for path in (course / "submitted").iterdir())


def copy_of(template: Path, folder: Path) -> Path:
    shutil.copytree(template, folder)
    return folder


def outcome(course: Path) -> tuple[str, dict]:
    """The exported grades CSV and every graded cell's score, per graded student."""
    nbgrader(course, "export", "--to", "grades.csv")
    graded = sorted(path.parent.name for path in (course / "autograded").glob(f"*/{ASSIGNMENT}"))
    scores = {student: cell_scores(course, ASSIGNMENT, student) for student in graded}
    return (course / "grades.csv").read_text(), scores


def run_command(course: Path, *args: str, timeout: int = 1200) -> subprocess.CompletedProcess:
    done = subprocess.run([*COMMAND, *args], cwd=course, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"the grading command failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    return done


@pytest.fixture(scope="module")
def sequential(template, tmp_path_factory) -> tuple[str, dict]:
    """What plain `nbgrader autograde` gives for the batch."""
    course = copy_of(template, tmp_path_factory.mktemp("sequential") / "course")
    subprocess.run([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT, "--create"], cwd=course,
                   capture_output=True, text=True, timeout=1200)
    return outcome(course)


def assert_report_lists_every_submission(course: Path) -> None:
    """The grading report: a row per submission, the reasons of failures, a score plot that is not blank."""
    report = course / "grading-reports" / ASSIGNMENT
    rows = (report / "report.csv").read_text().splitlines()
    assert sorted(line.split(",")[0] for line in rows[1:]) == students(course)
    assert "raised NotImplementedError" in (report / "report.html").read_text()
    import matplotlib.image

    pixels = matplotlib.image.imread(report / "scores.png")
    assert pixels.shape[0] > 100 and np.std(pixels) > 0.05, "the score plot is blank"


def test_a_run_killed_in_the_middle_resumes_to_the_sequential_gradebook_and_a_report(template, sequential,
                                                                                     tmp_path):
    """Two workers side by side, killed after two submissions, run again: the gradebook sequential
    `nbgrader autograde` gives, and a report of every submission (the uninterrupted run is this run's
    second half, so it is not graded again on its own)."""
    course = copy_of(template, tmp_path / "course")
    graded = course / ".grading" / ASSIGNMENT / "graded"
    process = subprocess.Popen([*COMMAND, "--workers", "2"], cwd=course, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline and len(list(graded.glob("*"))) < 2 and process.poll() is None:
        time.sleep(0.5)
    os.killpg(process.pid, signal.SIGKILL)  # the command, its cluster and the kernels: as a crash would
    process.wait()
    assert 2 <= len(list(graded.glob("*"))) < len(students(course)), "the run was not stopped in the middle"
    run_command(course, "--workers", "2")
    assert outcome(course) == sequential
    assert sequential[1]["solution"] and sum(sequential[1]["solution"].values()) > 0
    assert_report_lists_every_submission(course)
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        assert len(gradebook.find_assignment(ASSIGNMENT).submissions) == len(students(course))
    again = run_command(course, "--workers", "2")  # nothing left to grade
    assert f"Graded 0 submissions of {ASSIGNMENT}" in again.stdout
    again = run_command(course, "--workers", "2", "--force", "--students", "solution", WRONG[0])
    assert f"Graded 2 submissions of {ASSIGNMENT}" in again.stdout and outcome(course) == sequential


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_external_scheduler_with_two_workers(template, sequential, tmp_path):
    """`dask scheduler` and two `dask worker` processes on loopback, as an instructor starts them."""
    course = copy_of(template, tmp_path / "course")
    address = f"tcp://127.0.0.1:{free_port()}"
    dask = str(Path(sys.executable).parent / "dask")
    started = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
                                 "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        time.sleep(3)
        started += [subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--no-dashboard"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(2)]
        chosen = ["solution", "blank", WRONG[0]]
        run_command(course, "--scheduler", address, "--students", *chosen)
        scores = outcome(course)[1]
        assert {student: scores[student] for student in chosen} == {s: sequential[1][s] for s in chosen}
    finally:
        for process in reversed(started):
            process.terminate()
            process.wait(timeout=60)


def crashing_execute(assignment, student, notebook, captured, config, threads):
    """A worker's task that takes the worker down for the solution (counting its tries)."""
    from autograder.batch import execute_submission

    if student == "solution":
        with open(os.environ["CRASH_LOG"], "a") as log:
            log.write("tried\n")
        os._exit(1)
    return execute_submission(assignment, student, notebook, captured, config, threads)


def test_a_submission_that_kills_its_worker_is_tried_twice_then_scored_zero(template, sequential, tmp_path,
                                                                            monkeypatch):
    from autograder.grade import grade

    course = copy_of(template, tmp_path / "course")
    crashes = tmp_path / "crashes.log"
    monkeypatch.setenv("CRASH_LOG", str(crashes))
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    done = grade(course, ASSIGNMENT, ["solution", WRONG[0]], workers=2, progress=False, execute=crashing_execute)
    assert crashes.read_text().count("tried") == 2
    assert done["solution"]["error"] is None and done[WRONG[0]]["error"] is None
    scores = outcome(course)[1]
    assert set(scores["solution"].values()) == {0}
    assert scores[WRONG[0]] == sequential[1][WRONG[0]]  # the other submission is untouched
    assert "stopped the grader's worker twice" in (course / "grading-reports" / ASSIGNMENT / "report.csv").read_text()
