"""nbgrader's autograde of a whole class, in parallel and resumable:
``python -m autograder autograde ASSIGNMENT --workers N``.

``nbgrader autograde`` grades one notebook after another. Here the costly
part, running the checks on each submission, is spread over the workers of
an executor, while nbgrader still does all of its own bookkeeping, one
student at a time in this process (the one writer to the gradebook):

1. each notebook in ``submitted/<student>/<assignment>/`` is sanitised by
   nbgrader's own sanitising preprocessors, exactly as its autograde does
   (outputs cleared, locked cells restored from the gradebook, ...);
2. the sanitised notebooks are graded on the workers (``jobs.run_job``);
3. when a student's reports are back they go into the ledger, and nbgrader's
   ``Autograde`` converter runs for that student with ``RecordedGrade`` in
   place of ``SandboxedGrade``: it takes the report of the very notebook it
   is handed (same digest) and nbgrader writes the scores, timestamps and
   late penalties into the gradebook as it always does (``ClassAutograde``:
   the converter is handed the sanitised text of step 1 rather than
   sanitising the same files again);
4. a feedback page per student (``checks.html`` beside the autograded
   notebook, which ``nbgrader generate_feedback`` copies into the student's
   feedback) and a CSV of the class, read back from the gradebook.

Resuming: a student whose submitted files and grader are unchanged since the
ledger recorded them is skipped; one graded but not yet recorded is only
recorded.
"""
from __future__ import annotations

import csv
import hashlib
import os
import signal
import sys
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import nbformat
from nbgrader import api as nbgrader_gradebook
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI
from nbgrader import utils as nbgrader_utils
from nbgrader.nbgraderformat import common as nbgrader_format
from nbgrader.converters import Autograde
from nbgrader.converters.base import BaseConverter
from sqlalchemy.exc import SAWarning
from traitlets import Dict
from traitlets.config.loader import PyFileConfigLoader

from . import paths
from .classroom import outcome_report
from .errors import UsageError
from .executors import Executor
from .feedback import report_html
from .report import error_report
from .jobs import Job, run_job
from .ledger import Ledger
from .nbgrader_plugin import REGRADED, RecordedGrade, SandboxedGrade
from .notebook import digest
from .sandbox import Limits

LEDGER_FOLDER = ".autograder"

FEEDBACK_PAGE = "checks.html"


class SchemaCheckedOnce:
    """``jsonschema.validate`` that checks each schema once: nbgrader
    validates every cell's metadata with it, and it checks the (constant)
    schema itself again on every call, 90% of the validation's time (2.7 of
    3.0 s for 20 ch02 students). Same validation, same errors."""

    def __init__(self):
        self.validators = {}   # id(schema) -> (schema, its validator)

    def validate(self, instance, schema) -> None:
        if id(schema) not in self.validators:
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            self.validators[id(schema)] = (schema, cls(schema))
        error = jsonschema.exceptions.best_match(self.validators[id(schema)][1].iter_errors(instance))
        if error is not None:
            raise error


@contextmanager
def one_engine_per_database():
    """Within the block, nbgrader's Gradebooks of one database share one
    SQLAlchemy engine. nbgrader opens a Gradebook, and with it a new engine,
    about nine times per student, and an engine's cache of compiled SQL
    statements is its own: every query was compiled again, about a fifth of
    this process's time per student. ``Gradebook.close`` disposes of the
    engine's connections, not of the engine. Same statements, same database."""
    engines, create_engine = {}, nbgrader_gradebook.create_engine

    def shared_engine(url, **options):
        key = (str(url), tuple(sorted(options.items())))
        if key not in engines:
            engines[key] = create_engine(url, **options)
        return engines[key]

    nbgrader_gradebook.create_engine = shared_engine
    try:
        yield
    finally:
        nbgrader_gradebook.create_engine = create_engine
        for engine in engines.values():
            engine.dispose()


def course_api(root: Path, assignment: str, device: str) -> NbGraderAPI:
    """nbgrader's API on the course in ``root`` (configured by its
    nbgrader_config.py), autograding with ``RecordedGrade``."""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    if "root" not in config.CourseDirectory:
        config.CourseDirectory.root = str(root)
    steps = list(config.Autograde.autograde_preprocessors or [])
    if SandboxedGrade not in steps:
        raise UsageError(f"{root / 'nbgrader_config.py'} does not autograde with "
                         "autograder.nbgrader_plugin.SandboxedGrade (see the repository's nbgrader_config.py)")
    config.Autograde.autograde_preprocessors = [RecordedGrade if step is SandboxedGrade else step for step in steps]
    config.SandboxedGrade.device = device
    config.RecordedGrade.ledger = str(Path(config.CourseDirectory.root) / LEDGER_FOLDER / assignment)
    if not isinstance(nbgrader_format.jsonschema, SchemaCheckedOnce):
        nbgrader_format.jsonschema = SchemaCheckedOnce()
    scripts = str(Path(sys.executable).parent)   # nbgrader calls alembic
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = f"{scripts}{os.pathsep}{os.environ.get('PATH', '')}"
    return NbGraderAPI(config=config)


@dataclass
class Submission:
    """One student's submitted folder for the assignment."""
    student: str
    folder: Path
    notebooks: dict   # notebook id -> path of each of the assignment's notebooks the student handed in

    def files_digest(self) -> str:
        """SHA-256 of every file handed in (names and bytes, timestamp.txt included)."""
        sha = hashlib.sha256()
        for path in sorted(p for p in self.folder.rglob("*") if p.is_file() and ".ipynb_checkpoints" not in p.parts):
            sha.update(str(path.relative_to(self.folder)).encode() + b"\0" + path.read_bytes() + b"\0")
        return sha.hexdigest()


def submissions(api: NbGraderAPI, assignment: str) -> list:
    """Every student's submission of ``assignment``, sorted by student."""
    coursedir = api.coursedir
    with Gradebook(coursedir.db_url, coursedir.course_id) as gradebook:
        try:
            names = [notebook.name for notebook in gradebook.find_assignment(assignment).notebooks]
        except MissingEntry:
            raise UsageError(f"the gradebook has no assignment {assignment!r}: "
                             f"run nbgrader generate_assignment {assignment} first") from None
    found = []
    for folder in sorted(Path(coursedir.root, coursedir.submitted_directory).glob(f"*/{assignment}")):
        if folder.is_dir():
            notebooks = {name: folder / f"{name}.ipynb" for name in names if (folder / f"{name}.ipynb").is_file()}
            found.append(Submission(folder.parent.name, folder, notebooks))
    return found


def grader_fingerprint(assignment: str, device: str, limits: Limits) -> str:
    """Changes whenever the grader's code, the assignment's references and
    checks, the device or the limits change: then every student is regraded."""
    sha = hashlib.sha256(f"{device}\0{limits!r}\0".encode())
    for path in sorted(Path(paths.ROOT, "autograder").rglob("*.py")) + [paths.solution_notebook(assignment)]:
        sha.update(path.read_bytes())
    return sha.hexdigest()


class Sanitiser:
    """nbgrader's sanitising step of autograde, on its own: the notebook text
    nbgrader itself would write to autograded/ and then grade."""

    def __init__(self, api: NbGraderAPI):
        self.converter = Autograde(coursedir=api.coursedir, parent=api)
        self.converter.exporter = self.converter.exporter_class(parent=self.converter, config=self.converter.config)
        self.converter._init_preprocessors()  # noqa: SLF001 - a new converter is in its sanitising state

    def __call__(self, path: Path) -> str:
        resources = self.converter.init_single_notebook_resources(str(path))
        text, _ = self.converter.exporter.from_filename(str(path), resources=resources)
        return text


class ClassAutograde(Autograde):
    """nbgrader's ``Autograde`` of one student whose notebooks the class run
    has already sanitised (``sanitised``: file name of a submitted notebook -> the
    text of ``Sanitiser``, the very preprocessors of nbgrader's first stage):
    that text is written where nbgrader's first stage writes its own, and the
    second stage runs on it as usual. Everything else (the student's and the
    submission's records, the timestamp, other files, the autograde
    preprocessors, late penalties, permissions) is nbgrader's own code; a
    notebook without a sanitised text goes through both stages."""

    sanitised = Dict()

    def convert_single_notebook(self, notebook_filename: str) -> None:
        text = self.sanitised.get(os.path.basename(notebook_filename))
        if text is None:
            return super().convert_single_notebook(notebook_filename)
        resources = self.init_single_notebook_resources(notebook_filename)
        resources["output_extension"] = self.exporter.file_extension
        self.write_single_notebook(text, resources)
        sanitised_file = os.path.join(self.writer.build_directory, os.path.basename(notebook_filename))
        self._sanitizing = False
        self._init_preprocessors()
        try:
            with nbgrader_utils.setenv(NBGRADER_EXECUTION="autograde"):
                BaseConverter.convert_single_notebook(self, sanitised_file)
        finally:
            self._sanitizing = True


def autograde_student(api: NbGraderAPI, assignment: str, student: str, sanitised: dict) -> dict:
    """``api.autograde(assignment, student, force=True, create=True)`` with
    ``ClassAutograde``: nbgrader's result dict (success, log, error)."""
    with nbgrader_utils.temp_attrs(api.coursedir, assignment_id=assignment, student_id=student):
        app = ClassAutograde(coursedir=api.coursedir, parent=api)
        app.force, app.create_student, app.sanitised = True, True, sanitised
        return nbgrader_utils.capture_log(app)


@dataclass
class ClassRun:
    """What one run did: students graded now, recorded into the gradebook now,
    skipped as unchanged, and those nbgrader could not autograde (with why:
    they get 0 points and that reason in their feedback page);
    ``regraded``: students whose notebook nbgrader handed to ``RecordedGrade``
    differed from the one graded on the workers (graded again, in this
    process: correct but slow; never expected); ``outcomes`` are the jobs'
    outcomes (timings and memory)."""
    graded: list = field(default_factory=list)
    recorded: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    errors: dict = field(default_factory=dict)
    regraded: list = field(default_factory=list)
    outcomes: list = field(default_factory=list)


@dataclass
class Plan:
    """What a run has to do: students to skip, students only to record, and
    the jobs of the students to grade (``owners[i]``: the student, notebook
    and digest of ``jobs[i]``; ``reports[student]``: their submitted-files
    digest and the reports gathered so far; ``waiting[student]``: jobs not back;
    ``sanitised[student]``: nbgrader's sanitised text of each of their notebooks, by file name)."""
    skipped: list = field(default_factory=list)
    to_record: list = field(default_factory=list)
    jobs: list = field(default_factory=list)
    owners: list = field(default_factory=list)
    reports: dict = field(default_factory=dict)
    waiting: dict = field(default_factory=dict)
    sanitised: dict = field(default_factory=dict)


def _prepare_jobs(submission: Submission, sanitise: Sanitiser, assignment: str, device: str,
                  limits: Limits) -> tuple:
    """(jobs, {notebook: digest}, {notebook: error report}, {file name:
    sanitised text}) of one submission."""
    jobs, digests, failed, texts = [], {}, {}, {}
    for name, path in submission.notebooks.items():
        label = f"{submission.student}/{name}.ipynb"
        try:
            text = sanitise(path)
        except Exception as exc:  # noqa: BLE001 - nbgrader cannot read it: its autograde will say why
            failed[name] = error_report(label, device, f"the notebook could not be read as nbgrader needs it ({exc})")
            continue
        digests[name], texts[path.name] = digest(nbformat.reads(text, as_version=4)), text
        jobs.append(Job(label, text, assignment, device, compare_locked=False, limits=limits))
    return jobs, digests, failed, texts


def plan_class(api: NbGraderAPI, assignment: str, ledger: Ledger, grader: str, device: str, limits: Limits,
               force: bool, executor: Executor) -> Plan:
    """What to do for each student; the executor's workers are started as
    soon as one student is found to need grading, so that they warm up while
    the others are sanitised."""
    plan, sanitise = Plan(), Sanitiser(api)
    for submission in submissions(api, assignment):
        student, submitted = submission.student, submission.files_digest()
        entry = ledger.entry(student)
        current = not force and entry is not None and entry["submitted"] == submitted and entry["grader"] == grader
        if current and entry["recorded"] and _autograded(api, assignment, student).is_dir():
            plan.skipped.append(student)
        elif current:
            plan.to_record.append(student)
        else:
            executor.start()
            jobs, digests, failed, plan.sanitised[student] = _prepare_jobs(submission, sanitise, assignment,
                                                                           device, limits)
            plan.reports[student] = (submitted, {name: {"digest": "", "report": report}
                                                 for name, report in failed.items()})
            plan.waiting[student] = len(jobs)
            plan.jobs += jobs
            plan.owners += [(student, name, digests[name]) for name in digests]
    return plan


def autograde_class(root: Path, assignment: str, executor: Executor, device: str = "cpu",
                    limits: Limits = Limits(), force: bool = False, progress: bool = False) -> ClassRun:
    """Autograde every submission of ``assignment`` in the course ``root``
    (see the module's docstring); ``force`` regrades unchanged ones too."""
    with one_engine_per_database():
        return _autograde_class(root, assignment, executor, device, limits, force, progress)


def _autograde_class(root: Path, assignment: str, executor: Executor, device: str, limits: Limits, force: bool,
                     progress: bool) -> ClassRun:
    from tqdm import tqdm

    api = course_api(Path(root).resolve(), assignment, device)
    ledger = Ledger(Path(api.coursedir.root) / LEDGER_FOLDER / assignment)
    grader = grader_fingerprint(assignment, device, limits)
    plan = plan_class(api, assignment, ledger, grader, device, limits, force, executor)
    run = ClassRun(skipped=plan.skipped)
    bar = tqdm(total=len(plan.to_record) + len(plan.waiting), unit="student", disable=not progress,
               file=sys.stderr)

    def record(student: str) -> None:
        with _ctrl_c_held():
            with warnings.catch_warnings():  # nbgrader's SQLAlchemy chatter is not ours to fix
                warnings.simplefilter("ignore", SAWarning)
                result = autograde_student(api, assignment, student, plan.sanitised.pop(student, {}))
            if REGRADED in (result.get("log") or ""):
                run.regraded.append(student)
            reports = ledger.entry(student)["reports"]
            if result["success"]:
                ledger.mark_recorded(student)
                run.recorded.append(student)
            else:   # e.g. an unreadable notebook: 0 points, as nbgrader gives a missing one, and why
                _zero_grades(api, assignment, student)
                run.errors[student] = next((kept["report"]["error"] for kept in reports.values()
                                            if "error" in kept["report"]), None) or _last_lines(
                    result.get("error") or result.get("log") or "")
            _write_feedback_page(api, assignment, student, reports)
        bar.update()

    def graded(student: str) -> None:
        with _ctrl_c_held():
            submitted, reports = plan.reports.pop(student)
            ledger.save_reports(student, submitted, grader, reports)
            run.graded.append(student)
            record(student)

    with bar:
        for student in plan.to_record:
            record(student)
        for student in [student for student, count in plan.waiting.items() if count == 0]:
            graded(student)
        for index, outcome in executor.as_completed(run_job, plan.jobs) if plan.jobs else ():
            student, name, notebook_digest = plan.owners[index]
            report = outcome_report(plan.jobs[index], outcome)
            plan.reports[student][1][name] = {"digest": notebook_digest, "report": report}
            if not isinstance(outcome, BaseException):
                run.outcomes.append(outcome)
            plan.waiting[student] -= 1
            if plan.waiting[student] == 0:
                graded(student)
    return run


@contextmanager
def _ctrl_c_held():
    """Ctrl-C waits until the block is done, then interrupts. A student is
    thus left either wholly recorded (ledger, gradebook, page) or not at all;
    and nbgrader's API, which catches every exception, KeyboardInterrupt
    included, cannot take an interrupt for that student's failure and go on."""
    pressed = []
    previous = signal.signal(signal.SIGINT, lambda *_: pressed.append(True))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pressed:
        raise KeyboardInterrupt


def _autograded(api: NbGraderAPI, assignment: str, student: str) -> Path:
    return Path(api.coursedir.format_path(api.coursedir.autograded_directory, student, assignment))


def _zero_grades(api: NbGraderAPI, assignment: str, student: str) -> None:
    """Every grade of the student's submission as nbgrader's autograde sets
    those of a notebook not handed in: auto score 0, none left to grade by
    hand. A manual grade given before stays (nbgrader never clears one: manual
    grades take precedence), so an unreadable resubmission does not erase the
    instructor's grading of the written answers."""
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        submission = gradebook.update_or_create_submission(assignment, student)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                grade.auto_score, grade.needs_manual_grade = 0, False
        gradebook.db.commit()


def _last_lines(text: str, count: int = 5) -> str:
    return " | ".join(line.strip() for line in text.strip().splitlines()[-count:])


def _write_feedback_page(api: NbGraderAPI, assignment: str, student: str, reports: dict) -> None:
    page = _autograded(api, assignment, student) / FEEDBACK_PAGE
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(report_html([entry["report"] for entry in reports.values()],
                                title=f"{assignment}: {student}"))


def write_scores(api: NbGraderAPI, assignment: str, destination: Path, errors: dict | None = None) -> list:
    """The class's scores, as the gradebook holds them, into a CSV file (one
    row per student: each test cell's score, the late penalty, the total);
    returns the rows."""
    rows = []
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gradebook:
        found = gradebook.find_assignment(assignment)
        for submission in sorted(found.submissions, key=lambda s: s.student_id):
            row = {"student": submission.student_id,
                   "timestamp": submission.timestamp.isoformat() if submission.timestamp else ""}
            for notebook in submission.notebooks:
                for grade in sorted(notebook.grades, key=lambda g: g.name):
                    row[grade.name] = grade.score
            penalty = submission.late_submission_penalty or 0.0
            row.update(raw_score=submission.score, late_penalty=penalty, score=submission.score - penalty,
                       max_score=found.max_score, error=(errors or {}).get(submission.student_id, ""))
            rows.append(row)
    if rows:
        with open(destination, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return rows
