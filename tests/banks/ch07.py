"""The ch07 bank: ``WRONG`` is the catalogue of mistakes
(``autograder.mistakes.ch07``, one source for the grader and these
tests); ``RIGHT`` holds correct answers written unlike the reference, each
must score full marks.
"""
from . import answer
from autograder.mistakes.ch07 import (  # noqa: F401 (WRONG is the bank)
    WRONG, _FORWARD, _GRU, _GRU_TERMS, _LSTM_CELL, _PEEPHOLE, _STEP,
)

RIGHT = {
    "lstm_cell": {
        "one_gate_at_a_time_with_F_linear": answer(_LSTM_CELL, '''
            def gate(k, squash):
                rows = slice(k * H, (k + 1) * H)
                return squash(F.linear(x, W_ih[rows], b_ih[rows]) + F.linear(h, W_hh[rows], b_hh[rows]))

            i, f, g, o = (gate(k, squash) for k, squash in enumerate(
                (torch.sigmoid, torch.sigmoid, torch.tanh, torch.sigmoid)))
            c_new = f * c + i * g
            return o * torch.tanh(c_new), c_new
        ''', imports="import torch\nimport torch.nn.functional as F"),
        "addmm_and_split_with_one_sigmoid": answer(_LSTM_CELL, '''
            gates = torch.addmm(b_ih + b_hh, torch.cat([x, h], dim=1), torch.cat([W_ih, W_hh], dim=1).T)
            i, f, g, o = torch.split(gates, H, dim=1)
            i, f, o = torch.sigmoid(torch.stack([i, f, o])).unbind(0)
            c_new = torch.addcmul(f * c, i, torch.tanh(g))
            return o * torch.tanh(c_new), c_new
        '''),
    },
    "peephole_lstm_cell": {
        "slices_and_a_written_out_sigmoid": answer(_PEEPHOLE, '''
            def sigmoid(a):
                return 1 / (1 + torch.exp(-a))

            pre = x @ W_x.T + c @ U_c.T + b
            f, i, o = (sigmoid(pre[:, k * H:(k + 1) * H]) for k in range(3))
            c_new = f * c + i * torch.tanh(x @ W_c.T + b_c)
            return o * torch.tanh(c_new), c_new
        '''),
    },
    "gru_cell": {
        "lerp_and_a_view_of_the_gates": answer(_GRU, '''
            x_r, x_z, x_n = (x @ W_ih.T + b_ih).view(B, 3, H).unbind(1)
            h_r, h_z, h_n = (h @ W_hh.T + b_hh).view(B, 3, H).unbind(1)
            r, z = torch.sigmoid(x_r + h_r), torch.sigmoid(x_z + h_z)
            return torch.lerp(torch.tanh(x_n + r * h_n), h, z)
        '''),
        "z_as_one_minus_sigmoid_of_minus_a": answer(_GRU, _GRU_TERMS, '''
            r, keep_new = torch.sigmoid(x_r + h_r), torch.sigmoid(-(x_z + h_z))
            n = torch.tanh(x_n + r * h_n)
            return keep_new * n + (1 - keep_new) * h
        '''),
    },
    "lstm_forward": {
        "states_written_into_new_empty": answer(_FORWARD, _STEP, '''
            h_all = x.new_empty(T, B, H)
            h, c = h0, c0
            for t in range(T):
                h, c = step(x[t] @ W_ih.T + b_ih, h, c)
                h_all[t] = h
            return h_all, (h, c)
        '''),
        "one_concatenated_weight_and_torch_cat": answer(_FORWARD, '''
            W = torch.cat([W_ih, W_hh], dim=1)                  # (4H, D + H)
            h, c, states = h0, c0, []
            for x_t in x:
                i, f, g, o = (torch.cat([x_t, h], dim=1) @ W.T + (b_ih + b_hh)).chunk(4, dim=1)
                c = f.sigmoid() * c + i.sigmoid() * g.tanh()
                h = o.sigmoid() * c.tanh()
                states.append(h.unsqueeze(0))
            return torch.cat(states), (h, c)
        '''),
    },
}
