"""Building blocks of the chapters' checks: the weights of the course's
networks, cases that must raise ValueError, and the judges of a function
that draws random numbers from the generator it is given."""
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


GLOBAL_RNG_MOVED = ("torch's global random state changed during the call (torch.manual_seed, or a random "
                    "function called without generator=)")


def valid_and_untouched_rng(read):
    """A judge: the student's result reads as valid (``read(case, student,
    device) -> (value, problem)``) and torch's global generator did not move."""
    def judge(case, reference, student, device):
        _, problem = read(case, student, device)
        return problem or (GLOBAL_RNG_MOVED if student.get("global_rng_moved") else None)
    return judge


def drawn_from_the_generator(what: str):
    """The joint judge of three calls: the same generator seed under two
    global seeds, then another generator seed. ``what`` names the result
    ("the tokens", "W") in the messages."""
    def joint(cases: list, students: list):
        first, again, other = (student["output"]["values"] for student in students)
        if not torch.equal(first, again):
            return f"{what} changed with torch's global random state: draw only from the generator argument"
        if torch.equal(first, other):
            return f"{what} came out the same from two generators seeded differently: draw from the generator argument"
        return None
    return joint
