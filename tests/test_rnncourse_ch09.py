"""Tests of rnncourse.reservoir (the helpers of chapter 9): the Mackey-Glass
integrator against finer steps and a closed form, the NRMSE, the echo state
network's pieces against direct computations, and the prediction set-up's
indexing (teacher forcing, free runs)."""

import math

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

def test_init_reservoir_has_the_target_radius_density_and_draws_from_its_generator_only():
    state = torch.get_rng_state()
    W = reservoir.init_reservoir(300, 1.1, 0.05, torch.Generator().manual_seed(0))
    assert torch.equal(state, torch.get_rng_state())
    assert abs(torch.linalg.eigvals(W).abs().max().item() - 1.1) < 1e-10
    assert abs((W != 0).double().mean().item() - 0.05) < 0.005
    assert torch.equal(W, reservoir.init_reservoir(300, 1.1, 0.05, torch.Generator().manual_seed(0)))


def test_reservoir_states_with_leak_one_is_a_tanh_network_and_batches_agree():
    gen = torch.Generator().manual_seed(1)
    u, W_in = torch.randn(6, 3, 2, generator=gen, dtype=DT), torch.randn(5, 2, generator=gen, dtype=DT)
    W, x0, bias = (torch.randn(5, 5, generator=gen, dtype=DT) / 3, torch.randn(3, 5, generator=gen, dtype=DT),
                   torch.randn(5, generator=gen, dtype=DT))
    batch = reservoir.reservoir_states(u, W_in, W, 1.0, x0=x0, bias=bias)
    rnn = torch.nn.RNN(2, 5, dtype=DT)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(W_in), rnn.weight_hh_l0.copy_(W), rnn.bias_ih_l0.copy_(bias), rnn.bias_hh_l0.zero_()
        torch.testing.assert_close(batch, rnn(u, x0[None])[0])
    single = reservoir.reservoir_states(u[:, 1], W_in, W, 0.3, x0=x0[1], bias=bias)
    torch.testing.assert_close(single, reservoir.reservoir_states(u, W_in, W, 0.3, x0=x0, bias=bias)[:, 1])


def test_ridge_readout_solves_the_augmented_normal_equations():
    gen = torch.Generator().manual_seed(2)
    X, Y = torch.randn(50, 4, generator=gen, dtype=DT) + 3, torch.randn(50, 2, generator=gen, dtype=DT) - 1
    W_out, b_out = reservoir.ridge_readout(X, Y, 0.7)
    X1 = np.hstack([X.numpy(), np.ones((50, 1))])
    theta = np.linalg.solve(X1.T @ X1 + np.diag([0.7] * 4 + [0.0]), X1.T @ Y.numpy())
    np.testing.assert_allclose(W_out.numpy(), theta[:4].T, atol=1e-12)
    np.testing.assert_allclose(b_out.numpy(), theta[4], atol=1e-12)


def test_the_free_run_feeds_its_output_back_and_equals_driving_with_its_own_outputs():
    gen = torch.Generator().manual_seed(3)
    W_in, W = torch.randn(6, 1, generator=gen, dtype=DT), torch.randn(6, 6, generator=gen, dtype=DT) / 3
    W_out, b_out = torch.randn(1, 6, generator=gen, dtype=DT) / 3, torch.randn(1, generator=gen, dtype=DT)
    x0, u0 = torch.randn(6, generator=gen, dtype=DT), torch.randn(1, generator=gen, dtype=DT)
    y = reservoir.free_run(W_in, W, W_out, b_out, x0, u0, 8, 0.4)
    fed = torch.cat([u0[None], y[:-1]])
    states = reservoir.reservoir_states(fed, W_in, W, 0.4, x0=x0)
    torch.testing.assert_close(y, states @ W_out.T + b_out)


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
    gen = torch.Generator().manual_seed(4)
    W = reservoir.init_reservoir(50, 0.5, 0.2, gen)
    W_in = torch.rand(50, 1, generator=gen, dtype=DT) - 0.5
    u = torch.tensor(reservoir.mackey_glass(200), dtype=DT)[:, None]
    d = reservoir.state_distances(W, W_in, u, 1.0, torch.Generator().manual_seed(5))
    assert d.shape == (200,) and d[0] > 1 and d[-1] < 1e-12
