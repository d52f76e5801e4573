"""Grading a class: every notebook below a folder, in parallel, into one CSV
of scores and one feedback file per submission.

Each notebook is graded by ``grading.grade_notebook`` in a pool of processes
(each with its own sandboxed worker), so a submission that hangs or crashes
costs only its own time budget; one that cannot be graded at all (an unknown
assignment, say) gets a report with an ``error`` and a score of 0.
"""
from __future__ import annotations

import csv
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .feedback import report_text
from .grading import grade_notebook


def submissions_under(folder: Path) -> list:
    """The notebooks below ``folder``, sorted, without Jupyter's checkpoints."""
    return sorted(p for p in Path(folder).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def _quiet_threads() -> None:
    """One intra-op thread per grading process: the parallelism is across notebooks."""
    import torch

    torch.set_num_threads(1)


def _grade_or_explain(path: Path, device: str, chapter: str | None) -> dict:
    try:
        return grade_notebook(path, device=device, chapter=chapter)
    except Exception as exc:  # noqa: BLE001 - one bad submission must not stop the class
        return error_report(path, device, f"{type(exc).__name__}: {exc}")


def error_report(path: Path, device: str, message: str) -> dict:
    return {"notebook": str(path), "device": device, "score": 0.0, "max_score": 0.0,
            "exercises": {}, "error": message}


def grade_folder(folder: Path, device: str = "cpu", chapter: str | None = None,
                 jobs: int | None = None) -> list:
    """The reports of every notebook below ``folder``, in ``submissions_under`` order."""
    paths = submissions_under(folder)
    if not paths:
        return []
    context = multiprocessing.get_context("spawn")  # no forked copy of the parent's torch state
    with ProcessPoolExecutor(max_workers=min(jobs or default_jobs(), len(paths)), mp_context=context,
                             initializer=_quiet_threads) as pool:
        futures = [pool.submit(_grade_or_explain, path, device, chapter) for path in paths]
        reports = []
        for path, future in zip(paths, futures):
            try:
                reports.append(future.result())
            except Exception as exc:  # noqa: BLE001 - the grading process itself died
                reports.append(error_report(path, device, f"the grading process failed: {exc!r}"))
    return reports


def _relative(report: dict, folder: Path) -> Path:
    return Path(report["notebook"]).relative_to(folder)


def write_csv(reports: list, folder: Path, destination: Path) -> None:
    """One row per exercise and a TOTAL row per submission (path relative to ``folder``)."""
    with open(destination, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["submission", "exercise", "score", "max_score", "error"])
        for report in reports:
            name = str(_relative(report, folder))
            for exercise_name, exercise in report["exercises"].items():
                writer.writerow([name, exercise_name, exercise["score"], exercise["max_score"], ""])
            writer.writerow([name, "TOTAL", report["score"], report["max_score"], report.get("error", "")])


def write_feedback(reports: list, folder: Path, destination: Path) -> None:
    """``destination/<submission path>.txt`` for each report: what a student
    may read (scores, failed checks and their hints)."""
    for report in reports:
        relative = _relative(report, folder)
        target = (destination / relative).with_suffix(".txt")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(report_text(report, title=str(relative)))
