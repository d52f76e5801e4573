"""The grading report of a notebook that could not be graded at all.

Apart from the grader (``grading``) so that the processes that only hand out
jobs and record their reports (the class run's parent, nbgrader's side of
it) can make one without importing the grader, and torch with it.
"""


def error_report(path, device: str, message: str) -> dict:
    """The report of a notebook that could not be graded at all: 0 points and why."""
    return {"notebook": str(path), "device": device, "score": 0.0, "max_score": 0.0,
            "exercises": {}, "error": message}
