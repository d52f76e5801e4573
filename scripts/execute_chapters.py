"""Execute the chapters that the book's jupyter-cache does not hold yet, one
per core at a time, into the cache the book build reads.

``./course book`` runs this before ``jupyter-book build``. The build itself
executes the notebooks it finds no cached run of one after another, and each
chapter runs torch on a single thread (``torch.set_num_threads(1)``), so on a
2-core machine half the CPU stood idle for the longest part of the build.
Here the missing chapters run side by side, exactly as the build runs them
(jupyter-cache's ``single_nb_execution`` in the chapter's own folder, the
build's timeout), and each successful run is stored as the build would store
it, with its execution time; the build then only renders them. A chapter
that fails is not stored: the build executes it again and reports the error
(``-W`` fails the build).

    python scripts/execute_chapters.py [--workers N]
"""
import argparse
import os
import sys
import tempfile
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import nbformat
import yaml
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from jupyter_cache.executors.utils import single_nb_execution
from traitlets.config import Config

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("ch[0-9][0-9]_*.ipynb"))
CACHE = ROOT / "book" / "_build" / ".jupyter_cache"   # jupyter-book's, with --path-output book


def build_timeout() -> int:
    """The per-cell timeout of book/_config.yml's ``execute`` section."""
    config = yaml.safe_load((ROOT / "book" / "_config.yml").read_text())
    return int(config["execute"]["timeout"])


def private_sockets(folder: str) -> Config:
    """Kernel manager config: talk to the kernel over Unix sockets in ``folder``.

    Over TCP each kernel manager picks its ports by binding free ones and letting
    them go before the kernel binds them; two chapters starting side by side can
    draw the same port, and one kernel dies before it replies (one fresh-clone
    CI build failed so). Socket files in a folder of its own are this run's alone.
    """
    return Config({"KernelManager": {"transport": "ipc", "ip": os.path.join(folder, "kernel")}})


def execute(path: Path, timeout: int) -> tuple:
    """(executed notebook, seconds, None) or (None, seconds, the error's traceback).

    Any failure, a cell's error or a kernel that does not start, is returned,
    not raised: the build executes that chapter again and reports it.
    """
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="chapter-kernel-") as sockets:
        try:
            result = single_nb_execution(nb, cwd=str(path.parent), timeout=timeout, allow_errors=False,
                                         meta_override=True, config=private_sockets(sockets))
        except Exception:
            return None, time.perf_counter() - start, traceback.format_exc()
    if result.err is not None:
        return None, result.time, result.exc_string
    return nb, result.time, None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    workers = parser.parse_args().workers
    cache = get_cache(str(CACHE))
    missing = []
    for path in CHAPTERS:
        try:
            cache.match_cache_notebook(nbformat.read(path, as_version=4))
        except KeyError:
            missing.append(path)
    if not missing:
        return 0
    print(f"executing {len(missing)} chapter(s), {workers} at a time...", flush=True)
    start, timeout = time.perf_counter(), build_timeout()
    with ProcessPoolExecutor(max_workers=min(workers, len(missing))) as pool:
        # the later chapters train the larger models (ch06-ch08: 55-110 s here, ch01-ch05: under
        # 15 s each): started first, they leave the short ones to fill both cores at the end
        # (184 s instead of 198 s for eleven chapters, on the times of one fresh-clone build)
        runs = {pool.submit(execute, path, timeout): path for path in reversed(missing)}
        for run in as_completed(runs):
            path = runs[run]
            nb, seconds, error = run.result()
            if error is not None:
                print(f"{path.name}: failed after {seconds:.1f} s (the build will run it again and report it)",
                      flush=True)
                continue
            uri = cache.add_nb_to_project(str(path)).uri
            cache.cache_notebook_bundle(CacheBundleIn(nb, uri, data={"execution_seconds": seconds}),
                                        check_validity=False, overwrite=True)
            print(f"{path.name}: executed in {seconds:.1f} s", flush=True)
    print(f"chapters executed in {time.perf_counter() - start:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
