"""The course's nbgrader preprocessors: clean solutions, feedback without hidden tests, and foreign cells
made harmless before autograde checks a notebook."""

from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


class StripSolutionMarkers(NbGraderPreprocessor):
    """Drop the ``### BEGIN/END SOLUTION`` lines, keeping the code between them (for clean solutions)."""

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code":
            lines = cell.source.split("\n")
            cell.source = "\n".join(line for line in lines if line.strip() not in SOLUTION_MARKERS)
        return cell, resources


class HideHiddenTests(ClearHiddenTests):
    """Cut hidden-test regions from the feedback, and cut a failing hidden test's traceback to its message.

    A traceback quotes the code it ran through, hidden lines included; the last line (error class
    and the one-sentence message the check wrote) is what the student needs.
    """

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code" and self._remove_hidden_test_region(cell):
            for output in cell.get("outputs", []):
                if output.output_type == "error":
                    output.traceback = [f"{output.ename}: {output.evalue}"]
        return cell, resources


class ForgetForeignCells(NbGraderPreprocessor):
    """Strip the nbgrader metadata of cells the assignment does not have (a student's own graded cell,
    a copied or damaged cell), so they run as plain cells instead of voiding the notebook."""

    def preprocess(self, nb, resources):
        from nbgrader.api import Gradebook

        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gradebook:
            notebook = gradebook.find_notebook(info["notebook"], info["assignment"])
            known = {cell.name for cell in notebook.source_cells}
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader")
            if meta is not None and meta.get("grade_id") not in known:
                del cell.metadata["nbgrader"]
        return nb, resources
