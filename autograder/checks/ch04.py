"""Checks of the ch04 graded functions (back-propagation through time).

Both functions return (loss, grads, ...) for the pattern-1 network with the
course's loss (sum over time, mean over the batch); their gradients are
compared with the reference's, which agree with autograd (tests/).
"""
from dataclasses import replace

from .builders import rnn_weights, shape_of, with_replaced
from .core import Case, Check, Dims, Inputs, Spec, matches_reference, raises

TIGHT = (1e-8, 1e-10)   # float64: by-hand gradients agree with autograd to 1e-8


def _network_args(inputs: Inputs, d: Dims, logit_scale: float = 1.0) -> dict:
    args = {"x": inputs.randn(d.T, d.B, d.D), "y": inputs.randint(d.K, d.T, d.B),
            "h0": inputs.uniform(d.B, d.H), **rnn_weights(inputs, d, d.H)}
    args["c"] = logit_scale * args["c"]
    return args


def _bad_network_shapes(args: dict, inputs: Inputs, d: Dims) -> list:
    wide_x = inputs.randn(d.T, d.B, d.D + 1)
    short_y = inputs.randint(d.K, d.T - 1, d.B)
    other_h0 = inputs.uniform(d.B + 1, d.H)
    wide_W = inputs.weight(d.H, d.H + 1)
    tall_V = inputs.weight(d.K, d.H + 1)
    return [
        with_replaced(args, f"x {shape_of(wide_x)} with U {shape_of(args['U'])}", x=wide_x),
        with_replaced(args, f"x {shape_of(args['x'])} with y {shape_of(short_y)}", y=short_y),
        with_replaced(args, f"x {shape_of(args['x'])} with h0 {shape_of(other_h0)}", h0=other_h0),
        with_replaced(args, f"W {shape_of(wide_W)} with U {shape_of(args['U'])}", W=wide_W),
        with_replaced(args, f"V {shape_of(tall_V)} with U {shape_of(args['U'])}", V=tall_V),
    ]


# rnn_loss_and_grads(x, y, h0, U, W, V, b, c) ---------------------------------

def make_loss_and_grads(inputs: Inputs, d: Dims) -> Case:
    """Graded inside torch.inference_mode(): autograd cannot help."""
    return Case(args=list(_network_args(inputs, d).values()), inference_mode=True)


def bad_loss_and_grads(inputs: Inputs) -> list:
    d = Dims()
    return [replace(case, inference_mode=True)
            for case in _bad_network_shapes(_network_args(inputs, d), inputs, d)]


def _long_sequence(device: str) -> list:
    return [Case(args=list(_network_args(Inputs(401), Dims(T=25, B=4)).values()),
                 inference_mode=True, label="T = 25")]


def _large_logits(device: str) -> list:
    return [Case(args=list(_network_args(Inputs(402), Dims(), logit_scale=1e3).values()),
                 inference_mode=True, label="output bias of magnitude 1e3")]


def _large_logits_truncated(device: str) -> list:
    return [Case(args=list(_network_args(Inputs(403), Dims(), logit_scale=1e3).values()) + [2],
                 label="output bias of magnitude 1e3")]


# truncated_bptt_grads(x, y, h0, U, W, V, b, c, k) ---------------------------------

def _truncated(inputs: Inputs, d: Dims, k: int) -> list:
    return list(_network_args(inputs, d).values()) + [k]


def make_truncated(inputs: Inputs, d: Dims) -> Case:
    """T = 5 in chunks of k = 2: the last chunk is shorter."""
    return Case(args=_truncated(inputs, d, 2))


def bad_truncated(inputs: Inputs) -> list:
    d = Dims()
    return _bad_network_shapes({**_network_args(inputs, d), "k": 2}, inputs, d)


def _chunkings(*pairs) -> callable:
    """(T, k) pairs, one case each."""
    def cases(device):
        return [Case(args=_truncated(Inputs(410 + T * 10 + k), Dims(T=T), k), label=f"T = {T}, k = {k}")
                for T, k in pairs]
    return cases


def _bad_k(device: str) -> list:
    return [Case(args=_truncated(Inputs(420), Dims(), k), label=f"k = {k}") for k in (0, -2)]


def _inputs_requiring_grad(device: str) -> list:
    """The weights require grad, as in training: .backward() would write their .grad."""
    case = Case(args=_truncated(Inputs(421), Dims(), 2), grad_wrt=(3, 4, 5, 6, 7), label="weights requiring grad")
    return [case]


SPECS = [
    Spec("rnn_loss_and_grads", make_loss_and_grads, differentiable=False, bad_shapes=bad_loss_and_grads,
         extra_checks=[
             Check("a long sequence agrees to 1e-8 (float64)",
                   "Check the recursion dL/dh(t) = W^T diag(1 - h(t+1)^2) dL/dh(t+1) + V^T dL/do(t) "
                   "and that every parameter gradient sums the contributions of all steps.",
                   _long_sequence, matches_reference(tol=TIGHT)),
             Check("numerically stable for large logits",
                   "Compute the loss with log-sum-exp (subtract the maximum) and dL/do as softmax minus one-hot.",
                   _large_logits, matches_reference(tol=TIGHT)),
         ], outputs=("loss", "grads")),
    Spec("truncated_bptt_grads", make_truncated, differentiable=False, bad_shapes=bad_truncated,
         extra_checks=[
             Check("chunks of k steps, the last one possibly shorter",
                   "Start a chunk every k steps, carry the state on but detach it between chunks, and sum "
                   "the chunks' losses and gradients.",
                   _chunkings((6, 3), (7, 3), (4, 1)), matches_reference(mutation=False)),
             Check("one chunk (k >= T) is full back-propagation through time",
                   "With k >= T there is a single chunk and nothing is detached.",
                   _chunkings((5, 5), (4, 9)), matches_reference(mutation=False)),
             Check("returns detached results and leaves .grad of the inputs alone",
                   "Differentiate fresh leaf copies of the inputs with torch.autograd.grad and return "
                   "the loss, the gradients and h_T detached.",
                   _inputs_requiring_grad, matches_reference(mutation=False, detached=True, grad_untouched=True)),
             Check("numerically stable for large logits",
                   "Compute each chunk's loss with log-sum-exp (torch.logsumexp or F.cross_entropy), "
                   "not log(softmax(o)).",
                   _large_logits_truncated, matches_reference(mutation=False)),
             Check("ValueError for k < 1", "Check k before computing anything.",
                   _bad_k, raises("ValueError")),
         ], outputs=("loss", "grads", "h_T (B, H)")),
]
