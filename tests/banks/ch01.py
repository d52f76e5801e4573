"""Wrong implementations of the ch01 graded functions; each must lose points.

Each answer makes one mistake, named by its label, and is otherwise right
(argument checks included), so the hidden check that must catch that
mistake is the one that fails. ``RIGHT`` holds correct answers written
unlike the reference; each must score full marks.
"""
WRONG = {
    "unroll": {
        "returns_s0_as_first_state": '''
import torch

def unroll(f, s0, theta, xs=None, steps=None):
    if (xs is None) == (steps is None):
        raise ValueError("give exactly one of xs and steps")
    inputs = xs if xs is not None else [None] * steps
    states, s = [], s0
    for x_t in inputs:
        states.append(s)
        s = f(s, x_t, theta)
    return torch.stack(states)
''',
        "includes_s0_T_plus_1_states": '''
import torch

def unroll(f, s0, theta, xs=None, steps=None):
    if (xs is None) == (steps is None):
        raise ValueError("give exactly one of xs and steps")
    inputs = xs if xs is not None else [None] * steps
    states, s = [s0], s0
    for x_t in inputs:
        s = f(s, x_t, theta)
        states.append(s)
    return torch.stack(states)
''',
        "calls_f_with_input_and_state_swapped": '''
import torch

def unroll(f, s0, theta, xs=None, steps=None):
    if (xs is None) == (steps is None):
        raise ValueError("give exactly one of xs and steps")
    inputs = xs if xs is not None else [None] * steps
    states, s = [], s0
    for x_t in inputs:
        s = f(x_t, s, theta)
        states.append(s)
    return torch.stack(states)
''',
        "ignores_the_inputs": '''
import torch

def unroll(f, s0, theta, xs=None, steps=None):
    if (xs is None) == (steps is None):
        raise ValueError("give exactly one of xs and steps")
    T = len(xs) if xs is not None else steps
    states, s = [], s0
    for _ in range(T):
        s = f(s, None, theta)
        states.append(s)
    return torch.stack(states)
''',
        "one_step_too_few_without_inputs": '''
import torch

def unroll(f, s0, theta, xs=None, steps=None):
    if (xs is None) == (steps is None):
        raise ValueError("give exactly one of xs and steps")
    states, s = [], s0
    if xs is not None:
        for x_t in xs:
            s = f(s, x_t, theta)
            states.append(s)
    else:
        for t in range(1, steps):
            s = f(s, None, theta)
            states.append(s)
    return torch.stack(states)
''',
        "accepts_both_xs_and_steps": '''
import torch

def unroll(f, s0, theta, xs=None, steps=None):
    if xs is None and steps is None:
        raise ValueError("give xs or steps")
    inputs = xs if xs is not None else [None] * steps
    states, s = [], s0
    for x_t in inputs:
        s = f(s, x_t, theta)
        states.append(s)
    return torch.stack(states)
''',
        "detaches_the_states": '''
import torch

def unroll(f, s0, theta, xs=None, steps=None):
    if (xs is None) == (steps is None):
        raise ValueError("give exactly one of xs and steps")
    inputs = xs if xs is not None else [None] * steps
    states, s = [], s0
    for x_t in inputs:
        s = f(s, x_t, theta).detach()
        states.append(s)
    return torch.stack(states)
''',
        "float32_cpu_buffer_for_the_states": '''
import torch

def unroll(f, s0, theta, xs=None, steps=None):
    if (xs is None) == (steps is None):
        raise ValueError("give exactly one of xs and steps")
    inputs = xs if xs is not None else [None] * steps
    states = torch.zeros((len(inputs),) + tuple(s0.shape))
    s = s0
    for t, x_t in enumerate(inputs):
        s = f(s, x_t, theta)
        states[t] = s
    return states
''',
        "overwrites_s0_in_place": '''
import torch

def unroll(f, s0, theta, xs=None, steps=None):
    if (xs is None) == (steps is None):
        raise ValueError("give exactly one of xs and steps")
    inputs = xs if xs is not None else [None] * steps
    states, s = [], s0
    for x_t in inputs:
        s.copy_(f(s, x_t, theta))
        states.append(s.clone())
    return torch.stack(states)
''',
    },
    "untied_gradient": {
        "gradient_of_the_last_step_only": '''
import torch

def untied_gradient(f, s0, theta, xs, loss_fn):
    copies = [theta.detach().clone().requires_grad_(True) for _ in range(len(xs))]
    states, s = [], s0
    for x_t, theta_t in zip(xs, copies):
        s = f(s, x_t, theta_t)
        states.append(s)
    loss = loss_fn(torch.stack(states))
    grads = torch.autograd.grad(loss, copies, allow_unused=True, materialize_grads=True)
    return grads[-1]
''',
        "mean_instead_of_sum_over_steps": '''
import torch

def untied_gradient(f, s0, theta, xs, loss_fn):
    copies = [theta.detach().clone().requires_grad_(True) for _ in range(len(xs))]
    states, s = [], s0
    for x_t, theta_t in zip(xs, copies):
        s = f(s, x_t, theta_t)
        states.append(s)
    loss = loss_fn(torch.stack(states))
    grads = torch.autograd.grad(loss, copies, allow_unused=True, materialize_grads=True)
    return torch.stack(grads).mean(dim=0)
''',
        "only_the_first_step_untied": '''
import torch

def untied_gradient(f, s0, theta, xs, loss_fn):
    theta_1 = theta.detach().clone().requires_grad_(True)
    states, s = [], s0
    for t, x_t in enumerate(xs):
        s = f(s, x_t, theta_1 if t == 0 else theta)
        states.append(s)
    loss = loss_fn(torch.stack(states))
    grad, = torch.autograd.grad(loss, [theta_1])
    return grad
''',
        "backward_writes_theta_grad": '''
import torch

def untied_gradient(f, s0, theta, xs, loss_fn):
    theta.requires_grad_(True)
    states, s = [], s0
    for x_t in xs:
        s = f(s, x_t, theta)
        states.append(s)
    loss_fn(torch.stack(states)).backward()
    return theta.grad.detach().clone()
''',
        "returns_a_gradient_that_requires_grad": '''
import torch

def untied_gradient(f, s0, theta, xs, loss_fn):
    copies = [theta.detach().clone().requires_grad_(True) for _ in range(len(xs))]
    states, s = [], s0
    for x_t, theta_t in zip(xs, copies):
        s = f(s, x_t, theta_t)
        states.append(s)
    loss = loss_fn(torch.stack(states))
    grads = torch.autograd.grad(loss, copies, create_graph=True, allow_unused=True, materialize_grads=True)
    return torch.stack(grads).sum(dim=0)
''',
        "copies_made_on_the_cpu_with_torch_tensor_tolist": '''
import torch

def untied_gradient(f, s0, theta, xs, loss_fn):
    copies = [torch.tensor(theta.tolist(), requires_grad=True) for _ in range(len(xs))]
    states, s = [], s0
    for x_t, theta_t in zip(xs, copies):
        s = f(s, x_t, theta_t)
        states.append(s)
    loss = loss_fn(torch.stack(states))
    grads = torch.autograd.grad(loss, copies, allow_unused=True, materialize_grads=True)
    return torch.stack(grads).sum(dim=0)
''',
        "accumulator_created_on_the_cpu": '''
import torch

def untied_gradient(f, s0, theta, xs, loss_fn):
    copies = [theta.detach().clone().requires_grad_(True) for _ in range(len(xs))]
    states, s = [], s0
    for x_t, theta_t in zip(xs, copies):
        s = f(s, x_t, theta_t)
        states.append(s)
    loss = loss_fn(torch.stack(states))
    grads = torch.autograd.grad(loss, copies, allow_unused=True, materialize_grads=True)
    total = torch.zeros(theta.shape)
    for grad in grads:
        total = total + grad
    return total
''',
    },
}

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
