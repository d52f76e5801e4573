"""Checks of the ch09 graded functions (echo state networks): a random
reservoir of a given spectral radius, the reservoir's states driven by an
input, the ridge-regression readout and the closed loop that feeds the
readout's output back as the next input.

``init_reservoir`` draws random numbers, so it is graded by properties, not
against the reference's matrix: its largest |eigenvalue|, its share of
non-zero entries, the same matrix from the same generator whatever torch's
global random state, and that global state left untouched.

``ridge_readout`` must solve a linear system: its main check records the
aten operators each call reached (``Case.record_ops``) and fails a call that
reached an inverse (``torch.linalg.inv``, ``torch.inverse``, ``inv_ex``,
``pinv``, ``cholesky_inverse``, ``matrix_power(A, -1)``: all reach an
operator whose name holds ``inv``). ``linalg.solve``, ``lstsq``, ``cholesky``
with ``cholesky_solve`` or ``solve_triangular``, ``lu_factor`` with
``lu_solve`` reach none.
"""
import math

import torch

from .builders import drawn_from_the_generator, shape_of, valid_and_untouched_rng, with_replaced
from .core import (Case, Check, Dims, Inputs, Spec, matches_reference, operator_names, raises, seed_for,
                   without_operators)

EIGENVALUE_TOLERANCE = 1e-6         # relative, on the largest |eigenvalue|


# init_reservoir(n, spectral_radius, density, generator) ------------------------------------------

def _reservoir_case(n: int, radius: float, density: float, seed: int, global_seed=None) -> Case:
    return Case(args=[n, radius, density, {"generator": seed}], global_seed=global_seed,
                label=f"n = {n}, spectral_radius = {radius:g}, density = {density:g}")


def _matrix(case: Case, student: dict, device: str):
    """The student's W as a float64 CPU tensor, or a message saying why there is none."""
    if not student["ok"]:
        return None, f"raised {student['error_types'][0]}: {student.get('error', '')} ({case.label})"
    output, n = student["output"], case.args[0]
    if output["kind"] != "tensor":
        return None, f"returned a {output.get('type', output['kind'])}, not a tensor ({case.label})"
    if tuple(output["shape"]) != (n, n):
        return None, f"W has shape {tuple(output['shape'])}, expected {(n, n)} ({case.label})"
    if output["dtype"] != "float64":
        return None, f"W has dtype {output['dtype']}, expected float64 ({case.label})"
    if output["device"] != device:
        return None, f"W is on device '{output['device']}', expected the generator's device '{device}'"
    W = output["values"].to(torch.float64)
    if not torch.isfinite(W).all():
        return None, f"W contains inf or nan ({case.label})"
    return W, None


def _radius_is_the_target(case, reference, student, device):
    W, problem = _matrix(case, student, device)
    if problem:
        return problem
    target = case.args[1]
    radius = torch.linalg.eigvals(W).abs().max().item()
    if abs(radius - target) > EIGENVALUE_TOLERANCE * max(1.0, target):
        return f"the largest |eigenvalue| of W is {radius:.8g}, expected {target:g} ({case.label})"
    return None


def _density_is_the_target(case, reference, student, device):
    W, problem = _matrix(case, student, device)
    if problem:
        return problem
    n, density = case.args[0], case.args[2]
    share = (W != 0).double().mean().item()
    margin = 4 * math.sqrt(density * (1 - density) / n ** 2) + 1.0 / n ** 2
    if abs(share - density) > margin:
        return f"{share:.1%} of the entries of W are non-zero, expected about {density:.1%} ({case.label})"
    return None


def _reservoir_cases(*cases: tuple) -> callable:
    return lambda device: [_reservoir_case(*case, seed=seed_for("init_reservoir", str(case)))
                           for case in cases]


def _generator_cases(device: str) -> list:
    same = 11
    return [_reservoir_case(30, 0.9, 0.2, seed, global_seed=global_seed)
            for seed, global_seed in ((same, 1), (same, 2), (same + 1, 1))]


def _bad_reservoir_arguments(device: str) -> list:
    bad = ((0, 0.9, 0.5, "n = 0"), (10, 0.9, 0.0, "density = 0"), (10, 0.9, 1.5, "density = 1.5"),
           (10, -0.5, 0.5, "spectral_radius = -0.5"))
    return [Case(args=[n, radius, density, {"generator": 3}], label=label, expect_error="ValueError")
            for n, radius, density, label in bad]


RESERVOIR_CHECKS = [
    Check("the largest |eigenvalue| of W is spectral_radius",
          "Draw the sparse matrix, compute its eigenvalues (torch.linalg.eigvals, complex in general), and "
          "divide by the largest modulus: the spectral radius, not the largest singular value or the norm.",
          _reservoir_cases((100, 0.9, 0.1), (40, 1.25, 1.0), (200, 0.5, 0.05), (1, 0.7, 1.0)),
          _radius_is_the_target),
    Check("about density of the entries are non-zero",
          "Keep each entry with probability density (a uniform draw below density), the others exactly 0.",
          _reservoir_cases((200, 0.8, 0.1), (100, 1.1, 0.3), (50, 0.9, 1.0)), _density_is_the_target),
    Check("W comes from the generator alone, torch's global random state untouched",
          "Pass generator=generator (and its device) to every random function; never seed or draw from "
          "torch's global generator.",
          _generator_cases, valid_and_untouched_rng(_matrix), joint=drawn_from_the_generator("W")),
    Check("ValueError on n < 1, density outside (0, 1] or a negative spectral_radius",
          "Check the arguments before drawing anything.", _bad_reservoir_arguments, raises("ValueError")),
]


# reservoir_states(u, W_in, W, leak_rate, x0=None, bias=None) ---------------------------------------

def _leak(inputs: Inputs) -> float:
    return float(inputs.uniform(1, low=0.2, high=0.9))


def states_args(inputs: Inputs, d: Dims) -> dict:
    """u (T, D), W_in (n, D), W (n, n), leak_rate, x0 (n,), bias (n,) with n = H."""
    return {"u": inputs.randn(d.T, d.D), "W_in": inputs.weight(d.H, d.D), "W": inputs.randn(d.H, d.H, scale=0.5),
            "leak_rate": _leak(inputs), "x0": inputs.uniform(d.H), "bias": inputs.uniform(d.H)}


def make_states(inputs: Inputs, d: Dims) -> Case:
    """x0 left out (zeros), so the standard checks (the device's included) try the default; a bias given."""
    u, W_in, W, leak, _, bias = states_args(inputs, d).values()
    return Case(args=[u, W_in, W, leak], kwargs={"bias": bias})


def bad_states(inputs: Inputs) -> list:
    d = Dims()
    args = states_args(inputs, d)
    batched_u, wide_W_in = inputs.randn(d.T, 2, d.D), inputs.weight(d.H, d.D + 1)
    short_x0, long_bias, wide_W = inputs.uniform(d.H - 1), inputs.uniform(d.H + 1), inputs.randn(d.H, d.H + 1)
    return [
        with_replaced(args, f"u {shape_of(batched_u)} (not (T, D))", u=batched_u),
        with_replaced(args, f"W_in {shape_of(wide_W_in)} with u {shape_of(args['u'])}", W_in=wide_W_in),
        with_replaced(args, f"W {shape_of(wide_W)} with W_in {shape_of(args['W_in'])}", W=wide_W),
        with_replaced(args, f"x0 {shape_of(short_x0)} with W {shape_of(args['W'])}", x0=short_x0),
        with_replaced(args, f"bias {shape_of(long_bias)} with W {shape_of(args['W'])}", bias=long_bias),
    ]


def _states_given_and_not(device: str) -> list:
    """x0 and bias both given, both left out, only x0 given, x0 = None passed with a bias."""
    args = states_args(Inputs(seed_for("reservoir_states", "defaults")), Dims(T=8))
    u, W_in, W, leak, x0, bias = args.values()
    return [Case(args=[u, W_in, W, leak, x0, bias], grad_wrt=(0, 1, 2, 4, 5), label="x0 and bias given"),
            Case(args=[u, W_in, W, leak], grad_wrt=(0, 1, 2), label="x0 and bias not given"),
            Case(args=[u, W_in, W, leak, x0], grad_wrt=(0, 1, 2, 4), label="bias not given"),
            Case(args=[u, W_in, W, leak], kwargs={"x0": None, "bias": bias}, grad_wrt=(0, 1, 2, "bias"),
                 label="x0=None, bias given")]


def _leak_ends(device: str) -> list:
    args = states_args(Inputs(seed_for("reservoir_states", "leak")), Dims(T=6))
    return [Case(args=list({**args, "leak_rate": leak}.values()), label=f"leak_rate = {leak}")
            for leak in (1.0, 0.05)]


# ridge_readout(X, Y, ridge) ----------------------------------------------------------------------

INVERSE = "inv"     # every inverse-computing aten operator has it in its name (see the module's docstring)


def inverses(op_names: list) -> list:
    """The names among ``op_names`` of operators that invert a matrix."""
    return operator_names(op_names, lambda name: INVERSE in name)


def solves_a_system(judge):
    """``judge``, after failing any call that reached an inverse."""
    return without_operators(judge, inverses, lambda inverse: (
        f"it computed a matrix inverse ({inverse}): solve the normal equations as a linear system "
        "(torch.linalg.solve, torch.linalg.lstsq or a Cholesky factorisation), which is cheaper and more "
        "accurate than inverting"))


def ridge_args(inputs: Inputs, d: Dims, ridge: float = 0.3) -> dict:
    """X (T, n) with a mean far from 0, Y (T, K) with an offset, so that the bias matters; n = H."""
    X = inputs.randn(d.T, d.H) + inputs.uniform(d.H, low=1.0, high=3.0)
    Y = X @ inputs.weight(d.K, d.H).T + inputs.uniform(d.K, low=2.0, high=4.0) + inputs.randn(d.T, d.K, scale=0.1)
    return {"X": X, "Y": Y, "ridge": ridge}


def make_ridge(inputs: Inputs, d: Dims) -> Case:
    return Case(args=list(ridge_args(inputs, Dims(T=4 * d.T, H=d.H, K=d.K) if d.T > 1 else d).values()),
                record_ops=True)


def bad_ridge(inputs: Inputs) -> list:
    d = Dims(T=20)
    args = ridge_args(inputs, d)
    short_Y, flat_X, flat_Y = inputs.randn(d.T - 1, d.K), inputs.randn(d.T), inputs.randn(d.T)
    return [
        with_replaced(args, f"Y {shape_of(short_Y)} with X {shape_of(args['X'])}", Y=short_Y),
        with_replaced(args, f"X {shape_of(flat_X)} (not (T, n))", X=flat_X),
        with_replaced(args, f"Y {shape_of(flat_Y)} (not (T, K))", Y=flat_Y),
        with_replaced(args, "ridge = -1", ridge=-1.0),
    ]


def _ridge_cases(device: str) -> list:
    """A long sequence (a ridge scaled by T shows), ridge = 0 with T > n (least squares), a strong ridge."""
    inputs = Inputs(seed_for("ridge_readout", "cases"))
    return [Case(args=list(ridge_args(inputs, Dims(T=300), ridge=2.0).values()), grad_wrt=(0, 1),
                 label="T = 300, ridge = 2", record_ops=True),
            Case(args=list(ridge_args(inputs, Dims(T=30), ridge=0.0).values()), grad_wrt=(0, 1),
                 label="T = 30 > n, ridge = 0 (least squares)", record_ops=True),
            Case(args=list(ridge_args(inputs, Dims(T=10), ridge=1e3).values()), grad_wrt=(0, 1),
                 label="ridge = 1000 (W_out near 0, b_out near the mean of Y)", record_ops=True)]


# esn_generate(W_in, W, W_out, b_out, x0, u0, steps, leak_rate) ---------------------------------------

def generate_args(inputs: Inputs, d: Dims) -> dict:
    """W_in (n, K), W (n, n), W_out (K, n), b_out (K,), x0 (n,), u0 (K,), steps = T; n = H."""
    return {"W_in": inputs.weight(d.H, d.K), "W": inputs.randn(d.H, d.H, scale=0.4),
            "W_out": inputs.weight(d.K, d.H), "b_out": inputs.uniform(d.K), "x0": inputs.uniform(d.H),
            "u0": inputs.randn(d.K), "steps": d.T, "leak_rate": _leak(inputs)}


def make_generate(inputs: Inputs, d: Dims) -> Case:
    return Case(args=list(generate_args(inputs, d).values()))


def bad_generate(inputs: Inputs) -> list:
    d = Dims()
    args = generate_args(inputs, d)
    wide_W_in, wide_W_out = inputs.weight(d.H, d.K + 1), inputs.weight(d.K, d.H + 1)
    long_x0, short_b_out = inputs.uniform(d.H + 1), inputs.uniform(d.K - 1)
    return [
        with_replaced(args, f"W_in {shape_of(wide_W_in)} with W_out {shape_of(args['W_out'])}", W_in=wide_W_in),
        with_replaced(args, f"W_out {shape_of(wide_W_out)} with W {shape_of(args['W'])}", W_out=wide_W_out),
        with_replaced(args, f"x0 {shape_of(long_x0)} with W {shape_of(args['W'])}", x0=long_x0),
        with_replaced(args, f"b_out {shape_of(short_b_out)} with W_out {shape_of(args['W_out'])}",
                      b_out=short_b_out),
        with_replaced(args, "steps = 0", steps=0),
    ]


def _long_loop(device: str) -> list:
    args = generate_args(Inputs(seed_for("esn_generate", "long")), Dims(T=40, H=10, K=2))
    return [Case(args=list(args.values()), grad_wrt=(0, 1, 2, 3, 4, 5), label="steps = 40")]


SPECS = [
    Spec("init_reservoir", None, tensor_inputs=False, extra_checks=RESERVOIR_CHECKS,
         outputs=("W (n, n)",)),
    Spec("reservoir_states", make_states, grad_wrt=(0, 1, 2, "bias"), uses_batch=False, bad_shapes=bad_states,
         extra_checks=[
             Check("x0 and bias given, and left out (zeros)",
                   "Start from x0 when it is given, from x(0) = 0 when it is None; add the bias when it is given, "
                   "none when it is None.",
                   _states_given_and_not, matches_reference(grads=True)),
             Check("leak_rate 1 (no leak) and a small leak_rate",
                   "x(t) keeps the fraction 1 - leak_rate of x(t-1) and takes leak_rate of the tanh update.",
                   _leak_ends, matches_reference()),
         ], outputs=("X (T, n)",)),
    Spec("ridge_readout", make_ridge, grad_wrt=(0, 1), bad_shapes=bad_ridge, uses_batch=False,
         main_judge=solves_a_system(matches_reference(mutation=False)), extra_checks=[
             Check("a long sequence, least squares (ridge = 0) and a strong ridge",
                   "Minimise sum_t |Y(t) - W_out X(t) - b_out|^2 + ridge |W_out|^2 exactly: the ridge is not "
                   "multiplied by T and does not penalise b_out.",
                   _ridge_cases, solves_a_system(matches_reference(grads=True))),
         ], outputs=("W_out (K, n)", "b_out (K,)")),
    Spec("esn_generate", make_generate, grad_wrt=(0, 1, 2, 3, 4, 5), uses_batch=False, bad_shapes=bad_generate,
         extra_checks=[
             Check("a long closed loop (steps = 40), gradients included",
                   "Each step: update x from the previous x and the previous output (u0 first), then read "
                   "y = W_out x + b_out, and feed y back as the next input.",
                   _long_loop, matches_reference(grads=True)),
         ], outputs=("Y (steps, K)",)),
]
