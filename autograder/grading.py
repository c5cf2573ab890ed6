"""The autograde step of the course: the student's kernel in a sandbox, every graded check judged outside it.

``JudgedExecute`` takes the place of nbgrader's ``Execute`` in ``Autograde.autograde_preprocessors``
(see ``nbgrader_config.py``), so instructors still run plain ``nbgrader autograde``. For one notebook:

1. the notebook runs in a sandboxed kernel (:mod:`autograder.sandbox`) on a scratch copy of the
   submission; where a graded test cell stands, the kernel only saves the variables that cell's
   check needs (:mod:`bncourse.artifacts`), the cell's own code never runs there;
2. when the assignment's checks call the student's functions, a second sandboxed kernel reruns the
   notebook's other cells and makes those calls on inputs the grader wrote;
3. the judge (:mod:`autograder.judge`) runs every check on those files in a read-only sandbox of its
   own and its verdicts become the graded cells' outputs, which nbgrader scores as usual.

A kernel that crashes, exits, hangs or runs out of memory ends its run; the checks are still judged
on what it produced, and the feedback says in one sentence what happened. Assignments without a
module in ``autograder/assignments/`` still run their test cells in the (sandboxed) kernel.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.v4 import new_code_cell, new_output
from jupyter_core.utils import run_sync
from nbgrader.preprocessors import Execute
from traitlets import Bool, Integer, Unicode

from autograder import spec
from autograder.sandbox import (
    MEMORY_LIMIT, THREAD_SETTINGS, SandboxedKernelManager, bwrap_command, check_available, data_dirs,
    give_to_sandbox, sandbox_env,
)
from bncourse.artifacts import calls_code, export_code
from bncourse.data import write_public_data

JUDGE_TIMEOUT = 300  # seconds for the judge's own process
CACHE_KEEP_DAYS = 7  # the grader's cache drops what no grading has used for this long
GRADER_DIR = Path(__file__).resolve().parent  # the grader's code, read-only in the judge's sandbox


def prune_cache(root: Path, keep: Path, days: float = CACHE_KEEP_DAYS) -> None:
    """Remove what the grader's cache holds that no grading has used for ``days`` (folders made for
    an earlier version of the grader, the course or the libraries, or under a calibration seed, and
    the half-made folders of an interrupted making); ``keep`` stays."""
    cutoff = time.time() - days * 86400
    for path in root.iterdir():
        try:
            if path != keep and path.is_dir() and not path.is_symlink() and path.stat().st_mtime < cutoff:
                shutil.rmtree(path)
        except OSError:  # another grading process removed or uses it: leave it
            pass


def is_graded_test(cell) -> bool:
    """An nbgrader autograder-test cell: graded, not an answer."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def verdict_outputs(message: str | None) -> list:
    """A graded cell's outputs for the judge's verdict: a short note, or the failure as an error."""
    if message is None:
        return [new_output("stream", name="stdout", text="Checked by the grader: passed.\n")]
    return [new_output("error", ename="AssertionError", evalue=message, traceback=[f"AssertionError: {message}"])]


class BriefAfterTimeout(NotebookClient):
    """A cell that runs past its timeout is interrupted; the kernel then has ``interrupt_grace`` seconds,
    not the whole ``iopub_timeout``, to finish the cell's output, else the cell counts as one that would
    not stop (a kernel that ignores the interrupt costs seconds, not a minute, and is shut down)."""

    interrupt_grace = Integer(10, help="seconds an interrupted cell may take to stop").tag(config=True)

    async def _async_handle_timeout(self, timeout, cell=None):  # nbclient's step when a cell times out
        self.iopub_timeout = min(self.iopub_timeout, self.interrupt_grace)  # for this cell only
        return await super()._async_handle_timeout(timeout, cell)

    async def async_execute_cell(self, *args, **kwargs):
        iopub_timeout = self.iopub_timeout
        try:
            return await super().async_execute_cell(*args, **kwargs)
        finally:
            self.iopub_timeout = iopub_timeout

    execute_cell = run_sync(async_execute_cell)  # as nbclient binds it, to this class's coroutine


class JudgedExecute(BriefAfterTimeout, Execute):
    """nbgrader's Execute, with the kernel in a sandbox and the graded cells judged outside it."""

    sandbox = Bool(True, help=(
        "Run student kernels in the bubblewrap sandbox. Switch off only where every submission is "
        "trusted: without it a notebook can read and change everything the grader's account can."
    )).tag(config=True)
    notebook_timeout = Integer(900, help="seconds the whole notebook may run").tag(config=True)
    max_output_chars = Integer(20_000, help="characters of output kept per cell").tag(config=True)
    memory_limit = Integer(MEMORY_LIMIT, help="bytes of address space per kernel").tag(config=True)
    record = Unicode("", help="calibration only: file the judge records metric values in").tag(config=True)
    reference_cache = Unicode("", help=(
        "folder of what the grader makes once per machine: the public data, each assignment's call inputs "
        "and reference runs (default: ~/.cache/bncourse-grader); no student kernel can write it")).tag(config=True)

    def preprocess(self, nb, resources, km=None):
        """Run the notebook, make the calls, judge; return the notebook with the verdicts as outputs."""
        if self.sandbox:
            check_available()
        folder = Path(resources["metadata"]["path"])
        assignment = resources.get("nbgrader", {}).get("assignment") or folder.name
        self.grading = spec.load(assignment)
        with tempfile.TemporaryDirectory(prefix="bncourse-grading-") as scratch:
            scratch = Path(scratch)
            self.artifacts = scratch / "notebook"
            self.artifacts.mkdir()
            self.stopped = None
            self.output_chars = 0
            self.deadline = time.monotonic() + self.notebook_timeout
            self.timeout_func = self.cell_timeout
            work = self.scratch_copy(folder, scratch / "work")
            kernel = self.kernel_manager(work, scratch / "connection", [self.artifacts])
            judge = calls = None
            if self.grading is not None:
                # the judge starts now (it spends seconds importing Keras) and the student's functions
                # are called in a second kernel while the notebook runs: both only wait for their inputs
                inputs = self.call_inputs(assignment)
                self.reference = self.reference_runs(assignment)
                (scratch / "judged").mkdir()
                judge = self.start_judge(scratch / "judged", inputs)
                calls = threading.Thread(target=self.run_calls, args=(self.call_steps(nb, scratch / "calls", inputs),
                                                                      folder, scratch, inputs))
                calls.start()
            started = time.monotonic()
            try:
                super().preprocess(nb, resources, km=kernel)
            except DeadKernelError:
                self.stopped = self.stopped or "the kernel stopped (it crashed, exited or ran out of memory)"
            finally:
                self.shutdown(kernel)
                self.log.info("Ran the notebook in its sandbox in %.1f s%s", time.monotonic() - started,
                              f" ({self.stopped})" if self.stopped else "")
                if calls is not None:
                    calls.join()
            if judge is not None:
                try:
                    self.judge_cells(nb, judge, assignment, folder, scratch, inputs)
                finally:
                    judge.kill()
        return nb, resources

    def cell_timeout(self, cell) -> int:
        """A cell may run ``timeout`` seconds, and not past the whole notebook's deadline."""
        return max(1, min(self.timeout, int(self.deadline - time.monotonic())))

    def scratch_copy(self, folder: Path, work: Path) -> Path:
        """A private copy of the submission folder: the only one the kernel can write."""
        shutil.copytree(folder, work, symlinks=True)  # a submitted symlink stays a link into nowhere
        return work

    def kernel_manager(self, work: Path, connection: Path, writable: list[Path], readonly: list[Path] = ()):
        """A kernel manager for one run: sandboxed unless switched off."""
        connection.mkdir()
        if not self.sandbox:
            from jupyter_client.manager import AsyncKernelManager

            return AsyncKernelManager(kernel_name=self.kernel_name or "python3")
        # an assignment whose checks still run in the kernel needs the grader's code and all the data
        judged = self.grading is not None
        readonly = [*map(str, readonly), *([] if judged else [str(GRADER_DIR)])]
        return SandboxedKernelManager(
            kernel_name=self.kernel_name or "python3", work=str(work), connection=str(connection),
            writable=[str(path) for path in writable], readonly=readonly, memory=self.memory_limit,
            data=str(self.public_data()) if judged else "")

    def public_data(self) -> Path:
        """The public part of the course data (no private test rows), written once per machine."""
        return self.cached("public-data", write_public_data)

    @staticmethod
    def shutdown(kernel) -> None:
        """Stop a kernel and everything it started (the sandbox's PID namespace goes with it)."""
        try:
            if kernel is not None and kernel.has_kernel:
                run_sync(kernel.shutdown_kernel)(now=True)
        except Exception:  # a kernel that is already gone
            pass

    def preprocess_cell(self, cell, resources, index):
        """Run one cell; in its place a graded test cell only saves what its check needs."""
        if cell.cell_type != "code":
            return cell, resources
        if self.stopped is None and time.monotonic() >= self.deadline:
            self.stopped = f"the notebook ran longer than its {self.notebook_timeout} s"
        if self.stopped is not None:
            return cell, resources
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        judged = self.grading is not None and is_graded_test(cell)
        if judged and not self.grading.graded[grade_id].variables:
            return cell, resources
        original = cell.source
        if judged:
            cell.source = export_code(self.artifacts / grade_id, list(self.grading.graded[grade_id].variables))
        self.output_chars = 0
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self.stopped = f"the kernel stopped in cell {index + 1} (it crashed, exited or ran out of memory)"
        except CellTimeoutError:
            self.stopped = f"cell {index + 1} ran longer than its {self.cell_timeout(cell)} s and would not stop"
        finally:
            if judged:
                cell.source, cell.outputs = original, []
        if self.stopped is not None:
            self.shutdown(self.km)
        return cell, resources

    def output(self, outs, msg, display_id, cell_index):
        """Keep a cell's output within ``max_output_chars``; say once where it was cut."""
        size = len(json.dumps(msg.get("content", {}), default=str))
        self.output_chars += size
        if self.output_chars > self.max_output_chars:
            if self.output_chars - size <= self.max_output_chars:
                outs.append(new_output("stream", name="stdout",
                                       text=f"\n[output cut: more than {self.max_output_chars} characters]\n"))
            return None
        return super().output(outs, msg, display_id, cell_index)

    def call_steps(self, nb, results: Path, inputs: Path) -> list[tuple[str | None, str]]:
        """The calls kernel's program: the notebook's own cells in order, and where a graded cell stands
        the calls of its check, as ``(grade_id or None, code)``; nothing after the last call."""
        results.mkdir()
        steps = []
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            # a locked cell's source is the grader's (nbgrader restores it): one that only trains can go
            if cell.cell_type != "code" or (meta.get("locked") and meta.get("grade_id") in self.grading.calls_skip):
                continue
            if not is_graded_test(cell):
                steps.append((None, cell.source))
                continue
            grade_id = cell.metadata["nbgrader"]["grade_id"]
            calls = [(str(results / grade_id), call_id, call.function, call.plain_args(), call.seed,
                      call.keep_arg)
                     for call_id, call in self.grading.graded[grade_id].call_ids(grade_id)]
            if calls:
                steps.append((grade_id, calls_code(inputs, calls)))
        while steps and steps[-1][0] is None:
            steps.pop()
        return steps

    def run_calls(self, steps: list, folder: Path, scratch: Path, inputs: Path) -> None:
        """Run the calls kernel's program in a fresh sandbox; a call that kills or hangs the kernel loses
        only its own cell (the program starts again without it)."""
        started, attempted = time.monotonic(), set()
        deadline = started + self.notebook_timeout
        for run in range(1 + sum(1 for grade_id, _ in steps if grade_id)):
            if not steps or time.monotonic() > deadline:
                break
            work = self.scratch_copy(folder, scratch / f"calls-work-{run}")
            kernel = self.kernel_manager(work, scratch / f"calls-connection-{run}", [scratch / "calls"], [inputs])
            client = BriefAfterTimeout(nbformat.v4.new_notebook(cells=[new_code_cell(code) for _, code in steps]),
                                    km=kernel, allow_errors=True, timeout=self.timeout, interrupt_on_timeout=True,
                                    error_on_timeout=self.error_on_timeout, raise_on_iopub_timeout=True,
                                    iopub_timeout=self.iopub_timeout, interrupt_grace=self.interrupt_grace,
                                    extra_arguments=self.extra_arguments, resources={"metadata": {"path": str(work)}})
            current = None
            try:
                with client.setup_kernel():
                    for index, (grade_id, _) in enumerate(steps):
                        if (grade_id is not None and grade_id in attempted) or time.monotonic() > deadline:
                            continue
                        current = grade_id
                        client.execute_cell(client.nb.cells[index], index)
                        attempted.add(grade_id)
                break
            except Exception:  # the kernel died or hung: in a call, go on without it; elsewhere, stop
                if current is None:
                    break
                attempted.add(current)
            finally:
                self.shutdown(kernel)
        self.log.info("Called the student's functions in %.1f s", time.monotonic() - started)

    def judge_process(self, command: list[str], readonly: list[Path], writable: list[Path], wait: bool = False):
        """Run the judge (``python -m autograder.judge ...``) in a read-only sandbox of its own; with
        ``wait``, start it and return the process."""
        prefix = []
        if self.sandbox:
            for path in writable:
                give_to_sandbox(path)
            prefix = bwrap_command(writable, [GRADER_DIR, *readonly, *data_dirs()], cwd=Path("/tmp"))
        # -I: nothing from the current folder or the environment comes before the grader's own code
        argv = [*prefix, sys.executable, "-I", "-m", "autograder.judge", *command]
        if wait:
            return subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True, env=sandbox_env(Path("/tmp")), cwd="/tmp")
        return subprocess.run(argv, capture_output=True, text=True, timeout=JUDGE_TIMEOUT,
                              env=sandbox_env(Path("/tmp")), cwd="/tmp")

    def call_inputs(self, assignment: str) -> Path:
        """The folder of the inputs the assignment's calls read, written by the judge once per machine."""
        return self.cached(f"{assignment}-inputs", lambda work: self.run_judge(["inputs", assignment, str(work)], work))

    def reference_runs(self, assignment: str) -> Path | None:
        """The folder of the assignment's reference runs (None when it has none), made by the judge once
        per machine."""
        if self.grading.prepare_reference is None:
            return None
        return self.cached(f"{assignment}-reference", lambda work: self.run_judge(["reference", assignment, str(work)], work))

    def run_judge(self, command: list[str], work: Path) -> None:
        """Run the judge's ``command``, which writes into ``work``; fail with what it said."""
        done = self.judge_process(command, [], [work])
        if done.returncode != 0:
            raise RuntimeError(f"The grader could not make its {command[0]} of {command[1]}: {done.stderr[-2000:]}")

    def cached(self, name: str, make) -> Path:
        """The folder ``make(folder)`` writes, made once per machine and kept in the grader's cache
        (``reference_cache``, which no student kernel can see; it is mounted read-only where a kernel
        reads it), under a name that changes with the grader's code, the course package, the data
        checksums, the seed, the library versions and the kernels' thread settings (which may change
        float round-off). Each making also removes what no grading has used for ``CACHE_KEEP_DAYS``."""
        from importlib.metadata import version

        import bncourse  # not bncourse.seeding, which loads TensorFlow: the grader's own process never needs it

        package = Path(bncourse.__file__).parent
        key = hashlib.sha256()
        for path in sorted([*GRADER_DIR.rglob("*.py"), *package.glob("*.py"), package / "checksums.json"]):
            key.update(path.read_bytes())
        # what the kernels are given: the seed (else seeding.py's default, hashed above) and the threads
        env = sandbox_env(Path("/tmp"))
        given = [env.get(name) for name in ("BNCOURSE_SEED", "OMP_NUM_THREADS", *THREAD_SETTINGS)]
        key.update(f"{given} {version('keras')} {version('tensorflow')}".encode())
        root = Path(self.reference_cache or Path.home() / ".cache" / "bncourse-grader")
        folder = root / f"{name}-{key.hexdigest()[:16]}"
        try:
            os.utime(folder)  # used now: what the pruning goes by
        except OSError:  # not made yet, or made by another user (whose gradings keep it)
            pass
        if not (folder / "done").is_file():
            root.mkdir(parents=True, exist_ok=True)
            started, work = time.monotonic(), Path(tempfile.mkdtemp(prefix=f".{name}-", dir=root))
            try:
                make(work)
            except BaseException:
                shutil.rmtree(work, ignore_errors=True)
                raise
            (work / "done").write_text("")
            for path in [work, *work.rglob("*")]:  # the grader's own again, readable by the sandboxes
                if path.is_symlink():
                    continue
                if os.geteuid() == 0:
                    os.chown(path, 0, 0, follow_symlinks=False)
                path.chmod(0o755 if path.is_dir() else 0o644)
            try:
                os.rename(work, folder)  # another grading process may have made it meanwhile: keep one
            except OSError:
                shutil.rmtree(work, ignore_errors=True)
            self.log.info("Made the grader's %s in %.1f s", name, time.monotonic() - started)
            prune_cache(root, keep=folder)
        return folder

    def start_judge(self, judged: Path, inputs: Path) -> subprocess.Popen:
        """Start the judge in its read-only sandbox; it loads Keras, then waits for its orders on stdin."""
        writable = [Path(self.record).parent] if self.record else []
        readonly = [judged, inputs, *([self.reference] if self.reference else [])]
        return self.judge_process(["serve"], readonly, writable, wait=True)

    def judge_cells(self, nb, judge, assignment: str, folder: Path, scratch: Path, inputs: Path) -> None:
        """Gather the declared artifacts, give them to the judge, write its verdicts into the graded cells."""
        started = time.monotonic()
        judged, calls = scratch / "judged", scratch / "calls"
        for grade_id, graded in self.grading.graded.items():
            keys = [*graded.variables, *(call_id for call_id, _ in graded.call_ids(grade_id))]
            (judged / grade_id).mkdir()
            for source in (self.artifacts / grade_id, calls / grade_id):
                if source.is_symlink() or not source.is_dir():  # a link the kernel made points anywhere
                    continue
                for key in keys:
                    for path in source.glob(f"{key}.*"):
                        if path.suffix in (".keras", ".npy", ".json", ".error") and path.is_file() \
                                and not path.is_symlink():
                            shutil.copyfile(path, judged / grade_id / path.name)
        order = {"assignment": assignment, "artifacts": str(judged), "inputs": str(inputs),
                 "reference": str(self.reference) if self.reference else None,
                 "missing": self.stopped or "the notebook stopped before this test", "record": self.record or None}
        try:
            out, err = judge.communicate(json.dumps(order) + "\n", timeout=JUDGE_TIMEOUT)
        except subprocess.TimeoutExpired:
            judge.kill()
            out, err = "", f"it ran longer than {JUDGE_TIMEOUT} s"
        try:
            found = json.loads(out.strip().splitlines()[-1])
        except (IndexError, ValueError):
            self.log.error("The judge failed on %s: %s", folder, err[-2000:])
            found = {}
        self.log.info("Judged in %.1f s", time.monotonic() - started)
        for cell in nb.cells:
            if is_graded_test(cell):
                grade_id = cell.metadata["nbgrader"]["grade_id"]
                message = found.get(grade_id, "The grader could not judge this work.")
                if message is not None and self.stopped and self.stopped not in message:
                    message = f"{message} (Note: {self.stopped}.)"
                cell.outputs = verdict_outputs(message)
