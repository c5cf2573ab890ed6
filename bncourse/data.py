"""Course datasets: real MNIST and CIFAR-10 subsets, and tabular data that ships with scikit-learn.

The course subsets are fixed rows of the official keras arrays (see ``COURSE_ROWS``). They are found,
in this order:

1. in the folder named by the environment variable ``BNCOURSE_DATA`` (files ``mnist-course.npz`` and
   ``cifar10-course.npz``), as in CI and offline classrooms;
2. in the full dataset from the keras cache (``~/.keras/datasets``), downloaded by ``keras.datasets``
   when the machine is online, sliced to the course rows.

Every course array is checked against the published sha256 checksums, so each machine grades on
exactly the same images. When no source works, :class:`CourseDataError` says how to get the data.
``python -m bncourse.make_data FOLDER`` writes the course files and ``checksums.json`` from the full
keras datasets.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from importlib import resources
from pathlib import Path

import numpy as np

DATA_ENV = "BNCOURSE_DATA"
ARRAY_NAMES = ("x_train", "y_train", "x_test", "y_test")
CIFAR10_CLASSES = (
    "airplane", "automobile", "bird", "cat", "deer",
    "dog", "frog", "horse", "ship", "truck",
)

# Rows of the official keras arrays that make up each course subset: MNIST training rows 0-17434 and
# the whole test set; CIFAR-10 the first 932 images of each of the five training batches (rows
# b*10000 + i, batch order kept) and test rows 0-931.
COURSE_ROWS = {
    "mnist": {"train": np.arange(17435), "test": np.arange(10000)},
    "cifar10": {
        "train": (np.arange(5)[:, None] * 10000 + np.arange(932)[None, :]).ravel(),
        "test": np.arange(932),
    },
}


# While a notebook is graded, its sandbox holds only the first test rows (the public part, in
# ``<name>-public.npz``); the grader evaluates on the others, which the notebook never had.
PUBLIC_TEST_ROWS = {"mnist": 5000, "cifar10": 466}


class CourseDataError(RuntimeError):
    """The course data cannot be found, read or verified."""


def published_checksums() -> dict:
    """The published shape, dtype and sha256 of every course array, keyed by file name."""
    text = resources.files("bncourse").joinpath("checksums.json").read_text()
    return json.loads(text)


def course_file(name: str) -> str:
    """File name of a course subset, e.g. ``mnist-course.npz``."""
    return f"{name}-course.npz"


def array_sha256(array: np.ndarray) -> str:
    """sha256 of an array's raw C-ordered bytes."""
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def public_file(name: str) -> str:
    """File name of the public part of a course subset (all its training rows, the public test rows)."""
    return f"{name}-public.npz"


def verify(name: str, arrays: dict, origin: str, file: str | None = None) -> None:
    """Raise :class:`CourseDataError` unless ``arrays`` are exactly the published course subset
    (or, with ``file=public_file(name)``, its public part)."""
    expected = published_checksums()[file or course_file(name)]
    for key in ARRAY_NAMES:
        if key not in arrays:
            raise CourseDataError(f"{origin}: array '{key}' is missing; this is not the {name} course subset.")
        array, spec = arrays[key], expected[key]
        if list(array.shape) != spec["shape"] or str(array.dtype) != spec["dtype"]:
            raise CourseDataError(
                f"{origin}: array '{key}' has shape {tuple(array.shape)} and dtype {array.dtype}, "
                f"expected {tuple(spec['shape'])} and {spec['dtype']}; this is not the {name} course subset."
            )
        if array_sha256(array) != spec["sha256"]:
            raise CourseDataError(
                f"{origin}: array '{key}' does not match its published sha256 checksum; "
                "the file is corrupt or holds other images."
            )


def slice_course_rows(name: str, full: tuple) -> dict:
    """Take the course rows out of the full keras arrays ``((x_train, y_train), (x_test, y_test))``."""
    (x_train, y_train), (x_test, y_test) = full
    rows = COURSE_ROWS[name]
    return {
        "x_train": x_train[rows["train"]],
        "y_train": y_train[rows["train"]],
        "x_test": x_test[rows["test"]],
        "y_test": y_test[rows["test"]],
    }


def read_course_file(name: str, folder: str | os.PathLike) -> dict:
    """Read and verify ``<folder>/<name>-course.npz`` (or, in a grading sandbox, ``<name>-public.npz``)."""
    folder = Path(folder)
    path = folder / course_file(name)
    if not folder.is_dir():
        raise CourseDataError(f"{DATA_ENV}={folder} is not a folder. {how_to_get(name)}")
    if not path.is_file() and (folder / public_file(name)).is_file():
        path = folder / public_file(name)
    if not path.is_file():
        raise CourseDataError(f"{path} does not exist. {how_to_get(name)}")
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as err:
        raise CourseDataError(
            f"{path} cannot be read ({type(err).__name__}: {err}); the file is truncated or not an .npz "
            f"archive. Copy it again. {how_to_get(name)}"
        ) from err
    verify(name, arrays, str(path), path.name)
    return arrays


def public_part(arrays: dict, name: str) -> dict:
    """The public part of course arrays: every training row, the first ``PUBLIC_TEST_ROWS`` test rows."""
    rows = PUBLIC_TEST_ROWS[name]
    return {**arrays, "x_test": arrays["x_test"][:rows], "y_test": arrays["y_test"][:rows]}


def write_public_data(folder: str | os.PathLike) -> Path:
    """Write the public parts of the MNIST and CIFAR-10 subsets into ``folder`` (for a grading sandbox)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name in PUBLIC_TEST_ROWS:
        (x_train, y_train), (x_test, y_test) = load(name)
        arrays = public_part({"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}, name)
        np.savez(folder / public_file(name), **arrays)
    return folder


def load_private_test(name: str) -> tuple:
    """The test rows a graded notebook never sees: ``(x, y)`` after the first ``PUBLIC_TEST_ROWS``."""
    _, (x_test, y_test) = load(name)
    return x_test[PUBLIC_TEST_ROWS[name]:], y_test[PUBLIC_TEST_ROWS[name]:]


def how_to_get(name: str) -> str:
    """The three ways to get a dataset, in one message."""
    return (
        f"The {name} data can be had in three ways: (1) set the environment variable {DATA_ENV} to a "
        f"folder holding the course file {course_file(name)}; (2) put the full dataset in the keras "
        f"cache ~/.keras/datasets (keras.datasets.{name}.load_data() saves it there); (3) connect to the "
        "internet, and the loader downloads it with keras.datasets."
    )


def load_keras_full(name: str) -> tuple:
    """The full official dataset from the keras cache, downloading it when needed and possible."""
    import keras

    try:
        return getattr(keras.datasets, name).load_data()
    except Exception as err:  # keras raises plain Exception for a failed download
        raise CourseDataError(
            f"The {name} dataset is neither in {DATA_ENV} nor in the keras cache, and downloading it "
            f"failed ({type(err).__name__}: {err}). {how_to_get(name)}"
        ) from err


def load(name: str, subset: str = "course") -> tuple:
    """Load ``'mnist'`` or ``'cifar10'`` as ``(x_train, y_train), (x_test, y_test)`` uint8 arrays.

    ``subset='course'`` (the default) gives the verified course rows; ``subset='full'`` the whole
    official dataset from keras.
    """
    if name not in COURSE_ROWS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {sorted(COURSE_ROWS)}")
    if subset == "full":
        return load_keras_full(name)
    if subset != "course":
        raise ValueError(f"subset must be 'course' or 'full', not {subset!r}")
    folder = os.environ.get(DATA_ENV)
    if folder:
        arrays = read_course_file(name, folder)
    else:
        arrays = slice_course_rows(name, load_keras_full(name))
        verify(name, arrays, f"keras.datasets.{name} (course rows)")
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def load_mnist(subset: str = "course") -> tuple:
    """MNIST digits, 28x28 grayscale uint8, labels 0-9 of shape ``(n,)``."""
    return load("mnist", subset)


def load_cifar10(subset: str = "course") -> tuple:
    """CIFAR-10 images, 32x32x3 uint8, labels 0-9 of shape ``(n, 1)`` as in keras."""
    return load("cifar10", subset)


def scale_pixels(images: np.ndarray) -> np.ndarray:
    """Pixels of bytes as float32 in [0, 1] (the one scaling of the CIFAR-10 chapters and assignment)."""
    return images.astype("float32") / 255


def cifar10_splits(val_size: float = 0.2, seed: int = 0) -> tuple:
    """The CIFAR-10 course subset scaled to [0, 1], split for honest model selection.

    Returns ``(x_train, y_train), (x_val, y_val), (x_test, y_test)``: a stratified train/validation
    split of the 4,660 training images (the validation part is never trained on) and the 932 test
    images. Labels are flat integer arrays.
    """
    from sklearn.model_selection import train_test_split

    (x, y), (x_test, y_test) = load_cifar10()
    x_train, x_val, y_train, y_val = train_test_split(
        scale_pixels(x), y.ravel(), test_size=val_size, stratify=y.ravel(), random_state=seed
    )
    return (x_train, y_train), (x_val, y_val), (scale_pixels(x_test), y_test.ravel())


def load_tabular(name: str, test_size: float = 0.25, seed: int = 0) -> tuple:
    """A small tabular dataset shipped with scikit-learn, split and standardised.

    ``'diabetes'`` (regression, 442 patients, 10 features) or ``'iris'`` (classification, 150 flowers,
    4 features, 3 classes; the split is stratified). Features, and the diabetes target, are
    standardised with statistics of the training part only, so a regression's mean squared error reads
    as the fraction of the target's variance left unexplained. Returns ``(x_train, y_train),
    (x_test, y_test)`` as float32 arrays (int64 labels for iris).
    """
    from sklearn.datasets import load_diabetes, load_iris
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    loaders = {"diabetes": load_diabetes, "iris": load_iris}
    if name not in loaders:
        raise ValueError(f"unknown tabular dataset {name!r}; choose one of {sorted(loaders)}")
    x, y = loaders[name](return_X_y=True)
    stratify = y if name == "iris" else None
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=test_size, random_state=seed, stratify=stratify
    )
    scaler = StandardScaler().fit(x_train)
    x_train, x_test = (scaler.transform(part).astype("float32") for part in (x_train, x_test))
    if name == "diabetes":
        mean, std = y_train.mean(), y_train.std()
        y_train, y_test = ((part - mean) / std for part in (y_train, y_test))
        y_train, y_test = y_train.astype("float32"), y_test.astype("float32")
    return (x_train, y_train), (x_test, y_test)
