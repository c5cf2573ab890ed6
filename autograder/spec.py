"""How an assignment tells the grader what to judge: per graded cell, its artifacts and its check.

An assignment module in ``autograder/assignments/`` defines ``GRADED``, a dict from each graded
cell's nbgrader ``grade_id`` to a :class:`Graded`. At grading time the notebook's kernel saves the
cell's ``variables`` where the test cell stood, a second sandboxed kernel calls the student's
functions on the cell's ``calls``, and the judge runs ``check`` on the result, outside any kernel.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Call:
    """A call of a student's function on arguments the grader chooses (JSON literals, or
    ``{"array": file}`` / ``{"model": file}`` for inputs the assignment's ``prepare_inputs`` writes)."""

    function: str
    args: tuple
    visible: bool = False  # also run by the visible test in the student's own kernel
    seed: int | None = None  # set_seed(seed) right before the call, for checks that replay it
    keep_arg: int | None = None  # also save this argument after the call (a model it compiled or trained)

    def describe(self) -> str:
        """How the call reads in feedback, e.g. ``glorot_std(784, 256)``."""
        shown = ", ".join(arg.get("label", "...") if isinstance(arg, dict) else repr(arg) for arg in self.args)
        return f"{self.function}({shown})"

    def plain_args(self) -> list:
        """The arguments as the kernel receives them (labels dropped)."""
        return [{k: v for k, v in arg.items() if k != "label"} if isinstance(arg, dict) and "label" in arg
                else arg for arg in self.args]


@dataclass(frozen=True)
class Graded:
    """One graded cell: the variables saved where it stands, the calls made, and the check.

    ``check(artifacts, calls)`` raises ``AssertionError`` with one sentence when the work is wrong;
    ``calls`` are the (call id, :class:`Call`) pairs whose results ``artifacts`` holds.
    """

    check: Callable
    variables: tuple[str, ...] = ()
    calls: tuple[Call, ...] = ()

    def call_ids(self, grade_id: str, visible_only: bool = False) -> list[tuple[str, Call]]:
        """``(call id, call)`` pairs, ids unique in the assignment."""
        return [(f"{grade_id}-{index}", call) for index, call in enumerate(self.calls)
                if call.visible or not visible_only]


@dataclass(frozen=True)
class Assignment:
    """An assignment's grading: its graded cells, the writer of the inputs its calls read, and the
    writer of the grader's own reference runs (judge-only files, made once per machine and cached)."""

    graded: dict
    prepare_inputs: Callable | None = None
    prepare_reference: Callable | None = None
    calls_skip: tuple[str, ...] = ()  # locked cells that only train: the calls kernel does not run them


def load(assignment: str) -> Assignment | None:
    """The grading of ``assignment``, or None when its checks still run in the kernel."""
    try:
        module = importlib.import_module(f"autograder.assignments.{assignment}")
    except ModuleNotFoundError as err:
        if err.name != f"autograder.assignments.{assignment}":
            raise
        return None
    return Assignment(graded=module.GRADED, prepare_inputs=getattr(module, "prepare_inputs", None),
                      prepare_reference=getattr(module, "prepare_reference", None),
                      calls_skip=getattr(module, "CALLS_SKIP", ()))
