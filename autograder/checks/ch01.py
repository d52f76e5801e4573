"""Checks of the ch01 graded functions (unrolled computational graphs)."""
from .core import Case, Check, Dims, Inputs, Spec, matches_reference

AFFINE_TANH = {"callable": "affine_tanh"}
SCALED_SINE = {"callable": "scaled_sine"}
SUM_OF_SQUARES = {"callable": "sum_of_squares"}
WEIGHTED_LAST_STATE = {"callable": "weighted_last_state"}


def _state_and_theta(inputs: Inputs, d: Dims):
    """s0: (B, H); theta: (H, H + D + 1) packs A, B and c of affine_tanh."""
    return inputs.uniform(d.B, d.H), inputs.weight(d.H, d.H + d.D + 1)


def make_unroll(inputs: Inputs, d: Dims) -> Case:
    s0, theta = _state_and_theta(inputs, d)
    return Case(args=[AFFINE_TANH, s0, theta], kwargs={"xs": inputs.randn(d.T, d.B, d.D)})


def _unroll_without_inputs(device: str) -> list:
    inputs, d = Inputs(101), Dims()
    s0, theta = inputs.uniform(d.B, d.H), inputs.uniform(d.H, low=0.5, high=1.5)
    return [Case(args=[SCALED_SINE, s0, theta], kwargs={"steps": d.T}, grad_wrt=(1, 2),
                 label="steps given, no inputs")]


def _unroll_bad_arguments(device: str) -> list:
    inputs, d = Inputs(102), Dims()
    s0, theta = _state_and_theta(inputs, d)
    xs = inputs.randn(d.T, d.B, d.D)
    return [Case(args=[AFFINE_TANH, s0, theta], kwargs={"xs": xs}),
            Case(args=[AFFINE_TANH, s0, theta], kwargs={"xs": xs, "steps": d.T},
                 label="both xs and steps", expect_error="ValueError"),
            Case(args=[AFFINE_TANH, s0, theta], label="neither xs nor steps", expect_error="ValueError")]


def make_untied_gradient(inputs: Inputs, d: Dims) -> Case:
    s0, theta = _state_and_theta(inputs, d)
    return Case(args=[AFFINE_TANH, s0, theta, inputs.randn(d.T, d.B, d.D), SUM_OF_SQUARES])


def _theta_requiring_grad(device: str) -> list:
    case = make_untied_gradient(Inputs(103), Dims())
    case.args[-1] = WEIGHTED_LAST_STATE
    case.grad_wrt, case.label = (2,), "theta requires grad"
    return [case]


SPECS = [
    Spec("unroll", make_unroll, grad_wrt=(1, 2, "xs"), extra_checks=[
        Check("unrolls without inputs for a given number of steps",
              "With steps, call f(s, None, theta) exactly steps times.",
              _unroll_without_inputs, matches_reference(grads=True)),
        Check("ValueError unless exactly one of xs and steps is given",
              "Check the arguments before unrolling.",
              _unroll_bad_arguments, matches_reference(mutation=False)),
    ], outputs=("s (T, *S)",)),
    Spec("untied_gradient", make_untied_gradient, differentiable=False, extra_checks=[
        Check("returns a detached gradient and leaves theta.grad alone",
              "Give each step its own copy theta(t) that requires grad, use torch.autograd.grad, "
              "and return the detached sum.",
              _theta_requiring_grad, matches_reference(mutation=False, detached=True, grad_untouched=True)),
    ], outputs=("the gradient",)),
]
