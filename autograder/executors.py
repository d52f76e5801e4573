"""Where grading jobs run: one small interface, two engines behind it.

The class grader asks one thing of an engine: run ``task(payload)`` for many
payloads and hand back each outcome as soon as it is done, an exception in
place of a result when a job could not finish. ``task`` and its payloads must
be picklable (a module-level function and plain data).

* ``LocalProcesses``: a pool of spawned processes on this machine.
* ``DaskCluster``: Dask distributed; a ``LocalCluster`` by default, or the
  scheduler of a cluster that spans several machines (each worker needs this
  repository and its virtual environment, at any path).
"""
from __future__ import annotations

import atexit
import multiprocessing
import os
import sys
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

from . import sandbox
from .errors import UsageError


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


class Executor(ABC):
    """Runs jobs somewhere; a context manager that releases what it started."""

    workers: int

    @abstractmethod
    def as_completed(self, task: Callable, payloads: list) -> Iterator[tuple[int, object]]:
        """(index into ``payloads``, result or exception) for every payload,
        in the order the jobs finish."""

    def start(self) -> None:
        """Start the workers now, while the caller prepares the jobs (the
        first ``as_completed`` uses them); by default they start with it."""

    def close(self) -> None:
        """Stop what the executor started."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _local_worker(warm: str | None) -> None:
    """A pool process's initialiser: its warm sandbox for the device ``warm``
    starts now (``sandbox.prestart``), and its exit skips Python's teardown
    of torch (0.7-0.9 s, which the pool's shutdown waits for) once its
    sandboxes are closed."""
    if warm:
        sandbox.prestart(warm)
    atexit.register(_exit_once_closed)   # registered last, so it runs first


def _exit_once_closed() -> None:
    sandbox.close_warm_workers()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


class LocalProcesses(Executor):
    """``workers`` spawned processes (no forked copy of the parent's torch
    state); with ``warm``, each starts its warm sandbox for that device as
    soon as it starts (see ``sandbox.prestart``)."""

    def __init__(self, workers: int | None = None, warm: str | None = None):
        self.workers = workers or default_workers()
        self.warm = warm
        self._started = None   # a pool started by ``start``, not used yet

    def _new_pool(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_local_worker, initargs=(self.warm,))

    def start(self) -> None:
        """Spawn the workers now (each imports torch and warms its sandbox up,
        a few seconds) rather than when the first job is handed in."""
        if self._started is None:
            self._started = self._new_pool(self.workers)
            for _ in range(self.workers):   # a pool spawns a process for a job no idle one can take
                self._started.submit(os.getpid)

    def close(self) -> None:
        if self._started is not None:
            self._started.shutdown(wait=True)
            self._started = None

    def as_completed(self, task, payloads):
        """A process that dies breaks the whole pool and fails every job not
        yet done; those jobs run again. The pool starts jobs in order, so the
        ones running when it broke are among the oldest left: they are
        suspects, and a job suspected twice runs alone, where only a job that
        kills its own process fails."""
        strikes, pending = Counter(), list(range(len(payloads)))
        while pending:
            alone = [index for index in pending if strikes[index] >= 2][:1]
            workers = 1 if alone else self.workers
            broken, finished = [], set()
            for index, outcome in self._run(task, payloads, alone or pending, workers):
                if isinstance(outcome, BrokenProcessPool) and not alone:
                    broken.append(index)
                    continue
                finished.add(index)
                yield index, outcome
            for index in sorted(broken)[:workers + 1]:
                strikes[index] += 1
            pending = [index for index in pending if index not in finished]

    def _pool_for(self, workers: int, jobs: int) -> ProcessPoolExecutor:
        """The started pool, when it has the workers wanted; else a new one."""
        pool, self._started = self._started, None
        if pool is not None and workers == self.workers:
            return pool
        if pool is not None:
            pool.shutdown(wait=True)
        return self._new_pool(min(workers, jobs))

    def _run(self, task, payloads: list, indices: list, workers: int):
        pool = self._pool_for(workers, len(indices))
        with _stopped_when_left(pool):
            futures = {pool.submit(task, payloads[index]): index for index in indices}
            for future in as_completed(futures):
                try:
                    outcome = future.result()
                except Exception as exc:  # noqa: BLE001 - the caller reports it as that job's failure
                    outcome = exc
                yield futures[future], outcome


@contextmanager
def _stopped_when_left(pool: ProcessPoolExecutor):
    """The pool, shut down normally when every job is done; but when the
    caller stops early (Ctrl-C, an error, a generator closed), queued jobs
    are cancelled and the running ones killed instead of waited for (their
    sandboxes die with them)."""
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        for process in list((pool._processes or {}).values()):  # noqa: SLF001 - no public way to kill them
            process.kill()
        raise
    pool.shutdown(wait=True)


class DaskCluster(Executor):
    """Jobs on Dask distributed workers, one thread each.

    Without ``scheduler`` a ``LocalCluster`` of ``workers`` processes is
    started here and stopped by ``close``; with a scheduler address
    (``tcp://host:8786``) the jobs go to that cluster's workers.
    """

    def __init__(self, workers: int | None = None, scheduler: str | None = None, warm: str | None = None):
        from distributed import Client, LocalCluster

        self.workers = workers or default_workers()
        self.cluster = None
        if scheduler is None:
            self.cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None)
            self.client = Client(self.cluster)
        else:
            self.client = Client(scheduler)
            self.workers = len(self.client.scheduler_info()["workers"]) or self.workers
        if warm:
            self.client.run(sandbox.prestart, warm)   # returns at once: the sandbox warms up meanwhile

    def as_completed(self, task, payloads):
        from distributed import as_completed

        futures = self.client.map(task, payloads, pure=False)
        positions = {future.key: index for index, future in enumerate(futures)}
        for future in as_completed(futures):
            try:
                outcome = future.result()
            except Exception as exc:  # noqa: BLE001 - e.g. KilledWorker: that job's failure
                outcome = exc
            yield positions[future.key], outcome

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


ENGINES = ("local", "dask")


def make_executor(engine: str = "local", workers: int | None = None, scheduler: str | None = None,
                  warm: str | None = None) -> Executor:
    """The executor named on the command line (``--executor``, ``--scheduler``),
    whose workers warm up a sandbox for the device ``warm``."""
    if engine not in ENGINES:
        raise UsageError(f"unknown executor {engine!r}: one of {', '.join(ENGINES)}")
    if scheduler and engine != "dask":
        raise UsageError("--scheduler needs --executor dask")
    return DaskCluster(workers, scheduler, warm) if engine == "dask" else LocalProcesses(workers, warm)
