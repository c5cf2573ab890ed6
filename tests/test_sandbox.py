"""The sandbox itself: from inside, the course folder, the gradebook and the network are out of reach."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest

from autograder.sandbox import bwrap_command, check_available, give_to_sandbox

PROBE = """
import os, socket, sys
course, port = sys.argv[1], int(sys.argv[2])
def attempt(action):
    try:
        action()
        return "done"
    except OSError as err:
        return type(err).__name__
print("write-course", attempt(lambda: open(os.path.join(course, "HACKED"), "w").write("x")))
print("read-gradebook", attempt(lambda: open(os.path.join(course, "gradebook.db")).read()))
print("read-private", attempt(lambda: open(os.path.join(course, "private", "rows.npy")).read()))
print("connect", attempt(lambda: socket.create_connection(("127.0.0.1", port), timeout=3)))
print("write-work", attempt(lambda: open(os.path.join(os.getcwd(), "ok"), "w").write("x")))
"""


@pytest.fixture(scope="module")
def available():
    check_available()


def test_inside_the_sandbox_the_course_the_gradebook_and_the_network_are_out_of_reach(available, tmp_path):
    """Writing the course folder, reading the gradebook or private data, and a loopback connection all fail."""
    course, work = tmp_path / "course", tmp_path / "work"
    (course / "private").mkdir(parents=True)
    work.mkdir()
    (course / "gradebook.db").write_text("grades")
    (course / "private" / "rows.npy").write_text("secret")
    give_to_sandbox(work)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    done = subprocess.run([*bwrap_command([work], cwd=work), sys.executable, "-c", PROBE, str(course),
                           str(listener.getsockname()[1])], capture_output=True, text=True, timeout=60)
    listener.close()
    results = dict(line.split() for line in done.stdout.splitlines())
    assert results == {"write-course": "FileNotFoundError", "read-gradebook": "FileNotFoundError",
                       "read-private": "FileNotFoundError", "connect": "ConnectionRefusedError",
                       "write-work": "done"}, done.stderr
    assert not (course / "HACKED").exists()
    assert (work / "ok").exists()


def test_the_process_cap_stops_a_fork_bomb(available, tmp_path):
    """A fork bomb inside meets the sandbox's process cap, not this machine's."""
    bomb = ("import os\nmade = 0\ntry:\n    for _ in range(5000):\n        if os.fork() == 0:\n"
            "            import time; time.sleep(30); os._exit(0)\n        made += 1\nexcept OSError:\n    pass\n"
            "print(made)")
    done = subprocess.run([*bwrap_command([], processes=50), sys.executable, "-c", bomb],
                          capture_output=True, text=True, timeout=120)
    assert 0 < int(done.stdout.strip()) < 50


def test_the_memory_cap_stops_a_memory_bomb(available):
    """Allocating past the cap raises MemoryError inside; the machine is untouched."""
    bomb = "blocks = []\ntry:\n    while True:\n        blocks.append(bytearray(10**8))\nexcept MemoryError:\n    print(len(blocks))"
    done = subprocess.run([*bwrap_command([], memory=512 * 1024**2), sys.executable, "-c", bomb],
                          capture_output=True, text=True, timeout=120)
    assert 0 < int(done.stdout.strip()) <= 5  # blocks of 100 MB under a cap of 512 MiB


def test_a_missing_bubblewrap_says_how_to_fix_it(monkeypatch):
    """Without bwrap, grading stops with one message naming the package and the explicit opt-out."""
    from autograder import sandbox

    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    with pytest.raises(sandbox.SandboxUnavailable, match="apt-get install bubblewrap.*JudgedExecute.sandbox = False"):
        check_available()


def test_the_sandboxs_data_holds_no_row_the_grader_evaluates_on(tmp_path, monkeypatch):
    """The public data folder a graded notebook reads has every training row and no private test row."""
    import numpy as np

    from bncourse.data import DATA_ENV, PUBLIC_TEST_ROWS, load, load_private_test, write_public_data

    full = {name: load(name) for name in PUBLIC_TEST_ROWS}
    private = {name: load_private_test(name) for name in PUBLIC_TEST_ROWS}
    monkeypatch.setenv(DATA_ENV, str(write_public_data(tmp_path)))
    for name, rows in PUBLIC_TEST_ROWS.items():
        (x_train, _), (x_test, y_test) = load(name)
        assert len(x_test) == len(y_test) == rows
        assert np.array_equal(x_train, full[name][0][0])
        seen = {row.tobytes() for row in x_test}
        assert not any(row.tobytes() in seen for row in private[name][0])
        assert len(private[name][0]) == len(full[name][1][0]) - rows


def test_a_data_folder_reached_through_a_symlink_is_readable_inside(available, tmp_path, monkeypatch):
    """``$BNCOURSE_DATA`` through a symlink (a shared folder linked beside the course): the sandbox
    mounts the real folder and tells the kernel that path, so the data is found inside."""
    from pathlib import Path

    from autograder.sandbox import data_dirs, sandbox_env

    real = tmp_path / "real"
    real.mkdir()
    (real / "mnist-course.npz").write_text("x")
    (tmp_path / "link").symlink_to(real)
    monkeypatch.setenv("BNCOURSE_DATA", str(tmp_path / "link"))
    work = tmp_path / "work"
    work.mkdir()
    give_to_sandbox(work)
    code = "import os; print(sorted(os.listdir(os.environ['BNCOURSE_DATA'])))"
    done = subprocess.run([*bwrap_command([work], data_dirs(), cwd=work), sys.executable, "-c", code],
                          capture_output=True, text=True, env=sandbox_env(Path(work)), timeout=60)
    assert done.stdout.strip() == "['mnist-course.npz']", done.stderr


def test_what_the_grader_makes_for_itself_is_made_once_and_kept_whole(tmp_path):
    """``JudgedExecute.cached``: made on first use, then only found (a second grading process makes
    nothing); a making that fails leaves nothing behind; what is kept is the grader's and read-only
    to others."""
    from autograder.grading import JudgedExecute

    grader = JudgedExecute(reference_cache=str(tmp_path / "cache"))
    made = []

    def make(folder):
        made.append(folder)
        (folder / "inputs.npy").write_text("x")

    first = grader.cached("demo", make)
    assert JudgedExecute(reference_cache=str(tmp_path / "cache")).cached("demo", make) == first
    assert len(made) == 1 and (first / "inputs.npy").read_text() == "x"
    assert oct(first.stat().st_mode & 0o777) == "0o755" and oct((first / "inputs.npy").stat().st_mode & 0o777) == "0o644"

    def broken(folder):
        (folder / "half.npy").write_text("x")
        raise RuntimeError("the judge failed")

    with pytest.raises(RuntimeError, match="the judge failed"):
        grader.cached("other", broken)
    assert sorted(path.name for path in (tmp_path / "cache").iterdir()) == [first.name]


def test_the_graders_cache_drops_what_no_grading_has_used_for_a_week(tmp_path):
    """Every version of the grader, and every calibration seed, makes folders of its own: a making
    removes those unused for ``CACHE_KEEP_DAYS`` (and half-made ones), and each use counts as one."""
    from autograder.grading import CACHE_KEEP_DAYS, JudgedExecute

    grader = JudgedExecute(reference_cache=str(tmp_path))
    used = grader.cached("used", lambda work: None)
    old, stale, recent = tmp_path / "demo-0000000000000000", tmp_path / ".demo-half", tmp_path / "demo-1111111111111111"
    for path in (old, stale, recent):
        path.mkdir()
    long_ago = time.time() - (CACHE_KEEP_DAYS + 1) * 86400
    for path in (used, old, stale):
        os.utime(path, (long_ago, long_ago))
    assert grader.cached("used", lambda work: None) == used  # found, not made: nothing is removed
    assert old.exists() and stale.exists()
    os.utime(used, (long_ago, long_ago))
    grader.cached("used", lambda work: None)  # a use, then a making: the use keeps it
    made = grader.cached("other", lambda work: None)
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([used.name, recent.name, made.name])


def test_the_graders_cache_is_made_again_under_another_seed(tmp_path, monkeypatch):
    """Reference runs made under one seed are never used under another (the calibration reruns the
    grading with ``$BNCOURSE_SEED``)."""
    from autograder.grading import JudgedExecute

    def folder():
        return JudgedExecute(reference_cache=str(tmp_path)).cached("demo", lambda work: None)

    monkeypatch.delenv("BNCOURSE_SEED", raising=False)
    default = folder()
    monkeypatch.setenv("BNCOURSE_SEED", "3")
    assert folder() != default
    monkeypatch.delenv("BNCOURSE_SEED")
    assert folder() == default


def test_the_graders_own_process_never_loads_tensorflow(tmp_path):
    """Only the kernels and the judge load models: the process that runs nbgrader (once for a class,
    or once per worker of ``autograder.grade``) reads every assignment's grading table and keys its
    cache without TensorFlow, which costs seconds and about half a GiB to load."""
    probe = (
        "import sys\n"
        "import autograder.grade\n"
        "from autograder import spec\n"
        "from autograder.course import ASSIGNMENTS\n"
        "from autograder.grading import JudgedExecute\n"
        "tables = [spec.load(assignment) for assignment in ASSIGNMENTS]\n"
        f"JudgedExecute(reference_cache={str(tmp_path)!r}).cached('demo', lambda work: None)\n"
        "print(sorted(name for name in ('keras', 'tensorflow') if name in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.slow  # waits out a 5 s timeout and a 3 s grace in a sandboxed kernel
def test_a_cell_past_its_timeout_is_interrupted_inside_the_sandbox(available, tmp_path):
    """A sandboxed cell that runs past its timeout is interrupted (the kernel gets the interrupt, so the
    next cell runs); one that ignores interrupts stops the run after the short grace, not after the
    minute the kernel gets for a finished cell's last output."""
    import time

    import nbformat
    from nbclient.exceptions import CellTimeoutError
    from nbformat.v4 import new_code_cell

    from autograder.grading import BriefAfterTimeout
    from autograder.sandbox import SandboxedKernelManager

    work, connection, data = tmp_path / "work", tmp_path / "connection", tmp_path / "data"
    for folder in (work, connection, data):
        folder.mkdir()
    cells = ["import time\ntime.sleep(600)", "print('next cell ran')",
             "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"]
    client = BriefAfterTimeout(nbformat.v4.new_notebook(cells=[new_code_cell(code) for code in cells]),
                               km=SandboxedKernelManager(kernel_name="python3", work=str(work),
                                                         connection=str(connection), data=str(data)),
                               timeout=5, interrupt_on_timeout=True, allow_errors=True, iopub_timeout=60,
                               error_on_timeout={"ename": "CellTimeoutError", "evalue": "", "traceback": []},
                               interrupt_grace=3, raise_on_iopub_timeout=True)
    with client.setup_kernel():
        started = time.monotonic()
        client.execute_cell(client.nb.cells[0], 0)
        assert time.monotonic() - started < 20, "the interrupt did not reach the kernel"
        assert "KeyboardInterrupt" in str(client.nb.cells[0].outputs)
        client.execute_cell(client.nb.cells[1], 1)
        assert "next cell ran" in str(client.nb.cells[1].outputs)
        started = time.monotonic()
        with pytest.raises(CellTimeoutError):
            client.execute_cell(client.nb.cells[2], 2)
        assert time.monotonic() - started < 20, "a cell that ignores the interrupt held the run for a minute"
        assert client.iopub_timeout == 60
