"""Starting, feeding and killing the sandboxed worker that runs student code.

The worker (``harness/worker.py``) runs in a separate process with:

* bubblewrap, when installed: no network, its own PID/IPC/UTS namespaces, a
  private /tmp, and a file system that shows only the Python installation,
  the virtual environment, the public ``rnncourse`` package and the harness;
  the references, the checks, the solutions and other submissions are not
  there to read;
* otherwise a plain subprocess (weaker: files stay readable) — the grader
  says which one it used;
* in both cases: wall-time limits per request and for the whole session (a
  notebook's budget: restarts and replays included), a memory limit
  (RLIMIT_AS on the CPU plus polling of the resident memory of the whole
  process tree), and an output limit (RLIMIT_FSIZE on the file that receives
  stdout/stderr).

A worker that dies, hangs, exceeds a limit or breaks the protocol raises
:class:`SandboxError`; :meth:`Session.restart` starts a fresh worker and
replays the cells that ran before.
"""
from __future__ import annotations

import os
import resource
import select
import shutil
import signal
import subprocess
import sys
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
    """The worker died, hung, ran out of a resource or broke the protocol."""


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


def _bind_system(args: list) -> None:
    for top in ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64"):
        path = Path(top)
        if path.is_symlink():
            args += ["--symlink", os.readlink(top), top]
        elif path.exists():
            args += ["--ro-bind", top, top]


def _bwrap_prefix(device: str) -> list:
    args = [bubblewrap(), "--unshare-all", "--die-with-parent", "--new-session",
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--chdir", "/tmp",
            "--clearenv"]
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
            "LANG": "C.UTF-8"}


def worker_command(device: str, scratch: Path) -> tuple:
    """(argv, env, cwd) that start a worker."""
    python = sys.executable
    if isolation() == "bubblewrap":
        env = _environment(HARNESS_MOUNT, "/tmp")
        argv = _bwrap_prefix(device)
        for key, value in env.items():
            argv += ["--setenv", key, value]
        return argv + [python, "-m", "harness.worker", "/tmp/output.txt", device], None, None
    # without bubblewrap: the harness and the public package on the path
    env = _environment(f"{scratch}:{paths.PUBLIC_PACKAGE.parent}", str(scratch))
    (scratch / "harness").symlink_to(paths.HARNESS)
    return [python, "-m", "harness.worker", str(scratch / "output.txt"), device], env, str(scratch)


def _limit_resources(memory_bytes: int | None, output_bytes: int):
    def apply():
        if memory_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_FSIZE, (output_bytes, output_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (0 once gone)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/statm") as statm:
                total += int(statm.read().split()[1]) * resource.getpagesize()
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    stack += [int(child) for child in children.read().split()]
        except (OSError, ValueError, IndexError):
            continue
    return total


class Session:
    """One worker that has run a submission's cells, restartable."""

    def __init__(self, limits: Limits = Limits(), device: str = "cpu"):
        self.limits, self.device = limits, device
        self.deadline = time.monotonic() + limits.notebook_seconds
        self.cells_run: list = []
        self.process = None
        self._scratch = None
        self._start()

    # -- life cycle ----------------------------------------------------
    def _start(self) -> None:
        import tempfile
        self._scratch = Path(tempfile.mkdtemp(prefix="grader-"))
        argv, env, cwd = worker_command(self.device, self._scratch)
        # RLIMIT_AS breaks CUDA's address-space reservations: GPU workers are
        # bounded by resident-memory polling alone.
        memory = None if self.device == "cuda" else self.limits.memory_bytes
        self.process = subprocess.Popen(
            argv, env=env, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, start_new_session=True,
            preexec_fn=_limit_resources(memory, self.limits.output_bytes))
        self._receive(self.limits.startup_seconds)

    def close(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            stream.close()
        shutil.rmtree(self._scratch, ignore_errors=True)
        self.process = None

    def restart(self) -> None:
        """A fresh worker that has run the same cells again."""
        self.close()
        self._start()
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
        if self.process is None or self.process.poll() is not None:
            raise SandboxError("the worker is not running")
        try:
            wire.write_frame(self.process.stdin.fileno(), message)
        except OSError:
            raise SandboxError("the worker stopped reading (it crashed)") from None
        return self._receive(seconds)

    def _receive(self, seconds: float) -> dict:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise SandboxError(self._budget_used_up())
        deadline = time.monotonic() + min(seconds, left)
        fd = self.process.stdout.fileno()
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
            if self.process.poll() is not None:
                raise SandboxError(self._death_reason("the worker process ended"))
            if time.monotonic() > deadline:
                if seconds >= left:
                    raise SandboxError(self._budget_used_up())
                raise SandboxError(f"time limit of {seconds:g} s exceeded")
            if _tree_rss(self.process.pid) > self.limits.memory_bytes:
                raise SandboxError(f"memory limit of {self.limits.memory_bytes // 2 ** 20} MiB exceeded")

    def _budget_used_up(self) -> str:
        return f"the notebook's time budget of {self.limits.notebook_seconds:g} s was used up"

    def _death_reason(self, default: str) -> str:
        code = self.process.poll()
        if code is None:
            return default
        if code < 0:
            return f"the worker was killed by signal {signal.Signals(-code).name}"
        return f"the worker exited with status {code} (os._exit or a crash)"
