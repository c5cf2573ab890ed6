"""The data loaders: checksums, shapes, the course-row slicing and the errors for bad data."""

import json
import os
from pathlib import Path

import numpy as np
import pytest

from bncourse import data

SHARED_DATA = os.environ.get(data.DATA_ENV)
needs_data = pytest.mark.skipif(not SHARED_DATA, reason=f"{data.DATA_ENV} is not set")

KERAS_SHAPES = {  # shapes and dtypes of keras.datasets.*.load_data(), per sample
    "mnist": {"x": ((28, 28), "uint8"), "y": ((), "uint8")},
    "cifar10": {"x": ((32, 32, 3), "uint8"), "y": ((1,), "uint8")},
}


@needs_data
def test_packaged_checksums_equal_published_ones():
    """The checksums shipped in the package are the ones published beside the course files (plus
    those of the public parts a grading sandbox holds, checked in test_sandbox)."""
    published = json.loads((Path(SHARED_DATA) / "checksums.json").read_text())
    packaged = data.published_checksums()
    assert {name: packaged[name] for name in published} == published
    assert set(packaged) - set(published) == {data.public_file(name) for name in data.PUBLIC_TEST_ROWS}


@needs_data
@pytest.mark.parametrize("name", ["mnist", "cifar10"])
def test_course_arrays_match_checksums_and_keras_layout(name):
    """The loader returns arrays whose sha256, shapes and dtypes are the published ones."""
    (x_train, y_train), (x_test, y_test) = data.load(name)
    spec = json.loads((Path(SHARED_DATA) / "checksums.json").read_text())[data.course_file(name)]
    arrays = {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}
    for key, array in arrays.items():
        assert data.array_sha256(array) == spec[key]["sha256"]
        assert list(array.shape) == spec[key]["shape"]
        part = "x" if key.startswith("x") else "y"
        assert array.shape[1:] == KERAS_SHAPES[name][part][0]
        assert array.dtype == KERAS_SHAPES[name][part][1]


def synthetic_full(name, subset):
    """Full-size keras-like arrays, random, with the subset's rows placed at the documented indices."""
    rng = np.random.default_rng(0)
    n_train, n_test = {"mnist": (60000, 10000), "cifar10": (50000, 10000)}[name]
    full = []
    for part, n in (("train", n_train), ("test", n_test)):
        x_sub, y_sub = subset[f"x_{part}"], subset[f"y_{part}"]
        x = rng.integers(0, 256, (n, *x_sub.shape[1:]), dtype=np.uint8)
        y = rng.integers(0, 10, (n, *y_sub.shape[1:]), dtype=np.uint8)
        rows = data.COURSE_ROWS[name][part]
        x[rows], y[rows] = x_sub, y_sub
        full.append((x, y))
    return tuple(full)


@needs_data
@pytest.mark.parametrize("name", ["mnist", "cifar10"])
def test_slicing_full_arrays_gives_exactly_the_subset(name):
    """Slicing full-size arrays at the course rows gives back the course subset, byte for byte."""
    subset = data.read_course_file(name, SHARED_DATA)
    sliced = data.slice_course_rows(name, synthetic_full(name, subset))
    for key in data.ARRAY_NAMES:
        assert sliced[key].dtype == subset[key].dtype
        assert np.array_equal(sliced[key], subset[key])
    data.verify(name, sliced, "synthetic")


@needs_data
def test_make_data_writes_the_published_files_from_full_arrays(tmp_path):
    """`python -m bncourse.make_data`, given full-size arrays holding the course rows, writes course
    files the loader accepts and a checksums.json identical to the packaged one."""
    from bncourse.make_data import make_data

    make_data(tmp_path, load_full=lambda name: synthetic_full(name, data.read_course_file(name, SHARED_DATA)))
    packaged = Path(data.__file__).with_name("checksums.json").read_text()
    assert (tmp_path / "checksums.json").read_text() == packaged
    for name in data.COURSE_ROWS:
        data.read_course_file(name, tmp_path)


def test_cifar_course_rows_are_the_first_932_of_each_batch():
    """CIFAR-10 train rows are b*10000 + i for b in 0..4 and i in 0..931, batch order kept."""
    rows = data.COURSE_ROWS["cifar10"]["train"]
    assert len(rows) == 4660
    assert rows[:3].tolist() == [0, 1, 2]
    assert rows[931:934].tolist() == [931, 10000, 10001]
    assert rows[-1] == 40931


@needs_data
def test_cifar10_splits_are_scaled_stratified_and_disjoint():
    """The split the CIFAR-10 chapters share: 3,728 training and 932 validation images, each class
    in both at its share, pixels in [0, 1], the 932 test images apart; the same every call."""
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = data.cifar10_splits()
    assert (len(x_train), len(x_val), len(x_test)) == (3728, 932, 932)
    assert x_train.dtype == np.float32 and 0 <= x_train.min() and x_train.max() <= 1
    assert y_train.ndim == y_val.ndim == y_test.ndim == 1
    (x_all, y_all), _ = data.load_cifar10()
    assert np.all(np.abs(np.bincount(y_val) - 0.2 * np.bincount(y_all.ravel())) <= 1)  # each class's fifth
    seen = {row.tobytes() for row in x_train}
    assert not any(row.tobytes() in seen for row in x_val)
    assert np.array_equal(data.cifar10_splits()[1][0], x_val)


def test_missing_folder_is_a_clear_error(monkeypatch, tmp_path):
    """A data variable naming a folder that does not exist says so and lists the three ways."""
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(data.CourseDataError, match=r"is not a folder.*three ways"):
        data.load_mnist()


def test_missing_file_is_a_clear_error(monkeypatch, tmp_path):
    """A folder without the course file names the missing file."""
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path))
    with pytest.raises(data.CourseDataError, match=r"cifar10-course\.npz does not exist.*three ways"):
        data.load_cifar10()


@needs_data
def test_truncated_file_is_a_clear_error(monkeypatch, tmp_path):
    """A truncated copy of the course file is reported as truncated, never used."""
    raw = (Path(SHARED_DATA) / "mnist-course.npz").read_bytes()
    (tmp_path / "mnist-course.npz").write_bytes(raw[: len(raw) // 2])
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path))
    with pytest.raises(data.CourseDataError, match=r"mnist-course\.npz cannot be read.*truncated"):
        data.load_mnist()


@needs_data
def test_wrong_content_is_a_clear_error(monkeypatch, tmp_path):
    """A well-formed file holding other images fails the checksum and names the array."""
    subset = data.read_course_file("mnist", SHARED_DATA)
    subset["x_train"] = subset["x_train"].copy()
    subset["x_train"][0, 0, 0] ^= 1
    np.savez(tmp_path / "mnist-course.npz", **subset)
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path))
    with pytest.raises(data.CourseDataError, match=r"'x_train' does not match its published sha256"):
        data.load_mnist()


@needs_data
def test_wrong_shape_is_a_clear_error(monkeypatch, tmp_path):
    """A file whose arrays have another shape says which array and what was expected."""
    subset = data.read_course_file("mnist", SHARED_DATA)
    subset["y_test"] = subset["y_test"][:-1]
    np.savez(tmp_path / "mnist-course.npz", **subset)
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path))
    with pytest.raises(data.CourseDataError, match=r"'y_test' has shape \(9999,\).*expected \(10000,\)"):
        data.load_mnist()


def test_no_source_at_all_names_the_three_ways(monkeypatch, tmp_path):
    """Offline, with no variable and an empty keras cache, the one error lists the three ways."""
    monkeypatch.delenv(data.DATA_ENV, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))

    def offline(*args, **kwargs):
        raise Exception("URL fetch failure: no network")

    monkeypatch.setattr("keras.utils.get_file", offline)
    monkeypatch.setattr("keras.src.datasets.mnist.get_file", offline)
    with pytest.raises(data.CourseDataError, match=r"downloading it failed.*\(1\).*\(2\).*\(3\)"):
        data.load_mnist()


@pytest.mark.parametrize("name, n_features", [("diabetes", 10), ("iris", 4)])
def test_tabular_loader_works_offline_and_standardises(name, n_features):
    """The tabular data ships with scikit-learn; training features have mean 0 and std 1."""
    (x_train, y_train), (x_test, y_test) = data.load_tabular(name)
    assert x_train.shape[1] == x_test.shape[1] == n_features
    assert len(x_train) == len(y_train) and len(x_test) == len(y_test)
    np.testing.assert_allclose(x_train.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(x_train.std(axis=0), 1, atol=1e-4)
    if name == "iris":
        assert sorted(np.bincount(y_test)) == [12, 13, 13]  # stratified: 38 test flowers
