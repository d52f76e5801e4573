"""Tests of rnncourse.regression, the sequence-to-one regressor of chapter 5 (and later chapters)."""

import pytest
import torch

from rnncourse import regression, tasks


@pytest.mark.parametrize("layer", [torch.nn.RNN, torch.nn.GRU, torch.nn.LSTM])
def test_the_prediction_reads_the_last_output(layer):
    torch.manual_seed(0)
    model = regression.LastStateRegressor(layer(2, 5, dtype=torch.float64), hidden_size=5, output_size=3)
    x = torch.randn(7, 4, 2, dtype=torch.float64)
    outputs, _ = model.recurrent(x)
    expected = outputs[-1] @ model.readout.weight.T + model.readout.bias
    assert model(x).shape == (4, 3)
    assert torch.allclose(model(x), expected)


def test_the_readout_follows_the_dtype_of_the_recurrent_layer():
    model = regression.LastStateRegressor(torch.nn.RNN(2, 3, dtype=torch.float64), hidden_size=3)
    assert model.readout.weight.dtype == torch.float64


def constant_model(value: float) -> regression.LastStateRegressor:
    """A regressor that always predicts ``value``."""
    model = regression.LastStateRegressor(torch.nn.RNN(2, 3), hidden_size=3)
    with torch.no_grad():
        model.readout.weight.zero_()
        model.readout.bias.fill_(value)
    return model


def test_predicting_the_mean_scores_the_baseline_of_the_adding_problem():
    model = constant_model(1.0)
    before = [p.clone() for p in model.parameters()]
    mse = regression.evaluate_mse(model, tasks.adding_problem, 10, seed=3, batch_size=20000)
    assert abs(mse - 1 / 6) < 0.01
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))
    assert all(p.grad is None for p in model.parameters())


def trained(seed: int, steps: int = 60) -> tuple[list[float], regression.LastStateRegressor]:
    """A small tanh RNN trained on the adding problem with T = 2 (adding the only two values)."""
    torch.manual_seed(0)
    model = regression.LastStateRegressor(torch.nn.RNN(2, 8), hidden_size=8)
    losses = regression.fit(model, tasks.adding_problem, 2, steps, seed=seed, batch_size=32, lr=0.03)
    return losses, model


def test_fit_learns_a_short_adding_problem_and_is_seeded():
    losses, model = trained(seed=1)
    assert len(losses) == 60
    assert regression.evaluate_mse(model, tasks.adding_problem, 2, seed=99) < 0.05 < 1 / 6
    assert trained(seed=1)[0] == losses
    assert trained(seed=2, steps=5)[0] != losses[:5]
