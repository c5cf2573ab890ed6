"""The class report of an assignment: a row per submission, written as CSV and as an HTML page with
the class's score distribution (``grading-reports/<assignment>/report.csv``, ``report.html``,
``scores.png`` in the course folder)."""

from __future__ import annotations

import html
import json
from pathlib import Path

import nbformat
import pandas as pd


def failures(notebook: Path) -> dict[str, str]:
    """``grade_id -> why`` for every graded cell of an autograded notebook that failed."""
    found = {}
    for cell in nbformat.read(notebook, as_version=4).cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        errors = [out for out in cell.get("outputs", []) if out.get("output_type") == "error"]
        if meta.get("grade") and errors:
            found[meta["grade_id"]] = errors[0].get("evalue", "") or errors[0].get("ename", "error")
    return found


def rows(course: Path, assignment: str) -> tuple[pd.DataFrame, dict[str, float]]:
    """One row per submission in the gradebook (score, points per check, seconds, what failed and why),
    and the points each check is worth."""
    from nbgrader.api import Gradebook

    from autograder.batch import result_path, results_folder

    results = results_folder(course, assignment)
    table = []
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        found = gradebook.find_assignment(assignment)
        worth = {cell.name: cell.max_score for notebook in found.notebooks for cell in notebook.grade_cells}
        for submission in sorted(found.submissions, key=lambda s: s.student.id):
            student = submission.student.id
            row = {"student": student, "score": submission.score, "max_score": submission.max_score}
            why, seconds = {}, 0.0
            for notebook in submission.notebooks:
                row.update({f"points: {grade.name}": grade.score for grade in notebook.grades})
                path = course / "autograded" / student / assignment / f"{notebook.name}.ipynb"
                if path.is_file():
                    why.update(failures(path))
                kept = result_path(results, student, notebook.name)
                if kept.is_file():
                    seconds += json.loads(kept.read_text()).get("seconds", 0)
            row["seconds"] = round(seconds, 1)
            row["failed"] = " | ".join(f"{check}: {reason}" for check, reason in why.items())
            table.append(row)
    return pd.DataFrame(table), worth


def score_plot(scores: pd.Series, max_score: float, path: Path) -> None:
    """A histogram of the class's scores."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.2))
    bins = max(1, int(max_score)) if max_score else 10
    ax.hist(scores, bins=bins, range=(0, max_score or 1), color="#3b6ea8", edgecolor="white")
    ax.set_xlabel(f"score (out of {max_score:g})")
    ax.set_ylabel("submissions")
    ax.set_title(f"{len(scores)} submissions, median {scores.median():g}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(course: Path, assignment: str) -> Path:
    """Write the CSV, the plot and the HTML page; return the page's path."""
    folder = course / "grading-reports" / assignment
    folder.mkdir(parents=True, exist_ok=True)
    table, worth = rows(course, assignment)
    table.to_csv(folder / "report.csv", index=False)
    total = float(sum(worth.values()))
    score_plot(table["score"] if len(table) else pd.Series(dtype=float), total, folder / "scores.png")
    checks = "".join(f"<li><code>{html.escape(name)}</code>: {points:g} points</li>" for name, points in worth.items())
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(assignment)}: grades</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:75em}} table{{border-collapse:collapse;font-size:90%}}
td,th{{border:1px solid #ccc;padding:.3em .5em;vertical-align:top}} th{{background:#eef}}</style></head>
<body><h1>{html.escape(assignment)}: {len(table)} submissions</h1>
<p><img src="scores.png" alt="Histogram of the class's scores"></p>
<p>Checks:</p><ul>{checks}</ul>
{table.to_html(index=False, escape=True, na_rep="")}
</body></html>
"""
    (folder / "report.html").write_text(page)
    return folder / "report.html"
