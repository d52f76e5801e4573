"""The catalogue of common mistakes in the ch07 graded functions (``WRONG`` and
``SAYS``, as ``autograder.mistakes`` describes them).

Each answer makes one mistake, named by its label, and is otherwise right,
argument checks included, so the hidden check that must catch that mistake is
the one that fails. The argument checks and the steps an answer gets right
are shared text, spliced in by ``answer``; every value of ``WRONG`` is still
the complete source of a solution cell. The answers labelled ``kernel_...``
are right but call one of PyTorch's recurrent kernels, which the exercise
forbids: they must lose the main check.
"""
from . import answer

_SHAPES = '''
expected = {{{names}}}
for name, tensor in zip(expected, ({args})):
    if tuple(tensor.shape) != expected[name]:
        raise ValueError(f"{{name}} must be {{expected[name]}}, got {{tuple(tensor.shape)}}")
'''


def _weights_checked(names: dict) -> str:
    """The check that each weight named in ``names`` (name -> shape as code) has its shape."""
    listed = ", ".join(f'"{name}": {shape}' for name, shape in names.items())
    return _SHAPES.format(names=listed, args=", ".join(names))


_GATES = {"W_ih": "({k} * H, D)", "W_hh": "({k} * H, H)", "b_ih": "({k} * H,)", "b_hh": "({k} * H,)"}


def _stacked(k: int) -> dict:
    return {name: shape.format(k=k) for name, shape in _GATES.items()}


_BATCH_OF_CELL = '''
if x.dim() != 2 or h.dim() != 2 or c.dim() != 2:
    raise ValueError(f"x, h, c must be 2-D, got {tuple(x.shape)}, {tuple(h.shape)}, {tuple(c.shape)}")
(B, D), H = x.shape, h.shape[1]
if h.shape[0] != B or c.shape != h.shape:
    raise ValueError(f"x {tuple(x.shape)}, h {tuple(h.shape)}, c {tuple(c.shape)}: batch sizes or c differ")
'''
_LSTM_CELL = ("lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh)", _BATCH_OF_CELL + _weights_checked(_stacked(4)))

_PEEPHOLE_SHAPES = '''
if x.dim() != 2 or c.dim() != 2 or x.shape[0] != c.shape[0]:
    raise ValueError(f"x must be (B, D) and c (B, H), got {tuple(x.shape)} and {tuple(c.shape)}")
(B, D), H = x.shape, c.shape[1]
''' + _weights_checked({"W_x": "(3 * H, D)", "U_c": "(3 * H, H)", "b": "(3 * H,)", "W_c": "(H, D)", "b_c": "(H,)"})
_PEEPHOLE = ("peephole_lstm_cell(x, c, W_x, U_c, b, W_c, b_c)", _PEEPHOLE_SHAPES)

_GRU_SHAPES = '''
if x.dim() != 2 or h.dim() != 2 or x.shape[0] != h.shape[0]:
    raise ValueError(f"x must be (B, D) and h (B, H), got {tuple(x.shape)} and {tuple(h.shape)}")
(B, D), H = x.shape, h.shape[1]
''' + _weights_checked(_stacked(3))
_GRU = ("gru_cell(x, h, W_ih, W_hh, b_ih, b_hh)", _GRU_SHAPES)

_SEQUENCE_SHAPES = '''
if x.dim() != 3:
    raise ValueError(f"x must be (T, B, D), got {tuple(x.shape)}")
T, B, D = x.shape
if h0.dim() != 2 or h0.shape[0] != B or c0.shape != h0.shape:
    raise ValueError(f"h0, c0 must be (B, H) for x {tuple(x.shape)}, got {tuple(h0.shape)}, {tuple(c0.shape)}")
H = h0.shape[1]
''' + _weights_checked(_stacked(4))
_FORWARD = ("lstm_forward(x, h0, c0, W_ih, W_hh, b_ih, b_hh)", _SEQUENCE_SHAPES)

# lstm_cell, right: the four blocks of the pre-activations, then the cell and the output.

_LSTM_BLOCKS = '''
pre_i, pre_f, pre_g, pre_o = (x @ W_ih.T + b_ih + h @ W_hh.T + b_hh).chunk(4, dim=1)
'''
_LSTM_OUTPUT = '''
h_new = torch.sigmoid(pre_o) * torch.tanh(c_new)
return h_new, c_new
'''

# peephole_lstm_cell, right: the gates f, i, o read x and c(t-1); the candidate reads x only.

_PEEPHOLE_GATES = '''
f, i, o = torch.sigmoid(x @ W_x.T + c @ U_c.T + b).chunk(3, dim=1)
'''
_CANDIDATE = '''
g = torch.tanh(x @ W_c.T + b_c)
'''

# gru_cell, right: input and recurrent terms with their biases, r and z.

_GRU_TERMS = '''
x_r, x_z, x_n = (x @ W_ih.T + b_ih).chunk(3, dim=1)
h_r, h_z, h_n = (h @ W_hh.T + b_hh).chunk(3, dim=1)
'''
_R_AND_Z = '''
r, z = torch.sigmoid(x_r + h_r), torch.sigmoid(x_z + h_z)
'''

# lstm_forward, right: the step, and the loop that carries h and c.

_STEP = '''
def step(input_term, h, c):
    pre_i, pre_f, pre_g, pre_o = (input_term + h @ W_hh.T + b_hh).chunk(4, dim=1)
    c = torch.sigmoid(pre_f) * c + torch.sigmoid(pre_i) * torch.tanh(pre_g)
    return torch.sigmoid(pre_o) * torch.tanh(c), c
'''
_LOOP = '''
h, c, states = h0, c0, []
for input_term in x @ W_ih.T + b_ih:
    h, c = step(input_term, h, c)
    states.append(h)
'''

WRONG = {
    "lstm_cell": {
        "gate_order_f_i_g_o": answer(_LSTM_CELL, '''
            pre_f, pre_i, pre_g, pre_o = (x @ W_ih.T + b_ih + h @ W_hh.T + b_hh).chunk(4, dim=1)
            c_new = torch.sigmoid(pre_f) * c + torch.sigmoid(pre_i) * torch.tanh(pre_g)
        ''', _LSTM_OUTPUT),
        "sigmoid_instead_of_tanh_on_g": answer(_LSTM_CELL, _LSTM_BLOCKS, '''
            c_new = torch.sigmoid(pre_f) * c + torch.sigmoid(pre_i) * torch.sigmoid(pre_g)
        ''', _LSTM_OUTPUT),
        "cell_kept_by_the_output_gate": answer(_LSTM_CELL, _LSTM_BLOCKS, '''
            c_new = torch.sigmoid(pre_o) * c + torch.sigmoid(pre_i) * torch.tanh(pre_g)
        ''', _LSTM_OUTPUT),
        "no_forget_gate": answer(_LSTM_CELL, _LSTM_BLOCKS, '''
            c_new = c + torch.sigmoid(pre_i) * torch.tanh(pre_g)
        ''', _LSTM_OUTPUT),
        "h_from_the_old_cell": answer(_LSTM_CELL, _LSTM_BLOCKS, '''
            c_new = torch.sigmoid(pre_f) * c + torch.sigmoid(pre_i) * torch.tanh(pre_g)
            return torch.sigmoid(pre_o) * torch.tanh(c), c_new
        '''),
        "recurrent_bias_left_out": answer(_LSTM_CELL, '''
            pre_i, pre_f, pre_g, pre_o = (x @ W_ih.T + b_ih + h @ W_hh.T).chunk(4, dim=1)
            c_new = torch.sigmoid(pre_f) * c + torch.sigmoid(pre_i) * torch.tanh(pre_g)
        ''', _LSTM_OUTPUT),
        "tanh_written_with_exp_overflows": answer(_LSTM_CELL, _LSTM_BLOCKS, '''
            def tanh(a):
                return (torch.exp(2 * a) - 1) / (torch.exp(2 * a) + 1)

            c_new = torch.sigmoid(pre_f) * c + torch.sigmoid(pre_i) * tanh(pre_g)
            return torch.sigmoid(pre_o) * tanh(c_new), c_new
        '''),
        "batch_sizes_not_compared": answer(_LSTM_CELL, '''
            if x.dim() != 2 or h.dim() != 2 or c.shape != h.shape:
                raise ValueError(f"x, h, c must be 2-D, got {tuple(x.shape)}, {tuple(h.shape)}, {tuple(c.shape)}")
            (B, D), H = x.shape, h.shape[1]
        ''', _weights_checked(_stacked(4)), _LSTM_BLOCKS, '''
            c_new = torch.sigmoid(pre_f) * c + torch.sigmoid(pre_i) * torch.tanh(pre_g)
        ''', _LSTM_OUTPUT, checked=False),
        "kernel_torch_lstm_cell": answer(_LSTM_CELL, '''
            return tuple(torch.lstm_cell(x, (h, c), W_ih, W_hh, b_ih, b_hh))
        '''),
        "kernel_nn_LSTMCell": answer(_LSTM_CELL, '''
            cell = torch.nn.LSTMCell(D, H, device="meta")
            weights = {"weight_ih": W_ih, "weight_hh": W_hh, "bias_ih": b_ih, "bias_hh": b_hh}
            return torch.func.functional_call(cell, weights, (x, (h, c)))
        '''),
    },
    "peephole_lstm_cell": {
        "gates_read_tanh_c_like_h_instead_of_c": answer(_PEEPHOLE, '''
            f, i, o = torch.sigmoid(x @ W_x.T + torch.tanh(c) @ U_c.T + b).chunk(3, dim=1)
        ''', _CANDIDATE, '''
            c_new = f * c + i * g
            return o * torch.tanh(c_new), c_new
        '''),
        "gate_order_i_f_o": answer(_PEEPHOLE, '''
            i, f, o = torch.sigmoid(x @ W_x.T + c @ U_c.T + b).chunk(3, dim=1)
        ''', _CANDIDATE, '''
            c_new = f * c + i * g
            return o * torch.tanh(c_new), c_new
        '''),
        "output_gate_peeks_at_the_new_cell": answer(_PEEPHOLE, '''
            pre = x @ W_x.T + b
            U_f, U_i, U_o = U_c.chunk(3, dim=0)
            pre_f, pre_i, pre_o = pre.chunk(3, dim=1)
            f, i = torch.sigmoid(pre_f + c @ U_f.T), torch.sigmoid(pre_i + c @ U_i.T)
        ''', _CANDIDATE, '''
            c_new = f * c + i * g
            o = torch.sigmoid(pre_o + c_new @ U_o.T)
            return o * torch.tanh(c_new), c_new
        '''),
        "candidate_squashed_by_sigmoid": answer(_PEEPHOLE, _PEEPHOLE_GATES, '''
            c_new = f * c + i * torch.sigmoid(x @ W_c.T + b_c)
            return o * torch.tanh(c_new), c_new
        '''),
        "input_gate_replaced_by_1_minus_f": answer(_PEEPHOLE, _PEEPHOLE_GATES, _CANDIDATE, '''
            c_new = f * c + (1 - f) * g
            return o * torch.tanh(c_new), c_new
        '''),
        "h_without_tanh": answer(_PEEPHOLE, _PEEPHOLE_GATES, _CANDIDATE, '''
            c_new = f * c + i * g
            return o * c_new, c_new
        '''),
        "returns_c_new_then_h_new": answer(_PEEPHOLE, _PEEPHOLE_GATES, _CANDIDATE, '''
            c_new = f * c + i * g
            return c_new, o * torch.tanh(c_new)
        '''),
        "kernel_torch_lstm_cell_fed_c": answer(_PEEPHOLE, '''
            f_, i_, o_ = (slice(k * H, (k + 1) * H) for k in range(3))
            W_ih = torch.cat([W_x[i_], W_x[f_], W_c, W_x[o_]])
            W_hh = torch.cat([U_c[i_], U_c[f_], torch.zeros_like(U_c[f_]), U_c[o_]])
            b_ih = torch.cat([b[i_], b[f_], b_c, b[o_]])
            return tuple(torch.lstm_cell(x, (c, c), W_ih, W_hh, b_ih, torch.zeros_like(b_ih)))
        '''),
    },
    "gru_cell": {
        "reset_applied_to_h_before_W_hn": answer(_GRU, '''
            W_hr, W_hz, W_hn = W_hh.chunk(3, dim=0)
            b_hr, b_hz, b_hn = b_hh.chunk(3, dim=0)
            x_r, x_z, x_n = (x @ W_ih.T + b_ih).chunk(3, dim=1)
            r = torch.sigmoid(x_r + h @ W_hr.T + b_hr)
            z = torch.sigmoid(x_z + h @ W_hz.T + b_hz)
            n = torch.tanh(x_n + (r * h) @ W_hn.T + b_hn)
            return (1 - z) * n + z * h
        '''),
        "update_gate_convention_flipped": answer(_GRU, _GRU_TERMS, _R_AND_Z, '''
            n = torch.tanh(x_n + r * h_n)
            return (1 - z) * h + z * n
        '''),
        "b_hn_outside_the_reset": answer(_GRU, '''
            x_r, x_z, x_n = (x @ W_ih.T + b_ih).chunk(3, dim=1)
            h_r, h_z, h_n = (h @ W_hh.T).chunk(3, dim=1)
            b_hr, b_hz, b_hn = b_hh.chunk(3, dim=0)
            r, z = torch.sigmoid(x_r + h_r + b_hr), torch.sigmoid(x_z + h_z + b_hz)
            n = torch.tanh(x_n + r * h_n + b_hn)
            return (1 - z) * n + z * h
        '''),
        "gate_order_z_r_n": answer(_GRU, '''
            x_z, x_r, x_n = (x @ W_ih.T + b_ih).chunk(3, dim=1)
            h_z, h_r, h_n = (h @ W_hh.T + b_hh).chunk(3, dim=1)
        ''', _R_AND_Z, '''
            n = torch.tanh(x_n + r * h_n)
            return (1 - z) * n + z * h
        '''),
        "reset_gate_left_out": answer(_GRU, _GRU_TERMS, _R_AND_Z, '''
            n = torch.tanh(x_n + h_n)
            return (1 - z) * n + z * h
        '''),
        "candidate_squashed_by_sigmoid": answer(_GRU, _GRU_TERMS, _R_AND_Z, '''
            n = torch.sigmoid(x_n + r * h_n)
            return (1 - z) * n + z * h
        '''),
        "kernel_torch_gru_cell": answer(_GRU, '''
            return torch.gru_cell(x, h, W_ih, W_hh, b_ih, b_hh)
        '''),
        "kernel_nn_GRUCell": answer(_GRU, '''
            cell = torch.nn.GRUCell(D, H, device="meta")
            weights = {"weight_ih": W_ih, "weight_hh": W_hh, "bias_ih": b_ih, "bias_hh": b_hh}
            return torch.func.functional_call(cell, weights, (x, h))
        '''),
    },
    "lstm_forward": {
        "state_lost_between_steps": answer(_FORWARD, _STEP, '''
            states = [step(input_term, h0, c0) for input_term in x @ W_ih.T + b_ih]
            return torch.stack([h for h, _ in states]), states[-1]
        '''),
        "cell_restarted_from_c0_each_step": answer(_FORWARD, _STEP, '''
            h, states = h0, []
            for input_term in x @ W_ih.T + b_ih:
                h, c = step(input_term, h, c0)
                states.append(h)
            return torch.stack(states), (h, c)
        '''),
        "c_returned_as_h": answer(_FORWARD, _STEP, _LOOP, '''
            return torch.stack(states), (c, c)
        '''),
        "layer_dimension_on_the_states": answer(_FORWARD, _STEP, _LOOP, '''
            return torch.stack(states), (h.unsqueeze(0), c.unsqueeze(0))
        '''),
        "h_all_holds_the_cells": answer(_FORWARD, _STEP, '''
            h, c, cells = h0, c0, []
            for input_term in x @ W_ih.T + b_ih:
                h, c = step(input_term, h, c)
                cells.append(c)
            return torch.stack(cells), (h, c)
        '''),
        "h_all_one_step_late": answer(_FORWARD, _STEP, _LOOP, '''
            return torch.stack([h0] + states[:-1]), (h, c)
        '''),
        "layer_dimension_accepted_on_h0_and_c0": answer(_FORWARD, '''
            if x.dim() != 3:
                raise ValueError(f"x must be (T, B, D), got {tuple(x.shape)}")
            T, B, D = x.shape
            h0, c0 = h0.reshape(B, -1), c0.reshape(B, -1)
            H = h0.shape[1]
        ''', _weights_checked(_stacked(4)), _STEP, _LOOP, '''
            return torch.stack(states), (h, c)
        ''', checked=False),
        "kernel_nn_LSTM": answer(_FORWARD, '''
            layer = torch.nn.LSTM(D, H, device="meta")
            weights = {"weight_ih_l0": W_ih, "weight_hh_l0": W_hh, "bias_ih_l0": b_ih, "bias_hh_l0": b_hh}
            h_all, (h_T, c_T) = torch.func.functional_call(layer, weights, (x, (h0[None], c0[None])))
            return h_all, (h_T[0], c_T[0])
        '''),
        "kernel_torch_VF_lstm": answer(_FORWARD, '''
            h_all, h_T, c_T = torch._VF.lstm(x, (h0[None], c0[None]), (W_ih, W_hh, b_ih, b_hh),
                                             True, 1, 0.0, False, False, False)
            return h_all, (h_T[0], c_T[0])
        '''),
    },
}



SAYS = {
    "lstm_cell": {
        "gate_order_f_i_g_o": "the gate blocks are read in the order f, i, g, o where the layout is i, f, g, o",
        "sigmoid_instead_of_tanh_on_g": "the candidate g takes a sigmoid where it takes tanh",
        "cell_kept_by_the_output_gate": "the old cell is kept by the output gate where the forget gate keeps it",
        "no_forget_gate": "the forget gate is left out: the old cell is kept whole",
        "h_from_the_old_cell": "h is computed from the old cell where it reads the new one",
        "recurrent_bias_left_out": "the recurrent bias b_hh is left out",
        "tanh_written_with_exp_overflows": "tanh is written with exponentials, which overflow for large inputs",
        "batch_sizes_not_compared": "inputs of different batch sizes are not rejected with ValueError",
        "kernel_torch_lstm_cell": "PyTorch's recurrent kernel (torch.lstm_cell) does the work the exercise asks",
        "kernel_nn_LSTMCell": "PyTorch's nn.LSTMCell does the work the exercise asks",
    },
    "peephole_lstm_cell": {
        "gates_read_tanh_c_like_h_instead_of_c": "the gates read tanh(c) where they peek at the cell c itself",
        "gate_order_i_f_o": "the gate blocks are read in the order i, f, o where the layout is f, i, o",
        "output_gate_peeks_at_the_new_cell": "the output gate peeks at the new cell where it reads the old one",
        "candidate_squashed_by_sigmoid": "the candidate takes a sigmoid where it takes tanh",
        "input_gate_replaced_by_1_minus_f": "the input gate is replaced by 1 - f",
        "h_without_tanh": "h is the gated cell without the tanh",
        "returns_c_new_then_h_new": "the new cell and the new state are returned in the wrong order",
        "kernel_torch_lstm_cell_fed_c": "PyTorch's recurrent kernel (torch.lstm_cell) does the work the "
                                        "exercise asks",
    },
    "gru_cell": {
        "reset_applied_to_h_before_W_hn": "the reset gate multiplies h before W_hn where it multiplies "
                                          "W_hn h + b_hn",
        "update_gate_convention_flipped": "the update gate's convention is flipped: z keeps the old state",
        "b_hn_outside_the_reset": "b_hn is added outside the reset gate's product",
        "gate_order_z_r_n": "the gate blocks are read in the order z, r, n where the layout is r, z, n",
        "reset_gate_left_out": "the reset gate is left out",
        "candidate_squashed_by_sigmoid": "the candidate takes a sigmoid where it takes tanh",
        "kernel_torch_gru_cell": "PyTorch's recurrent kernel (torch.gru_cell) does the work the exercise asks",
        "kernel_nn_GRUCell": "PyTorch's nn.GRUCell does the work the exercise asks",
    },
    "lstm_forward": {
        "state_lost_between_steps": "the state is not carried from one step to the next",
        "cell_restarted_from_c0_each_step": "the cell restarts from c0 at every step",
        "c_returned_as_h": "the cell is returned where the hidden state is asked",
        "layer_dimension_on_the_states": "the final states keep a layer dimension: (1, B, H) where (B, H) is asked",
        "h_all_holds_the_cells": "h_all holds the cells where it holds the hidden states",
        "h_all_one_step_late": "h_all is one step late: it holds h(0)...h(T-1)",
        "layer_dimension_accepted_on_h0_and_c0": "h0 and c0 with a layer dimension are not rejected "
                                                 "with ValueError",
        "kernel_nn_LSTM": "PyTorch's nn.LSTM does the work the exercise asks",
        "kernel_torch_VF_lstm": "PyTorch's recurrent kernel (torch._VF.lstm) does the work the exercise asks",
    },
}
