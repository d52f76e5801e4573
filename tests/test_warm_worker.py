"""The warm worker: one sandboxed process per grading process that has
imported torch and forks a fresh process for every submission.

Nothing a submission does reaches the next one graded by the same warm
worker, whether it tampers with its own process, leaves traces behind or
attacks the warm process itself. A probe submission, graded after each
tampering one, looks for every trace and sabotages its own answer when it
finds one, so it scores full marks only when nothing leaked; and a clean
submission graded after all of them gets the report it gets alone."""
import time

from nbformat.v4 import new_code_cell

from autograder import sandbox
from autograder.sandbox import close_warm_workers
from autograder.submissions import solved

from .conftest import full_marks, scores, submission_processes

CHAPTER, TARGET = "ch02", "rnn_step"


def sabotage(why: str) -> str:
    """Source that replaces the answer by a wrong one, naming ``why``."""
    return f"def {TARGET}(*args, **kwargs):\n    raise RuntimeError({why!r})\n"


def _ppid_attack(body: str) -> str:
    """A cell that tries ``body`` on the warm process (its parent) and, if
    the attempt works, sabotages the answer."""
    indented = "".join(f"    {line}\n" for line in body.splitlines())
    return (f"import ctypes, os\nwarm = os.getppid()\ntry:\n{indented}    worked = True\n"
            f"except OSError:\n    worked = False\nif worked:\n    " + sabotage("the attack worked").replace("\n", "\n    "))


TAMPERING = {
    "monkeypatches torch, numpy and builtins": (
        "import builtins, numpy, torch\ntorch.allclose = lambda *a, **k: True\n"
        "torch.Tensor.__matmul__ = lambda a, b: a\nnumpy.allclose = lambda *a, **k: True\n"
        "builtins.len = lambda x: 0\n"),
    "edits sys.modules": "import sys\nsys.modules['torch'] = None\nsys.modules['rnncourse.testing'] = None\n",
    "leaves files in /tmp, /dev/shm and its working directory": (
        "import os\nopen('/tmp/torch.py', 'w').write('raise SystemExit')\n"
        "open('math.py', 'w').write('raise SystemExit')\nos.makedirs('/tmp/locked/inner', exist_ok=True)\n"
        "os.chmod('/tmp/locked/inner', 0)\nos.chmod('/tmp/locked', 0)\nopen('/dev/shm/left', 'w').write('x')\n"),
    "leaves SysV shared memory": (
        "import ctypes\nlibc = ctypes.CDLL(None)\nassert libc.shmget(4242, 4096, 0o1000 | 0o666) >= 0\n"),
    "sets environment variables": (
        "import os\nos.environ['PYTHONPATH'] = '/tmp'\nos.environ['OMP_NUM_THREADS'] = '64'\n"),
    "leaves a thread running": (
        "import threading, time\n\ndef spin():\n    while True:\n"
        "        open('/tmp/thread-was-here', 'w').write('x')\n        time.sleep(0.01)\n\n"
        "threading.Thread(target=spin, daemon=True).start()\n"),
    "leaves a detached process that kills what it sees": (
        "import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        while True:\n"
        "            for pid in [int(p) for p in os.listdir('/proc') if p.isdigit()]:\n"
        "                if pid not in (1, os.getpid()):\n                    try:\n"
        "                        os.kill(pid, 9)\n                    except OSError:\n                        pass\n"
        "            time.sleep(0.01)\n    os._exit(0)\ntime.sleep(0.2)\n"),
    "installs signal handlers and an alarm": (
        "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "signal.signal(signal.SIGALRM, lambda *a: None)\nsignal.alarm(1)\n"),
    "changes the working directory": "import os\nos.chdir('/')\n",
    "changes torch's global state": (
        "import torch\ntorch.manual_seed(1234)\ntorch.set_default_dtype(torch.float64)\n"
        "torch.set_num_threads(2)\n"),
    "kills the warm process": "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n",
    "stops the warm process": "import os, signal\nos.kill(os.getppid(), signal.SIGSTOP)\n",
    "signals the warm process": (
        "import os, signal\nfor number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR1):\n"
        "    os.kill(os.getppid(), number)\n"),
}

# attacks that must fail: the tampering submission itself keeps full marks
BLOCKED = {
    "ptraces the warm process": _ppid_attack(
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "if libc.ptrace(16, warm, 0, 0) != 0:\n    raise OSError(ctypes.get_errno(), 'ptrace')"),
    "writes to the warm process's memory": _ppid_attack("open(f'/proc/{warm}/mem', 'r+b').write(b'x')"),
    "reads the warm process's memory": _ppid_attack("open(f'/proc/{warm}/mem', 'rb').read(1)"),
    "reads the warm process's environment and files": _ppid_attack(
        "open(f'/proc/{warm}/environ', 'rb').read()\nos.listdir(f'/proc/{warm}/fd')"),
}

PROBE = '''
import builtins, os, signal, sys, threading
import torch
traces = []
mounts = {line.split()[4] for line in open("/proc/self/mountinfo")}   # the sandbox's own binds
for folder in ("/tmp", "/dev/shm", "/dev/mqueue"):
    for root, dirs, files in os.walk(folder):
        dirs[:] = [name for name in dirs if os.path.join(root, name) not in mounts]
        traces += [os.path.join(root, name) for name in files if name != ".output"]
        traces += [os.path.join(root, name) for name in dirs   # torch's own cache folder is made at start
                   if name not in ("grader", "submission", "torchinductor_root")
                   and not any(mount.startswith(os.path.join(root, name) + "/") for mount in mounts)]
for kind in ("shm", "msg", "sem"):
    traces += [f"sysv {kind}"] * (len(open(f"/proc/sysvipc/{kind}").read().splitlines()) - 1)
mine = {1, os.getpid(), os.getppid()}
others = [pid for pid in map(int, filter(str.isdigit, os.listdir("/proc"))) if pid not in mine]
others = [pid for pid in others if "bwrap" not in open(f"/proc/{pid}/cmdline").read()]
traces += [f"process {pid}" for pid in others]
traces += [f"{threading.active_count()} threads"] * (threading.active_count() != 1)
traces += ["environment"] * (not os.environ.get("PYTHONPATH", "").startswith("/opt/grader:")
                             or os.environ.get("OMP_NUM_THREADS") != "1")
traces += ["cwd"] * (os.getcwd() != "/tmp/grader/submission")
traces += ["torch seed"] * (torch.initial_seed() != 0)
traces += ["torch dtype"] * (torch.get_default_dtype() is not torch.float32)
traces += ["torch threads"] * (torch.get_num_threads() != 1)
traces += ["torch patched"] * (torch.allclose.__module__ is None or type(torch.allclose).__name__ != "builtin_function_or_method")
traces += ["cuda initialised"] * torch.cuda.is_initialized()
traces += ["builtins"] * (type(builtins.len).__name__ != "builtin_function_or_method")
traces += ["signals"] * (signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
                         or signal.getsignal(signal.SIGINT) is not signal.default_int_handler)
'''


def with_cell(source: str):
    """The reference notebook with one more code cell at the top."""
    nb = solved(CHAPTER)
    nb.cells.insert(1, new_code_cell(source))
    return nb


def probe() -> object:
    """The reference notebook that looks for traces before any of its own
    cells runs, and sabotages its answer after the last one if it found any."""
    nb = with_cell(PROBE)
    nb.cells.append(new_code_cell("if traces:\n    " + sabotage("traces: ").replace("\n", "\n    ").replace(
        "'traces: '", "'traces: ' + ', '.join(traces)")))
    return nb


def failures(report) -> list:
    return [c["message"] for e in report["exercises"].values() for c in e["checks"] if not c["passed"]]


def test_nothing_a_submission_does_reaches_the_next(grade):
    close_warm_workers()
    alone = grade(solved(CHAPTER), CHAPTER)
    assert alone["score"] == alone["max_score"]
    clean_probe = grade(probe(), CHAPTER)
    assert clean_probe["score"] == clean_probe["max_score"], failures(clean_probe)
    for label, source in {**TAMPERING, **BLOCKED}.items():
        tampered = grade(with_cell(source), CHAPTER)
        if label in BLOCKED:
            assert scores(tampered) == full_marks(tampered), (label, failures(tampered))
        assert not submission_processes(), label
        after = grade(probe(), CHAPTER)
        assert after["score"] == after["max_score"], (label, failures(after))
    assert grade(solved(CHAPTER), CHAPTER) == alone


def test_a_submission_reaches_a_warm_worker_in_milliseconds(grade):
    grade(solved(CHAPTER), CHAPTER)   # the warm worker is up
    starts = []
    for _ in range(5):
        begun = time.perf_counter()
        with sandbox.Session(sandbox.Limits(), "cpu") as session:
            session.run_cell("pass")
            starts.append(time.perf_counter() - begun)
    assert sorted(starts)[2] < 0.25, starts   # ~20 ms here; the benchmark reports it


def test_intra_op_parallelism_in_a_submission_does_not_hang(grade):
    """The warm process starts no thread pool before forking (libgomp's would
    not survive it): a submission may use several threads."""
    cell = ("import torch\ntorch.set_num_threads(2)\na = torch.randn(1500, 1500)\n"
            "assert torch.isfinite(a @ a).all()\nassert torch.randperm(2 ** 16).sum() == 2 ** 15 * (2 ** 16 - 1)\n")
    started = time.monotonic()
    report = grade(with_cell(cell), CHAPTER)
    assert report["score"] == report["max_score"], failures(report)
    assert time.monotonic() - started < 30


def test_without_bubblewrap_the_same_design_runs_on_rlimits(grade, monkeypatch):
    monkeypatch.setattr(sandbox, "bubblewrap", lambda: None)
    try:
        assert sandbox.isolation() == "process"
        report = grade(solved(CHAPTER), CHAPTER)
        assert report["isolation"] == "process" and report["score"] == report["max_score"]
        looping = grade(with_cell("while True:\n    pass\n"), CHAPTER)
        assert looping["score"] == looping["max_score"]
        assert not submission_processes()
    finally:
        monkeypatch.undo()
        close_warm_workers()
