"""The ch09 reference solutions agree with independent computations (numpy
in float64, torch.nn.RNN, Python loops), and the check that ridge_readout
solves a linear system tells every way of inverting a matrix from every
legitimate solver, in float64 and float32."""
import numpy as np
import pytest
import torch

from autograder.checks.ch09 import inverses
from autograder.harness.invoke import invoke
from autograder.reference import load_references
from rnncourse.testing import torch_rnn_states

DT = torch.float64


@pytest.fixture(scope="module")
def ch09():
    return load_references("ch09")


def test_init_reservoir_matches_its_properties_by_numpy(ch09):
    W = ch09["init_reservoir"](120, 0.95, 0.15, torch.Generator().manual_seed(0)).numpy()
    assert abs(np.abs(np.linalg.eigvals(W)).max() - 0.95) < 1e-10
    assert abs((W != 0).mean() - 0.15) < 0.02
    assert np.linalg.norm(W, 2) > 0.95          # the spectral radius is below the largest singular value


def test_reservoir_states_is_a_tanh_network_with_leak_one_and_a_leaky_loop_otherwise(ch09):
    gen = torch.Generator().manual_seed(1)
    u, W_in = torch.randn(9, 2, generator=gen, dtype=DT), torch.randn(5, 2, generator=gen, dtype=DT)
    W, x0, b = torch.randn(5, 5, generator=gen, dtype=DT) / 2, torch.randn(5, generator=gen, dtype=DT), \
        torch.randn(5, generator=gen, dtype=DT)
    torch.testing.assert_close(ch09["reservoir_states"](u, W_in, W, 1.0, x0, b),
                               torch_rnn_states(u[:, None], x0[None], W_in, W, b)[:, 0])
    a, x, expected = 0.35, x0.numpy(), []
    for u_t in u.numpy():
        x = (1 - a) * x + a * np.tanh(W_in.numpy() @ u_t + W.numpy() @ x + b.numpy())
        expected.append(x)
    np.testing.assert_allclose(ch09["reservoir_states"](u, W_in, W, a, x0, b).numpy(), np.array(expected),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("T, ridge", [(40, 0.5), (40, 1e-6), (300, 3.0), (12, 0.0)])
def test_ridge_readout_is_the_closed_form_in_numpy(ch09, T, ridge):
    gen = np.random.default_rng(T)
    n, K = 7, 3
    X = gen.normal(size=(T, n)) + gen.uniform(1, 3, size=n)
    Y = X @ gen.normal(size=(K, n)).T + gen.uniform(-2, 2, size=K) + 0.1 * gen.normal(size=(T, K))
    X1 = np.hstack([X, np.ones((T, 1))])
    theta = np.linalg.solve(X1.T @ X1 + np.diag([ridge] * n + [0.0]), X1.T @ Y)
    W_out, b_out = ch09["ridge_readout"](torch.tensor(X), torch.tensor(Y), ridge)
    np.testing.assert_allclose(W_out.numpy(), theta[:n].T, rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(b_out.numpy(), theta[n], rtol=1e-9, atol=1e-10)


def test_esn_generate_is_a_closed_loop_in_numpy(ch09):
    gen = np.random.default_rng(3)
    n, K, steps, a = 8, 2, 12, 0.45
    W_in, W = gen.normal(size=(n, K)), gen.normal(size=(n, n)) / 3
    W_out, b_out, x, u = gen.normal(size=(K, n)) / 3, gen.normal(size=K), gen.normal(size=n), gen.normal(size=K)
    args = [torch.tensor(v) for v in (W_in, W, W_out, b_out, x, u)]
    expected = []
    for _ in range(steps):
        x = (1 - a) * x + a * np.tanh(W_in @ u + W @ x)
        u = W_out @ x + b_out
        expected.append(u)
    np.testing.assert_allclose(ch09["esn_generate"](*args, steps, a).numpy(), np.array(expected), rtol=1e-12)


# ----------------------------------------------------------------------------- inverse or solve

def _system(dtype):
    gen = torch.Generator().manual_seed(4)
    A = torch.randn(6, 6, generator=gen, dtype=dtype)
    return A @ A.T + torch.eye(6, dtype=dtype), torch.randn(6, 2, generator=gen, dtype=dtype)


INVERTING = {
    "linalg.inv": lambda A, B: torch.linalg.inv(A) @ B,
    "inverse": lambda A, B: torch.inverse(A) @ B,
    "Tensor.inverse": lambda A, B: A.inverse() @ B,
    "linalg.inv_ex": lambda A, B: torch.linalg.inv_ex(A)[0] @ B,
    "linalg.pinv": lambda A, B: torch.linalg.pinv(A) @ B,
    "pinverse": lambda A, B: torch.pinverse(A) @ B,
    "matrix_power(-1)": lambda A, B: torch.linalg.matrix_power(A, -1) @ B,
    "cholesky_inverse": lambda A, B: torch.cholesky_inverse(torch.linalg.cholesky(A)) @ B,
    "tensorinv": lambda A, B: torch.linalg.tensorinv(A, ind=1) @ B,
    "aten.linalg_inv": lambda A, B: torch.ops.aten.linalg_inv(A) @ B,
}
SOLVING = {
    "linalg.solve": lambda A, B: torch.linalg.solve(A, B),
    "linalg.solve_ex": lambda A, B: torch.linalg.solve_ex(A, B)[0],
    "linalg.lstsq": lambda A, B: torch.linalg.lstsq(A, B).solution,
    "cholesky + cholesky_solve": lambda A, B: torch.cholesky_solve(B, torch.linalg.cholesky(A)),
    "lu_factor + lu_solve": lambda A, B: torch.linalg.lu_solve(*torch.linalg.lu_factor(A), B),
    "cholesky + solve_triangular": lambda A, B: (lambda L: torch.linalg.solve_triangular(
        L.T, torch.linalg.solve_triangular(L, B, upper=False), upper=True))(torch.linalg.cholesky(A)),
    "eigh": lambda A, B: (lambda e: e[1] @ ((e[1].T @ B) / e[0][:, None]))(torch.linalg.eigh(A)),
}


def _reached(fn, dtype):
    A, B = _system(dtype)
    result = invoke(fn, {"fn": "solve", "args": [A, B], "record_ops": True, "grad_wrt": [0, 1]})
    assert result["ok"], result.get("error")
    return result["op_names"]


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("name", sorted(INVERTING))
def test_every_way_of_inverting_a_matrix_is_seen(name, dtype):
    assert inverses(_reached(INVERTING[name], dtype)), name


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("name", sorted(SOLVING))
def test_no_solver_is_mistaken_for_an_inverse(name, dtype):
    assert inverses(_reached(SOLVING[name], dtype)) == [], name
