"""Building blocks of the chapters' checks: the weights of the course's
networks and cases that must raise ValueError."""
import torch

from .core import Case, Dims, Inputs


def rnn_weights(inputs: Inputs, d: Dims, recurrent_in: int) -> dict:
    """U (H, D), W (H, recurrent_in), V (K, H), b (H,), c (K,): W maps the
    recurrent signal (the hidden state, H, or the previous output, K)."""
    return {"U": inputs.weight(d.H, d.D), "W": inputs.weight(d.H, recurrent_in),
            "V": inputs.weight(d.K, d.H), "b": inputs.uniform(d.H), "c": inputs.uniform(d.K)}


def shape_of(t: torch.Tensor) -> tuple:
    return tuple(t.shape)


def bad_case(args: dict, label: str) -> Case:
    """A call with the arguments ``args`` (in signature order) described by ``label``."""
    return Case(args=list(args.values()), label=label)


def with_replaced(args: dict, label: str, **changes) -> Case:
    """``args`` with some arguments replaced, as a bad call described by ``label``."""
    return bad_case({**args, **changes}, label)
