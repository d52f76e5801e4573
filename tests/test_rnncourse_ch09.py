"""Tests of rnncourse.reservoir (the helpers of chapter 9): the Mackey-Glass
integrator against finer steps and a closed form, the NRMSE, the echo state
network's pieces against direct computations, and the prediction set-up's
indexing (teacher forcing, free runs)."""

import math
from dataclasses import replace

import numpy as np
import pytest
import torch

from rnncourse import reservoir

DT = torch.float64


# ----------------------------------------------------------------------------- mackey_glass

def test_the_integrator_converges_at_fourth_order_against_finer_steps():
    runs = {h: reservoir.mackey_glass(301, h=h, discard=0.0) for h in (0.2, 0.1, 0.05)}
    coarse, fine = np.abs(runs[0.2] - runs[0.1]).max(), np.abs(runs[0.1] - runs[0.05]).max()
    assert fine < 1e-7
    assert coarse / fine > 7.5          # at least third order over [0, 300] (the jump at t = 0), fourth later
    first_interval = {h: reservoir.mackey_glass(18, h=h, discard=0.0) for h in (0.2, 0.1, 0.05)}
    ratio = (np.abs(first_interval[0.2] - first_interval[0.1]).max()
             / np.abs(first_interval[0.1] - first_interval[0.05]).max())
    assert 14 < ratio < 18              # fourth order on [0, tau], where the delayed term is the constant history


def test_on_the_first_delay_interval_the_solution_is_the_closed_form_of_a_linear_ode():
    # For 0 <= t <= tau, x(t - tau) = 1.2, so dx/dt = c - 0.1 x with c = 0.2 * 1.2 / (1 + 1.2^10).
    c = 0.2 * 1.2 / (1 + 1.2 ** 10)
    t = np.arange(18.0)
    exact = c / 0.1 + (1.2 - c / 0.1) * np.exp(-0.1 * t)
    assert np.abs(reservoir.mackey_glass(18, h=0.1, discard=0.0) - exact).max() < 1e-9


def test_samples_are_taken_every_sample_every_time_units_after_the_discard():
    dense = reservoir.mackey_glass(41, h=0.1, sample_every=0.5, discard=100.0)
    sparse = reservoir.mackey_glass(21, h=0.1, sample_every=1.0, discard=100.0)
    np.testing.assert_allclose(dense[::2], sparse, rtol=0, atol=1e-15)
    assert reservoir.mackey_glass(5, h=0.1, discard=50.0)[0] == reservoir.mackey_glass(60, h=0.1, discard=0.0)[50]


def test_the_series_lies_on_the_known_range_of_the_attractor():
    series = reservoir.mackey_glass(3000)
    assert 0.35 < series.min() < 0.5 and 1.25 < series.max() < 1.4
    assert 0.85 < series.mean() < 1.0


@pytest.mark.parametrize("arguments", [{"tau": 17.05}, {"h": 0.3, "tau": 0.6}, {"sample_every": 0.25}])
def test_a_step_that_does_not_divide_the_delays_is_refused(arguments):
    with pytest.raises(ValueError):
        reservoir.mackey_glass(10, **arguments)


# ----------------------------------------------------------------------------- nrmse

def test_nrmse_is_the_rms_error_over_the_standard_deviation():
    target = torch.tensor([0.0, 1.0, 2.0, 3.0], dtype=DT)
    assert reservoir.nrmse(target, target) == 0.0
    assert math.isclose(reservoir.nrmse(target.mean().expand(4), target), 1.0)
    assert math.isclose(reservoir.nrmse(target + 0.5, target, variance=1.0), 0.5)


# ----------------------------------------------------------------------------- the network

def test_the_network_has_the_target_radius_density_and_draws_from_its_own_generator_only():
    state = torch.get_rng_state()
    config = reservoir.ESNConfig(n=300, spectral_radius=1.1, density=0.05, input_scale=0.4)
    network = reservoir.EchoStateNetwork(config)
    assert torch.equal(state, torch.get_rng_state())
    assert abs(torch.linalg.eigvals(network.W).abs().max().item() - 1.1) < 1e-10
    assert abs((network.W != 0).double().mean().item() - 0.05) < 0.005
    assert network.W_in.shape == (300, 1) and network.W_in.abs().max() <= 0.4
    again = reservoir.EchoStateNetwork(config)
    assert torch.equal(network.W, again.W) and torch.equal(network.W_in, again.W_in)
    assert not torch.equal(network.W, reservoir.EchoStateNetwork(replace(config, seed=1)).W)


def test_with_leak_one_the_states_are_a_tanh_network_and_a_batch_is_its_sequences_one_by_one():
    gen = torch.Generator().manual_seed(1)
    network = reservoir.EchoStateNetwork(reservoir.ESNConfig(n=5, spectral_radius=0.8, density=0.6, seed=1))
    u, x0 = torch.randn(6, 3, 1, generator=gen, dtype=DT), torch.randn(3, 5, generator=gen, dtype=DT)
    rnn = torch.nn.RNN(1, 5, dtype=DT)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(network.W_in), rnn.weight_hh_l0.copy_(network.W)
        rnn.bias_ih_l0.zero_(), rnn.bias_hh_l0.zero_()
        torch.testing.assert_close(network.drive(u, start=x0), rnn(u, x0[None])[0])
    leaky = reservoir.EchoStateNetwork(replace(network.config, leak_rate=0.3))
    torch.testing.assert_close(leaky.drive(u[:, 1], start=x0[1]), leaky.drive(u, start=x0)[:, 1])
    x, expected = np.zeros(5), []
    for u_t in u[:, 0].numpy():
        x = 0.7 * x + 0.3 * np.tanh(leaky.W_in.numpy() @ u_t + leaky.W.numpy() @ x)
        expected.append(x)
    np.testing.assert_allclose(leaky.drive(u[:, 0]).numpy(), np.array(expected), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("ridge", [0.7, 1e-9, 0.0])
def test_the_readout_solves_the_augmented_normal_equations(ridge):
    gen = torch.Generator().manual_seed(2)
    X, Y = torch.randn(50, 4, generator=gen, dtype=DT) + 3, torch.randn(50, 2, generator=gen, dtype=DT) - 1
    readout = reservoir.Readout.fit(X, Y, ridge)
    X1 = np.hstack([X.numpy(), np.ones((50, 1))])
    theta = np.linalg.solve(X1.T @ X1 + np.diag([ridge] * 4 + [0.0]), X1.T @ Y.numpy())
    np.testing.assert_allclose(readout.weights.numpy(), theta[:4].T, atol=1e-12)
    np.testing.assert_allclose(readout.bias.numpy(), theta[4], atol=1e-12)
    torch.testing.assert_close(readout(X[:3]), X[:3] @ readout.weights.T + readout.bias)
    unaligned = [torch.empty(k * 37 + 1, dtype=DT) for k in range(5)]  # noqa: F841 (moves the next allocations)
    assert torch.equal(reservoir.Readout.fit(X.clone(), Y.clone(), ridge).weights, readout.weights)


def test_the_closed_loop_feeds_its_output_back_and_equals_driving_with_its_own_outputs():
    gen = torch.Generator().manual_seed(3)
    network = reservoir.EchoStateNetwork(reservoir.ESNConfig(n=6, spectral_radius=0.9, density=0.5, leak_rate=0.4))
    readout = reservoir.Readout(torch.randn(1, 6, generator=gen, dtype=DT) / 3, torch.randn(1, generator=gen, dtype=DT))
    x0, u0 = torch.randn(2, 6, generator=gen, dtype=DT), torch.randn(2, 1, generator=gen, dtype=DT)
    y = network.generate(readout, x0, u0, 8)
    assert y.shape == (8, 2, 1)
    fed = torch.cat([u0[None], y[:-1]])
    torch.testing.assert_close(y, readout(network.drive(fed, start=x0)))
    torch.testing.assert_close(network.generate(readout, x0[1], u0[1], 8), y[:, 1])


# ----------------------------------------------------------------------------- the prediction set-up

@pytest.fixture(scope="module")
def small_esn():
    u = torch.tensor(reservoir.mackey_glass(1200), dtype=DT)
    config = reservoir.ESNConfig(n=60, spectral_radius=0.9, leak_rate=0.8, input_scale=0.5, ridge=1e-8)
    return reservoir.MackeyGlassESN(config, u)


def test_the_first_step_of_a_free_run_is_the_teacher_forced_prediction(small_esn):
    readout = small_esn.fit(100, 800, 1e-8)
    starts = [850, 900, 1000]
    runs = small_esn.free_runs(readout, starts, 5)
    one_step = small_esn.one_step(readout, 800, 1100)
    torch.testing.assert_close(runs[0], one_step[[s - 800 for s in starts]])


def test_a_fitted_esn_predicts_far_better_than_the_mean_and_the_sweeps_have_one_value_per_setting(small_esn):
    u, config = small_esn.u, small_esn.config
    result = reservoir.fit_esn(u, config, 100, 800, [850, 950], horizon=20)
    assert result["one_step"] < 0.05 and result["at_horizon"] < 0.5
    radii = reservoir.sweep_radius(u, config, [0.5, 0.9], 100, 800, [850], horizon=10)
    ridges = reservoir.sweep_ridge(small_esn, [1e-8, 1e-4, 1.0], 100, 800, [850], horizon=10)
    assert all(len(v) == 2 for v in radii.values()) and all(len(v) == 3 for v in ridges.values())
    assert ridges["one_step"][0] < ridges["one_step"][2]


def test_two_copies_of_a_contracting_reservoir_converge():
    network = reservoir.EchoStateNetwork(reservoir.ESNConfig(n=50, spectral_radius=0.5, density=0.2, input_scale=0.5))
    u = torch.tensor(reservoir.mackey_glass(200), dtype=DT)[:, None]
    d = reservoir.state_distances(network, u, torch.Generator().manual_seed(5))
    assert d.shape == (200,) and d[0] > 1 and d[-1] < 1e-12
