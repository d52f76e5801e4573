"""Checks of the ch03 graded functions (teacher forcing and output recurrence).

The model: h(t) = tanh(b + W yin(t) + U x(t)), o(t) = c + V h(t), with W (H, K)
fed the one-hot of the previous target (teacher forcing) or of the model's
own previous argmax (free running); yin(1) = 0.
"""
import math

import torch

from .builders import drawn_from_the_generator, rnn_weights, shape_of, with_replaced
from .core import Case, Check, Dims, Inputs, Spec, compare_outputs, matches_reference, raises, seed_for

X, Y = 0, 1                      # positions of x and y
EPS, GENERATOR = 7, 8            # positions of eps and the generator of scheduled sampling
MODEL_INPUTS = (0, 2, 3, 4, 5, 6)   # x, U, W, V, b, c


def _with_targets(inputs: Inputs, d: Dims) -> dict:
    return {"x": inputs.randn(d.T, d.B, d.D), "y": inputs.randint(d.K, d.T, d.B),
            **rnn_weights(inputs, d, d.K)}


def _bad_model_shapes(args: dict, inputs: Inputs, d: Dims) -> list:
    """Calls whose x, W or V disagree with U, V, W (args: a valid call by name)."""
    wide_x = inputs.randn(d.T, d.B, d.D + 1)
    wide_W = inputs.weight(d.H, d.K + 1)
    tall_V = inputs.weight(d.K, d.H + 1)
    return [
        with_replaced(args, f"x {shape_of(wide_x)} with U {shape_of(args['U'])}", x=wide_x),
        with_replaced(args, f"W {shape_of(wide_W)} with V {shape_of(args['V'])}", W=wide_W),
        with_replaced(args, f"V {shape_of(tall_V)} with U {shape_of(args['U'])}", V=tall_V),
    ]


def _bad_targets(args: dict, inputs: Inputs, d: Dims) -> list:
    other_batch = inputs.randint(d.K, d.T, d.B + 1)
    shorter = inputs.randint(d.K, d.T - 1, d.B)
    return [with_replaced(args, f"x {shape_of(args['x'])} with y {shape_of(y)}", y=y)
            for y in (other_batch, shorter)]


# teacher_forced_logits(x, y, U, W, V, b, c) ---------------------------------

def make_teacher_forced(inputs: Inputs, d: Dims) -> Case:
    return Case(args=list(_with_targets(inputs, d).values()))


def bad_teacher_forced(inputs: Inputs) -> list:
    d = Dims()
    args = _with_targets(inputs, d)
    return _bad_model_shapes(args, inputs, d) + _bad_targets(args, inputs, d)


SHORT, LONG = 3, 12


def _two_lengths(device: str) -> list:
    cases = []
    for T in (SHORT, LONG):
        case = make_teacher_forced(Inputs(seed_for("teacher_forced_logits", "ops", str(T))), Dims(T=T))
        case.count_ops, case.label = True, f"T = {T}"
        cases.append(case)
    return cases


def _ops_do_not_grow(cases: list, students: list):
    short, long = (student["ops"] for student in students)
    if long > short:
        return (f"it dispatched {short} tensor operations for T = {SHORT} and {long} for T = {LONG}: "
                "the work is done step by step instead of for all steps at once")
    return None


# free_running_logits(x, U, W, V, b, c) ------------------------------------------

def _free_running_args(inputs: Inputs, d: Dims) -> dict:
    args = _with_targets(inputs, d)
    del args["y"]
    return args


def make_free_running(inputs: Inputs, d: Dims) -> Case:
    return Case(args=list(_free_running_args(inputs, d).values()))


def bad_free_running(inputs: Inputs) -> list:
    d = Dims()
    return _bad_model_shapes(_free_running_args(inputs, d), inputs, d)


# sampling_probability(i, schedule, k, c=None, eps_min=0.0) ---------------------

def _schedule_cases(*calls, error: str = None) -> callable:
    """calls: (i, schedule, k, kwargs) tuples, one case each."""
    def cases(device):
        return [Case(args=[i, schedule, k], kwargs=kwargs, expect_error=error,
                     label=f"i={i}, schedule={schedule!r}, k={k}" + "".join(f", {n}={v}" for n, v in kwargs.items()))
                for i, schedule, k, kwargs in calls]
    return cases


def _schedule_check(name: str, hint: str, *calls, error: str = None) -> Check:
    judge = raises(error) if error else matches_reference()
    return Check(name, hint, _schedule_cases(*calls, error=error), judge)


SAMPLING_CHECKS = [
    _schedule_check("linear schedule: max(eps_min, k - c*i)",
                    "Decrease linearly from k by c per minibatch and never go below eps_min; return a Python float.",
                    (0, "linear", 1.0, {"c": 0.002}), (150, "linear", 1.0, {"c": 0.002}),
                    (300, "linear", 0.9, {"c": 0.001, "eps_min": 0.1}),
                    (5000, "linear", 1.0, {"c": 0.001, "eps_min": 0.05})),
    _schedule_check("exponential schedule: k**i",
                    "Raise k to the power i; return a Python float.",
                    (0, "exponential", 0.99, {}), (70, "exponential", 0.99, {}), (3, "exponential", 0.5, {})),
    _schedule_check("inverse sigmoid schedule: k / (k + exp(i/k))",
                    "Follow the formula with exp(i / k); return a Python float.",
                    (0, "inverse_sigmoid", 10.0, {}), (40, "inverse_sigmoid", 10.0, {}),
                    (500, "inverse_sigmoid", 100.0, {})),
    _schedule_check("eps_min bounds the linear schedule only",
                    "Apply eps_min in the linear schedule and nowhere else.",
                    (300, "exponential", 0.99, {"eps_min": 0.5}), (100, "inverse_sigmoid", 10.0, {"eps_min": 0.5})),
    _schedule_check("no overflow for large i/k",
                    "exp(i/k) overflows a float for i/k above about 709: rewrite k/(k + exp(z)) with exp(-z), "
                    "or treat very large z separately.",
                    (10 ** 6, "inverse_sigmoid", 10.0, {}), (20000, "inverse_sigmoid", 2.0, {}),
                    (10 ** 5, "exponential", 0.9, {})),
    _schedule_check("ValueError on an unknown schedule or invalid arguments",
                    "Check the schedule's name and its arguments (c for linear, 0 < k < 1, k >= 1) first.",
                    (10, "cosine", 1.0, {}), (10, "linear", 1.0, {}), (10, "exponential", 1.5, {}),
                    (10, "inverse_sigmoid", 0.5, {}), error="ValueError"),
]


# scheduled_sampling_logits(x, y, U, W, V, b, c, eps, generator) -----------------

def _scheduled(inputs: Inputs, d: Dims, eps: float, generator_seed: int) -> list:
    return list(_with_targets(inputs, d).values()) + [eps, {"generator": generator_seed}]


def make_scheduled_sampling(inputs: Inputs, d: Dims) -> Case:
    """eps = 0 (free running): deterministic, so it is compared with the reference."""
    return Case(args=_scheduled(inputs, d, 0.0, 7))


def bad_scheduled_sampling(inputs: Inputs) -> list:
    d = Dims()
    args = {**_with_targets(inputs, d), "eps": 0.5, "generator": {"generator": 7}}
    return _bad_model_shapes(args, inputs, d) + _bad_targets(args, inputs, d)


def _teacher_forcing_case(device: str) -> list:
    return [Case(args=_scheduled(Inputs(301), Dims(), 1.0, 11), grad_wrt=MODEL_INPUTS, label="eps = 1")]


def _eps_out_of_range(device: str) -> list:
    return [Case(args=_scheduled(Inputs(302), Dims(), eps, 3), label=f"eps = {eps}")
            for eps in (1.5, -0.25)]


FRACTION_DIMS = Dims(T=40, B=50, D=3, H=8, K=5)


def _fraction_cases(device: str) -> list:
    return [Case(args=_scheduled(Inputs(303 + k), FRACTION_DIMS, eps, 20 + k), label=f"eps = {eps}")
            for k, eps in enumerate((0.3, 0.75))]


def _generator_cases(device: str) -> list:
    d, same = Dims(T=12, B=10), 5
    return [Case(args=_scheduled(Inputs(304), d, 0.5, seed), global_seed=global_seed,
                 label=f"generator seeded {seed}, global seed {global_seed}")
            for seed, global_seed in ((same, 1), (same, 2), (same + 1, 1))]


def _feedback_choices(case: Case, o: torch.Tensor):
    """For a scheduled-sampling output ``o (T, B, K)``: which input the steps
    t >= 2 were fed, as ``(fed_truth, decided)``, two bool tensors (T-1, B)
    (decided is false where y(t-1) = argmax o(t-1) and the two coincide), or
    a message when some o(t) follows from neither input (or o(1) not from a
    zero input)."""
    x, y, U, W, V, b, c = (t.to(torch.float64) if t.is_floating_point() else t for t in case.args[:7])
    o = o.to(torch.float64)

    def logits(fed, steps):              # fed: W yin(t) for the steps, (.., B, H)
        return c + torch.tanh(b + fed + x[steps] @ U.T) @ V.T

    def close(a, b_):                    # per step and sequence
        return (a - b_).abs().amax(-1) <= 1e-6 * (1 + b_.abs().amax(-1))

    if not close(o[0], logits(0.0, 0)).all():
        return None, "o(1) does not follow from a zero input at the first step"
    truth, own = y[:-1], o[:-1].argmax(dim=-1)
    later = slice(1, None)
    fed_truth = close(o[later], logits(W.T[truth], later))
    fed_own = close(o[later], logits(W.T[own], later))
    if not (fed_truth | fed_own).all():
        return None, "some o(t) follows neither from feeding y(t-1) nor from feeding argmax o(t-1)"
    return (fed_truth, truth != own), None


def _output_like_reference(reference: dict, student: dict, device: str):
    if not student["ok"]:
        return f"raised {student['error_types'][0]}: {student.get('error', '')}"
    expected = dict(reference["output"], values=None)
    return compare_outputs(expected, dict(student["output"], values=None), device, (0, 0))


def _valid_feedback(case, reference, student, device):
    problem = _output_like_reference(reference, student, device)
    if problem or device == "meta":
        return problem and problem + f" ({case.label})"
    _, problem = _feedback_choices(case, student["output"]["values"])
    return problem and problem + f" ({case.label})"


def _truth_fed_with_probability_eps(case, reference, student, device):
    problem = _valid_feedback(case, reference, student, device)
    if problem:
        return problem
    (fed_truth, decided), _ = _feedback_choices(case, student["output"]["values"])
    eps, count = case.args[EPS], int(decided.sum())
    fraction = (fed_truth & decided).sum().item() / count
    margin = 4 * math.sqrt(eps * (1 - eps) / count) + 0.02
    if abs(fraction - eps) > margin:
        return f"the target was fed at {fraction:.0%} of the steps where it mattered, for {case.label}"
    truth_somewhere = (fed_truth & decided).any(dim=1)
    own_somewhere = (~fed_truth & decided).any(dim=1)
    shared = (truth_somewhere ^ own_somewhere).float().mean().item()
    if shared > 0.5:
        return (f"at {shared:.0%} of the steps every sequence of the batch made the same choice ({case.label}): "
                "draw once per step and per sequence")
    return None




SPECS = [
    Spec("teacher_forced_logits", make_teacher_forced, grad_wrt=MODEL_INPUTS, bad_shapes=bad_teacher_forced,
         extra_checks=[Check("all time steps at once (no loop over time)",
                             "With the targets known, every input yin(t) is known in advance: build all of them "
                             "with tensor operations (shift y by one step) and compute every step at once.",
                             _two_lengths, matches_reference(mutation=False), joint=_ops_do_not_grow)],
         outputs=("o (T, B, K)",)),
    Spec("free_running_logits", make_free_running, grad_wrt=(0, 1, 2, 3, 4, 5), bad_shapes=bad_free_running,
         outputs=("o (T, B, K)", "y_hat (T, B)")),
    Spec("sampling_probability", None, tensor_inputs=False, extra_checks=SAMPLING_CHECKS,
         outputs=("eps_i",)),
    Spec("scheduled_sampling_logits", make_scheduled_sampling, grad_wrt=MODEL_INPUTS,
         bad_shapes=bad_scheduled_sampling, extra_checks=[
             Check("eps = 1 is teacher forcing", "With eps = 1 the target y(t-1) is always fed.",
                   _teacher_forcing_case, matches_reference(grads=True)),
             Check("the target is fed with probability eps, per step and per sequence",
                   "At each step t >= 2 draw one uniform number per sequence from the generator and feed "
                   "y(t-1) where it is below eps, else the argmax of the model's previous logits.",
                   _fraction_cases, _truth_fed_with_probability_eps),
             Check("random draws come from the generator argument",
                   "Pass generator=generator (and device=x.device) to every random function you call.",
                   _generator_cases, _valid_feedback, joint=drawn_from_the_generator("the result")),
             Check("ValueError for eps outside [0, 1]", "Check eps before computing anything.",
                   _eps_out_of_range, raises("ValueError")),
         ], outputs=("o (T, B, K)",)),
]
