"""What the grader's processes do not import: the class run's parent (it
hands out jobs and records reports) imports no torch, and the grading
processes run torch's meta kernels without torch._dynamo
(autograder.harness.no_dynamo), while compiling still works."""
import subprocess
import sys

PROBE = r"""
import sys, torch
from autograder.harness.no_dynamo import first_meta_operation
first_meta_operation()
x, h = torch.randn(3, 4), torch.randn(3, 5)
W, U = torch.randn(5, 5), torch.randn(5, 4)
step = lambda x, h: torch.tanh(h @ W.T + torch.nn.functional.linear(x, U)).logsumexp(-1)
meta = step(x.to("meta"), h.to("meta"))
lstm = torch.nn.LSTM(4, 5, device="meta")(torch.empty(7, 3, 4, device="meta"))
print(meta.shape == (3,), "torch._dynamo" in sys.modules)
compiled = torch.compile(step, backend="eager")
print(torch.allclose(compiled(x, h), step(x, h)), "torch._dynamo" in sys.modules)
"""


def test_meta_operations_import_no_dynamo_and_compile_still_works():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.split() == ["True", "False", "True", "True"], out.stdout + out.stderr


PARENT = r"""
import sys
import autograder.cli, autograder.classroom, autograder.jobs, autograder.nbgrader_class, autograder.nbgrader_export
from autograder.devices import resolve_device
resolve_device("cpu")
print(sorted(m for m in sys.modules if m == "torch" or m.startswith("torch.")))
"""


def test_the_class_runs_parent_imports_no_torch():
    out = subprocess.run([sys.executable, "-c", PARENT], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
