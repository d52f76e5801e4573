"""The sandboxed worker: runs a submission's cells and calls its functions.

Started by ``autograder.sandbox`` as ``python -m harness.worker OUTPUT_FILE
DEVICE`` (inside bubblewrap) with the request channel on stdin and the reply channel on
stdout. Before any student code runs, those two are moved to private file
descriptors, and the student's stdout/stderr go to OUTPUT_FILE, whose size
the parent caps with RLIMIT_FSIZE (a write past the cap raises OSError in
the student's code instead of killing the worker).

Requests: {"op": "exec", "source": str} runs a cell in the notebook's
namespace; {"op": "call", "case": dict} calls ``case["fn"]`` from that
namespace through ``invoke``; {"op": "reset_output"} empties OUTPUT_FILE;
{"op": "bye"} ends the worker.
"""
import os
import signal
import sys

from . import invoke as invoke_module
from .cells import run_cell
from . import wire


def _take_channels(output_path):
    requests, replies = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    output = os.open(output_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_TRUNC, 0o600)
    os.dup2(output, 1)
    os.dup2(output, 2)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    return requests, replies, output


def _run_cell(source, namespace):
    try:
        run_cell(source, namespace)
        return {"ok": True}
    except BaseException as exc:  # SystemExit included
        return invoke_module._failure(exc)


def serve(requests, replies, output, namespace):
    while True:
        message = wire.read_frame(requests)
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
        wire.write_frame(replies, reply)


def _warm_up(device):
    """Pay the one-time start-up cost of the devices the checks use (CUDA's
    context, the meta device's first operation) before the first timed call."""
    import torch

    for name in ("meta", device):
        if name != "cpu":
            _ = torch.empty(1, device=name) + 0


if __name__ == "__main__":
    channels = _take_channels(sys.argv[1])
    _warm_up(sys.argv[2] if len(sys.argv) > 2 else "cpu")
    wire.write_frame(channels[1], {"ok": True, "ready": True})
    serve(*channels, namespace={"__name__": "__main__"})
