"""Callables that a check may pass to a graded function, referred to by name.

Messages carry only tensors and plain data, so a case names a callable as
``{"callable": NAME}`` and a random-number generator as ``{"generator": SEED}``;
both sides resolve them here (a generator on the device of the call). None of these is a
solution to an exercise: they are the transition and loss functions that
exercises take as arguments.
"""
import torch


def affine_tanh(s, x, theta):
    """s(t) = tanh(A s(t-1) + B x(t) + c) with theta = (A, B, c) packed as
    one tensor of shape (S, S + X + 1); s: (B, S), x: (B, X) or None."""
    size = s.shape[-1]
    A, rest = theta[:, :size], theta[:, size:]
    pre = s @ A.T + rest[:, -1]
    if x is not None:
        pre = pre + x @ rest[:, :-1].T
    return torch.tanh(pre)


def scaled_sine(s, x, theta):
    """s(t) = sin(theta * s(t-1)) (+ x(t) when given); theta broadcasts with s."""
    out = torch.sin(theta * s)
    return out if x is None else out + x


def sum_of_squares(states):
    """A scalar loss of all states: sum of squares (states: (T, ...))."""
    return (states ** 2).sum()


def weighted_last_state(states):
    """A scalar loss that weighs later steps more: sum_t t * mean(s(t))."""
    steps = torch.arange(1, states.shape[0] + 1, dtype=states.dtype, device=states.device)
    return (steps * states.reshape(states.shape[0], -1).mean(dim=1)).sum()


REGISTRY = {
    function.__name__: function
    for function in (affine_tanh, scaled_sine, sum_of_squares, weighted_last_state)
}


def _generator(seed: int, device: str) -> torch.Generator:
    """A seeded generator on ``device`` (on the CPU for 'meta', which draws nothing)."""
    return torch.Generator(device="cpu" if device == "meta" else device).manual_seed(seed)


def resolve(value, device: str = "cpu"):
    """Replace every ``{"callable": NAME}`` inside ``value`` by the function and
    every ``{"generator": SEED}`` by a seeded ``torch.Generator`` on ``device``."""
    if isinstance(value, dict):
        if set(value) == {"callable"}:
            return REGISTRY[value["callable"]]
        if set(value) == {"generator"}:
            return _generator(int(value["generator"]), device)
        return {key: resolve(item, device) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(resolve(item, device) for item in value)
    return value
