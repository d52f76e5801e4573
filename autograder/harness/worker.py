"""One submission's process: forked by ``harness.warm`` for each submission,
it runs the submission's cells and calls its functions, then is killed.

It first makes itself a fresh process in every way the previous submission
could have touched: its own session and process group, the signal handlers
Python starts with, no file descriptor but its channel, its own limits
(memory, output, no core files) and an empty working directory. Its
stdout/stderr go to OUTPUT_FILE, whose size RLIMIT_FSIZE caps (a write past
the cap raises OSError in the student's code instead of killing it).

Requests on the channel (``wire`` frames): {"op": "exec", "source": str}
runs a cell in the notebook's namespace; {"op": "call", "case": dict} calls
``case["fn"]`` from that namespace through ``invoke``; {"op": "reset_output"}
empties the output file; {"op": "bye"} ends the process.
"""
import ctypes
import os
import resource
import signal

from . import invoke as invoke_module
from . import wire
from .cells import run_cell

PR_SET_PDEATHSIG = 1
NAME = b"submission"   # the process name tests look for (the warm process is "grader-warm")


def _run_cell(source, namespace):
    try:
        run_cell(source, namespace)
        return {"ok": True}
    except BaseException as exc:  # SystemExit included
        return invoke_module._failure(exc)


def serve(channel, output, namespace):
    while True:
        message = wire.read_frame(channel)
        op = message.get("op")
        if op == "bye":
            return
        if op == "exec":
            reply = _run_cell(message["source"], namespace)
        elif op == "reset_output":
            os.ftruncate(output, 0)
            reply = {"ok": True}
        elif op == "call":
            case = message["case"]
            fn = namespace.get(case["fn"])
            if not callable(fn):
                reply = {"ok": False, "error_types": ["NameError"],
                         "error": f"no function named {case['fn']!r} is defined"}
            else:
                reply = invoke_module.invoke(fn, case)
        else:
            reply = {"ok": False, "error_types": ["ValueError"], "error": f"unknown op {op!r}"}
        wire.write_frame(channel, reply)


def _fresh_process(channel: int, control: int, limits: dict, scratch: str, defaults: dict) -> int:
    """Everything but the channel and the imported modules made new; returns
    the output file's descriptor."""
    from .warm import PR_SET_NAME, _prctl

    os.setsid()
    _prctl(PR_SET_NAME, ctypes.c_char_p(NAME))
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)   # dies with the warm process (it kills us anyway)
    for sig, handler in defaults.items():
        signal.signal(sig, handler)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # a write past the output cap raises instead
    os.close(control)
    os.closerange(3, channel)
    os.closerange(channel + 1, os.sysconf("SC_OPEN_MAX"))
    if limits.get("memory_bytes"):
        resource.setrlimit(resource.RLIMIT_AS, (limits["memory_bytes"],) * 2)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["output_bytes"],) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    work = os.path.join(scratch, "submission")
    os.makedirs(work, exist_ok=True)
    os.chdir(work)
    os.environ["TMPDIR"] = work
    output = os.open(os.path.join(work, ".output"), os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_TRUNC, 0o600)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.close(null)
    return output


def _warm_up(device: str) -> None:
    """CUDA is initialised here, in the submission's own process, never in
    the warm process it was forked from."""
    if device == "cuda":
        import torch

        _ = torch.empty(1, device="cuda") + 0


def serve_submission(channel: int, control: int, limits: dict, device: str, scratch: str, defaults: dict):
    """The forked child: never returns."""
    code = 0
    try:
        output = _fresh_process(channel, control, limits, scratch, defaults)
        _warm_up(device)
        wire.write_frame(channel, {"ok": True, "ready": True})
        serve(channel, output, namespace={"__name__": "__main__"})
    except BaseException:  # noqa: BLE001 - the channel closed, or the start failed: the parent sees it end
        code = 1
    os._exit(code)
