"""The grader's report as text a person reads: the instructor's terminal, the
output of a test cell in nbgrader, a student's feedback file. One wording for
all three; it names each failed check and its hint, never a hidden input."""


def exercise_text(exercise: dict) -> str:
    """One exercise: how many checks passed, then each check, failed ones with their message."""
    passed = sum(check["passed"] for check in exercise["checks"])
    lines = [f"{passed} of {len(exercise['checks'])} checks passed "
             f"({exercise['score']:g} / {exercise['max_score']:g} points)"]
    for check in exercise["checks"]:
        lines.append(("  ok    " if check["passed"] else "  FAIL  ") + check["name"])
        if not check["passed"]:
            lines.append("        " + check["message"])
    return "\n".join(lines) + "\n"


def report_text(report: dict, title: str | None = None) -> str:
    """A whole notebook: its total, then every exercise (see ``exercise_text``)."""
    heading = f"{title or report['notebook']}: {report['score']:g} / {report['max_score']:g}"
    if "error" in report:
        return f"{heading}\n  not graded: {report['error']}\n"
    parts = [f"{heading} (device {report['device']}, sandbox {report['isolation']})\n"]
    for name, exercise in report["exercises"].items():
        body = "".join(f"  {line}\n" for line in exercise_text(exercise).splitlines())
        parts.append(f"{name}:\n{body}")
    return "".join(parts)
