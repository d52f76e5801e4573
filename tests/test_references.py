"""The reference solutions agree with independent computations (autograd,
PyTorch's built-ins, a plain loop over time): the hidden checks compare the
students' answers with them, so they must be right."""
import math

import pytest
import torch
import torch.nn.functional as F

from autograder.reference import load_references

DT = torch.float64


@pytest.fixture(scope="module")
def ch03():
    return load_references("ch03")


@pytest.fixture(scope="module")
def ch04():
    return load_references("ch04")


@pytest.fixture(scope="module")
def ch05():
    return load_references("ch05")


def output_recurrent_weights(gen, D=3, H=5, K=4, scale=1.0):
    U, W, V = (scale * torch.randn(shape, generator=gen, dtype=DT) for shape in ((H, D), (H, K), (K, H)))
    return U, W, V, torch.randn(H, generator=gen, dtype=DT), torch.randn(K, generator=gen, dtype=DT)


def step_by_step(x, fed, U, W, V, b, c):
    """o(t) of the output-recurrent model for the one-hot inputs ``fed (T, B, K)``."""
    return torch.stack([c + torch.tanh(b + fed[t] @ W.T + x[t] @ U.T) @ V.T for t in range(x.shape[0])])


def test_teacher_forcing_feeds_the_previous_target(ch03):
    gen = torch.Generator().manual_seed(0)
    T, B, K = 6, 3, 4
    x, y = torch.randn(T, B, 3, generator=gen, dtype=DT), torch.randint(K, (T, B), generator=gen)
    weights = output_recurrent_weights(gen, K=K)
    fed = torch.cat([torch.zeros(1, B, K, dtype=DT), F.one_hot(y[:-1], K).to(DT)])
    expected = step_by_step(x, fed, *weights)
    assert torch.allclose(ch03["teacher_forced_logits"](x, y, *weights), expected, rtol=1e-12, atol=1e-12)
    # eps = 1 is teacher forcing, eps = 0 free running
    sampled = ch03["scheduled_sampling_logits"](x, y, *weights, 1.0, torch.Generator().manual_seed(1))
    assert torch.allclose(sampled, expected, rtol=1e-12, atol=1e-12)
    free, tokens = ch03["free_running_logits"](x, *weights)
    own = ch03["scheduled_sampling_logits"](x, y, *weights, 0.0, torch.Generator().manual_seed(1))
    assert torch.allclose(own, free, rtol=1e-12, atol=1e-12)
    assert torch.equal(tokens, free.argmax(-1))
    fed_own = torch.cat([torch.zeros(1, B, K, dtype=DT), F.one_hot(tokens[:-1], K).to(DT)])
    assert torch.allclose(free, step_by_step(x, fed_own, *weights), rtol=1e-12, atol=1e-12)


def test_sampling_schedules(ch03):
    p = ch03["sampling_probability"]
    assert p(100, "linear", 1.0, c=0.004) == pytest.approx(0.6)
    assert p(10 ** 4, "linear", 1.0, c=0.004, eps_min=0.1) == pytest.approx(0.1)
    assert p(50, "exponential", 0.98) == pytest.approx(0.98 ** 50)
    assert p(30, "inverse_sigmoid", 10.0) == pytest.approx(10 / (10 + math.exp(3)))
    assert p(10 ** 6, "inverse_sigmoid", 10.0) == 0.0
    assert all(type(p(i, "inverse_sigmoid", 5.0)) is float for i in (0, 10 ** 9))


def network(gen, T=7, B=3, D=2, H=5, K=4, scale=1.0):
    x, y = torch.randn(T, B, D, generator=gen, dtype=DT), torch.randint(K, (T, B), generator=gen)
    h0 = torch.randn(B, H, generator=gen, dtype=DT)
    U, V = (torch.randn(shape, generator=gen, dtype=DT) for shape in ((H, D), (K, H)))
    W = scale * torch.randn(H, H, generator=gen, dtype=DT) / math.sqrt(H)
    return [x, y, h0, U, W, V, torch.randn(H, generator=gen, dtype=DT), torch.randn(K, generator=gen, dtype=DT)]


def autograd_loss_and_grads(x, y, h0, U, W, V, b, c, detach_every=None):
    """The course's loss and its gradients by autograd (optionally truncated)."""
    leaves = {name: t.clone().requires_grad_() for name, t in zip("h0 U W V b c".split(), (h0, U, W, V, b, c))}
    h, loss = leaves["h0"], 0.0
    for t in range(x.shape[0]):
        if detach_every and t > 0 and t % detach_every == 0:
            h = h.detach()
        h = torch.tanh(leaves["b"] + h @ leaves["W"].T + x[t] @ leaves["U"].T)
        loss = loss + F.cross_entropy(leaves["c"] + h @ leaves["V"].T, y[t], reduction="sum") / x.shape[1]
    grads = torch.autograd.grad(loss, list(leaves.values()))
    return loss.detach(), dict(zip(leaves, grads)), h.detach()


def assert_same_grads(got: dict, expected: dict, rtol: float):
    assert set(got) == set(expected)
    for name in expected:
        scale = expected[name].abs().max()
        assert (got[name] - expected[name]).abs().max() <= rtol * scale, name


@pytest.mark.parametrize("T,scale", [(1, 1.0), (7, 1.0), (30, 2.0)])
def test_bptt_by_hand_equals_autograd_to_1e8(ch04, T, scale):
    args = network(torch.Generator().manual_seed(T), T=T, scale=scale)
    expected_loss, expected, _ = autograd_loss_and_grads(*args)
    with torch.inference_mode():
        loss, grads = ch04["rnn_loss_and_grads"](*args)
    assert loss.item() == pytest.approx(expected_loss.item(), rel=1e-12)
    assert_same_grads(grads, expected, rtol=1e-8)


@pytest.mark.parametrize("T,k", [(7, 3), (6, 2), (5, 5), (4, 9), (5, 1)])
def test_truncated_bptt_equals_autograd_with_detached_chunks(ch04, T, k):
    args = network(torch.Generator().manual_seed(10 + T), T=T)
    expected_loss, expected, expected_h = autograd_loss_and_grads(*args, detach_every=k)
    loss, grads, h_T = ch04["truncated_bptt_grads"](*args, k)
    first_chunk = [args[0][:k], args[1][:k], *args[2:]]
    expected["h0"] = autograd_loss_and_grads(*first_chunk)[1]["h0"]   # h0 sees the first chunk only
    assert loss.item() == pytest.approx(expected_loss.item(), rel=1e-12)
    assert_same_grads(grads, expected, rtol=1e-10)
    assert torch.allclose(h_T, expected_h) and not h_T.requires_grad


def test_jacobians_and_norms_equal_autograd(ch05):
    gen = torch.Generator().manual_seed(3)
    T, H = 6, 4
    W = 1.5 * torch.randn(H, H, generator=gen, dtype=DT) / math.sqrt(H)
    x = torch.randn(T, 1, H, generator=gen, dtype=DT)

    def states_after(t0, h_start):
        """h(t0+1), ..., h(T) of one sequence as functions of h(t0) = h_start (1, H)."""
        h, states = h_start, []
        for t in range(t0, T):
            h = torch.tanh(h @ W.T + x[t])
            states.append(h)
        return states

    h = torch.stack(states_after(0, torch.zeros(1, H, dtype=DT)))      # (T, 1, H)
    jacobians = ch05["step_jacobians"](h, W)
    norms = ch05["gradient_norms_through_time"](h, W)
    for t in range(1, T):                                               # h(t) is h[t - 1]
        to_last = torch.autograd.functional.jacobian(lambda s: states_after(t, s)[-1], h[t - 1]).reshape(H, H)
        assert norms[0, t - 1].item() == pytest.approx(torch.linalg.matrix_norm(to_last, ord=2).item(), rel=1e-10)
        one_step = torch.autograd.functional.jacobian(lambda s: states_after(t, s)[0], h[t - 1]).reshape(H, H)
        assert torch.allclose(jacobians[t, 0], one_step, rtol=1e-10, atol=1e-12)
    assert norms[0, -1].item() == pytest.approx(1.0)


@pytest.mark.parametrize("scale,max_norm", [(1.0, 0.5), (1e-3, 1e-4), (2.0, 50.0)])
def test_clip_grad_norm_equals_torch(ch05, scale, max_norm):
    gen = torch.Generator().manual_seed(4)
    grads = [scale * torch.randn(shape, generator=gen, dtype=DT) for shape in ((3, 2), (4, 4), (5,))]
    parameters = [torch.zeros_like(g, requires_grad=True) for g in grads]
    for parameter, grad in zip(parameters, grads):
        parameter.grad = grad.clone()
    expected_norm = torch.nn.utils.clip_grad_norm_(parameters, max_norm)
    clipped, norm = ch05["clip_grad_norm"](grads, max_norm)
    assert norm.dim() == 0 and norm.item() == pytest.approx(expected_norm.item(), rel=1e-12)
    for got, parameter in zip(clipped, parameters):
        assert torch.allclose(got, parameter.grad, rtol=1e-12, atol=0)


def test_clip_grad_value_equals_torch(ch05):
    gen = torch.Generator().manual_seed(5)
    grads = [torch.randn(shape, generator=gen, dtype=DT) for shape in ((3, 2), (7,))]
    parameters = [torch.zeros_like(g, requires_grad=True) for g in grads]
    for parameter, grad in zip(parameters, grads):
        parameter.grad = grad.clone()
    torch.nn.utils.clip_grad_value_(parameters, 0.3)
    for got, parameter in zip(ch05["clip_grad_value"](grads, 0.3), parameters):
        assert torch.equal(got, parameter.grad)
