"""Write the course data files and their checksums from the full keras datasets.

    python -m bncourse.make_data OUT_FOLDER

takes the full MNIST and CIFAR-10 from ``keras.datasets`` (the keras cache, or a download), slices the
course rows (``bncourse.data.COURSE_ROWS``) and writes ``mnist-course.npz``, ``cifar10-course.npz``
and ``checksums.json`` into ``OUT_FOLDER``. ``checksums.json`` lists the shape, dtype and sha256 of
every array of the course files and of their public parts (what a grading sandbox holds), in the
form of ``bncourse/checksums.json``, which it reproduces byte for byte from the official datasets.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np

from bncourse.data import (
    ARRAY_NAMES, COURSE_ROWS, array_sha256, course_file, load_keras_full, public_file, public_part,
    slice_course_rows,
)


def checksums(arrays: dict) -> dict:
    """Shape, dtype and sha256 of each course array, as ``checksums.json`` lists them."""
    return {key: {"shape": list(arrays[key].shape), "dtype": str(arrays[key].dtype),
                  "sha256": array_sha256(arrays[key])} for key in ARRAY_NAMES}


def make_data(folder: str | os.PathLike, load_full=load_keras_full) -> Path:
    """Write the course files of every dataset and ``checksums.json`` into ``folder``.

    ``load_full(name)`` gives the full keras arrays ``((x_train, y_train), (x_test, y_test))``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    course, public = {}, {}
    for name in COURSE_ROWS:
        arrays = slice_course_rows(name, load_full(name))
        np.savez(folder / course_file(name), **arrays)
        course[course_file(name)] = checksums(arrays)
        public[public_file(name)] = checksums(public_part(arrays, name))
    (folder / "checksums.json").write_text(json.dumps({**course, **public}, indent=1) + "\n")
    return folder


def main() -> None:
    """Command line: ``python -m bncourse.make_data OUT_FOLDER``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", help="where to write the course files and checksums.json")
    folder = make_data(parser.parse_args().folder)
    print(f"wrote {', '.join(sorted(p.name for p in folder.iterdir()))} to {folder}")


if __name__ == "__main__":
    main()
