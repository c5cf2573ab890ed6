"""nbgrader configuration of the course.

Assignments are written once, in autograder/source/<assignment>/. From there
`nbgrader generate_assignment <a>` writes the student version into exercises/<a>/ and
`nbgrader generate_solution <a>` the clean solution into solutions/<a>/.
"""

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties, CheckCellMetadata, ClearHiddenTests, ClearMarkScheme, ClearOutput, DeduplicateIds,
    GetGrades, IgnorePattern, LimitOutput, LockCells, OverwriteCells, OverwriteKernelspec, SaveAutoGrades,
)

from autograder.grading import JudgedExecute
from autograder.preprocessors import ForgetForeignCells, HideHiddenTests, StripSolutionMarkers

c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.course_id = "bncourse"
c.CourseDirectory.source_directory = "autograder/source"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.solution_directory = "solutions"

# Training cells need more than nbgrader's default 30 s; a cell that runs longer than this is
# interrupted and its tests score zero, and grading goes on with the next cell.
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True
# After a cell's reply, nbclient waits this long for the kernel's last output messages (its default,
# 4 s, runs out on a loaded machine and fails a correct notebook with "Timeout waiting for IOPub").
c.Execute.iopub_timeout = 60
# Messages that TensorFlow's C++ core writes to the process's stderr are not the student's output;
# nbgrader scores a test cell with any stderr output as zero, so only Python's stderr is captured.
c.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:", "--IPKernelApp.capture_fd_output=False"]

# Autograde: nbgrader's own steps, with Execute replaced by the course's JudgedExecute: each
# submission's kernel runs in a bubblewrap sandbox and the graded cells are judged outside it
# (autograder/grading.py). `c.JudgedExecute.sandbox = False` runs kernels unsandboxed: only for
# submissions you trust. JudgedExecute reads the Execute settings above.
# A cell with nbgrader metadata the assignment does not know (a student's own graded cell, a copied
# one) loses that metadata before nbgrader checks the notebook, instead of voiding it.
c.Autograde.sanitize_preprocessors = [
    ClearOutput, DeduplicateIds, OverwriteKernelspec, ForgetForeignCells, OverwriteCells, CheckCellMetadata,
]
c.Autograde.autograde_preprocessors = [
    JudgedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
    AssignLatePenalties, CheckCellMetadata,
]

# Student version: the stub that replaces each solution region.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Clean solution: no outputs (nothing to execute, byte-for-byte reproducible), no hidden tests and
# no solution markers.
c.GenerateSolution.preprocessors = [
    LockCells, ClearOutput, ClearHiddenTests, ClearMarkScheme, StripSolutionMarkers,
]

# Feedback shows scores, the student's code and the visible tests; hidden tests are cut, and so are
# their tracebacks (the one-sentence message of a failed hidden check stays).
c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]
