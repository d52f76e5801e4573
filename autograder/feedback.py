"""The grader's report as text a person reads: the instructor's terminal, the
output of a test cell in nbgrader, a student's feedback file. One wording for
all three, and a student's HTML feedback page; it names each failed check and
its hint, never a hidden input."""
from pathlib import Path


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


def by_hand_text(report: dict) -> str:
    """The written questions the total leaves out, or "" when there are none."""
    questions = report.get("graded_by_hand") or {}
    return ("written questions, graded by hand and not in this total: "
            + ", ".join(f"{name} ({points:g} points)" for name, points in questions.items())) if questions else ""


def report_text(report: dict, title: str | None = None) -> str:
    """A whole notebook: its total, then every exercise (see ``exercise_text``)."""
    heading = f"{title or report['notebook']}: {report['score']:g} / {report['max_score']:g}"
    if "error" in report:
        return f"{heading}\n  not graded: {report['error']}\n"
    parts = [f"{heading} (device {report['device']}, sandbox {report['isolation']})\n"]
    if "note" in report:
        parts.append(f"  note: {report['note']}\n")
    for name, exercise in report["exercises"].items():
        body = "".join(f"  {line}\n" for line in exercise_text(exercise).splitlines())
        parts.append(f"{name}:\n{body}")
    by_hand = by_hand_text(report)
    return "".join(parts) + (f"{by_hand}\n" if by_hand else "")


PAGE_STYLE = """body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}td,th{text-align:left;padding:.3rem .5rem;
border-bottom:1px solid #ddd;vertical-align:top}.ok{color:#1a7f37}.fail{color:#c0392b}.hint{color:#555}"""


def report_html(reports: list, title: str) -> str:
    """A student's feedback page: the reports of their notebooks, every check
    with its name, pass or fail and, when it failed, its hint. Self-contained
    (no scripts, nothing remote)."""
    from html import escape

    body = [f"<h1>{escape(title)}</h1>"]
    for report in reports:
        body.append(f"<h2>{escape(Path(report['notebook']).name)}: "
                    f"{report['score']:g} / {report['max_score']:g} points</h2>")
        if "error" in report:
            body.append(f"<p class='fail'>Not graded: {escape(report['error'])}</p>")
        if "note" in report:
            body.append(f"<p class='hint'>Note: {escape(report['note'])}</p>")
        for name, exercise in report["exercises"].items():
            passed = sum(check["passed"] for check in exercise["checks"])
            body.append(f"<h3><code>{escape(name)}</code>: {exercise['score']:g} / {exercise['max_score']:g} "
                        f"({passed} of {len(exercise['checks'])} checks passed)</h3><table>"
                        "<tr><th>check</th><th>result</th><th>hint</th></tr>")
            for check in exercise["checks"]:
                verdict = "<td class='ok'>passed</td>" if check["passed"] else "<td class='fail'>failed</td>"
                hint = "" if check["passed"] else escape(check["message"])
                body.append(f"<tr><td>{escape(check['name'])}</td>{verdict}<td class='hint'>{hint}</td></tr>")
            body.append("</table>")
        by_hand = by_hand_text(report)
        if by_hand:
            body.append(f"<p class='hint'>{escape(by_hand.capitalize())}.</p>")
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{escape(title)}</title>"
            f"<style>{PAGE_STYLE}</style></head><body>{''.join(body)}</body></html>\n")
