"""Which device the checks run on."""
import sys
from pathlib import Path


def resolve_device(requested: str) -> str:
    """'auto' picks CUDA when present; 'cuda' without a GPU falls back to the
    CPU with a message on stderr."""
    if requested == "cpu":
        return "cpu"   # without importing torch: the class run's parent never needs it
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if requested == "cuda":
        print("autograder: --device cuda asked for, but no CUDA device is available; grading on the CPU",
              file=sys.stderr)
    return "cpu"


def likely_device(requested: str) -> str:
    """What ``resolve_device`` will most likely say, known without importing
    torch (an NVIDIA device node), so that the sandbox can start first."""
    return "cuda" if requested != "cpu" and Path("/dev/nvidia0").exists() else "cpu"
