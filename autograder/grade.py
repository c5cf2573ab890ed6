"""Grade a whole class: every submission of an assignment, side by side, resumable, with a report.

    python -m autograder.grade <assignment> [--students ID ...] [--workers N] [--scheduler ADDRESS]

run in the course folder (the one with ``nbgrader_config.py``). Each submission is executed and
judged on a Dask worker (a ``LocalCluster`` of ``--workers`` processes, by default one per two cores, or
the workers of the scheduler at ``--scheduler``), in the sandbox, with the course's nbgrader
configuration. This process alone writes the gradebook: nbgrader scores each executed notebook as
``nbgrader autograde`` would (see :mod:`autograder.batch`). Stopped and run again, it grades only
what is not graded yet; a submission whose worker died twice is scored zero, with the reason.
At the end it writes ``grading-reports/<assignment>/`` (see :mod:`autograder.report`).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

import nbformat
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from autograder.batch import CAPTURED, STATE, Capture, Precomputed, execute_submission, result_path, results_folder


def course_config(course: Path) -> Config:
    """The course's nbgrader configuration (``nbgrader_config.py``), rooted at ``course``."""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    config.CourseDirectory.root = str(course)
    return config


def api(config: Config, **changes):
    """An nbgrader API on a copy of ``config`` with the Autograde steps (and other settings) changed."""
    from nbgrader.apps import NbGraderAPI

    config = copy.deepcopy(config)
    for section, values in changes.items():
        for name, value in values.items():
            config[section][name] = value
    return NbGraderAPI(config=config)


def submitted_students(course: Path, assignment: str) -> list[str]:
    """Students with a submission folder of ``assignment``."""
    return sorted(path.parent.name for path in (course / "submitted").glob(f"*/{assignment}") if path.is_dir())


def graded_marker(course: Path, assignment: str, student: str) -> Path:
    return course / STATE / assignment / "graded" / student


def submission_stamp(course: Path, assignment: str, student: str) -> str:
    """What identifies a submission's content: nbgrader's timestamp file and the notebooks' bytes."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((course / "submitted" / student / assignment).rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(course)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def is_graded(course: Path, assignment: str, student: str) -> bool:
    """Graded by an earlier run, and not submitted again since."""
    marker = graded_marker(course, assignment, student)
    return (marker.is_file() and (course / "autograded" / student / assignment).is_dir()
            and marker.read_text() == submission_stamp(course, assignment, student))


def capture(config: Config, course: Path, assignment: str, students: list[str]) -> dict:
    """nbgrader's sanitize steps on each submission, against a scratch copy of the gradebook: the
    sanitized notebooks and their folders, per student (a submission nbgrader cannot read is absent)."""
    CAPTURED.clear()
    found = {}
    with tempfile.TemporaryDirectory(prefix="bncourse-capture-") as scratch:
        db = Path(scratch) / "gradebook.db"
        shutil.copyfile(course / "gradebook.db", db)
        scratch_api = api(config, CourseDirectory={"db_url": f"sqlite:///{db}",
                                                    "autograded_directory": str(Path(scratch) / "autograded")},
                          Autograde={"autograde_preprocessors": [Capture]})
        for student in students:
            scratch_api.autograde(assignment, student, force=True, create=True)
            notebooks = {notebook: kept for (who, notebook), kept in CAPTURED.items() if who == student}
            if notebooks:
                found[student] = notebooks
    return found


def add_students(course: Path, students: list[str]) -> None:
    """Add the students the gradebook does not know yet, in the order a sequential autograde would
    (nbgrader's export lists them in that order)."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in sorted(students):
            try:
                gradebook.find_student(student)
            except MissingEntry:
                gradebook.add_student(student)


def worker_shape(cores: int, workers: int | None, threads: int | None) -> tuple[int, int]:
    """``(workers, threads per submission)`` on ``cores`` cores, filling in what is not given. One
    submission already runs three processes side by side (notebook kernel, calls kernel, judge): on 2
    cores one worker of 2 threads grades fastest (``benchmarks/run.py --only class``); more workers only
    fight over the cores. So by default a worker per two cores, each submission's TensorFlow on 2 threads."""
    threads = threads or (max(1, cores // workers) if workers else min(2, cores))
    return workers or max(1, cores // threads), threads


def client_for(scheduler: str | None, workers: int):
    """A Dask client: on the scheduler at ``scheduler``, or on a LocalCluster of ``workers`` processes
    (a worker that dies takes its task with it, and the task is tried on one more worker)."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler)
    dask.config.set({"distributed.scheduler.allowed-failures": 1, "distributed.worker.daemon": False})
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    return Client(cluster)


def failed_notebook(captured: dict, reason: str) -> str:
    """The sanitized notebook with every graded cell failed for ``reason`` (its worker kept dying)."""
    from autograder.grading import is_graded_test, verdict_outputs

    nb = nbformat.reads(captured["notebook"], as_version=4)
    for cell in nb.cells:
        if is_graded_test(cell):
            cell.outputs = verdict_outputs(reason)
    return nbformat.writes(nb)


def save_result(results: Path, student: str, notebook: str, result: dict) -> None:
    """Keep a worker's result (written whole or not at all)."""
    path = result_path(results, student, notebook)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(result))
    os.replace(partial, path)


def score(config: Config, course: Path, assignment: str, student: str, results: Path) -> str | None:
    """nbgrader's autograde of one student, with the executed notebooks from ``results``; None when it
    succeeded, else nbgrader's error."""
    steps = [Precomputed if getattr(step, "__name__", "") == "JudgedExecute" else step
             for step in config.Autograde.autograde_preprocessors]
    outcome = api(config, Autograde={"autograde_preprocessors": steps},
                  Precomputed={"results": str(results)}).autograde(assignment, student, force=True, create=True)
    if outcome.get("success"):
        marker = graded_marker(course, assignment, student)
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(submission_stamp(course, assignment, student))
        return None
    return (outcome.get("error") or outcome.get("log") or "nbgrader failed").strip().splitlines()[-1]


def grade(course: Path, assignment: str, students: list[str] | None = None, workers: int | None = None,
          scheduler: str | None = None, threads: int | None = None, progress: bool = True,
          execute=execute_submission, timeout: int | None = None, force: bool = False) -> dict:
    """Grade every (or each named) submission of ``assignment`` not graded yet; write the report.
    Returns ``{student: {"seconds", "error"}}`` for the submissions graded in this run. ``execute``
    is what a worker runs on each submission (the tests pass one that crashes its worker); ``timeout``
    replaces the course's seconds per cell (``c.Execute.timeout``); ``force`` grades the chosen
    submissions again even where an earlier run graded them."""
    from tqdm import tqdm

    from autograder.report import write_report

    course = course.resolve()
    config = course_config(course)
    if timeout:
        config.Execute.timeout = timeout
    everyone = submitted_students(course, assignment)
    unknown = sorted(set(students or []) - set(everyone))
    if unknown:
        raise SystemExit(f"No submission of {assignment} from: {', '.join(unknown)}")
    chosen = [student for student in (students or everyone) if force or not is_graded(course, assignment, student)]
    workers, threads = worker_shape(os.cpu_count() or 1, workers, threads)
    results = results_folder(course, assignment)
    if force:
        for student in chosen:
            shutil.rmtree(results / student, ignore_errors=True)
    done: dict = {}
    add_students(course, chosen)
    captured = capture(config, course, assignment, chosen) if chosen else {}
    # what nbgrader could not even read is scored by nbgrader itself, as a sequential run would
    pending = {(student, notebook): kept for student, notebooks in captured.items()
               for notebook, kept in notebooks.items()
               if not (result_path(results, student, notebook).is_file()
                       and json.loads(result_path(results, student, notebook).read_text())["hash"] == kept["hash"])}
    waiting = {student: {notebook for (who, notebook) in pending if who == student} for student in chosen}
    bar = tqdm(total=len(chosen), desc=f"grading {assignment}", unit="submission", disable=not progress,
               file=sys.stderr)
    failures = 0

    def finish(student: str) -> None:
        nonlocal failures
        error = score(config, course, assignment, student, results)
        seconds = sum(json.loads(result_path(results, student, notebook).read_text()).get("seconds", 0)
                      for notebook in captured.get(student, {}) if result_path(results, student, notebook).is_file())
        done[student] = {"seconds": seconds, "error": error}
        failures += error is not None
        bar.set_postfix(failures=failures)
        bar.update()

    for student in chosen:
        if not waiting[student]:
            finish(student)
    if pending:
        from distributed import KilledWorker, as_completed

        client = client_for(scheduler, workers)
        try:
            configured = client.scatter(config, broadcast=True)
            futures = {}
            for (student, notebook), kept in pending.items():
                future = client.submit(execute, assignment, student, notebook, kept, configured, threads,
                                       key=f"grade-{assignment}-{student}-{notebook}-{kept['hash'][:12]}",
                                       retries=1, pure=False)
                futures[future] = (student, notebook)
            for future in as_completed(futures):
                student, notebook = futures[future]
                try:
                    result = future.result()
                except KilledWorker:  # the submission took down its worker, twice: it scores nothing
                    reason = ("The grader could not grade this submission: it stopped the grader's worker "
                              "twice (it crashed the process or used up the machine's memory).")
                    result = {"hash": pending[student, notebook]["hash"], "seconds": 0,
                              "notebook": failed_notebook(pending[student, notebook], reason)}
                except Exception as err:  # the grader itself failed: nothing is scored, the next run retries
                    done[student] = {"seconds": 0, "error": f"the grader failed: {type(err).__name__}: {err}"}
                    failures += 1
                    bar.update()
                    continue
                save_result(results, student, notebook, result)
                waiting[student].discard(notebook)
                if not waiting[student]:
                    finish(student)
        finally:
            cluster = client.cluster
            client.close()
            if cluster is not None:
                cluster.close()
    bar.close()
    write_report(course, assignment)
    return done


def main(argv=None) -> None:
    """Command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment")
    parser.add_argument("--students", nargs="+", help="grade only these students (default: every submission)")
    parser.add_argument("--workers", type=int, help="worker processes of the local cluster (default: one per two cores)")
    parser.add_argument("--threads", type=int, help="CPU threads per submission (default: 2, or cores / workers)")
    parser.add_argument("--scheduler", help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786")
    parser.add_argument("--timeout", type=int, help="seconds a cell may run (default: the course's c.Execute.timeout)")
    parser.add_argument("--force", action="store_true", help="grade the chosen submissions again even if graded")
    parser.add_argument("--course", type=Path, default=Path.cwd(), help="the course folder (default: here)")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # the workers' TensorFlow start-up chatter
    warnings.filterwarnings("ignore", module="nbgrader")  # SQLAlchemy notices from nbgrader's gradebook
    started = time.monotonic()
    done = grade(args.course, args.assignment, args.students, args.workers, args.scheduler, args.threads,
                 timeout=args.timeout, force=args.force)
    failed = {student: found["error"] for student, found in done.items() if found["error"]}
    print(f"Graded {len(done)} submissions of {args.assignment} in {time.monotonic() - started:.0f} s; "
          f"report: {args.course / 'grading-reports' / args.assignment / 'report.html'}")
    for student, error in failed.items():
        print(f"  nbgrader could not grade {student}: {error}")
    if any(error.startswith("the grader failed") for error in failed.values()):
        sys.exit(1)  # the grader's own failure (no sandbox, no data...): nothing of it is scored


if __name__ == "__main__":
    main()
