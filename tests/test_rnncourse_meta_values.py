"""Meta tensors with values (rnncourse.meta_values): code that reads a value
runs on 'meta' with the values it has on the CPU, and every tensor created on
the CPU regardless of the inputs' device is still rejected or left on the
CPU, as a GPU would reject it or leave it."""
import pytest
import torch

from rnncourse.meta_values import lacks_values, values_on_meta

DT = torch.float64


def on_meta(fn, *args):
    """``fn`` called with its tensor arguments moved to 'meta' inside
    values_on_meta(), its tensor results brought back to the CPU (their values)."""
    with values_on_meta():
        output = fn(*[a.to("meta") if isinstance(a, torch.Tensor) else a for a in args])
        return [t.cpu() if t.is_meta else t for t in output]


def inputs():
    generator = torch.Generator().manual_seed(0)
    return torch.randn(4, 3, generator=generator, dtype=DT), torch.randn(3, 3, generator=generator, dtype=DT)


def reads_values(x, W):
    """Correct code that reads values: .item(), float(), a Python if, .tolist(),
    a boolean mask, torch.tensor of Python numbers, list indices, in-place
    writes into a new tensor and a view."""
    h = torch.tanh(x @ W.T)
    if h.sum() > 0:                                   # a Python condition on a tensor
        h = -h
    scale = float(h.abs().max()) + h.norm().item()
    rows = h.sum(dim=1).tolist()
    out = h.new_zeros(h.shape)
    out[:, 0] = h.new_tensor(rows)
    out[[0, 2], 1] = torch.tensor([scale, 1.0], dtype=h.dtype, device=h.device)
    positive = h[h > 0]
    return out, positive, h.T.contiguous()[1:]


def gradients_per_step(x, W):
    """torch.autograd.grad and .backward() inside the function, a loss read with .item()."""
    W1 = W.detach().clone().requires_grad_(True)
    W2 = W.detach().clone().requires_grad_(True)
    total, h = 0.0, x.new_zeros(x.shape[1])
    with torch.enable_grad():
        for x_t in x:
            h = torch.tanh(W1 @ h.detach() + x_t)
            loss = (h ** 2).sum()
            loss.backward()
            total += loss.item()
        grad, = torch.autograd.grad((torch.tanh(x @ W2.T) ** 3).sum(), [W2])
    return W1.grad, grad, x.new_tensor(total)


@pytest.mark.parametrize("fn", [reads_values, gradients_per_step])
def test_values_on_meta_are_the_values_on_the_cpu(fn):
    expected = fn(*inputs())
    got = on_meta(fn, *inputs())
    assert len(got) == len(expected)
    for a, e in zip(got, expected):
        assert a.shape == e.shape and torch.allclose(a, e, rtol=1e-12, atol=1e-12)


def test_meta_alone_fails_on_a_value_with_a_message_lacks_values_recognises():
    x, W = (t.to("meta") for t in inputs())
    for read in (lambda: x.sum().item(), lambda: bool(x.sum() > 0), lambda: x.tolist(), lambda: x[x > 0],
                 lambda: torch.equal(x, x)):
        with pytest.raises(RuntimeError) as error:
            read()
        assert lacks_values(str(error.value)), str(error.value)
    with pytest.raises(RuntimeError) as error:
        x + torch.zeros(4, 3, dtype=DT)
    assert not lacks_values(str(error.value))


def after_a_value(make):
    """Code that reads a value, then mixes in the tensor ``make(x)``."""
    def fn(x, W):
        h = x @ W.T
        if h.sum().item() > -1e9:
            h = h + make(h)
        return [h]
    return fn


CPU_TENSORS = {
    "zeros without device=": lambda h: torch.zeros(h.shape, dtype=h.dtype),
    "device='cpu' hard-coded": lambda h: torch.ones(h.shape, dtype=h.dtype, device="cpu"),
    "torch.tensor of constants": lambda h: torch.tensor([1.0, 2.0, 3.0], dtype=h.dtype),
    "the values copied to the CPU": lambda h: h.cpu(),
    "a boolean mask on the CPU": lambda h: torch.where(torch.tensor([True, False, True]), h, 0.0),
}


@pytest.mark.parametrize("label", CPU_TENSORS)
def test_a_tensor_created_on_the_cpu_is_still_rejected_after_reading_a_value(label):
    with pytest.raises(RuntimeError, match="device"):
        on_meta(after_a_value(CPU_TENSORS[label]), *inputs())


def test_a_tensor_returned_from_the_cpu_stays_there():
    def total_on_the_cpu(x, W):
        return [torch.tensor(x.sum().item(), dtype=x.dtype)]
    assert on_meta(total_on_the_cpu, *inputs())[0].device.type == "cpu"


def test_a_meta_tensor_made_outside_the_block_holds_no_values():
    outside = torch.ones(3, device="meta")
    with values_on_meta(), pytest.raises(RuntimeError, match="holds no values"):
        outside.sum().item()
