"""The catalogue of common mistakes in the ch01 graded functions (``WRONG`` and
``SAYS``, as ``autograder.mistakes`` describes them).

Each answer makes one mistake, named by its label, and is otherwise right
(argument checks included), so the hidden check that must catch that
mistake is the one that fails.
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



SAYS = {
    "unroll": {
        "returns_s0_as_first_state": "s(0) is returned as the first state: the states are s(1)...s(T)",
        "includes_s0_T_plus_1_states": "T + 1 states are returned, s(0) included, where s(1)...s(T) are asked",
        "calls_f_with_input_and_state_swapped": "f is called with the input and the state swapped",
        "ignores_the_inputs": "the inputs xs are never passed to f",
        "one_step_too_few_without_inputs": "without inputs, the loop runs one step too few",
        "accepts_both_xs_and_steps": "giving both xs and steps is not rejected with ValueError",
        "detaches_the_states": "the states are detached: no gradient flows back through them",
        "float32_cpu_buffer_for_the_states": "the states' buffer is created as float32 on the CPU, not with "
                                             "the inputs' dtype and device",
        "overwrites_s0_in_place": "s0 is overwritten in place",
    },
    "untied_gradient": {
        "gradient_of_the_last_step_only": "only the last step's gradient is returned where the steps' "
                                          "gradients are summed",
        "mean_instead_of_sum_over_steps": "the per-step gradients are averaged where they are summed",
        "only_the_first_step_untied": "only the first step gets its own copy of theta",
        "backward_writes_theta_grad": "backward() writes theta.grad: compute gradients on copies",
        "returns_a_gradient_that_requires_grad": "the returned gradient still requires grad",
        "copies_made_on_the_cpu_with_torch_tensor_tolist": "the copies of theta are made on the CPU (through "
                                                           "a Python list), not on its device",
        "accumulator_created_on_the_cpu": "the accumulator is created on the CPU, not on theta's device",
    },
}
