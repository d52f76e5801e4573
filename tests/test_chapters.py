"""Every chapter executes top to bottom, without an error, within its time
budget on this machine.

`./course test` builds the book first, and the build executes every chapter
(an error fails its -W build) and keeps what it executed in jupyter-cache,
keyed by the notebook's code and with the execution time. A chapter the
cache holds as it is now is therefore not executed a second time here; one it
does not hold (the book was not built, or the chapter changed since) is
executed here, the way the build does: in its own folder, with a timeout."""
import time

import nbclient
import nbformat
import pytest

from autograder import paths

CHAPTERS = sorted((paths.ROOT / "chapters").glob("ch[0-9][0-9]_*.ipynb"))
BUDGET_SECONDS = 180   # each chapter, on a 2-core CPU
CACHE = paths.ROOT / "book" / "_build" / ".jupyter_cache"


def seconds_in_the_build(nb) -> float | None:
    """The execution time the book build recorded for this very notebook."""
    if not CACHE.is_dir():
        return None
    from jupyter_cache import get_cache

    try:
        return get_cache(str(CACHE)).match_cache_notebook(nb).data["execution_seconds"]
    except KeyError:
        return None


def seconds_to_execute(nb, folder) -> float:
    start = time.perf_counter()
    nbclient.NotebookClient(nb, timeout=BUDGET_SECONDS, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}}).execute()
    return time.perf_counter() - start


@pytest.mark.parametrize("path", CHAPTERS, ids=[path.stem for path in CHAPTERS])
def test_chapter_executes_within_its_budget(path):
    nb = nbformat.read(path, as_version=4)
    seconds = seconds_in_the_build(nb)
    if seconds is None:
        seconds = seconds_to_execute(nb, path.parent)
    assert seconds < BUDGET_SECONDS, f"{path.name} took {seconds:.0f} s"
