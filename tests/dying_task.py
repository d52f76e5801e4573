"""A task for the executors' tests, in a module of its own: a spawned worker
imports the module of the task it runs, and a test module (with everything
it imports: nbgrader, torch, the banks) took 5-7 s a worker to import."""
import os


def doubled_or_dies(payload):
    """``payload * 2``; on "die", the worker process exits at once."""
    if payload == "die":
        os._exit(1)
    return payload * 2
