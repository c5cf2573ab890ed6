"""A throw-away nbgrader course built from the repository's assignment sources, for the tests and the benchmark."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "autograder" / "source"
ASSIGNMENTS = sorted(path.name for path in SOURCE.iterdir() if path.is_dir())


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    """Run an nbgrader command in ``course``; fail with its output when it fails."""
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True, text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    if result.returncode != 0:
        raise AssertionError(f"nbgrader {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def make_course(root: Path, assignments: list[str] = ASSIGNMENTS) -> Path:
    """Copy the nbgrader config and assignment sources into ``root`` (made if missing) and generate the
    assignments."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(SOURCE, root / "autograder" / "source")
    for assignment in assignments:
        nbgrader(root, "generate_assignment", assignment, "--force")
        nbgrader(root, "generate_solution", assignment, "--force")
    return root


def notebook_paths(folder: Path) -> list[Path]:
    """The notebooks of an assignment folder, sorted."""
    return sorted(folder.glob("*.ipynb"))


def read_notebook(path: Path) -> dict:
    """A notebook as JSON."""
    return json.loads(path.read_text())


def submit(course: Path, student: str, assignment: str, notebooks: dict[str, dict]) -> None:
    """Place a student's notebooks (name -> notebook JSON) in ``submitted/<student>/<assignment>/``."""
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    for name, notebook in notebooks.items():
        (folder / name).write_text(json.dumps(notebook, indent=1))


def mutate(notebook: dict, replacements: list[tuple[str, str]]) -> dict:
    """A copy of ``notebook`` with each ``old`` text replaced by ``new`` in the student's (solution) cells.

    Each ``old`` must occur exactly once in them, so a fixture cannot silently stop applying.
    """
    cells = [dict(cell, source="".join(cell["source"])) for cell in notebook["cells"]]
    answers = [cell for cell in cells if cell.get("metadata", {}).get("nbgrader", {}).get("solution")]
    for old, new in replacements:
        hits = [cell for cell in answers if old in cell["source"]]
        count = sum(cell["source"].count(old) for cell in hits)
        if count != 1:
            raise AssertionError(f"wrong-answer fixture out of date: {old!r} occurs {count} times")
        hits[0]["source"] = hits[0]["source"].replace(old, new)
    return dict(notebook, cells=cells)


def exported_scores(course: Path) -> dict[tuple[str, str], float]:
    """``(assignment, student) -> score`` from ``nbgrader export``."""
    nbgrader(course, "export", "--to", "grades.csv")
    with open(course / "grades.csv", newline="") as handle:
        return {(row["assignment"], row["student_id"]): float(row["score"]) for row in csv.DictReader(handle)}


def cell_scores(course: Path, assignment: str, student: str) -> dict[str, float]:
    """``grade_id -> score`` of every graded cell of a student's autograded submission."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(assignment, student)
        return {grade.name: grade.score for notebook in submission.notebooks for grade in notebook.grades}


def max_scores(course: Path, assignment: str) -> dict[str, float]:
    """``grade_id -> max points`` of every graded cell of an assignment."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        found = gradebook.find_assignment(assignment)
        return {cell.name: cell.max_score for notebook in found.notebooks for cell in notebook.grade_cells}


def judge_code_lines(assignment: str) -> list[str]:
    """The substantial code lines of a judged assignment's checks (autograder/assignments/<a>.py),
    which no feedback page may show; strings are left out (a check's message is what a failing
    student rightly reads), and so are lines the notebook itself holds."""
    path = ROOT / "autograder" / "assignments" / f"{assignment}.py"
    if not path.exists():
        return []
    # a line the student's own notebook holds too (an import, say) is no secret
    shown = [line for notebook in notebook_paths(SOURCE / assignment)
             for cell in read_notebook(notebook)["cells"] for line in "".join(cell["source"]).splitlines()]
    return [line.strip() for line in path.read_text().splitlines()
            if len(line.strip()) > 20 and not {'"', "'", "#"} & set(line)
            and not any(line.strip() in other for other in shown)]
