"""The ch06 bank: ``WRONG`` is the catalogue of mistakes
(``autograder.mistakes.ch06``, one source for the grader and these
tests); ``RIGHT`` holds correct answers written unlike the reference, each
must score full marks.
"""
from . import answer
from autograder.mistakes.ch06 import (  # noqa: F401 (WRONG is the bank)
    WRONG, _AVERAGE, _CLOCKWORK, _LEAKY, _LEAKY_SHAPES_ONLY, _MU0_SHAPE, _SKIP, _START,
    _V_AND_ALPHA_SHAPE, _average, _leaky,
)

RIGHT = {
    "leaky_average": {
        "closed_form_weights_matrix": answer(_AVERAGE, _START, '''
            # mu(t) = alpha^t mu(0) + (1 - alpha) sum_{s <= t} alpha^(t - s) v(s), all steps at once
            T = v.shape[0]
            alpha = torch.as_tensor(alpha, dtype=v.dtype, device=v.device)
            steps = torch.arange(1, T + 1, dtype=v.dtype, device=v.device)
            lag = steps[:, None] - steps[None, :]
            shape = (T, T) + (1,) * len(step_shape)
            lag = lag.reshape(shape)
            weights = torch.where(lag >= 0, (1 - alpha) * alpha ** lag.clamp(min=0), torch.zeros_like(lag))
            start = alpha ** steps.reshape((T,) + (1,) * len(step_shape)) * mu
            return start + (weights * v.unsqueeze(0)).sum(dim=1)
        '''),
        "preallocated_with_index_writes": answer(_AVERAGE, _START, '''
            out = torch.empty_like(v)
            for t in range(v.shape[0]):
                mu = mu + (1 - alpha) * (v[t] - mu)      # the same update, rearranged
                out[t] = mu
            return out
        '''),
        "alpha_checked_with_item": answer(
            ("leaky_average(v, alpha, mu0=None)", _V_AND_ALPHA_SHAPE + _MU0_SHAPE), '''
            if isinstance(alpha, torch.Tensor):
                if alpha.min().item() < 0 or alpha.max().item() > 1:
                    raise ValueError(f"alpha must lie in [0, 1], got {alpha}")
            elif alpha < 0 or alpha > 1:
                raise ValueError(f"alpha must lie in [0, 1], got {alpha}")
        ''', _START, _average()),
    },
    "leaky_rnn_forward": {
        "F_linear_and_lerp": answer(_LEAKY, '''
            states, h_t = [], h0
            for x_t in x:
                candidate = torch.tanh(F.linear(x_t, U, b) + F.linear(h_t, W))
                h_t = torch.lerp(candidate, h_t, torch.as_tensor(alpha, dtype=x.dtype, device=x.device))
                states.append(h_t)
            return torch.stack(states)
        ''', imports="import torch\nimport torch.nn.functional as F"),
        "alpha_made_a_tensor_and_checked_with_python_if": answer(_LEAKY_SHAPES_ONLY, '''
            alpha = torch.as_tensor(alpha, dtype=x.dtype, device=x.device)
            try:
                alpha = alpha.expand(B, H)
            except RuntimeError:
                raise ValueError(f"alpha {tuple(alpha.shape)} does not broadcast to a state (B, H) = {(B, H)}")
            if (alpha < 0).any() or (alpha > 1).any():
                raise ValueError("alpha must lie in [0, 1]")
        ''', _leaky()),
        "states_written_into_new_zeros": answer(_LEAKY, '''
            h = x.new_zeros(T, B, H)
            h_t = h0
            for t in range(T):
                h_t = h_t + (1 - alpha) * (torch.tanh(b + h_t @ W.T + x[t] @ U.T) - h_t)
                h = torch.cat([h[:t], h_t[None], h[t + 1:]])
            return h
        '''),
    },
    "skip_rnn_forward": {
        "history_padded_with_h0": answer(_SKIP, '''
            history = [h0] * d                   # h(1-d), ..., h(0)
            for t in range(T):
                history.append(torch.tanh(b + history[-1] @ W1.T + history[-d] @ Wd.T + x[t] @ U.T))
            return torch.stack(history[d:])
        '''),
        "einsum_and_max_index": answer(_SKIP, '''
            past = [h0]
            for t in range(1, T + 1):
                recurrent = torch.einsum("bh,kh->bk", past[t - 1], W1)
                skipped = torch.einsum("bh,kh->bk", past[max(t - d, 0)], Wd)
                past.append(torch.tanh(b + recurrent + skipped + torch.einsum("bd,hd->bh", x[t - 1], U)))
            return torch.stack(past[1:])
        '''),
    },
    "clockwork_rnn_forward": {
        "only_the_ticking_modules_computed": answer(_CLOCKWORK, '''
            size = H // len(periods)
            blocks = range(len(periods))
            rows = lambda g: slice(g * size, (g + 1) * size)
            # module g reads the modules g2 with periods[g2] >= periods[g]
            block = lambda g, g2: W[rows(g), rows(g2)]
            reads = [torch.cat([block(g, g2) if periods[g2] >= periods[g] else torch.zeros_like(block(g, g2))
                                for g2 in blocks], dim=1) for g in blocks]
            states, h_t = [], h0
            for t in range(T):
                parts = []
                for g in blocks:
                    if t % periods[g] == 0:
                        parts.append(torch.tanh(b[rows(g)] + h_t @ reads[g].T + x[t] @ U[rows(g)].T))
                    else:
                        parts.append(h_t[:, rows(g)])
                h_t = torch.cat(parts, dim=1)
                states.append(h_t)
            return torch.stack(states)
        '''),
        "mask_from_a_period_tensor": answer(_CLOCKWORK, '''
            period = torch.tensor(unit_period, device=W.device)
            mask = (period[None, :] >= period[:, None]).to(W.dtype)
            states, h_t = [], h0
            for t in range(T):
                ticking = (t % period == 0).to(W.dtype)
                new = torch.tanh(b + h_t @ (W * mask).T + x[t] @ U.T)
                h_t = ticking * new + (1 - ticking) * h_t
                states.append(h_t)
            return torch.stack(states)
        '''),
    },
}
