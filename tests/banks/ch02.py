"""The ch02 bank: ``WRONG`` is the catalogue of mistakes
(``autograder.mistakes.ch02``, one source for the grader and these
tests); ``RIGHT`` holds correct answers written unlike the reference, each
must score full marks.
"""
from . import answer
from autograder.mistakes.ch02 import (  # noqa: F401 (WRONG is the bank)
    WRONG, _F, _FORWARD, _NLL, _OUTPUT_RECURRENT, _SEQ2VEC, _STEP,
)

RIGHT = {
    "rnn_step": {
        "F_linear": answer(_STEP, '''
            return torch.tanh(F.linear(x_t, U, b) + F.linear(h_prev, W))
        ''', imports=_F),
        "addmm": answer(_STEP, '''
            return torch.tanh(torch.addmm(b, h_prev, W.T) + x_t @ U.T)
        '''),
    },
    "rnn_forward": {
        "F_linear_into_new_empty_buffers": answer(_FORWARD, '''
            h, o = x.new_empty(T, B, H), x.new_empty(T, B, K)
            h_t = h0
            for t in range(T):
                h_t = torch.tanh(F.linear(x[t], U, b) + F.linear(h_t, W))
                h[t], o[t] = h_t, F.linear(h_t, V, c)
            return o, h
        ''', imports=_F),
    },
    "output_recurrent_forward": {
        "F_linear_in_the_loop": answer(_OUTPUT_RECURRENT, '''
            outputs, states, o_t = [], [], o0
            for x_t in x:
                h_t = torch.tanh(F.linear(x_t, U, b) + F.linear(o_t, W))
                o_t = F.linear(h_t, V, c)
                states.append(h_t)
                outputs.append(o_t)
            return torch.stack(outputs), torch.stack(states)
        ''', imports=_F),
    },
    "sequence_to_vector_forward": {
        "python_if_rejects_nan_inputs": answer(_SEQ2VEC, '''
            if torch.isnan(x).any().item():
                raise ValueError("x contains nan")
            h_t = h0
            for x_t in x:
                h_t = torch.tanh(b + h_t @ W.T + x_t @ U.T)
            return c + h_t @ V.T
        '''),
    },
    "sequence_nll": {
        "cross_entropy": answer(_NLL, '''
            return F.cross_entropy(o.reshape(T * B, K), y.reshape(T * B), reduction="sum") / B
        ''', imports=_F),
        "targets_read_with_tolist": answer(_NLL, '''
            log_probs = torch.log_softmax(o, dim=-1)
            total = o.new_zeros(())
            for t, targets in enumerate(y.tolist()):
                for b, k in enumerate(targets):
                    total = total - log_probs[t, b, k]
            return total / B
        '''),
        "logsumexp_loop_over_time": answer(_NLL, '''
            total = 0
            for o_t, y_t in zip(o, y):
                picked = o_t.gather(-1, y_t[:, None]).squeeze(-1)
                total = total + (torch.logsumexp(o_t, dim=-1) - picked).sum()
            return total / B
        '''),
    },
}
