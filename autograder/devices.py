"""Which device the checks run on."""
import sys


def resolve_device(requested: str) -> str:
    """'auto' picks CUDA when present; 'cuda' without a GPU falls back to the
    CPU with a message on stderr."""
    import torch

    if requested == "cpu":
        return "cpu"
    if torch.cuda.is_available():
        return "cuda"
    if requested == "cuda":
        print("autograder: --device cuda asked for, but no CUDA device is available; grading on the CPU",
              file=sys.stderr)
    return "cpu"
