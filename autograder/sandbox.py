"""The operating-system sandbox every student kernel (and the grader's own probes) runs in: bubblewrap.

Inside the sandbox are, read-only, the system (``/usr``, ``/etc``, ...), the Python installation that
runs the course (its virtual environment and base interpreter), the shared course package
``bncourse`` and the folders the caller names (the course data, or its public part); writable are only the folders the caller names (a private scratch
copy of one submission) and a private ``/tmp``. Nothing else exists in there: not the course
directory (gradebook, ``nbgrader_config.py``, the assignment sources, other students' folders), not
the grader's code, not the home directory. The network is cut off (the kernel talks to Jupyter over
``ipc`` sockets in a shared folder), the process runs as an unprivileged user with no capabilities,
under a memory cap (``RLIMIT_AS``) and a process cap (``RLIMIT_NPROC``), in its own PID namespace, so
every process it starts dies with it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import Integer, List, Unicode

import bncourse

MEMORY_LIMIT = 6 * 1024**3  # bytes of address space per kernel; TensorFlow reserves about 3 GiB
PROCESS_LIMIT = 256  # processes and threads of the sandbox's user
SANDBOX_UID = 61000  # base of the unprivileged user ids the sandbox runs as when the grader is root
SYSTEM_DIRS = ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/opt")

HOW_TO_FIX = (
    "Install bubblewrap (Debian/Ubuntu: `apt-get install bubblewrap`; Fedora: `dnf install bubblewrap`) "
    "on a Linux machine that allows user namespaces, or, only on a machine where you trust every "
    "submission, set `c.JudgedExecute.sandbox = False` in nbgrader_config.py."
)


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot start a sandbox on this machine."""


def python_dirs() -> list[Path]:
    """The folders the running Python needs: its prefix (a virtual environment) and base installation."""
    found = []
    for folder in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix):
        real = Path(folder).resolve()
        if real not in found:
            found.append(real)
    return found


def course_package_dir() -> Path:
    """The folder of the shared course package (data loaders, seeding), which student code imports."""
    return Path(bncourse.__file__).resolve().parent


def data_dirs() -> list[Path]:
    """The course data the kernel may read: ``$BNCOURSE_DATA`` and the keras dataset cache."""
    found = []
    if os.environ.get("BNCOURSE_DATA"):
        found.append(Path(os.environ["BNCOURSE_DATA"]).resolve())
    cache = Path.home() / ".keras" / "datasets"
    if cache.is_dir():
        found.append(cache.resolve())
    return [folder for folder in found if folder.is_dir()]


def sandbox_uid() -> int:
    """An unprivileged user id of this grading process's own, so the process cap counts only its kernels."""
    return SANDBOX_UID + os.getpid() % 4000


def bwrap_command(writable: list[Path], readonly: list[Path] = (), memory: int = MEMORY_LIMIT,
                  processes: int = PROCESS_LIMIT, cwd: Path | None = None) -> list[str]:
    """The command prefix that runs a program in the sandbox (append the program and its arguments)."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable(f"bubblewrap (`bwrap`) is not installed. {HOW_TO_FIX}")
    argv = [bwrap, "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net",
            "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--hostname", "sandbox"]
    for folder in SYSTEM_DIRS:
        path = Path(folder)
        if path.is_symlink():
            argv += ["--symlink", os.readlink(path), folder]
        elif path.is_dir():
            argv += ["--ro-bind", folder, folder]
    argv += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp"]
    visible = [*python_dirs(), course_package_dir(), *map(Path, readonly)]
    # bwrap makes missing parent folders readable by root only; make them traversable
    parents = sorted({parent for path in [*visible, *writable] for parent in Path(path).parents
                      if str(parent) != "/" and not str(parent).startswith(SYSTEM_DIRS)},
                     key=lambda parent: len(parent.parts))
    for parent in parents:
        argv += ["--perms", "0755", "--dir", str(parent)]
    for path in visible:
        argv += ["--ro-bind", str(path), str(path)]
    for path in writable:
        argv += ["--bind", str(path), str(path)]
    if cwd is not None:
        argv += ["--chdir", str(cwd)]
    limits = ["prlimit", f"--as={memory}", f"--nproc={processes}", "--nofile=1024", "--core=0"]
    if os.geteuid() == 0:
        # root's processes are exempt from RLIMIT_NPROC: drop to an unprivileged user inside
        uid = sandbox_uid()
        return argv + ["--", "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                       "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", *limits]
    return argv + ["--unshare-user", "--", *limits]


def give_to_sandbox(path: Path) -> None:
    """Let the sandbox's user write ``path`` (a folder tree): needed when the grader runs as root."""
    if os.geteuid() != 0:
        return
    uid = sandbox_uid()
    for folder, dirs, files in os.walk(path):
        os.chown(folder, uid, uid)
        for name in files:
            os.chown(os.path.join(folder, name), uid, uid, follow_symlinks=False)


# the CPU threads a kernel's TensorFlow may use (the class-grading command sets them per worker)
THREAD_SETTINGS = ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")


def sandbox_env(home: Path, data: Path | None = None) -> dict:
    """The environment inside: nothing of the instructor's but what the course needs; ``data``, when
    given, is the folder the course data is read from instead of ``$BNCOURSE_DATA``."""
    keep = ("PATH", "LANG", "LC_ALL", "BNCOURSE_DATA", "NBGRADER_EXECUTION", "BNCOURSE_SEED", *THREAD_SETTINGS)
    env = {key: os.environ[key] for key in keep if key in os.environ}
    if data is not None:
        env["BNCOURSE_DATA"] = str(data)
    elif "BNCOURSE_DATA" in env:  # the sandbox mounts the folder itself, not a symlink on the way to it
        env["BNCOURSE_DATA"] = str(Path(env["BNCOURSE_DATA"]).resolve())
    env.update(HOME=str(home), MPLCONFIGDIR=str(home / ".matplotlib"), MPLBACKEND="agg",
               TF_CPP_MIN_LOG_LEVEL="3", PYTHONWARNINGS="ignore", PYTHONDONTWRITEBYTECODE="1",
               KERAS_HOME=str(home / ".keras"), OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "2"))
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '/usr/bin:/bin')}"
    return env


def check_available() -> None:
    """Start a trivial program in the sandbox; raise :class:`SandboxUnavailable` saying why if it fails."""
    try:
        done = subprocess.run([*bwrap_command([]), sys.executable, "-c", "print('ok')"],
                              capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise SandboxUnavailable(f"The grading sandbox could not start ({err}). {HOW_TO_FIX}") from None
    if done.returncode != 0 or done.stdout.strip() != "ok":
        why = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise SandboxUnavailable(f"The grading sandbox could not start: {why}. {HOW_TO_FIX}")


class SandboxedKernelManager(AsyncKernelManager):
    """A Jupyter kernel manager whose kernel runs in the sandbox and talks over ``ipc`` sockets.

    ``work`` is the only folder the kernel can write (besides its private ``/tmp``); ``connection``
    is the folder of the connection file and sockets, shared with this process.
    """

    work = Unicode(help="the writable scratch folder of one submission").tag(config=True)
    connection = Unicode(help="folder of the kernel's connection file and ipc sockets").tag(config=True)
    readonly = List(Unicode(), help="further folders the kernel may read").tag(config=True)
    writable = List(Unicode(), help="further folders the kernel may write").tag(config=True)
    memory = Integer(MEMORY_LIMIT, help="bytes of address space the kernel may use").tag(config=True)
    data = Unicode("", help="the course data the kernel reads (default: the real data folders)").tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.transport = "ipc"
        self.ip = str(Path(self.connection) / "kernel")
        self.connection_file = str(Path(self.connection) / "kernel.json")

    def format_kernel_cmd(self, extra_arguments=None):
        """The kernel's own command, run inside the sandbox."""
        command = super().format_kernel_cmd(extra_arguments)
        home = Path(self.work) / ".home"
        home.mkdir(exist_ok=True)
        writable = [Path(self.work), Path(self.connection), *map(Path, self.writable)]
        for folder in writable:
            give_to_sandbox(folder)
        data = [Path(self.data)] if self.data else data_dirs()
        prefix = bwrap_command(writable, [*self.readonly, *data], memory=self.memory, cwd=Path(self.work))
        # in its own PID namespace the kernel's parent is the sandbox's init: no parent polling
        # (--die-with-parent ends the sandbox with this process)
        return [*prefix, sys.executable, *command[1:], "--IPKernelApp.parent_handle=1"]

    async def _async_pre_start_kernel(self, **kwargs):
        # interrupted by message, so the kernel signals itself: a signal sent from here would reach
        # only bubblewrap, which does not pass it on into the sandbox
        self.kernel_spec.interrupt_mode = "message"
        command, kw = await super()._async_pre_start_kernel(**kwargs)
        kw["env"] = sandbox_env(Path(self.work) / ".home", Path(self.data) if self.data else None)
        kw["cwd"] = self.work
        return command, kw
