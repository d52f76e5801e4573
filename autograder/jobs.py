"""One grading job: what a worker receives and what it sends back.

A job carries the notebook's text rather than a path, so that a worker on
another machine (see ``executors.DaskCluster``) needs nothing but this
repository; ``run_job`` never raises: a notebook that cannot be graded at
all comes back as an ``error`` report worth 0 points.
"""
from __future__ import annotations

import os
import resource
import socket
import time
from dataclasses import dataclass, field

from .report import error_report
from .sandbox import PEAKS, Limits


@dataclass(frozen=True)
class Job:
    label: str                  # names the notebook in its report: a path, or student/notebook.ipynb
    text: str                   # the notebook's JSON
    chapter: str | None = None  # None: told by the label's file name or the cells
    device: str = "cpu"
    compare_locked: bool = True  # False where nbgrader has already restored the locked cells
    limits: Limits = field(default_factory=Limits)


def _one_thread() -> None:
    """One intra-op thread per worker: the parallelism is across notebooks."""
    import torch

    torch.set_num_threads(1)


def _peak_bytes(who: int) -> int:
    return resource.getrusage(who).ru_maxrss * 1024  # Linux counts in KiB


def run_job(job: Job) -> dict:
    """On a worker: ``{"report", "started", "finished", "worker",
    "worker_peak_bytes", "warm_peak_bytes", "sandbox_peak_bytes"}`` (times
    from ``time.time``; peaks of resident memory so far: the worker process,
    its warm sandboxed process, and the largest submission process)."""
    from .grading import grade_notebook   # here, not at import: the process handing jobs out needs no torch

    _one_thread()
    started = time.time()
    try:
        report = grade_notebook(job.label, device=job.device, chapter=job.chapter, limits=job.limits,
                                nb=job.text, compare_locked=job.compare_locked)
    except Exception as exc:  # noqa: BLE001 - one bad submission must not stop the class
        report = error_report(job.label, job.device, f"{type(exc).__name__}: {exc}")
    return {"report": report, "started": started, "finished": time.time(),
            "worker": f"{socket.gethostname()}:{os.getpid()}",
            "worker_peak_bytes": _peak_bytes(resource.RUSAGE_SELF),
            "warm_peak_bytes": PEAKS["warm_bytes"], "sandbox_peak_bytes": PEAKS["submission_bytes"]}
