"""The ch09 bank: ``WRONG`` is the catalogue of mistakes
(``autograder.mistakes.ch09``, one source for the grader and these
tests); ``RIGHT`` holds correct answers written unlike the reference, each
must score full marks.
"""
from . import answer
from autograder.mistakes.ch09 import (  # noqa: F401 (WRONG is the bank)
    WRONG, _AUGMENTED, _CENTRED, _GENERATE, _RESERVOIR, _RIDGE, _STATES,
)

RIGHT = {
    "init_reservoir": {
        "bernoulli_mask_uniform_values_and_item": answer(_RESERVOIR, '''
            probabilities = torch.full((n, n), float(density), dtype=torch.float64, device=generator.device)
            kept = torch.bernoulli(probabilities, generator=generator)
            values = torch.empty(n, n, dtype=torch.float64, device=generator.device).uniform_(-1, 1,
                                                                                            generator=generator)
            W = kept * values
            radius = float(torch.linalg.eigvals(W).abs().max().item())
            return W / radius * spectral_radius
        '''),
    },
    "reservoir_states": {
        "F_linear_and_a_list_of_rows": answer(_STATES, '''
            x = torch.zeros_like(W_in[:, 0]) if x0 is None else x0
            states = []
            for t in range(T):
                pre = F.linear(u[t], W_in, bias) + F.linear(x, W)
                x = x + leak_rate * (torch.tanh(pre) - x)
                states.append(x)
            return torch.stack(states, dim=0)
        ''', imports="import torch\nimport torch.nn.functional as F"),
    },
    "ridge_readout": {
        "lstsq_on_an_augmented_system": answer(_RIDGE, _AUGMENTED, '''
            # [X 1; sqrt(ridge) I 0] theta = [Y; 0]: least squares of the stacked system is the ridge problem.
            penalty = ridge ** 0.5 * torch.eye(n, n + 1, dtype=X.dtype, device=X.device)
            A = torch.cat([X1, penalty], dim=0)
            B = torch.cat([Y, Y.new_zeros(n, Y.shape[1])], dim=0)
            theta = torch.linalg.lstsq(A, B).solution
            return theta[:n].T, theta[n]
        '''),
        "cholesky_solve_on_the_normal_equations": answer(_RIDGE, _AUGMENTED, '''
            penalty = torch.diag(torch.cat([X.new_full((n,), float(ridge)), X.new_zeros(1)]))
            factor = torch.linalg.cholesky(X1.T @ X1 + penalty)
            theta = torch.cholesky_solve(X1.T @ Y, factor)
            return theta[:n].T, theta[n]
        '''),
        "lu_factor_and_lu_solve_centred": answer(_RIDGE, _CENTRED, '''
            LU, pivots = torch.linalg.lu_factor(Xc.T @ Xc + ridge * eye)
            W_out = torch.linalg.lu_solve(LU, pivots, Xc.T @ Yc).T
            b_out = (Y - X @ W_out.T).mean(dim=0)
            return W_out, b_out
        '''),
    },
    "esn_generate": {
        "F_linear_and_preallocated_rows_by_cat": answer(_GENERATE, '''
            x, u = x0, u0
            rows = []
            for _ in range(steps):
                x = x + leak_rate * (torch.tanh(F.linear(u, W_in) + F.linear(x, W)) - x)
                u = F.linear(x, W_out, b_out)
                rows.append(u[None])
            return torch.cat(rows, dim=0)
        ''', imports="import torch\nimport torch.nn.functional as F"),
    },
}
