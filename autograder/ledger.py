"""What a class run has done, per student, so that an interrupted or repeated
run grades only what is missing or changed.

One JSON file per student in the ledger's folder::

    {"submitted": digest of the student's submitted files,
     "grader": fingerprint of the grader that graded them (code, device, limits),
     "reports": {notebook: {"digest": digest of the graded notebook, "report": {...}}},
     "recorded": whether nbgrader has written them into the gradebook}

Files are replaced atomically: a run killed at any moment leaves each entry
either as it was or complete.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


class Ledger:
    def __init__(self, folder):
        self.folder = Path(folder)

    def _path(self, student: str) -> Path:
        return self.folder / f"{student}.json"

    def entry(self, student: str) -> dict | None:
        """The student's entry, or None (none yet, or unreadable)."""
        try:
            return json.loads(self._path(student).read_text())
        except (OSError, ValueError):
            return None

    def _write(self, student: str, entry: dict) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(handle, "w") as stream:
            json.dump(entry, stream)
        os.replace(temporary, self._path(student))

    def save_reports(self, student: str, submitted: str, grader: str, reports: dict) -> None:
        """Keep a student's fresh reports (notebook -> {"digest", "report"}), not yet recorded."""
        self._write(student, {"submitted": submitted, "grader": grader, "reports": reports, "recorded": False})

    def mark_recorded(self, student: str) -> None:
        self._write(student, {**self.entry(student), "recorded": True})

    def report_of(self, student: str, notebook: str, digest: str) -> dict | None:
        """The report of ``notebook`` if the ledger holds one of exactly that content."""
        kept = (self.entry(student) or {}).get("reports", {}).get(notebook)
        return kept["report"] if kept and kept["digest"] == digest else None
