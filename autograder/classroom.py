"""Grading a folder of notebooks: all of them, in parallel, into one CSV of
scores and one feedback file per submission.

Each notebook is one job (``jobs.run_job``) on an executor (``executors``):
a submission that hangs or crashes costs only its own time budget; one that
cannot be graded at all (an unknown assignment, say) gets a report with an
``error`` and a score of 0. For nbgrader's course layout and gradebook, see
``nbgrader_class``.
"""
from __future__ import annotations

import csv
from pathlib import Path

from .executors import Executor, LocalProcesses
from .feedback import report_text
from .report import error_report
from .jobs import Job, run_job
from .sandbox import Limits


def submissions_under(folder: Path) -> list:
    """The notebooks below ``folder``, sorted, without Jupyter's checkpoints."""
    return sorted(p for p in Path(folder).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def outcome_report(job: Job, outcome) -> dict:
    """The report in a job's outcome, or an error report if the job failed."""
    if isinstance(outcome, BaseException):
        return error_report(job.label, job.device, f"the grading process failed: {outcome!r}")
    return outcome["report"]


def grade_folder(folder: Path, device: str = "cpu", chapter: str | None = None, workers: int | None = None,
                 executor: Executor | None = None, limits: Limits = Limits()) -> list:
    """The reports of every notebook below ``folder``, in ``submissions_under``
    order; on ``executor``, else on ``workers`` local processes."""
    jobs = [Job(str(path), path.read_text(errors="replace"), chapter, device, limits=limits)
            for path in submissions_under(folder)]
    if not jobs:
        return []
    reports = [None] * len(jobs)
    with executor or LocalProcesses(workers, warm=device) as engine:
        for index, outcome in engine.as_completed(run_job, jobs):
            reports[index] = outcome_report(jobs[index], outcome)
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
