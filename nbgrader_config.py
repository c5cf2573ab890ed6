"""nbgrader configuration of the course.

Assignments are written once, in autograder/source/<assignment>/. From there
`nbgrader generate_assignment <a>` writes the student version into exercises/<a>/ and
`nbgrader generate_solution <a>` the clean solution into solutions/<a>/.
"""

from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, ClearOutput, IncludeHeaderFooter, LockCells

c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.course_id = "bncourse"
c.CourseDirectory.source_directory = "autograder/source"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.solution_directory = "solutions"

# Training cells need more than nbgrader's default 30 s; a cell that runs longer than this is
# interrupted and its tests score zero, and grading goes on with the next cell.
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True

# Student version: the stub that replaces each solution region.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Clean solution: no outputs (nothing to execute, byte-for-byte reproducible) and no hidden tests.
c.GenerateSolution.preprocessors = [IncludeHeaderFooter, LockCells, ClearOutput, ClearHiddenTests, ClearMarkScheme]

# Messages that TensorFlow's C++ core writes to the process's stderr are not the student's output;
# nbgrader scores a test cell with any stderr output as zero, so only Python's stderr is captured.
c.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:", "--IPKernelApp.capture_fd_output=False"]
