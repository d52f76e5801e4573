"""The ch07 reference solutions agree with PyTorch's own modules (torch.nn.LSTMCell,
LSTM, GRUCell) to 1e-12 in float64, and the peephole cell with the notes'
equations written out gate by gate: the hidden checks compare the students'
answers with them, so they must be right."""
import pytest
import torch

from autograder.reference import load_references

DT = torch.float64
TOL = {"rtol": 1e-12, "atol": 1e-12}


@pytest.fixture(scope="module")
def ch07():
    return load_references("ch07")


def _randn(gen, *shape):
    return torch.randn(shape, generator=gen, dtype=DT)


def _loaded(module, **weights):
    """``module`` holding the given tensors as its parameters (copies)."""
    with torch.no_grad():
        for name, value in weights.items():
            getattr(module, name).copy_(value)
    return module


@pytest.mark.parametrize("B,D,H", [(3, 2, 5), (1, 4, 1)])
def test_lstm_cell_equals_torch_LSTMCell(ch07, B, D, H):
    gen = torch.Generator().manual_seed(B + D + H)
    x, h, c = _randn(gen, B, D), _randn(gen, B, H), _randn(gen, B, H)
    W_ih, W_hh, b_ih, b_hh = _randn(gen, 4 * H, D), _randn(gen, 4 * H, H), _randn(gen, 4 * H), _randn(gen, 4 * H)
    cell = _loaded(torch.nn.LSTMCell(D, H, dtype=DT), weight_ih=W_ih, weight_hh=W_hh, bias_ih=b_ih, bias_hh=b_hh)
    expected_h, expected_c = cell(x, (h, c))
    got_h, got_c = ch07["lstm_cell"](x, h, c, W_ih, W_hh, b_ih, b_hh)
    assert torch.allclose(got_h, expected_h, **TOL) and torch.allclose(got_c, expected_c, **TOL)


@pytest.mark.parametrize("B,D,H", [(3, 2, 5), (1, 4, 1)])
def test_gru_cell_equals_torch_GRUCell(ch07, B, D, H):
    gen = torch.Generator().manual_seed(B + D + H)
    x, h = _randn(gen, B, D), _randn(gen, B, H)
    W_ih, W_hh, b_ih, b_hh = _randn(gen, 3 * H, D), _randn(gen, 3 * H, H), _randn(gen, 3 * H), _randn(gen, 3 * H)
    cell = _loaded(torch.nn.GRUCell(D, H, dtype=DT), weight_ih=W_ih, weight_hh=W_hh, bias_ih=b_ih, bias_hh=b_hh)
    assert torch.allclose(ch07["gru_cell"](x, h, W_ih, W_hh, b_ih, b_hh), cell(x, h), **TOL)


@pytest.mark.parametrize("T,B", [(7, 3), (1, 1), (30, 2)])
def test_lstm_forward_equals_a_one_layer_torch_LSTM(ch07, T, B):
    D, H = 3, 4
    gen = torch.Generator().manual_seed(T * 10 + B)
    x, h0, c0 = _randn(gen, T, B, D), _randn(gen, B, H), _randn(gen, B, H)
    W_ih, W_hh, b_ih, b_hh = _randn(gen, 4 * H, D), _randn(gen, 4 * H, H), _randn(gen, 4 * H), _randn(gen, 4 * H)
    layer = _loaded(torch.nn.LSTM(D, H, dtype=DT), weight_ih_l0=W_ih, weight_hh_l0=W_hh, bias_ih_l0=b_ih,
                    bias_hh_l0=b_hh)
    expected, (expected_h, expected_c) = layer(x, (h0[None], c0[None]))
    h_all, (h_T, c_T) = ch07["lstm_forward"](x, h0, c0, W_ih, W_hh, b_ih, b_hh)
    assert h_T.shape == c_T.shape == (B, H)
    assert torch.allclose(h_all, expected, **TOL)
    assert torch.allclose(h_T, expected_h[0], **TOL) and torch.allclose(c_T, expected_c[0], **TOL)


def peephole_by_the_notes(x, c, W_x, U_c, b, W_c, b_c):
    """The notes' peephole LSTM for one sequence at a time, one gate per line, with
    column vectors: f = sigma(W_f x + U_f c + b_f), ..., c' = f c + i tanh(W_c x + b_c)."""
    H = c.shape[1]
    W_f, W_i, W_o = W_x.split(H)
    U_f, U_i, U_o = U_c.split(H)
    b_f, b_i, b_o = b.split(H)
    rows = []
    for x_b, c_b in zip(x, c):
        f = torch.sigmoid(W_f @ x_b + U_f @ c_b + b_f)
        i = torch.sigmoid(W_i @ x_b + U_i @ c_b + b_i)
        o = torch.sigmoid(W_o @ x_b + U_o @ c_b + b_o)
        c_new = f * c_b + i * torch.tanh(W_c @ x_b + b_c)
        rows.append((o * torch.tanh(c_new), c_new))
    return torch.stack([h for h, _ in rows]), torch.stack([c for _, c in rows])


def test_peephole_lstm_cell_equals_the_notes_equations(ch07):
    B, D, H = 4, 3, 5
    gen = torch.Generator().manual_seed(7)
    args = (_randn(gen, B, D), _randn(gen, B, H), _randn(gen, 3 * H, D), _randn(gen, 3 * H, H),
            _randn(gen, 3 * H), _randn(gen, H, D), _randn(gen, H))
    got_h, got_c = ch07["peephole_lstm_cell"](*args)
    expected_h, expected_c = peephole_by_the_notes(*args)
    assert torch.allclose(got_h, expected_h, **TOL) and torch.allclose(got_c, expected_c, **TOL)
