"""Checks of the ch02 graded functions (the three design patterns)."""
from .builders import bad_case, rnn_weights, shape_of
from .core import Case, Check, Dims, Inputs, Spec, matches_reference


def _case(first: dict, weights: dict) -> Case:
    return Case(args=list({**first, **weights}.values()))


# rnn_step(x_t, h_prev, U, W, b) ---------------------------------------------

def make_rnn_step(inputs: Inputs, d: Dims) -> Case:
    w = rnn_weights(inputs, d, d.H)
    args = {"x_t": inputs.randn(d.B, d.D), "h_prev": inputs.uniform(d.B, d.H),
            "U": w["U"], "W": w["W"], "b": w["b"]}
    return Case(args=list(args.values()))


def bad_rnn_step(inputs: Inputs) -> list:
    d = Dims()
    good = make_rnn_step(inputs, d).args
    x_t, h_prev, U, W, b = good
    wide_x = inputs.randn(d.B, d.D + 1)
    other_batch = inputs.uniform(d.B + 1, d.H)
    return [
        bad_case(dict(x_t=wide_x, h_prev=h_prev, U=U, W=W, b=b),
             f"x_t {shape_of(wide_x)} with U {shape_of(U)}"),
        bad_case(dict(x_t=x_t, h_prev=other_batch, U=U, W=W, b=b),
             f"x_t {shape_of(x_t)} with h_prev {shape_of(other_batch)}"),
    ]


# rnn_forward(x, h0, U, W, V, b, c) -----------------------------------------

def make_rnn_forward(inputs: Inputs, d: Dims) -> Case:
    first = {"x": inputs.randn(d.T, d.B, d.D), "h0": inputs.uniform(d.B, d.H)}
    return _case(first, rnn_weights(inputs, d, d.H))


def bad_sequence_inputs(make) -> callable:
    """Inconsistent shapes shared by the functions of signature (x, s0, U, W, V, b, c)."""
    def cases(inputs: Inputs) -> list:
        d = Dims()
        x, s0, U, W, V, b, c = make(inputs, d).args
        wide_x = inputs.randn(d.T, d.B, d.D + 2)
        other_batch = inputs.uniform(d.B + 1, s0.shape[1])
        tall_V = inputs.weight(d.K, d.H + 1)
        return [
            bad_case(dict(x=wide_x, s0=s0, U=U, W=W, V=V, b=b, c=c), f"x {shape_of(wide_x)} with U {shape_of(U)}"),
            bad_case(dict(x=x, s0=other_batch, U=U, W=W, V=V, b=b, c=c),
                 f"x {shape_of(x)} with an initial state {shape_of(other_batch)}"),
            bad_case(dict(x=x, s0=s0, U=U, W=W, V=tall_V, b=b, c=c), f"V {shape_of(tall_V)} with U {shape_of(U)}"),
        ]
    return cases


# output_recurrent_forward(x, o0, U, W, V, b, c) ------------------------------

def make_output_recurrent(inputs: Inputs, d: Dims) -> Case:
    first = {"x": inputs.randn(d.T, d.B, d.D), "o0": inputs.randn(d.B, d.K)}
    return _case(first, rnn_weights(inputs, d, d.K))


# sequence_to_vector_forward(x, h0, U, W, V, b, c) ------------------------------

make_sequence_to_vector = make_rnn_forward


# sequence_nll(o, y) --------------------------------------------------------------

def make_sequence_nll(inputs: Inputs, d: Dims, scale: float = 1.0) -> Case:
    return Case(args=[inputs.randn(d.T, d.B, d.K, scale=scale), inputs.randint(d.K, d.T, d.B)])


def bad_sequence_nll(inputs: Inputs) -> list:
    d = Dims()
    o, y = make_sequence_nll(inputs, d).args
    y_wide = inputs.randint(d.K, d.T, d.B + 1)
    y_short = inputs.randint(d.K, d.T - 1, d.B)
    return [bad_case(dict(o=o, y=y_wide), f"o {shape_of(o)} with y {shape_of(y_wide)}"),
            bad_case(dict(o=o, y=y_short), f"o {shape_of(o)} with y {shape_of(y_short)}")]


def _large_logits(device: str) -> list:
    inputs = Inputs(2024)
    case = make_sequence_nll(inputs, Dims(), scale=1e3)
    case.grad_wrt, case.label = (0,), "logits of magnitude 1e3"
    return [case]


SPECS = [
    Spec("rnn_step", make_rnn_step, grad_wrt=(0, 1, 2, 3, 4), uses_time=False, bad_shapes=bad_rnn_step,
         outputs=("h_t (B, H)",)),
    Spec("rnn_forward", make_rnn_forward, grad_wrt=tuple(range(7)),
         bad_shapes=bad_sequence_inputs(make_rnn_forward),
         outputs=("o (T, B, K)", "h (T, B, H)")),
    Spec("output_recurrent_forward", make_output_recurrent, grad_wrt=tuple(range(7)),
         bad_shapes=bad_sequence_inputs(make_output_recurrent),
         outputs=("o (T, B, K)", "h (T, B, H)")),
    Spec("sequence_to_vector_forward", make_sequence_to_vector, grad_wrt=tuple(range(7)),
         bad_shapes=bad_sequence_inputs(make_sequence_to_vector),
         outputs=("o_T (B, K)",)),
    Spec("sequence_nll", make_sequence_nll, grad_wrt=(0,), bad_shapes=bad_sequence_nll,
         extra_checks=[Check("numerically stable for large logits",
                             "Use the log-sum-exp trick (subtract the maximum) instead of log(softmax(o)).",
                             _large_logits, matches_reference(grads=True))],
         outputs=("the loss",)),
]
