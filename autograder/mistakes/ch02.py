"""The catalogue of common mistakes in the ch02 graded functions (``WRONG`` and
``SAYS``, as ``autograder.mistakes`` describes them).

Each answer makes one mistake, named by its label, and is otherwise right,
shape checks included (except the answers labelled ``no_shape_check``), so
the hidden check that must catch that mistake is the one that fails. The
shape checks are shared text, spliced in by ``_answer``; every value of
``WRONG`` is still the complete source of a solution cell.
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


SAYS = {
    "rnn_step": {
        "transposed_recurrent_weight": "W appears transposed: W h(t-1) is h(t-1) @ W.T in the "
                                       "(out_features, in_features) layout",
        "transposed_input_weight": "U appears transposed: U x(t) is x(t) @ U.T in the "
                                   "(out_features, in_features) layout",
        "missing_bias": "the bias b is left out of the pre-activation",
        "sigmoid_instead_of_tanh": "the activation is a sigmoid where the step takes tanh",
        "relu_instead_of_tanh": "the activation is a ReLU where the step takes tanh",
        "hard_coded_float32": "the result is float32 whatever the inputs' dtype",
        "updates_h_prev_in_place": "h_prev is overwritten in place with the new state",
        "detached_output": "the new state is detached from the graph: no gradient flows back",
        "no_shape_check": "inconsistent shapes are not rejected with ValueError",
    },
    "rnn_forward": {
        "transposed_recurrent_weight": "W appears transposed: W h(t-1) is h(t-1) @ W.T in the "
                                       "(out_features, in_features) layout",
        "output_from_the_previous_state": "o(t) is read from h(t-1) where it reads the new state h(t)",
        "h0_returned_as_the_first_state": "h(0) is returned as the first state: h holds h(1)...h(T)",
        "missing_output_bias": "the output bias c is left out of o(t)",
        "sigmoid_instead_of_tanh": "the activation is a sigmoid where the recurrence takes tanh",
        "buffers_created_as_float32_on_the_cpu": "the result buffers are created as float32 on the CPU, "
                                                 "not with the inputs' dtype and device",
        "computed_under_no_grad": "the forward pass runs under torch.no_grad(): no gradient flows back",
        "overwrites_h0_in_place": "h0 is overwritten in place",
        "no_shape_check": "inconsistent shapes are not rejected with ValueError",
    },
    "output_recurrent_forward": {
        "ignores_o0": "the initial output o(0) is not fed into the first step",
        "transposed_feedback_weight": "W appears transposed: W o(t-1) is o(t-1) @ W.T in the "
                                      "(out_features, in_features) layout",
        "feeds_back_the_softmax": "the softmax of o(t-1) is fed back where the recurrence feeds o(t-1) itself",
        "returns_o0_as_the_first_output": "o(0) is returned as the first output: o holds o(1)...o(T)",
        "missing_hidden_bias": "the hidden bias b is left out of the pre-activation",
        "relu_instead_of_tanh": "the activation is a ReLU where the recurrence takes tanh",
        "detaches_the_fed_back_output": "the fed-back output is detached: gradients do not flow through the "
                                        "recurrence",
        "buffers_created_as_float32_on_the_cpu": "the result buffers are created as float32 on the CPU, "
                                                 "not with the inputs' dtype and device",
        "no_shape_check": "inconsistent shapes are not rejected with ValueError",
    },
    "sequence_to_vector_forward": {
        "reads_out_the_first_state": "the output is read from the first state h(1) where it reads the last, h(T)",
        "averages_the_outputs_over_time": "the outputs are averaged over time where one output is read from h(T)",
        "missing_output_bias": "the output bias c is left out",
        "skips_the_last_input": "the last input x(T) is never read: the loop stops one step early",
        "ignores_h0": "the recurrence starts from zeros instead of h0",
        "returns_every_output": "an output per step is returned where one output per sequence is asked",
        "tanh_out_into_h0": "the new state is written into h0 in place",
        "detached_output": "the output is detached from the graph: no gradient flows back",
        "no_shape_check": "inconsistent shapes are not rejected with ValueError",
    },
    "sequence_nll": {
        "naive_log_of_softmax": "the log of the softmax is taken directly, which overflows for large "
                                "logits: use the log-sum-exp trick",
        "log_sum_exp_without_the_max": "log-sum-exp is computed without subtracting the maximum first, which "
                                       "overflows for large logits",
        "mean_over_time_and_batch": "the loss is averaged over time and batch where the convention sums over "
                                    "time and takes the mean over the batch",
        "sum_over_the_batch": "the loss is summed over the batch where the convention takes the mean",
        "softmax_over_the_batch_dimension": "the softmax is taken over the batch dimension where it runs over "
                                            "the K classes",
        "subtracts_the_max_in_place": "the maximum is subtracted from o in place, modifying the input",
        "one_hot_mask_created_on_the_cpu": "the one-hot mask is created on the CPU, not on the inputs' device",
        "returns_a_python_float": "a Python float is returned where a scalar tensor is asked",
        "detached_loss": "the loss is detached from the graph: no gradient flows back",
        "no_shape_check": "inconsistent shapes are not rejected with ValueError",
    },
}
