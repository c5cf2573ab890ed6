"""The judge: runs every check of an assignment on the artifacts a notebook produced.

It never imports or runs the student's code: it reads files (see :mod:`autograder.artifacts`) and
compares them with what the grader computes itself. The grading preprocessor runs it in a sandbox
of its own, read-only, and reads its verdicts from standard output:

    python -m autograder.judge serve                              # then one JSON order on stdin
    python -m autograder.judge inputs <assignment> <folder>      # write the inputs the calls receive
    python -m autograder.judge reference <assignment> <folder>   # write the grader's reference runs

``serve`` loads Keras, then reads one order ``{"assignment", "artifacts", "inputs", "reference", "missing", "record"}``
(``record``: calibration only, a file to record each metric value in instead of judging it) and prints
one JSON object: ``{grade_id: null (passed) or "the sentence that says why not"}``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from autograder import spec, thresholds
from autograder.artifacts import Artifacts


def verdict(graded: spec.Graded, grade_id: str, artifacts: Artifacts, visible_only: bool = False) -> str | None:
    """None when the cell's check passes, else its one-sentence message."""
    try:
        graded.check(artifacts, graded.call_ids(grade_id, visible_only))
    except AssertionError as err:
        return str(err).strip().splitlines()[0] if str(err).strip() else "This check failed."
    except Exception as err:  # an artifact the check could not handle: the work is not right
        return f"The grader could not check this work ({type(err).__name__})."
    return None


def verdicts(assignment: str, artifacts: Path, inputs: Path, missing: str, reference: Path | None = None) -> dict:
    """Every graded cell's verdict."""
    from bncourse.seeding import set_seed

    set_seed()
    grading = spec.load(assignment)
    if grading.prepare_reference is not None and (reference is None or not (reference / "done").is_file()):
        raise RuntimeError(f"{assignment} is judged against the grader's reference runs, and there are none")
    return {grade_id: verdict(graded, grade_id, Artifacts(artifacts / grade_id, inputs, missing, reference))
            for grade_id, graded in grading.graded.items()}


def serve() -> dict:
    """Load the libraries, wait for one order on stdin, return the verdicts."""
    import keras  # noqa: F401 (loaded before the order comes, while the notebook still runs)

    import bncourse.seeding  # noqa: F401

    order = json.loads(sys.stdin.readline())
    if order.get("record"):
        def record(assignment: str, check: str, value: float) -> None:
            with open(order["record"], "a") as handle:
                handle.write(json.dumps({"assignment": assignment, "check": check, "value": value}) + "\n")

        thresholds.recorder = record
    reference = Path(order["reference"]) if order.get("reference") else None
    return verdicts(order["assignment"], Path(order["artifacts"]), Path(order["inputs"]), order["missing"], reference)


def main(argv=None) -> None:
    """Command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve")
    for command in ("inputs", "reference"):
        writer = commands.add_parser(command)
        writer.add_argument("assignment")
        writer.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    if args.command == "serve":
        print(json.dumps(serve()))
    else:
        grading = spec.load(args.assignment)
        args.folder.mkdir(parents=True, exist_ok=True)
        prepare = grading.prepare_inputs if args.command == "inputs" else grading.prepare_reference
        if prepare is not None:
            from bncourse.seeding import set_seed

            set_seed()
            prepare(args.folder)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
