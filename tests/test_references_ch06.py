"""The ch06 reference solutions agree with independent computations: the
unrolled sum of a moving average, PyTorch's torch.nn.RNN in the cases where
a leaky, skip or clockwork network reduces to a plain one, and the course's
own Clockwork generator (rnncourse.timescales)."""
import pytest
import torch

from autograder.reference import load_references
from rnncourse import timescales
from rnncourse.testing import torch_rnn_states

DT = torch.float64


@pytest.fixture(scope="module")
def ch06():
    return load_references("ch06")


def network(seed, T=7, B=3, D=2, H=6):
    """x (T, B, D), h0 (B, H), U (H, D), W (H, H), b (H,)."""
    gen = torch.Generator().manual_seed(seed)
    return (torch.randn(T, B, D, generator=gen, dtype=DT), torch.randn(B, H, generator=gen, dtype=DT),
            torch.randn(H, D, generator=gen, dtype=DT), torch.randn(H, H, generator=gen, dtype=DT) / H ** 0.5,
            torch.randn(H, generator=gen, dtype=DT))


def unrolled_average(v, alpha, mu0):
    """mu(t) = alpha^t mu0 + (1 - alpha) sum_{s <= t} alpha^(t - s) v(s), one step at a time in Python
    floats for a 2-d v (T, H) and a per-unit alpha (H,)."""
    T, H = v.shape
    out = torch.empty(T, H, dtype=DT)
    for t in range(1, T + 1):
        for i in range(H):
            a = float(alpha[i])
            out[t - 1, i] = a ** t * float(mu0[i]) + (1 - a) * sum(a ** (t - s) * float(v[s - 1, i])
                                                                  for s in range(1, t + 1))
    return out


def test_leaky_average_equals_the_unrolled_sum(ch06):
    gen = torch.Generator().manual_seed(0)
    v, mu0 = torch.randn(9, 4, generator=gen, dtype=DT), torch.randn(4, generator=gen, dtype=DT)
    alpha = torch.tensor([0.0, 0.3, 0.95, 1.0], dtype=DT)
    assert torch.allclose(ch06["leaky_average"](v, alpha, mu0), unrolled_average(v, alpha, mu0), rtol=1e-12)
    same = torch.full((4,), 0.7, dtype=DT)
    assert torch.allclose(ch06["leaky_average"](v, 0.7), unrolled_average(v, same, torch.zeros(4, dtype=DT)),
                          rtol=1e-12)


def test_leaky_network_with_alpha_0_is_the_tanh_network_and_with_alpha_1_stands_still(ch06):
    x, h0, U, W, b = network(1)
    assert torch.allclose(ch06["leaky_rnn_forward"](x, h0, U, W, b, 0.0), torch_rnn_states(x, h0, U, W, b),
                          rtol=1e-12)
    assert torch.equal(ch06["leaky_rnn_forward"](x, h0, U, W, b, 1.0), h0.expand(7, 3, 6))


def test_leaky_network_per_unit_mixes_each_unit_with_its_own_alpha(ch06):
    x, h0, U, W, b = network(2)
    alpha = torch.linspace(0.1, 0.9, 6, dtype=DT)
    h, expected = ch06["leaky_rnn_forward"](x, h0, U, W, b, alpha), []
    previous = h0
    for t in range(len(x)):
        update = torch.tanh(b + previous @ W.T + x[t] @ U.T)
        previous = torch.stack([alpha[i] * previous[:, i] + (1 - alpha[i]) * update[:, i] for i in range(6)], 1)
        expected.append(previous)
    assert torch.allclose(h, torch.stack(expected), rtol=1e-12)


def test_skip_network_with_d_1_is_the_tanh_network_with_W1_plus_Wd(ch06):
    x, h0, U, W1, b = network(3)
    Wd = network(4)[3]
    assert torch.allclose(ch06["skip_rnn_forward"](x, h0, U, W1, Wd, b, 1), torch_rnn_states(x, h0, U, W1 + Wd, b),
                          rtol=1e-12)


@pytest.mark.parametrize("d", [2, 3])
def test_skip_network_without_W1_splits_into_d_tanh_networks(ch06, d):
    x, h0, U, Wd, b = network(5, T=10)
    h = ch06["skip_rnn_forward"](x, h0, U, torch.zeros_like(Wd), Wd, b, d)
    for phase in range(d):          # steps phase+1, phase+1+d, ... form a chain started from h0
        assert torch.allclose(h[phase::d], torch_rnn_states(x[phase::d], h0, U, Wd, b), rtol=1e-12)


def test_skip_network_with_a_delay_longer_than_the_sequence_reads_h0(ch06):
    x, h0, U, W1, b = network(6, T=5)
    Wd = network(7)[3]
    extended = torch.cat([x, h0.expand(5, 3, 6)], dim=2)    # h(t-d) = h0 is one more input, Wd h0
    expected = torch_rnn_states(extended, h0, torch.cat([U, Wd], dim=1), W1, b)
    assert torch.allclose(ch06["skip_rnn_forward"](x, h0, U, W1, Wd, b, 9), expected, rtol=1e-12)


def test_clockwork_with_every_period_1_is_the_tanh_network(ch06):
    x, h0, U, W, b = network(8)
    assert torch.allclose(ch06["clockwork_rnn_forward"](x, h0, U, W, b, [1, 1, 1]),
                          torch_rnn_states(x, h0, U, W, b), rtol=1e-12)


def test_clockwork_first_step_is_one_step_of_the_tanh_network_with_the_masked_W(ch06):
    x, h0, U, W, b = network(9)
    periods = [4, 1, 2]
    masked = W * timescales.clockwork_mask(periods, 2).to(DT)
    h = ch06["clockwork_rnn_forward"](x, h0, U, W, b, periods)
    assert torch.allclose(h[:1], torch_rnn_states(x[:1], h0, U, masked, b), rtol=1e-12)


@pytest.mark.parametrize("periods,module_size", [([1, 2, 4, 8], 2), ([3, 1, 3], 2), ([1, 5], 3)])
def test_clockwork_equals_the_clockwork_generator(ch06, periods, module_size):
    """B = 1, h0 = 0 and the constant input 1: the states read out by V, c are the generator's outputs."""
    model = timescales.ClockworkGenerator(periods, module_size, seed=1, init_std=0.5)
    T = 19
    with torch.no_grad():
        h = ch06["clockwork_rnn_forward"](torch.ones(T, 1, 1, dtype=DT), torch.zeros(1, model.W.shape[0], dtype=DT),
                                          model.U, model.W, model.b, periods)
        assert torch.allclose(h[:, 0] @ model.V[0] + model.c, model(T), rtol=1e-12)
