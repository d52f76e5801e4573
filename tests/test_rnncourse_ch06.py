"""Tests of rnncourse.timescales (the helpers of chapter 6)."""

import math

import pytest
import torch

from rnncourse import timescales

DT = torch.float64


# ----------------------------------------------------------------------------- memory_horizon

def test_the_memory_horizon_of_a_geometric_response_is_the_first_lag_below_one_over_e():
    alphas = torch.tensor([0.5, 0.9, 0.99], dtype=DT)
    lags = torch.arange(400, dtype=DT)
    response = (1 - alphas)[:, None] * alphas[:, None] ** lags
    expected = [math.ceil(-1 / math.log(a)) for a in alphas.tolist()]
    assert timescales.memory_horizon(response).tolist() == expected == [2, 10, 100]


def test_the_memory_horizon_of_a_single_response_is_a_0_dim_tensor():
    horizon = timescales.memory_horizon(torch.tensor([1.0, 0.5, 0.3, 0.1]))
    assert horizon.shape == () and horizon.item() == 2


def test_a_response_that_never_falls_to_one_over_e_is_refused():
    with pytest.raises(ValueError, match="never falls"):
        timescales.memory_horizon(0.99 ** torch.arange(50, dtype=DT))


# ----------------------------------------------------------------------------- path_lengths

def test_one_group_of_delay_1_needs_one_connection_per_step():
    assert timescales.path_lengths([1], 7) == [0, 1, 2, 3, 4, 5, 6, 7]


@pytest.mark.parametrize("d", [2, 3, 8])
def test_a_fast_and_a_slow_group_jump_then_step(d):
    assert timescales.path_lengths([1, d], 50) == [L // d + L % d for L in range(51)]


def test_a_single_slow_group_reaches_only_multiples_of_its_delay():
    lengths = timescales.path_lengths([3], 9)
    assert lengths == [0, math.inf, math.inf, 1, math.inf, math.inf, 2, math.inf, math.inf, 3]


def test_a_hierarchy_of_delays_keeps_paths_short():
    lengths = timescales.path_lengths([1, 2, 4, 8, 16, 32, 64], 320)
    assert max(lengths) <= 12 and lengths[320] == 5 and lengths[64] == 1


@pytest.mark.parametrize("delays,L", [([], 3), ([1, 0], 3), ([1], -1)])
def test_path_lengths_refuse_bad_arguments(delays, L):
    with pytest.raises(ValueError):
        timescales.path_lengths(delays, L)


# ----------------------------------------------------------------------------- the clockwork's structure

def test_the_mask_lets_each_module_read_the_modules_at_least_as_slow():
    mask = timescales.clockwork_mask([1, 2, 4], module_size=2)
    blocks = mask[::2, ::2]                     # one entry per pair of modules
    assert torch.equal(blocks, torch.tensor([[True, True, True], [False, True, True], [False, False, True]]))
    assert mask.shape == (6, 6) and mask.sum() == 4 * 6


def test_the_mask_compares_periods_not_module_numbers():
    mask = timescales.clockwork_mask([4, 1, 4])
    assert torch.equal(mask, torch.tensor([[True, False, True], [True, True, True], [True, False, True]]))


def test_the_update_schedule_ticks_at_multiples_of_the_periods_from_step_0():
    schedule = timescales.update_schedule([1, 2, 3], 7)
    assert schedule.shape == (7, 3)
    assert schedule[:, 0].all()
    assert schedule[:, 1].tolist() == [True, False, True, False, True, False, True]
    assert schedule[:, 2].tolist() == [True, False, False, True, False, False, True]


@pytest.mark.parametrize("periods", [[], [1, 0], [2, 1.5], [-1]])
def test_bad_periods_are_refused(periods):
    with pytest.raises(ValueError):
        timescales.clockwork_mask(periods, 2)


# ----------------------------------------------------------------------------- multi_period_signal

def test_the_signal_mixes_the_periods_with_seeded_phases():
    signal = timescales.multi_period_signal(T=320, periods=(8, 40), seed=1, peak=0.5)
    assert signal.shape == (320,) and signal.dtype == DT
    assert math.isclose(signal.abs().max().item(), 0.5, rel_tol=1e-12)
    assert torch.equal(signal, timescales.multi_period_signal(T=320, periods=(8, 40), seed=1, peak=0.5))
    assert not torch.equal(signal, timescales.multi_period_signal(T=320, periods=(8, 40), seed=2, peak=0.5))
    spectrum = torch.fft.rfft(signal).abs()          # 320 steps: periods 8 and 40 are bins 40 and 8
    assert set(spectrum.topk(2).indices.tolist()) == {8, 40}


# ----------------------------------------------------------------------------- the generators

def reference_clockwork(model, T):
    """The outputs of a ClockworkGenerator computed module by module with Python conditions."""
    periods, size = model.periods, model.W.shape[0] // len(model.periods)
    h = torch.zeros(model.W.shape[0], dtype=model.W.dtype)
    outputs = []
    for t in range(T):
        new = h.clone()
        for g, period in enumerate(periods):
            if t % period == 0:
                rows = slice(g * size, (g + 1) * size)
                pre = model.b[rows] + model.U[rows, 0]
                for g2, other in enumerate(periods):
                    if other >= period:
                        columns = slice(g2 * size, (g2 + 1) * size)
                        pre = pre + model.W[rows, columns] @ h[columns]
                new[rows] = torch.tanh(pre)
        h = new
        outputs.append(model.c[0] + model.V[0] @ h)
    return torch.stack(outputs)


def test_the_clockwork_generator_follows_its_equations():
    model = timescales.ClockworkGenerator([1, 2, 4], module_size=2, seed=3, init_std=0.5)
    with torch.no_grad():
        assert torch.allclose(model(11), reference_clockwork(model, 11), rtol=1e-12, atol=1e-14)


def test_one_module_of_period_1_is_a_simple_recurrent_network():
    model = timescales.ClockworkGenerator([1], module_size=5, seed=0, init_std=0.5)
    rnn = torch.nn.RNN(1, 5, dtype=DT)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(model.U)
        rnn.weight_hh_l0.copy_(model.W)
        rnn.bias_ih_l0.copy_(model.b)
        rnn.bias_hh_l0.zero_()
        states, _ = rnn(torch.ones(9, 1, 1, dtype=DT))
        assert torch.allclose(model(9), states[:, 0] @ model.V[0] + model.c, rtol=1e-12)
    assert model.parameter_count() == 25 + 3 * 5 + 1


def test_a_slow_module_holds_its_state_between_ticks():
    model = timescales.ClockworkGenerator([1, 4], module_size=1, seed=0, init_std=0.5)
    with torch.no_grad():
        model.V.copy_(torch.tensor([[0.0, 1.0]], dtype=DT))   # read out the slow unit only
        model.c.zero_()
        slow = model(9)
    assert torch.equal(slow[0:4], slow[0].expand(4)) and torch.equal(slow[4:8], slow[4].expand(4))
    assert slow[4] != slow[0] and slow[8] != slow[4]


def test_the_parameter_counts_of_the_chapters_networks():
    assert timescales.ClockworkGenerator([2 ** g for g in range(7)], module_size=4).parameter_count() == 533
    assert timescales.ClockworkGenerator([1], module_size=22).parameter_count() == 551
    lstm = timescales.LSTMGenerator(10)
    assert lstm.parameter_count() == 4 * 10 * (1 + 10 + 2) + 10 + 1 == 531


def test_the_initialisation_is_seeded_and_gaussian():
    a, b = timescales.LSTMGenerator(8, seed=4), timescales.LSTMGenerator(8, seed=4)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    weights = torch.cat([p.flatten() for p in timescales.ClockworkGenerator([1], 40, seed=1).parameters()])
    assert abs(weights.std().item() - 0.1) < 0.01


def test_the_lstm_generator_reads_a_constant_input():
    model = timescales.LSTMGenerator(3, seed=0, init_std=0.5)
    with torch.no_grad():
        outputs, _ = model.lstm(torch.ones(6, 1, 1, dtype=DT))
        assert torch.allclose(model(6), model.readout(outputs[:, 0])[:, 0])


def test_fit_generator_lowers_the_error_and_is_seeded():
    target = timescales.multi_period_signal(T=40, periods=(4, 16), seed=0)

    def run():
        model = timescales.ClockworkGenerator([1, 2, 4, 8], module_size=2, seed=0)
        before = timescales.generation_mse(model, target)
        losses = timescales.fit_generator(model, target, 40, lr=0.05)
        return before, losses, timescales.generation_mse(model, target)

    before, losses, after = run()
    assert len(losses) == 40 and math.isclose(losses[0], before, rel_tol=1e-12)
    assert after < 0.1 * before
    assert run()[1] == losses
