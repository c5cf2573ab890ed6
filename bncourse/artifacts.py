"""Artifacts: what a notebook hands to the grader, saved as plain files.

A Keras model becomes ``<name>.keras``, an array ``<name>.npy``, anything else that JSON can hold
``<name>.json``; a ``History`` its per-epoch values as JSON plus its model as ``<name>.model.keras``;
a tuple or list holding models, histories or arrays one artifact ``<name>.<i>`` per item. A value
that cannot be saved becomes ``<name>.error`` with one sentence saying why.
The grader reads these files itself (models with ``safe_mode=True``, arrays without pickles), so
nothing a notebook does to its own Python changes how they are judged.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

MAX_MESSAGE = 300  # characters of a save failure kept for the student's feedback


def plain(value):
    """``value`` as plain JSON data (numbers, strings, lists, dicts), or raise ``TypeError``."""
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, np.ndarray) and value.size <= 100_000:
        return value.tolist()
    import keras

    if isinstance(value, keras.callbacks.Callback):  # its class and settings, e.g. monitor and patience
        settings = {}
        for key, item in vars(value).items():
            try:
                settings[key] = plain(item)
            except TypeError:
                continue
        return {"class": type(value).__name__, **settings}
    raise TypeError(f"a {type(value).__name__} cannot be handed to the grader")


def save(folder: str | Path, name: str, value) -> None:
    """Save one value under ``name`` in ``folder``; a failure is saved as ``<name>.error``."""
    import keras

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        if isinstance(value, keras.Model):
            value.save(folder / f"{name}.keras")
        elif isinstance(value, np.ndarray) and value.dtype != object:
            np.save(folder / f"{name}.npy", value, allow_pickle=False)
        elif isinstance(value, keras.callbacks.History):
            (folder / f"{name}.json").write_text(json.dumps({"type": "History", "value": plain(value.history)}))
            if isinstance(getattr(value, "model", None), keras.Model):
                save(folder, f"{name}.model", value.model)
        elif isinstance(value, (tuple, list)) and any(
                isinstance(item, (keras.Model, keras.callbacks.History, np.ndarray)) for item in value):
            (folder / f"{name}.json").write_text(json.dumps({"type": type(value).__name__, "parts": len(value)}))
            for index, item in enumerate(value):
                save(folder, f"{name}.{index}", item)
        else:
            (folder / f"{name}.json").write_text(json.dumps({"type": type(value).__name__, "value": plain(value)}))
    except Exception as err:  # the student's value: say what went wrong, never fail the caller
        record_error(folder, name, f"`{name}` could not be saved for grading ({type(err).__name__}: {err}).")


def record_error(folder: str | Path, key: str, message: str) -> None:
    """Record, instead of an artifact ``key``, the sentence that says why there is none."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    (Path(folder) / f"{key}.error").write_text(message[:MAX_MESSAGE])


def export_code(folder: str | Path, names: list[str]) -> str:
    """The code the grader runs in the kernel in place of a test cell: save the named variables."""
    return (
        "import bncourse.artifacts as _bncourse_artifacts\n"
        f"for _name in {list(names)!r}:\n"
        f"    if _name in globals():\n"
        f"        _bncourse_artifacts.save({str(folder)!r}, _name, globals()[_name])\n"
        f"    else:\n"
        f"        _bncourse_artifacts.record_error({str(folder)!r}, _name, f'`{{_name}}` is not defined when this test runs.')\n"
    )


def resolve(argument, inputs: Path):
    """A call argument as the grader wrote it: a literal, ``{"array": file}`` or ``{"model": file}``."""
    import keras

    if isinstance(argument, dict) and set(argument) == {"array"}:
        return np.load(inputs / argument["array"], allow_pickle=False)
    if isinstance(argument, dict) and set(argument) == {"model"}:
        return keras.models.load_model(inputs / argument["model"])
    return argument


def call_and_save(folder: str | Path, call_id: str, function, args: list, inputs: str | Path,
                  seed: int | None = None, keep_arg: int | None = None) -> None:
    """Call a student's function on the grader's arguments (after ``set_seed(seed)`` when a seed is
    given, so the judge can replay it); save its result (or its error) as ``call_id``, and with
    ``keep_arg`` also that argument as it is after the call (a model the function compiled or
    trained) as ``<call_id>.arg``."""
    try:
        args = [resolve(argument, Path(inputs)) for argument in args]
        if seed is not None:
            from bncourse.seeding import set_seed

            set_seed(seed)
        result = function(*args)
    except Exception as err:  # the student's function failed: that is the result the grader judges
        record_error(folder, call_id, f"raised {type(err).__name__}" + (f": {err}" if str(err) else "."))
        return
    save(folder, call_id, result)
    if keep_arg is not None:
        save(folder, f"{call_id}.arg", args[keep_arg])


def calls_code(inputs: str | Path, calls: list[tuple[str, str, str, list, int | None, int | None]]) -> str:
    """The code the grader runs in a kernel of its own: make each call ``(folder, id, function, args,
    seed, keep_arg)`` and save its result."""
    return (
        "import bncourse.artifacts as _bncourse_artifacts\n"
        f"for _folder, _id, _function, _args, _seed, _keep in {calls!r}:\n"
        f"    if _function in globals():\n"
        f"        _bncourse_artifacts.call_and_save(_folder, _id, globals()[_function], _args, {str(inputs)!r},\n"
        f"                                          _seed, _keep)\n"
        f"    else:\n"
        f"        _bncourse_artifacts.record_error(_folder, _id, f'`{{_function}}` is not defined.')\n"
    )
