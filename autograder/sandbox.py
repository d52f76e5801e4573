"""The sandbox that runs student code: a warm process per device, and a
fresh process forked from it for every submission.

The warm process (``harness/warm.py``) is started once per grading process
and device, and lives as long as it:

* inside bubblewrap, when installed: no network, its own PID/IPC/UTS/user
  namespaces, no capabilities, a private /tmp, and a file system that shows
  only the Python installation, the virtual environment, the public
  ``rnncourse`` package and the harness; the references, the checks, the
  solutions and other submissions are not there to read;
* otherwise a plain subprocess (weaker: files stay readable, and a
  submission's detached grandchildren can escape) — the grader says which;
* it has imported torch and the harness, and never runs student code.

Each :class:`Session` (one submission) gets a new process forked from it,
with its own limits: wall time per request and for the whole submission
(its budget: restarts and replays included), memory (RLIMIT_AS on the CPU
plus polling of the resident memory of the submission's processes), and
output (RLIMIT_FSIZE on the file that receives stdout/stderr). When the
session ends, the warm process kills every process the submission left and
wipes what it wrote; a warm process that does not answer then (killed or
stopped by a hostile submission) is thrown away with its whole sandbox and
replaced, so no later submission meets anything a previous one did.

A submission process that dies, hangs, exceeds a limit or breaks the
protocol raises :class:`SandboxError`; :meth:`Session.restart` forks a fresh
one and replays the cells that ran before.
"""
from __future__ import annotations

import atexit
import ctypes
import json
import os
import resource
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from . import paths
from .harness import wire


@dataclass(frozen=True)
class Limits:
    startup_seconds: float = 60.0
    cell_seconds: float = 30.0
    call_seconds: float = 10.0
    exercise_seconds: float = 60.0
    notebook_seconds: float = 300.0   # everything one submission may cost
    memory_bytes: int = 4 * 1024 ** 3
    output_bytes: int = 8 * 1024 ** 2
    reply_bytes: int = 64 * 1024 ** 2


class SandboxError(Exception):
    """The submission's process died, hung, ran out of a resource or broke the protocol."""


# how long the warm process may take to fork, or to clean up after a submission
# (milliseconds when healthy; one that takes longer is replaced, which costs
# a cold start and no score)
CONTROL_SECONDS = 3.0


def bubblewrap() -> str | None:
    return shutil.which("bwrap")


def isolation() -> str:
    return "bubblewrap" if bubblewrap() and _bwrap_works() else "process"


_BWRAP_OK: dict = {}


def _bwrap_works() -> bool:
    """bubblewrap can be installed yet unusable (no user namespaces): try once."""
    if "ok" not in _BWRAP_OK:
        try:
            probe = subprocess.run(_bwrap_prefix("cpu") + ["true"], capture_output=True, timeout=30)
            _BWRAP_OK["ok"] = probe.returncode == 0
        except (OSError, subprocess.SubprocessError):
            _BWRAP_OK["ok"] = False
    return _BWRAP_OK["ok"]


HARNESS_MOUNT = "/opt/grader"
SANDBOX_SCRATCH = "/tmp/grader"


def _bind_system(args: list) -> None:
    for top in ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64"):
        path = Path(top)
        if path.is_symlink():
            args += ["--symlink", os.readlink(top), top]
        elif path.exists():
            args += ["--ro-bind", top, top]


def _bwrap_prefix(device: str) -> list:
    args = [bubblewrap(), "--unshare-all", "--cap-drop", "ALL", "--die-with-parent", "--new-session",
            "--proc", "/proc", "--dev", "/dev", "--mqueue", "/dev/mqueue", "--tmpfs", "/tmp",
            "--chdir", "/tmp", "--clearenv"]
    _bind_system(args)
    for path in {sys.base_prefix, sys.prefix, str(paths.PUBLIC_PACKAGE)}:
        args += ["--ro-bind", path, path]
    args += ["--ro-bind", str(paths.HARNESS), f"{HARNESS_MOUNT}/harness"]
    if device == "cuda":
        args += ["--ro-bind", "/sys", "/sys"]
        for node in Path("/dev").glob("nvidia*"):
            args += ["--dev-bind", str(node), str(node)]
    return args


def _environment(python_path: str, home: str) -> dict:
    return {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": home,
            "PYTHONPATH": python_path, "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0",
            "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1",
            "PYTORCH_NVML_BASED_CUDA_CHECK": "1", "LANG": "C.UTF-8"}


def warm_command(device: str, scratch: Path) -> tuple:
    """(argv, env, cwd) that start a warm process."""
    python, mode = sys.executable, isolation()
    if mode == "bubblewrap":
        env = _environment(f"{HARNESS_MOUNT}:{paths.PUBLIC_PACKAGE.parent}", "/tmp")  # only rnncourse is bound there
        argv = _bwrap_prefix(device)
        for key, value in env.items():
            argv += ["--setenv", key, value]
        return argv + [python, "-m", "harness.warm", device, SANDBOX_SCRATCH, mode], None, None
    # without bubblewrap: the harness and the public package on the path
    env = _environment(f"{scratch}:{paths.PUBLIC_PACKAGE.parent}", str(scratch))
    (scratch / "harness").symlink_to(paths.HARNESS)
    return [python, "-m", "harness.warm", device, str(scratch / "work"), mode], env, str(scratch)


def _die_with_parent():
    """In the warm process before exec: no core files, and SIGKILL when the
    grading process dies (bubblewrap's --die-with-parent does the same)."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG


def _children(pid: int) -> list:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as children:
                found += [int(child) for child in children.read().split()]
    except (OSError, ValueError):
        pass
    return found


def _descendants(pid: int) -> list:
    found, stack = [], [pid]
    while stack:
        kids = _children(stack.pop())
        found += kids
        stack += kids
    return found


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _is_warm(pid: int) -> bool:
    """The warm process names itself (bubblewrap's own processes carry its
    module name among their arguments)."""
    try:
        with open(f"/proc/{pid}/comm") as comm:
            return comm.read().strip() == "grader-warm"
    except OSError:
        return False


def _kill_tree(pid: int) -> None:
    for process in [pid] + _descendants(pid):
        try:
            os.kill(process, signal.SIGKILL)
        except ProcessLookupError:
            pass


class WarmWorker:
    """One warm process and its control channel (see the module's docstring)."""

    def __init__(self, device: str, startup_seconds: float = Limits.startup_seconds):
        self.device, self.startup_seconds = device, startup_seconds
        self.scratch = Path(tempfile.mkdtemp(prefix="grader-"))
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        argv, env, cwd = warm_command(device, self.scratch)
        self.process = subprocess.Popen(argv, env=env, cwd=cwd, stdin=theirs.fileno(), stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True,
                                        preexec_fn=_die_with_parent)
        theirs.close()
        self.control, self.pid, self.owner = ours, None, os.getpid()

    def _ready(self) -> None:
        """Wait for the warm process's first packet, then find its PID here
        (bubblewrap puts its own processes above it)."""
        if self.pid is None:
            self._reply(self.startup_seconds)
            candidates = [self.process.pid] + _descendants(self.process.pid)
            self.pid = next((pid for pid in candidates if _is_warm(pid)), self.process.pid)

    def _reply(self, seconds: float) -> dict:
        ready, _, _ = select.select([self.control], [], [], seconds)
        if not ready:
            raise SandboxError("the warm worker stopped answering")
        try:
            packet = self.control.recv(1 << 16)
        except OSError:
            packet = b""
        if not packet:
            raise SandboxError("the warm worker ended")
        reply = json.loads(packet)
        if not reply.get("ok"):
            raise SandboxError(f"the warm worker refused: {reply.get('error')}")
        return reply

    def _send(self, message: dict, fds: tuple = ()) -> None:
        try:
            socket.send_fds(self.control, [json.dumps(message).encode()], list(fds))
        except OSError:
            raise SandboxError("the warm worker ended") from None

    def fork(self, limits: Limits) -> socket.socket:
        """A new submission process; returns its channel."""
        self._ready()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        memory = None if self.device == "cuda" else limits.memory_bytes  # CUDA reserves address space
        try:
            self._send({"op": "fork", "memory_bytes": memory, "output_bytes": limits.output_bytes},
                       (theirs.fileno(),))
            self._reply(CONTROL_SECONDS)
        except SandboxError:
            ours.close()
            raise
        finally:
            theirs.close()
        return ours

    def end(self) -> dict:
        """Kill what the submission left and wipe what it wrote:
        ``{"status", "peak_bytes"}``."""
        self._send({"op": "end"})
        return self._reply(CONTROL_SECONDS)

    def submission_rss(self) -> int:
        """Resident bytes of the current submission's processes."""
        return sum(_rss(pid) for pid in _descendants(self.pid)) if self.pid else 0

    def warm_rss(self) -> int:
        return _rss(self.pid) if self.pid else 0

    def close(self) -> None:
        if self.process is None:
            return
        _kill_tree(self.process.pid)
        self.process.wait()
        self.control.close()
        shutil.rmtree(self.scratch, ignore_errors=True)
        self.process = None


_WARM: dict = {}   # (device, isolation) -> this process's WarmWorker
_WARM_LOCK = threading.Lock()   # Dask may warm up on one thread while a job starts on another
PEAKS = {"submission_bytes": 0, "warm_bytes": 0}   # largest seen by this process


def start_warm_worker(device: str) -> WarmWorker:
    """This process's warm worker for ``device``, started now if there is
    none (it warms up while the caller goes on)."""
    key = (device, isolation())
    with _WARM_LOCK:
        worker = _WARM.get(key)
        if worker is None or worker.owner != os.getpid():  # a forked copy of another process's entry
            worker = _WARM[key] = WarmWorker(device)
        return worker


def prestart(device: str) -> None:
    """Start this process's warm worker for ``device`` (an executor's worker
    initialiser: it warms up while the first job is being prepared)."""
    start_warm_worker(device)


def _discard(key: tuple) -> None:
    worker = _WARM.pop(key, None)
    if worker is not None and worker.owner == os.getpid():
        worker.close()


def discard_warm_worker(device: str) -> None:
    _discard((device, isolation()))


@atexit.register
def close_warm_workers() -> None:
    for key in list(_WARM):
        _discard(key)


class Session:
    """One submission: a process forked from the warm worker that runs the
    submission's cells, restartable."""

    def __init__(self, limits: Limits = Limits(), device: str = "cpu"):
        self.limits, self.device = limits, device
        self.cells_run: list = []
        self.channel = None
        self.deadline = None
        self._open()

    # -- life cycle ----------------------------------------------------
    def _open(self) -> None:
        """Fork a fresh submission process; a warm worker that fails to fork
        is replaced once (its start is not charged to the submission)."""
        for attempt in (1, 2):
            self.worker = start_warm_worker(self.device)
            try:
                self.worker._ready()
                if self.deadline is None:
                    self.deadline = time.monotonic() + self.limits.notebook_seconds
                self.channel = self.worker.fork(self.limits)
                break
            except SandboxError:
                discard_warm_worker(self.device)
                if attempt == 2:
                    raise
        self.status = None
        self._receive(self.limits.startup_seconds)

    def _end(self) -> None:
        """Kill the submission's processes; a warm worker that cannot do it
        is thrown away with its sandbox."""
        if self.channel is None:
            return
        self.channel.close()
        self.channel = None
        try:
            ended = self.worker.end()
            self.status = ended.get("status")
            PEAKS["submission_bytes"] = max(PEAKS["submission_bytes"], ended.get("peak_bytes") or 0)
            PEAKS["warm_bytes"] = max(PEAKS["warm_bytes"], self.worker.warm_rss())
        except SandboxError:
            discard_warm_worker(self.device)

    def close(self) -> None:
        self._end()

    def restart(self) -> None:
        """A fresh submission process that has run the same cells again."""
        self._end()
        self._open()
        for source in self.cells_run:
            self._request({"op": "exec", "source": source}, self.limits.cell_seconds)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- requests ------------------------------------------------------
    def run_cell(self, source: str) -> dict:
        """Run one cell; a cell that kills or hangs the worker is reported as
        failed and left out of later replays."""
        try:
            reply = self._request({"op": "exec", "source": source}, self.limits.cell_seconds)
        except SandboxError as exc:
            self.restart()
            return {"ok": False, "error_types": ["SandboxError"], "error": str(exc)}
        self.cells_run.append(source)
        return reply

    def call(self, message: dict, seconds: float | None = None) -> dict:
        return self._request({"op": "call", "case": message}, seconds or self.limits.call_seconds)

    def reset_output(self) -> None:
        self._request({"op": "reset_output"}, self.limits.call_seconds)

    def _request(self, message: dict, seconds: float) -> dict:
        if self.channel is None:
            raise SandboxError("the worker is not running")
        try:
            wire.write_frame(self.channel.fileno(), message)
        except OSError:
            raise SandboxError(self._death_reason("the worker stopped reading (it crashed)")) from None
        return self._receive(seconds)

    def _receive(self, seconds: float) -> dict:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise SandboxError(self._budget_used_up())
        deadline = time.monotonic() + min(seconds, left)
        fd = self.channel.fileno()
        while True:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    reply = wire.read_frame(fd, self.limits.reply_bytes)
                except wire.WireError as exc:
                    raise SandboxError(self._death_reason(f"the worker broke off ({exc})")) from None
                if not isinstance(reply, dict) or "ok" not in reply:
                    raise SandboxError("the worker sent a malformed reply")
                return reply
            if time.monotonic() > deadline:
                if seconds >= left:
                    raise SandboxError(self._budget_used_up())
                raise SandboxError(f"time limit of {seconds:g} s exceeded")
            if self.worker.submission_rss() > self.limits.memory_bytes:
                raise SandboxError(f"memory limit of {self.limits.memory_bytes // 2 ** 20} MiB exceeded")

    def _budget_used_up(self) -> str:
        return f"the notebook's time budget of {self.limits.notebook_seconds:g} s was used up"

    def _death_reason(self, default: str) -> str:
        """Why the submission's process is gone, as its exit status tells."""
        self._end()
        code = self.status
        if code is None:
            return default
        if os.WIFSIGNALED(code):
            return f"the worker was killed by signal {signal.Signals(os.WTERMSIG(code)).name}"
        return f"the worker exited with status {os.WEXITSTATUS(code)} (os._exit or a crash)"
