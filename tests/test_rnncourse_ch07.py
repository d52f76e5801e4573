"""Tests of rnncourse.gated, the helpers of chapter 7 (gated RNNs)."""

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from rnncourse import gated

DT = torch.float64


@pytest.mark.parametrize("D,H", [(2, 8), (100, 256), (3, 1)])
@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_parameter_count_equals_the_modules_numel(kind, D, H):
    layer = gated.LAYERS[kind](D, H)
    assert gated.parameter_count(kind, D, H) == sum(p.numel() for p in layer.parameters())


def test_parameter_counts_of_the_gated_cells_are_multiples_of_the_vanilla_one():
    rnn = gated.parameter_count("RNN", 10, 20)
    assert gated.parameter_count("LSTM", 10, 20) == 4 * rnn
    assert gated.parameter_count("GRU", 10, 20) == 3 * rnn
    with pytest.raises(ValueError, match="kind"):
        gated.parameter_count("CW-RNN", 10, 20)


def test_peephole_parameter_count_adds_up_the_shapes_of_the_notes_cell():
    D, H = 5, 7
    shapes = [(3 * H, D), (3 * H, H), (3 * H,), (H, D), (H,)]   # W_x, U_c, b, W_c, b_c
    assert gated.peephole_parameter_count(D, H) == sum(int(np.prod(shape)) for shape in shapes)


def test_norms_back_from_T_of_a_linear_map_are_the_norms_of_its_powers():
    gen = torch.Generator().manual_seed(0)
    A = torch.randn(4, 4, generator=gen, dtype=DT) / 2
    xs = torch.randn(6, 4, generator=gen, dtype=DT)
    norms = gated.norms_back_from_T(lambda s, x: A @ s + x, torch.zeros(4, dtype=DT), xs)
    expected = [torch.linalg.matrix_norm(torch.linalg.matrix_power(A, k), ord=2) for k in range(7)]
    assert norms.shape == (7,) and norms.dtype == DT
    assert torch.allclose(norms, torch.stack(expected), rtol=1e-12)


def test_norms_back_from_T_of_a_block_ignore_the_rest_of_the_state():
    """s = [h; c] with c(t) = f * c(t-1) + h(t-1): the c-block of ds(T)/ds(t) is f**(T - t)."""
    f = torch.tensor([0.9, 0.5], dtype=DT)

    def step(s, x):
        h, c = s[:2], s[2:]
        return torch.cat([torch.tanh(3 * h + x), f * c + h])

    xs = torch.randn(5, 2, generator=torch.Generator().manual_seed(1), dtype=DT)
    norms = gated.norms_back_from_T(step, torch.ones(4, dtype=DT), xs, block=slice(2, 4))
    assert torch.allclose(norms, 0.9 ** torch.arange(6, dtype=DT), rtol=1e-12)


def test_train_on_adding_is_seeded_and_reports_the_run():
    first = gated.train_on_adding("GRU", T=4, hidden_size=3, steps=20, seed=5)
    again = gated.train_on_adding("GRU", T=4, hidden_size=3, steps=20, seed=5)
    other = gated.train_on_adding("GRU", T=4, hidden_size=3, steps=20, seed=6)
    assert first.kind == "GRU" and len(first.losses) == 20
    assert first.losses == again.losses and first.held_out_mse == again.held_out_mse
    assert first.losses != other.losses
    assert first.parameters == gated.parameter_count("GRU", 2, 3) + 3 + 1   # the readout: V (1, 3), c (1,)
    assert 0 < first.held_out_mse < 1 and first.seconds > 0
    assert isinstance(first.model.recurrent, torch.nn.GRU)
    with pytest.raises(ValueError, match="kind"):
        gated.train_on_adding("ESN", T=4, hidden_size=3, steps=1, seed=0)


def test_the_chapters_experiment_trains_on_the_adding_problem_of_chapter_5():
    assert gated.ADDING_EXPERIMENT["T"] == 100 and gated.ADDING_BASELINE == pytest.approx(0.1667, abs=1e-4)


def test_running_mean_and_the_first_step_below_a_level():
    losses = [1.0, 1.0, 0.5, 0.1, 0.1, 0.1]
    assert np.allclose(gated.running_mean(losses, 2), [1.0, 0.75, 0.3, 0.1, 0.1])
    assert gated.first_step_below(losses, 0.5, window=2) == 4      # steps 3 and 4: mean 0.3
    assert gated.first_step_below(losses, 0.05, window=2) is None
    with pytest.raises(ValueError, match="window"):
        gated.running_mean(losses, 7)
    at_the_baseline = [1 / 6] * 300
    assert gated.left_the_baseline(at_the_baseline + [0.01] * 100) == 375   # 75 steps of 0.01 in the last 100
    assert gated.left_the_baseline(at_the_baseline) is None


def test_plot_training_curves_draws_each_run_and_the_baseline():
    runs = [gated.AddingRun(kind, list(np.linspace(0.2, 0.01, 100)), 0.01, 1.0, 10, torch.nn.Linear(1, 1))
            for kind in ("RNN", "LSTM")]
    ax = Figure().subplots()
    gated.plot_training_curves(ax, runs, window=10)
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["RNN", "LSTM", "predict the mean (1/6)"]
    assert ax.get_lines()[1].get_color() == gated.COLORS["LSTM"]
    assert len(ax.get_lines()[0].get_xdata()) == 91 and ax.get_yscale() == "log"
