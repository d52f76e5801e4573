"""The warm sandboxed process: it imports torch and the harness once, then
forks a fresh process for every submission and never runs student code
itself.

Started by ``autograder.sandbox`` as ``python -m harness.warm DEVICE SCRATCH
ISOLATION`` (``bubblewrap`` or ``process``) with a SOCK_SEQPACKET control socket on stdin; control messages are JSON,
one per packet:

* ``{"op": "fork", "memory_bytes": N | null, "output_bytes": N}`` with one
  file descriptor attached (SCM_RIGHTS), the new submission's channel:
  fork a submission process that serves it (``worker.serve_submission``);
  reply ``{"ok": true}``;
* ``{"op": "end"}``: kill every process the submission left (this process
  is their child subreaper, so orphans come back to it), wipe what it left
  in the writable places, reply ``{"ok": true, "status": S, "peak_bytes": N}``
  (S as ``os.waitpid`` reports it; N the largest resident size among them);
* ``{"op": "bye"}``: exit.

What protects it from the submissions it forks: it is not dumpable (no
ptrace, no /proc/PID/mem, fd or environ access for a process without
CAP_SYS_PTRACE, and bubblewrap drops every capability), it ignores every
catchable signal, and the submission cannot name its control socket (closed
in the child). What remains (SIGKILL, SIGSTOP) makes it die or stop
answering: the grader then throws the whole sandbox away and starts a new
one, so no later submission is affected.
"""
import ctypes
import json
import os
import resource
import shutil
import signal
import socket
import sys
import time

PR_SET_NAME, PR_SET_DUMPABLE, PR_SET_CHILD_SUBREAPER = 15, 4, 36
IGNORED = [signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2,
           signal.SIGALRM, signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU, signal.SIGPIPE, signal.SIGXFSZ,
           signal.SIGXCPU, signal.SIGVTALRM, signal.SIGPROF]
# what a submission may write to inside bubblewrap: emptied after each one
WRITABLE = ("/tmp", "/dev/shm", "/dev/mqueue")
NAME = b"grader-warm"
WARM_SEED = 0


def _prctl(option: int, value) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(option, value, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), f"prctl({option}) failed")


def harden() -> dict:
    """Make this process hard to tamper with; returns the signal handlers a
    submission gets back."""
    _prctl(PR_SET_NAME, ctypes.c_char_p(NAME))
    _prctl(PR_SET_DUMPABLE, 0)
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    defaults = {sig: signal.getsignal(sig) for sig in IGNORED}
    for sig in IGNORED:
        signal.signal(sig, signal.SIG_IGN)
    return defaults


def preload() -> None:
    """Import what every submission needs, with one thread and no thread
    pool started (libgomp's pool does not survive fork), and CUDA untouched
    (only a submission process initialises it)."""
    import torch

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    torch.manual_seed(WARM_SEED)   # every submission starts from the same global generator state
    from . import invoke, worker  # noqa: F401
    from .no_dynamo import first_meta_operation
    first_meta_operation()   # a dispatch, no threads; and torch._dynamo never imported
    import rnncourse.testing  # noqa: F401 - what every exercise notebook imports


def descendants(pid: int) -> list:
    """Every process below ``pid`` (0 once gone), parents before children."""
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    kids = [int(child) for child in children.read().split()]
                found += kids
                stack += kids
        except (OSError, ValueError):
            continue
    return found


def end_submission(submission: int) -> dict:
    """Kill and reap everything this process forked or adopted; the status is
    that of ``submission``, the process it forked."""
    status, peak = None, 0
    for _ in range(10_000):
        alive = descendants(os.getpid())
        for pid in alive:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        while True:
            try:
                pid, code, usage = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                pid = 0
            if pid == 0:
                break
            status = code if pid == submission else status
            peak = max(peak, usage.ru_maxrss * 1024)
        if not alive and not descendants(os.getpid()):
            break
        time.sleep(0.001)
    return {"ok": True, "status": status, "peak_bytes": peak}


def mounts() -> set:
    """The sandbox's mount points (its read-only binds can lie below /tmp
    when the course's checkout does)."""
    with open("/proc/self/mountinfo") as table:
        return {line.split()[4] for line in table}


def _empty(folder: str, keep: set) -> None:
    """Remove what ``folder`` holds, except the mount points in ``keep`` and
    the folders that lead to them (whose other contents go)."""
    def unlock(function, path, _):
        os.chmod(os.path.dirname(path), 0o700)
        os.chmod(path, 0o700)
        function(path)

    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        path = os.path.join(folder, name)
        if path in keep:
            continue
        try:
            if any(mount.startswith(path + "/") for mount in keep):
                _empty(path, keep)
            elif os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, onerror=unlock)
            else:
                os.unlink(path)
        except OSError:
            pass


def _remove_ipc() -> None:
    """SysV shared memory, queues and semaphores outlive their creator."""
    libc = ctypes.CDLL(None, use_errno=True)
    for kind, remove in (("shm", libc.shmctl), ("msg", libc.msgctl), ("sem", libc.semctl)):
        try:
            with open(f"/proc/sysvipc/{kind}") as table:
                rows = table.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            identifier = int(row.split()[1])
            remove(identifier, 0, None) if kind != "sem" else remove(identifier, 0, 0, None)  # IPC_RMID


def wipe(scratch: str, sandboxed: bool, keep: set) -> None:
    """What a submission wrote where the next one could see it."""
    for folder in (WRITABLE if sandboxed else ()) + (scratch,):
        _empty(folder, keep)
    if sandboxed:
        _remove_ipc()


def serve(control: socket.socket, device: str, scratch: str, sandboxed: bool, defaults: dict) -> None:
    submission, keep = None, mounts()
    while True:
        packet, fds, _, _ = socket.recv_fds(control, 1 << 16, 1)
        if not packet:
            return
        message = json.loads(packet)
        if message["op"] == "bye":
            return
        if message["op"] == "fork":
            channel = fds[0]
            submission = os.fork()
            if submission == 0:
                from .worker import serve_submission
                serve_submission(channel, control.fileno(), message, device, scratch, defaults)
            os.close(channel)
            reply = {"ok": True}
        elif message["op"] == "end":
            reply = end_submission(submission)
            wipe(scratch, sandboxed, keep)
        else:
            reply = {"ok": False, "error": f"unknown op {message['op']!r}"}
        control.send(json.dumps(reply).encode())


if __name__ == "__main__":
    device, scratch, sandboxed = sys.argv[1], sys.argv[2], sys.argv[3] == "bubblewrap"
    control = socket.socket(fileno=os.dup(0))
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    defaults = harden()
    preload()
    os.makedirs(scratch, exist_ok=True)
    control.send(json.dumps({"ok": True, "ready": True}).encode())
    serve(control, device, scratch, sandboxed, defaults)
