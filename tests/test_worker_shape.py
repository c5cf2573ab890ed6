"""How `python -m autograder.grade` shares a machine's cores between workers when not told."""

import pytest

from autograder.grade import worker_shape


@pytest.mark.parametrize("cores, workers, threads, shape", [
    (2, None, None, (1, 2)),   # the measured best on 2 cores: one worker of 2 threads
    (8, None, None, (4, 2)),   # a worker per two cores
    (1, None, None, (1, 1)),
    (2, 2, None, (2, 1)),      # workers given: the cores are split between them
    (8, 3, None, (3, 2)),
    (4, None, 1, (4, 1)),      # threads given: as many workers as fit
    (2, 1, 2, (1, 2)),
])
def test_workers_and_threads_fill_the_cores(cores, workers, threads, shape):
    assert worker_shape(cores, workers, threads) == shape
