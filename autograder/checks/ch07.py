"""Checks of the ch07 graded functions (gated RNNs): one LSTM step in
PyTorch's layout, one step of the notes' peephole LSTM, one GRU step and a
one-layer LSTM over a sequence.

The exercise is to write the gates' equations, so the main check of each
function (random inputs) also fails a call that reached one of PyTorch's own
recurrent kernels (torch.nn.LSTM, LSTMCell, GRUCell, torch.lstm_cell,
torch._VF.gru_cell, ...): every case records the aten operators it reached
(``Case.record_ops``), and :func:`writes_the_equations` looks for them.
"""
import re
from dataclasses import replace

from .builders import shape_of, with_replaced
from .core import Case, Check, Dims, Inputs, Spec, matches_reference, operator_names, seed_for, without_operators

# The operators of PyTorch's recurrent layers and cells, on every backend:
# aten::lstm, aten::lstm_cell, aten::gru_cell, aten::rnn_tanh(_cell), aten::mkldnn_rnn_layer,
# aten::_thnn_fused_lstm_cell, aten::_cudnn_rnn, aten::miopen_rnn, aten::quantized_gru_cell, ...
RECURRENT_KERNEL = re.compile(r"(?:^|_)(?:lstm|gru|rnn)(?:_|$)")
SATURATING = 1000.0     # scale of all weights and biases in the saturated-gates case


def recurrent_kernels(op_names: list) -> list:
    """The names among ``op_names`` that belong to PyTorch's recurrent kernels."""
    return operator_names(op_names, RECURRENT_KERNEL.search)


def writes_the_equations(judge):
    """``judge``, after failing any call that reached a recurrent kernel."""
    return without_operators(judge, recurrent_kernels, lambda kernel: (
        f"it ran PyTorch's own recurrent kernel {kernel} (torch.nn.LSTM, LSTMCell, GRUCell, torch.lstm_cell, "
        "torch._VF, ...), which earns no points here: write the gates' equations with tensor operations"))


MAIN_JUDGE = writes_the_equations(matches_reference(mutation=False))


def _gate_blocks(inputs: Inputs, d: Dims, blocks: int, scale: float) -> dict:
    """PyTorch's stacked gates: W_ih (blocks*H, D), W_hh (blocks*H, H), b_ih and b_hh (blocks*H,)."""
    rows = blocks * d.H
    return {"W_ih": scale * inputs.weight(rows, d.D), "W_hh": scale * inputs.weight(rows, d.H),
            "b_ih": scale * inputs.uniform(rows), "b_hh": scale * inputs.uniform(rows)}


def _case(args: dict) -> Case:
    return Case(args=list(args.values()), record_ops=True)


def _maker(arguments) -> callable:
    """The Spec.make of ``arguments(inputs, dims, scale) -> dict`` (in signature order)."""
    return lambda inputs, d: _case(arguments(inputs, d, 1.0))


def _saturated_gates(name: str, arguments) -> Check:
    def cases(device):
        args = arguments(Inputs(seed_for(name, "saturated")), Dims(), SATURATING)
        return [replace(_case(args), label=f"all weights and biases scaled by {SATURATING:g}")]
    return Check("saturated gates (large pre-activations) give finite results",
                 "Use torch.sigmoid and torch.tanh, which saturate to 0, 1 or -1 without overflowing; "
                 "a hand-written exp(a) overflows for large a and turns tanh into inf / inf = nan.",
                 cases, matches_reference(mutation=False))


def _spec(name: str, arguments, bad_shapes, uses_time: bool = False, extra_checks: tuple = (),
          outputs: tuple = ()) -> Spec:
    make = _maker(arguments)
    count = len(make(Inputs(0), Dims()).args)
    return Spec(name, make, grad_wrt=tuple(range(count)), uses_time=uses_time, bad_shapes=bad_shapes,
                main_judge=MAIN_JUDGE, extra_checks=[*extra_checks, _saturated_gates(name, arguments)],
                outputs=outputs)


# lstm_cell(x, h, c, W_ih, W_hh, b_ih, b_hh) ------------------------------------------------

def lstm_cell_args(inputs: Inputs, d: Dims, scale: float = 1.0) -> dict:
    return {"x": inputs.randn(d.B, d.D), "h": inputs.uniform(d.B, d.H), "c": inputs.randn(d.B, d.H),
            **_gate_blocks(inputs, d, 4, scale)}


def _batch_of_one(args: dict, first: str, other: str, inputs: Inputs) -> Case:
    """``first`` with one row while ``other`` has B: broadcasting would hide it."""
    one = inputs.randn(1, *args[first].shape[1:])
    return with_replaced(args, f"{first} {shape_of(one)} with {other} {shape_of(args[other])}", **{first: one})


def bad_lstm_cell(inputs: Inputs) -> list:
    d = Dims()
    args = lstm_cell_args(inputs, d)
    wide_x, wide_c = inputs.randn(d.B, d.D + 1), inputs.randn(d.B, d.H + 1)
    three_blocks, one_block = inputs.weight(3 * d.H, d.H), inputs.uniform(d.H)
    return [
        with_replaced(args, f"x {shape_of(wide_x)} with W_ih {shape_of(args['W_ih'])}", x=wide_x),
        with_replaced(args, f"c {shape_of(wide_c)} with h {shape_of(args['h'])}", c=wide_c),
        _batch_of_one(args, "x", "h", inputs),
        with_replaced(args, f"W_hh {shape_of(three_blocks)} (three blocks) with h {shape_of(args['h'])}",
                      W_hh=three_blocks),
        with_replaced(args, f"b_hh {shape_of(one_block)} with W_hh {shape_of(args['W_hh'])}", b_hh=one_block),
    ]


# peephole_lstm_cell(x, c, W_x, U_c, b, W_c, b_c) ---------------------------------------------

def peephole_args(inputs: Inputs, d: Dims, scale: float = 1.0) -> dict:
    return {"x": inputs.randn(d.B, d.D), "c": inputs.randn(d.B, d.H),
            "W_x": scale * inputs.weight(3 * d.H, d.D), "U_c": scale * inputs.weight(3 * d.H, d.H),
            "b": scale * inputs.uniform(3 * d.H), "W_c": scale * inputs.weight(d.H, d.D),
            "b_c": scale * inputs.uniform(d.H)}


def bad_peephole(inputs: Inputs) -> list:
    d = Dims()
    args = peephole_args(inputs, d)
    wide_x, wide_c = inputs.randn(d.B, d.D + 1), inputs.randn(d.B, d.H + 1)
    four_blocks, wide_W_c = inputs.uniform(4 * d.H), inputs.weight(d.H, d.D + 1)
    return [
        with_replaced(args, f"x {shape_of(wide_x)} with W_x {shape_of(args['W_x'])}", x=wide_x),
        with_replaced(args, f"c {shape_of(wide_c)} with U_c {shape_of(args['U_c'])}", c=wide_c),
        _batch_of_one(args, "x", "c", inputs),
        with_replaced(args, f"b {shape_of(four_blocks)} (four blocks) with U_c {shape_of(args['U_c'])}",
                      b=four_blocks),
        with_replaced(args, f"W_c {shape_of(wide_W_c)} with x {shape_of(args['x'])}", W_c=wide_W_c),
    ]


# gru_cell(x, h, W_ih, W_hh, b_ih, b_hh) --------------------------------------------------------

def gru_cell_args(inputs: Inputs, d: Dims, scale: float = 1.0) -> dict:
    return {"x": inputs.randn(d.B, d.D), "h": inputs.uniform(d.B, d.H), **_gate_blocks(inputs, d, 3, scale)}


def bad_gru_cell(inputs: Inputs) -> list:
    d = Dims()
    args = gru_cell_args(inputs, d)
    wide_x, wide_h = inputs.randn(d.B, d.D + 1), inputs.uniform(d.B, d.H + 1)
    four_blocks, one_block = inputs.weight(4 * d.H, d.D), inputs.uniform(d.H)
    return [
        with_replaced(args, f"x {shape_of(wide_x)} with W_ih {shape_of(args['W_ih'])}", x=wide_x),
        with_replaced(args, f"h {shape_of(wide_h)} with W_hh {shape_of(args['W_hh'])}", h=wide_h),
        _batch_of_one(args, "x", "h", inputs),
        with_replaced(args, f"W_ih {shape_of(four_blocks)} (four blocks) with h {shape_of(args['h'])}",
                      W_ih=four_blocks),
        with_replaced(args, f"b_hh {shape_of(one_block)} with W_hh {shape_of(args['W_hh'])}", b_hh=one_block),
    ]


# lstm_forward(x, h0, c0, W_ih, W_hh, b_ih, b_hh) -------------------------------------------------

def lstm_forward_args(inputs: Inputs, d: Dims, scale: float = 1.0) -> dict:
    return {"x": inputs.randn(d.T, d.B, d.D), "h0": inputs.uniform(d.B, d.H), "c0": inputs.randn(d.B, d.H),
            **_gate_blocks(inputs, d, 4, scale)}


def bad_lstm_forward(inputs: Inputs) -> list:
    d = Dims()
    args = lstm_forward_args(inputs, d)
    layered_h0, layered_c0 = args["h0"][None], args["c0"][None]
    flat_x, other_c0 = inputs.randn(d.B, d.D), inputs.randn(d.B + 1, d.H)
    wide_W_ih = inputs.weight(4 * d.H, d.D + 1)
    return [
        with_replaced(args, f"h0 {shape_of(layered_h0)} and c0 {shape_of(layered_c0)} with a layer dimension",
                      h0=layered_h0, c0=layered_c0),
        with_replaced(args, f"x {shape_of(flat_x)} (not (T, B, D))", x=flat_x),
        with_replaced(args, f"c0 {shape_of(other_c0)} with h0 {shape_of(args['h0'])}", c0=other_c0),
        with_replaced(args, f"W_ih {shape_of(wide_W_ih)} with x {shape_of(args['x'])}", W_ih=wide_W_ih),
    ]


def _long_sequence(device: str) -> list:
    args = lstm_forward_args(Inputs(seed_for("lstm_forward", "long")), Dims(T=40, B=2))
    return [replace(_case(args), grad_wrt=tuple(range(len(args))), label="T = 40")]


SPECS = [
    _spec("lstm_cell", lstm_cell_args, bad_lstm_cell, outputs=("h_new (B, H)", "c_new (B, H)")),
    _spec("peephole_lstm_cell", peephole_args, bad_peephole, outputs=("h_new (B, H)", "c_new (B, H)")),
    _spec("gru_cell", gru_cell_args, bad_gru_cell, outputs=("h_new (B, H)",)),
    _spec("lstm_forward", lstm_forward_args, bad_lstm_forward, uses_time=True, extra_checks=(
        Check("a long sequence (T = 40), gradients included",
              "Carry both h and c from each step to the next, starting from h0 and c0, and keep every "
              "step differentiable.",
              _long_sequence, matches_reference(grads=True)),
    ), outputs=("h_all (T, B, H)", ("h_T (B, H)", "c_T (B, H)"))),
]
