"""The ch01 bank: ``WRONG`` is the catalogue of mistakes
(``autograder.mistakes.ch01``, one source for the grader and these
tests); ``RIGHT`` holds correct answers written unlike the reference, each
must score full marks.
"""
from autograder.mistakes.ch01 import WRONG  # noqa: F401 (the bank)

RIGHT = {
    "unroll": {
        "python_if_rejects_nan_inputs": '''
import torch

def unroll(f, s0, theta, xs=None, steps=None):
    if (xs is None) == (steps is None):
        raise ValueError("give exactly one of xs and steps")
    if xs is not None and torch.isnan(xs).any():
        raise ValueError("xs contains nan")
    inputs = xs if xs is not None else [None] * steps
    if len(inputs) < 1:
        raise ValueError("unroll needs at least one step")
    states, s = [], s0
    for x_t in inputs:
        s = f(s, x_t, theta)
        states.append(s)
    return torch.stack(states)
''',
        "states_written_into_new_empty": '''
import torch

def unroll(f, s0, theta, xs=None, steps=None):
    if (xs is None) == (steps is None):
        raise ValueError("give exactly one of xs and steps")
    T = len(xs) if xs is not None else steps
    if T < 1:
        raise ValueError("unroll needs at least one step")
    states, s = s0.new_empty((T, *s0.shape)), s0
    for t in range(T):
        s = f(s, None if xs is None else xs[t], theta)
        states[t] = s
    return states
''',
    },
    "untied_gradient": {
        "backward_on_fresh_copies": '''
import torch

def untied_gradient(f, s0, theta, xs, loss_fn):
    copies = [theta.detach().clone().requires_grad_(True) for _ in xs]
    with torch.enable_grad():
        s, states = s0, []
        for x_t, theta_t in zip(xs, copies):
            s = f(s, x_t, theta_t)
            states.append(s)
        loss_fn(torch.stack(states)).backward()
    return sum(torch.zeros_like(theta) if copy.grad is None else copy.grad for copy in copies)
''',
        "python_if_skips_zero_gradients": '''
import torch

def untied_gradient(f, s0, theta, xs, loss_fn):
    copies = [theta.detach().clone().requires_grad_(True) for _ in xs]
    with torch.enable_grad():
        s, states = s0, []
        for x_t, theta_t in zip(xs, copies):
            s = f(s, x_t, theta_t)
            states.append(s)
        grads = torch.autograd.grad(loss_fn(torch.stack(states)), copies, allow_unused=True)
    total = torch.zeros_like(theta)
    for grad in grads:
        if grad is not None and grad.abs().sum() > 0:
            total = total + grad
    return total
''',
    },
}
