"""Wrong implementations of the ch02 graded functions; each must lose points.

Each answer makes one mistake, named by its label, and is otherwise right,
shape checks included (except the answers labelled ``no_shape_check``), so
the hidden check that must catch that mistake is the one that fails. The
shape checks are shared text, spliced in by ``_answer``; every value of
``WRONG`` is still the complete source of a solution cell. ``RIGHT`` holds
correct answers written unlike the reference; each must score full marks.
"""
from . import answer

_STEP = ("rnn_step(x_t, h_prev, U, W, b)", '''
if x_t.dim() != 2:
    raise ValueError(f"x_t must be (B, D), got {tuple(x_t.shape)}")
B, D = x_t.shape
H = U.shape[0]
if h_prev.shape != (B, H) or U.shape != (H, D) or W.shape != (H, H) or b.shape != (H,):
    raise ValueError(f"inconsistent shapes: x_t {tuple(x_t.shape)}, h_prev {tuple(h_prev.shape)}, "
                     f"U {tuple(U.shape)}, W {tuple(W.shape)}, b {tuple(b.shape)}")
''')

_HIDDEN_RECURRENT = '''
if x.dim() != 3:
    raise ValueError(f"x must be (T, B, D), got {tuple(x.shape)}")
T, B, D = x.shape
H, K = U.shape[0], V.shape[0]
if (h0.shape != (B, H) or U.shape != (H, D) or W.shape != (H, H) or V.shape != (K, H)
        or b.shape != (H,) or c.shape != (K,)):
    raise ValueError(f"inconsistent shapes: x {tuple(x.shape)}, h0 {tuple(h0.shape)}, U {tuple(U.shape)}, "
                     f"W {tuple(W.shape)}, V {tuple(V.shape)}, b {tuple(b.shape)}, c {tuple(c.shape)}")
'''

_FORWARD = ("rnn_forward(x, h0, U, W, V, b, c)", _HIDDEN_RECURRENT)
_SEQ2VEC = ("sequence_to_vector_forward(x, h0, U, W, V, b, c)", _HIDDEN_RECURRENT)

_OUTPUT_RECURRENT = ("output_recurrent_forward(x, o0, U, W, V, b, c)", '''
if x.dim() != 3:
    raise ValueError(f"x must be (T, B, D), got {tuple(x.shape)}")
T, B, D = x.shape
H, K = U.shape[0], V.shape[0]
if (o0.shape != (B, K) or U.shape != (H, D) or W.shape != (H, K) or V.shape != (K, H)
        or b.shape != (H,) or c.shape != (K,)):
    raise ValueError(f"inconsistent shapes: x {tuple(x.shape)}, o0 {tuple(o0.shape)}, U {tuple(U.shape)}, "
                     f"W {tuple(W.shape)}, V {tuple(V.shape)}, b {tuple(b.shape)}, c {tuple(c.shape)}")
''')

_NLL = ("sequence_nll(o, y)", '''
if o.dim() != 3 or y.shape != o.shape[:2]:
    raise ValueError(f"expected o (T, B, K) and y (T, B), got o {tuple(o.shape)} and y {tuple(y.shape)}")
T, B, K = o.shape
''')


WRONG = {
    "rnn_step": {
        "transposed_recurrent_weight": answer(_STEP, '''
            return torch.tanh(b + h_prev @ W + x_t @ U.T)
        '''),
        "transposed_input_weight": answer(_STEP, '''
            return torch.tanh(b + h_prev @ W.T + x_t @ U)
        '''),
        "missing_bias": answer(_STEP, '''
            return torch.tanh(h_prev @ W.T + x_t @ U.T)
        '''),
        "sigmoid_instead_of_tanh": answer(_STEP, '''
            return torch.sigmoid(b + h_prev @ W.T + x_t @ U.T)
        '''),
        "relu_instead_of_tanh": answer(_STEP, '''
            return torch.relu(b + h_prev @ W.T + x_t @ U.T)
        '''),
        "hard_coded_float32": answer(_STEP, '''
            return torch.tanh(b + h_prev @ W.T + x_t @ U.T).float()
        '''),
        "updates_h_prev_in_place": answer(_STEP, '''
            h_prev.copy_(torch.tanh(b + h_prev @ W.T + x_t @ U.T))
            return h_prev
        '''),
        "detached_output": answer(_STEP, '''
            return torch.tanh(b + h_prev @ W.T + x_t @ U.T).detach()
        '''),
        "no_shape_check": answer(_STEP, '''
            return torch.tanh(b + h_prev @ W.T + x_t @ U.T)
        ''', checked=False),
    },
    "rnn_forward": {
        "transposed_recurrent_weight": answer(_FORWARD, '''
            states, h = [], h0
            for t in range(T):
                h = torch.tanh(b + h @ W + x[t] @ U.T)
                states.append(h)
            h = torch.stack(states)
            return c + h @ V.T, h
        '''),
        "output_from_the_previous_state": answer(_FORWARD, '''
            states, previous, h = [], [], h0
            for t in range(T):
                previous.append(h)
                h = torch.tanh(b + h @ W.T + x[t] @ U.T)
                states.append(h)
            return c + torch.stack(previous) @ V.T, torch.stack(states)
        '''),
        "h0_returned_as_the_first_state": answer(_FORWARD, '''
            states, h = [h0], h0
            for t in range(T - 1):
                h = torch.tanh(b + h @ W.T + x[t] @ U.T)
                states.append(h)
            h = torch.stack(states)
            return c + h @ V.T, h
        '''),
        "missing_output_bias": answer(_FORWARD, '''
            states, h = [], h0
            for t in range(T):
                h = torch.tanh(b + h @ W.T + x[t] @ U.T)
                states.append(h)
            h = torch.stack(states)
            return h @ V.T, h
        '''),
        "sigmoid_instead_of_tanh": answer(_FORWARD, '''
            states, h = [], h0
            for t in range(T):
                h = torch.sigmoid(b + h @ W.T + x[t] @ U.T)
                states.append(h)
            h = torch.stack(states)
            return c + h @ V.T, h
        '''),
        "buffers_created_as_float32_on_the_cpu": answer(_FORWARD, '''
            o, h_all = torch.zeros(T, B, K), torch.zeros(T, B, H)
            h = h0
            for t in range(T):
                h = torch.tanh(b + h @ W.T + x[t] @ U.T)
                h_all[t] = h
                o[t] = c + h @ V.T
            return o, h_all
        '''),
        "computed_under_no_grad": answer(_FORWARD, '''
            with torch.no_grad():
                states, h = [], h0
                for t in range(T):
                    h = torch.tanh(b + h @ W.T + x[t] @ U.T)
                    states.append(h)
                h = torch.stack(states)
                return c + h @ V.T, h
        '''),
        "overwrites_h0_in_place": answer(_FORWARD, '''
            states, h = [], h0
            for t in range(T):
                h.copy_(torch.tanh(b + h @ W.T + x[t] @ U.T))
                states.append(h.clone())
            h = torch.stack(states)
            return c + h @ V.T, h
        '''),
        "no_shape_check": answer(_FORWARD, '''
            states, h = [], h0
            for t in range(x.shape[0]):
                h = torch.tanh(b + h @ W.T + x[t] @ U.T)
                states.append(h)
            h = torch.stack(states)
            return c + h @ V.T, h
        ''', checked=False),
    },
    "output_recurrent_forward": {
        "ignores_o0": answer(_OUTPUT_RECURRENT, '''
            outputs, states, o = [], [], torch.zeros_like(o0)
            for t in range(T):
                h = torch.tanh(b + o @ W.T + x[t] @ U.T)
                o = c + h @ V.T
                states.append(h)
                outputs.append(o)
            return torch.stack(outputs), torch.stack(states)
        '''),
        "transposed_feedback_weight": answer(_OUTPUT_RECURRENT, '''
            outputs, states, o = [], [], o0
            for t in range(T):
                h = torch.tanh(b + o @ W + x[t] @ U.T)
                o = c + h @ V.T
                states.append(h)
                outputs.append(o)
            return torch.stack(outputs), torch.stack(states)
        '''),
        "feeds_back_the_softmax": answer(_OUTPUT_RECURRENT, '''
            outputs, states, o = [], [], o0
            for t in range(T):
                h = torch.tanh(b + torch.softmax(o, dim=-1) @ W.T + x[t] @ U.T)
                o = c + h @ V.T
                states.append(h)
                outputs.append(o)
            return torch.stack(outputs), torch.stack(states)
        '''),
        "returns_o0_as_the_first_output": answer(_OUTPUT_RECURRENT, '''
            outputs, states, o = [o0], [], o0
            for t in range(T):
                h = torch.tanh(b + o @ W.T + x[t] @ U.T)
                o = c + h @ V.T
                states.append(h)
                outputs.append(o)
            return torch.stack(outputs[:-1]), torch.stack(states)
        '''),
        "missing_hidden_bias": answer(_OUTPUT_RECURRENT, '''
            outputs, states, o = [], [], o0
            for t in range(T):
                h = torch.tanh(o @ W.T + x[t] @ U.T)
                o = c + h @ V.T
                states.append(h)
                outputs.append(o)
            return torch.stack(outputs), torch.stack(states)
        '''),
        "relu_instead_of_tanh": answer(_OUTPUT_RECURRENT, '''
            outputs, states, o = [], [], o0
            for t in range(T):
                h = torch.relu(b + o @ W.T + x[t] @ U.T)
                o = c + h @ V.T
                states.append(h)
                outputs.append(o)
            return torch.stack(outputs), torch.stack(states)
        '''),
        "detaches_the_fed_back_output": answer(_OUTPUT_RECURRENT, '''
            outputs, states, o = [], [], o0
            for t in range(T):
                h = torch.tanh(b + o.detach() @ W.T + x[t] @ U.T)
                o = c + h @ V.T
                states.append(h)
                outputs.append(o)
            return torch.stack(outputs), torch.stack(states)
        '''),
        "buffers_created_as_float32_on_the_cpu": answer(_OUTPUT_RECURRENT, '''
            outputs, states, o = torch.empty(T, B, K), torch.empty(T, B, H), o0
            for t in range(T):
                h = torch.tanh(b + o @ W.T + x[t] @ U.T)
                o = c + h @ V.T
                states[t] = h
                outputs[t] = o
            return outputs, states
        '''),
        "no_shape_check": answer(_OUTPUT_RECURRENT, '''
            outputs, states, o = [], [], o0
            for t in range(x.shape[0]):
                h = torch.tanh(b + o @ W.T + x[t] @ U.T)
                o = c + h @ V.T
                states.append(h)
                outputs.append(o)
            return torch.stack(outputs), torch.stack(states)
        ''', checked=False),
    },
    "sequence_to_vector_forward": {
        "reads_out_the_first_state": answer(_SEQ2VEC, '''
            states, h = [], h0
            for t in range(T):
                h = torch.tanh(b + h @ W.T + x[t] @ U.T)
                states.append(h)
            return c + states[0] @ V.T
        '''),
        "averages_the_outputs_over_time": answer(_SEQ2VEC, '''
            states, h = [], h0
            for t in range(T):
                h = torch.tanh(b + h @ W.T + x[t] @ U.T)
                states.append(h)
            return (c + torch.stack(states) @ V.T).mean(dim=0)
        '''),
        "missing_output_bias": answer(_SEQ2VEC, '''
            h = h0
            for t in range(T):
                h = torch.tanh(b + h @ W.T + x[t] @ U.T)
            return h @ V.T
        '''),
        "skips_the_last_input": answer(_SEQ2VEC, '''
            h = h0
            for t in range(T - 1):
                h = torch.tanh(b + h @ W.T + x[t] @ U.T)
            return c + h @ V.T
        '''),
        "ignores_h0": answer(_SEQ2VEC, '''
            h = torch.zeros_like(h0)
            for t in range(T):
                h = torch.tanh(b + h @ W.T + x[t] @ U.T)
            return c + h @ V.T
        '''),
        "returns_every_output": answer(_SEQ2VEC, '''
            states, h = [], h0
            for t in range(T):
                h = torch.tanh(b + h @ W.T + x[t] @ U.T)
                states.append(h)
            return c + torch.stack(states) @ V.T
        '''),
        "tanh_out_into_h0": answer(_SEQ2VEC, '''
            h = h0
            for t in range(T):
                torch.tanh(b + h @ W.T + x[t] @ U.T, out=h)
            return c + h @ V.T
        '''),
        "detached_output": answer(_SEQ2VEC, '''
            h = h0
            for t in range(T):
                h = torch.tanh(b + h @ W.T + x[t] @ U.T)
            return (c + h @ V.T).detach()
        '''),
        "no_shape_check": answer(_SEQ2VEC, '''
            h = h0
            for t in range(x.shape[0]):
                h = torch.tanh(b + h @ W.T + x[t] @ U.T)
            return c + h @ V.T
        ''', checked=False),
    },
    "sequence_nll": {
        "naive_log_of_softmax": answer(_NLL, '''
            log_probs = torch.log(torch.softmax(o, dim=-1))
            return -log_probs.gather(-1, y.unsqueeze(-1)).sum() / B
        '''),
        "log_sum_exp_without_the_max": answer(_NLL, '''
            log_probs = o - torch.log(torch.exp(o).sum(dim=-1, keepdim=True))
            return -log_probs.gather(-1, y.unsqueeze(-1)).sum() / B
        '''),
        "mean_over_time_and_batch": answer(_NLL, '''
            log_probs = torch.log_softmax(o, dim=-1)
            return -log_probs.gather(-1, y.unsqueeze(-1)).mean()
        '''),
        "sum_over_the_batch": answer(_NLL, '''
            log_probs = torch.log_softmax(o, dim=-1)
            return -log_probs.gather(-1, y.unsqueeze(-1)).sum()
        '''),
        "softmax_over_the_batch_dimension": answer(_NLL, '''
            log_probs = torch.log_softmax(o, dim=1)
            return -log_probs.gather(-1, y.unsqueeze(-1)).sum() / B
        '''),
        "subtracts_the_max_in_place": answer(_NLL, '''
            o -= o.amax(dim=-1, keepdim=True)
            log_probs = o - torch.log(torch.exp(o).sum(dim=-1, keepdim=True))
            return -log_probs.gather(-1, y.unsqueeze(-1)).sum() / B
        '''),
        "one_hot_mask_created_on_the_cpu": answer(_NLL, '''
            mask = torch.zeros(T, B, K).scatter_(-1, y.unsqueeze(-1), 1.0)
            return -(mask * torch.log_softmax(o, dim=-1)).sum() / B
        '''),
        "returns_a_python_float": answer(_NLL, '''
            log_probs = torch.log_softmax(o, dim=-1)
            return -log_probs.gather(-1, y.unsqueeze(-1)).sum().item() / B
        '''),
        "detached_loss": answer(_NLL, '''
            log_probs = torch.log_softmax(o, dim=-1)
            return (-log_probs.gather(-1, y.unsqueeze(-1)).sum() / B).detach()
        '''),
        "no_shape_check": answer(_NLL, '''
            B = o.shape[1]
            log_probs = torch.log_softmax(o, dim=-1)
            return -log_probs.gather(-1, y.unsqueeze(-1)).sum() / B
        ''', checked=False),
    },
}

_F = "import torch\nimport torch.nn.functional as F"

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
