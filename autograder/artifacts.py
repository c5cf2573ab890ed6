"""Reading what a notebook handed to the grader, without running any of the student's code.

Models are loaded with ``safe_mode=True`` and no custom objects, arrays with ``allow_pickle=False``,
values from JSON. A missing or unreadable artifact is an ``AssertionError`` whose one sentence is the
student's feedback.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np


class Artifacts:
    """The artifacts of one graded cell: ``folder/<key>.keras|.npy|.json|.error``."""

    def __init__(self, folder: str | Path, inputs: str | Path | None = None,
                 missing: str = "the notebook stopped before this test", reference: str | Path | None = None):
        self.folder = Path(folder)
        self.inputs = None if inputs is None else Path(inputs)  # what the grader gave the calls
        self.reference = None if reference is None else Path(reference)  # the grader's own runs, judge-only
        self.missing = missing

    def _path(self, key: str, what: str) -> Path:
        error = self.folder / f"{key}.error"
        if error.exists():
            raise AssertionError(f"{what} {error.read_text()[:300]}".strip())
        for suffix in (".keras", ".npy", ".json"):
            if (self.folder / f"{key}{suffix}").exists():
                return self.folder / f"{key}{suffix}"
        raise AssertionError(f"The grader got no `{key}`: {self.missing}.")

    def get(self, key: str, what: str = ""):
        """The artifact ``key``: a Keras model, a NumPy array or a plain value."""
        path = self._path(key, what)
        try:
            if path.suffix == ".keras":
                import keras

                return keras.saving.load_model(path, safe_mode=True, compile=False)
            if path.suffix == ".npy":
                return np.load(path, allow_pickle=False)
            record = json.loads(path.read_text())
            if isinstance(record.get("parts"), int):  # a tuple or list saved item by item
                return [self.get(part, what) for part in self.parts(key, record["parts"], what)]
            return record["value"]
        except AssertionError:
            raise
        except Exception as err:  # a file the grader cannot read is the submission's fault
            raise AssertionError(f"The grader could not read `{key}` ({type(err).__name__}).") from None

    def type_name(self, key: str, what: str = "") -> str:
        """The Python type the notebook's value had (as recorded when it was saved)."""
        path = self._path(key, what)
        if path.suffix == ".keras":
            return "Model"
        if path.suffix == ".npy":
            return "ndarray"
        return json.loads(path.read_text())["type"]

    def number(self, key: str, what: str = "") -> float:
        """A plain real number (``bool`` and strings are not numbers)."""
        value = self.get(key, what)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise AssertionError(f"{what} should be a number, not a {self.type_name(key)}.".strip())
        return float(value)

    def numbers(self, key: str, what: str = "") -> np.ndarray:
        """A list or array of real numbers, as a float array."""
        value = self.get(key, what)
        try:
            array = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise AssertionError(f"{what or f'`{key}`'} should be a list of numbers.") from None
        if array.ndim != 1:
            raise AssertionError(f"{what or f'`{key}`'} should be a flat list of numbers.")
        return array

    def history(self, key: str, what: str = "") -> dict:
        """A saved ``History``: its per-epoch values, checked to be lists of numbers (its model is
        the artifact ``<key>.model``)."""
        what = what or f"`{key}`"
        if self.type_name(key, what) != "History":
            raise AssertionError(f"{what} should be the History that fit returns, not a {self.type_name(key)}.")
        values = self.get(key, what)
        if not isinstance(values, dict) or not all(
                isinstance(series, list) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in series)
                for series in values.values()):
            raise AssertionError(f"{what} does not hold per-epoch numbers.")
        return values

    def parts(self, key: str, count: int, what: str = "") -> list[str]:
        """The keys of the ``count`` items of a saved tuple or list of models, histories or arrays
        (``<key>.0``, ``<key>.1``, ...)."""
        what = what or f"`{key}`"
        path = self._path(key, what)
        record = json.loads(path.read_text()) if path.suffix == ".json" else {}
        if record.get("parts") != count:
            raise AssertionError(f"{what} should give {count} values, not a {self.type_name(key)}.")
        return [f"{key}.{index}" for index in range(count)]

    def compile_config(self, key: str, what: str = "") -> dict:
        """The compile settings saved in a ``.keras`` file (read as JSON, nothing is deserialised)."""
        import zipfile

        path = self._path(key, what)
        try:
            with zipfile.ZipFile(path) as archive:
                return json.loads(archive.read("config.json")).get("compile_config") or {}
        except (OSError, KeyError, ValueError, zipfile.BadZipFile):
            raise AssertionError(f"The grader could not read how `{key}` was compiled.") from None
