"""The catalogue of common mistakes in the ch06 graded functions (``WRONG`` and
``SAYS``, as ``autograder.mistakes`` describes them).

Each answer makes one mistake, named by its label, and is otherwise right,
argument checks included (except the answers labelled ``no_..._check``), so
the hidden check that must catch that mistake is the one that fails. The
argument checks are shared text, spliced in by ``answer``; every value of
``WRONG`` is still the complete source of a solution cell.
"""
import textwrap

from . import answer

# leaky_average(v, alpha, mu0=None): the checks of v, of alpha's shape and range, and of mu0

_V_AND_ALPHA_SHAPE = '''
if v.dim() == 0:
    raise ValueError("v must have a time dimension first, (T, ...), got a 0-dimensional tensor")
step_shape = v.shape[1:]
if isinstance(alpha, torch.Tensor):
    try:
        broadcast = torch.broadcast_shapes(alpha.shape, step_shape)
    except RuntimeError:
        broadcast = None
    if broadcast != step_shape:
        raise ValueError(f"alpha {tuple(alpha.shape)} does not broadcast to one step of v {tuple(v.shape)}")
'''

_ALPHA_RANGE = '''
if isinstance(alpha, torch.Tensor):
    outside = bool(((alpha < 0) | (alpha > 1)).any())
else:
    outside = not 0 <= alpha <= 1
if outside:
    raise ValueError(f"alpha must lie in [0, 1], got {alpha}")
'''

_MU0_SHAPE = '''
if mu0 is not None and mu0.shape != step_shape:
    raise ValueError(f"mu0 must be {tuple(step_shape)} for v {tuple(v.shape)}, got {tuple(mu0.shape)}")
'''

_AVERAGE = ("leaky_average(v, alpha, mu0=None)", _V_AND_ALPHA_SHAPE + _ALPHA_RANGE + _MU0_SHAPE)
_AVERAGE_NO_RANGE = ("leaky_average(v, alpha, mu0=None)", _V_AND_ALPHA_SHAPE + _MU0_SHAPE)

_START = '''
mu = v.new_zeros(step_shape) if mu0 is None else mu0
'''

# The networks: x (T, B, D), h0 (B, H), U (H, D), W... (H, H), b (H,)

_NETWORK_SHAPES = '''
if x.dim() != 3 or x.shape[0] < 1:
    raise ValueError(f"x must be (T, B, D) with T >= 1, got shape {tuple(x.shape)}")
(T, B, D), H = x.shape, U.shape[0]
expected = {"h0": (B, H), "U": (H, D), "b": (H,), **{name: (H, H) for name in square}}
given = {"h0": h0, "U": U, "b": b, **square}
wrong = [f"{name} is {tuple(given[name].shape)}, expected {shape}"
         for name, shape in expected.items() if tuple(given[name].shape) != shape]
if wrong:
    raise ValueError(f"inconsistent shapes for x {tuple(x.shape)} and U {tuple(U.shape)}: " + "; ".join(wrong))
'''


def _shapes(square: str) -> str:
    """The network's shape checks, with ``square`` the (H, H) weights, e.g. ``"W1=W1, Wd=Wd"``."""
    return f"square = dict({square})" + _NETWORK_SHAPES


_LEAKY_ALPHA = '''
if isinstance(alpha, torch.Tensor):
    try:
        fits = torch.broadcast_shapes(alpha.shape, (B, H)) == (B, H)
    except RuntimeError:
        fits = False
    if not fits:
        raise ValueError(f"alpha {tuple(alpha.shape)} does not broadcast to a state (B, H) = {(B, H)}")
'''

_LEAKY = ("leaky_rnn_forward(x, h0, U, W, b, alpha)", _shapes("W=W") + _LEAKY_ALPHA + _ALPHA_RANGE)
_LEAKY_NO_RANGE = ("leaky_rnn_forward(x, h0, U, W, b, alpha)", _shapes("W=W") + _LEAKY_ALPHA)
_LEAKY_SHAPES_ONLY = ("leaky_rnn_forward(x, h0, U, W, b, alpha)", _shapes("W=W"))

_DELAY = '''
if isinstance(d, bool) or not isinstance(d, int) or d < 1:
    raise ValueError(f"the delay d must be a positive integer, got {d!r}")
'''

_SKIP = ("skip_rnn_forward(x, h0, U, W1, Wd, b, d)", _DELAY + _shapes("W1=W1, Wd=Wd"))
_SKIP_NO_DELAY_CHECK = ("skip_rnn_forward(x, h0, U, W1, Wd, b, d)", _shapes("W1=W1, Wd=Wd"))

_PERIODS = '''
periods = list(periods)
if not periods or any(isinstance(p, bool) or not isinstance(p, int) or p < 1 for p in periods):
    raise ValueError(f"periods must be a non-empty list of positive integers, got {periods!r}")
'''

_MODULES = '''
if H % len(periods):
    raise ValueError(f"{len(periods)} modules cannot share H = {H} units equally")
size = H // len(periods)
unit_period = [p for p in periods for _ in range(size)]
'''

_CLOCKWORK = ("clockwork_rnn_forward(x, h0, U, W, b, periods)", _PERIODS + _shapes("W=W") + _MODULES)
_CLOCKWORK_NO_PERIOD_CHECK = ("clockwork_rnn_forward(x, h0, U, W, b, periods)", _shapes("W=W") + '''
periods = list(periods)
''' + _MODULES)


def _clockwork(reads: str = "p_j >= p_i", ticks: str = "t % p == 0", idle: str = "h_t",
               device: str = ", device=W.device") -> str:
    """A clockwork body: unit i (period p_i, module i // size) reads unit j iff ``reads``; a unit of
    period p updates at step t iff ``ticks``, else takes ``idle``; the masks are made with ``device``."""
    return f'''
reads = torch.tensor([[{reads} for j, p_j in enumerate(unit_period)]
                      for i, p_i in enumerate(unit_period)]{device})
W_kept = torch.where(reads, W, torch.zeros_like(W))
states, h_t = [], h0
for t in range(T):
    ticks = torch.tensor([{ticks} for p in unit_period], device=x.device)
    h_t = torch.where(ticks, torch.tanh(b + h_t @ W_kept.T + x[t] @ U.T), {idle})
    states.append(h_t)
return torch.stack(states)
'''


def _skip(skipped: str = "past[t - d] if t - d >= 0 else h0", W1: str = "W1", Wd: str = "Wd") -> str:
    """A skip-connection body whose h(t-d) is ``skipped`` (``past[s]`` is h(s))."""
    return f'''
past = [h0]
for t in range(1, T + 1):
    h_skip = {skipped}
    past.append(torch.tanh(b + past[t - 1] @ {W1}.T + h_skip @ {Wd}.T + x[t - 1] @ U.T))
return torch.stack(past[1:])
'''


def _leaky(step: str = "alpha * h_t + (1 - alpha) * torch.tanh(b + h_t @ W.T + x[t] @ U.T)",
           before: str = "") -> str:
    """A leaky-network body computing each new state as ``step`` from ``h_t`` (the previous one),
    after the lines ``before``."""
    return textwrap.dedent(before) + f'''
states, h_t = [], h0
for t in range(T):
    h_t = {step}
    states.append(h_t)
return torch.stack(states)
'''


def _average(step: str = "alpha * mu + (1 - alpha) * v_t", before: str = "") -> str:
    """A moving-average body computing each mu(t) as ``step`` from ``mu`` (mu(t-1)) and ``v_t``,
    after the lines ``before``."""
    return textwrap.dedent(before) + f'''
averages = []
for v_t in v:
    mu = {step}
    averages.append(mu)
return torch.stack(averages)
'''


WRONG = {
    "leaky_average": {
        "alpha_and_one_minus_alpha_swapped": answer(_AVERAGE, _START, _average("(1 - alpha) * mu + alpha * v_t")),
        "mu0_ignored": answer(_AVERAGE, _average(before="mu = v.new_zeros(step_shape)")),
        "per_unit_alpha_on_the_wrong_axis": answer(_AVERAGE, _START, _average(before='''
            if isinstance(alpha, torch.Tensor) and alpha.dim() == 1:
                alpha = alpha.reshape(-1, *[1] * (v.dim() - 2))   # along the first axis of a step
        ''')),
        "one_minus_alpha_forgotten": answer(_AVERAGE, _START, _average("alpha * mu + v_t")),
        "returns_mu0_to_mu_T_minus_1": answer(_AVERAGE, _START, '''
            averages = [mu]
            for v_t in v[:-1]:
                mu = alpha * mu + (1 - alpha) * v_t
                averages.append(mu)
            return torch.stack(averages)
        '''),
        "no_alpha_range_check": answer(_AVERAGE_NO_RANGE, _START, _average()),
        "averages_written_into_v": answer(_AVERAGE, _START, '''
            for t in range(len(v)):
                mu = alpha * mu + (1 - alpha) * v[t]
                v[t] = mu
            return v.clone()
        '''),
        "zeros_on_the_cpu": answer(_AVERAGE, _average(before='''
            mu = torch.zeros(step_shape, dtype=v.dtype) if mu0 is None else mu0
        ''')),
    },
    "leaky_rnn_forward": {
        "alpha_and_one_minus_alpha_swapped": answer(
            _LEAKY, _leaky("(1 - alpha) * h_t + alpha * torch.tanh(b + h_t @ W.T + x[t] @ U.T)")),
        "leak_inside_the_tanh": answer(
            _LEAKY, _leaky("torch.tanh(alpha * h_t + (1 - alpha) * (b + h_t @ W.T + x[t] @ U.T))")),
        "per_unit_alpha_on_the_wrong_axis": answer(_LEAKY, _leaky(before='''
            if isinstance(alpha, torch.Tensor) and alpha.dim() == 1:
                alpha = alpha[:, None]           # a column, as in the equations
        ''')),
        "leaks_towards_h0_not_h_t_minus_1": answer(
            _LEAKY, _leaky("alpha * h0 + (1 - alpha) * torch.tanh(b + h_t @ W.T + x[t] @ U.T)")),
        "tanh_reads_the_input_only": answer(
            _LEAKY, _leaky("alpha * h_t + (1 - alpha) * torch.tanh(b + x[t] @ U.T)")),
        "no_alpha_range_check": answer(_LEAKY_NO_RANGE, _leaky()),
        "returns_h0_to_h_T_minus_1": answer(_LEAKY, '''
            states, h_t = [h0], h0
            for t in range(T - 1):
                h_t = alpha * h_t + (1 - alpha) * torch.tanh(b + h_t @ W.T + x[t] @ U.T)
                states.append(h_t)
            return torch.stack(states)
        '''),
        "alpha_per_unit_made_on_the_cpu": answer(_LEAKY, _leaky(before='''
            if not isinstance(alpha, torch.Tensor):
                alpha = torch.full((H,), alpha, dtype=x.dtype)
        ''')),
    },
    "skip_rnn_forward": {
        "skip_reads_h_t_minus_d_minus_1": answer(_SKIP, _skip("past[t - d - 1] if t - d - 1 >= 0 else h0")),
        "skip_states_before_t_0_zeros": answer(
            _SKIP, _skip("past[t - d] if t - d >= 0 else torch.zeros_like(h0)")),
        "skip_states_before_t_1_zeros": answer(_SKIP, _skip("past[t - d] if t - d > 0 else torch.zeros_like(h0)")),
        "W1_and_Wd_swapped": answer(_SKIP, _skip(W1="Wd", Wd="W1")),
        "skip_outside_the_tanh": answer(_SKIP, '''
            past = [h0]
            for t in range(1, T + 1):
                h_skip = past[t - d] if t - d >= 0 else h0
                past.append(torch.tanh(b + past[t - 1] @ W1.T + x[t - 1] @ U.T) + h_skip @ Wd.T)
            return torch.stack(past[1:])
        '''),
        "skip_added_only_every_d_steps": answer(_SKIP, _skip("past[t - d] if t % d == 0 else torch.zeros_like(h0)")),
        "no_delay_check": answer(_SKIP_NO_DELAY_CHECK, _skip()),
    },
    "clockwork_rnn_forward": {
        "updates_counted_from_t_1": answer(_CLOCKWORK, _clockwork(ticks="(t + 1) % p == 0")),
        "mask_reversed_slow_modules_read_fast_ones": answer(_CLOCKWORK, _clockwork(reads="p_j <= p_i")),
        "equal_periods_do_not_read_each_other": answer(
            _CLOCKWORK, _clockwork(reads="p_j > p_i or i // size == j // size")),
        "updates_when_t_mod_period_is_not_0": answer(_CLOCKWORK, _clockwork(ticks="t % p != 0")),
        "mask_by_module_number_not_period": answer(_CLOCKWORK, _clockwork(reads="j // size >= i // size")),
        "no_mask": answer(_CLOCKWORK, _clockwork(reads="True")),
        "idle_modules_reset_to_0": answer(_CLOCKWORK, _clockwork(idle="torch.zeros_like(h_t)")),
        "idle_modules_keep_h0": answer(_CLOCKWORK, _clockwork(idle="h0")),
        "no_period_check": answer(_CLOCKWORK_NO_PERIOD_CHECK, _clockwork()),
        "mask_made_on_the_cpu": answer(_CLOCKWORK, _clockwork(device="")),
    },
}



SAYS = {
    "leaky_average": {
        "alpha_and_one_minus_alpha_swapped": "alpha and 1 - alpha are swapped: alpha weighs the past, 1 - alpha "
                                             "the new value",
        "mu0_ignored": "mu0 is ignored: the average starts from zeros",
        "per_unit_alpha_on_the_wrong_axis": "a per-unit alpha is applied along the wrong axis",
        "one_minus_alpha_forgotten": "the factor 1 - alpha on the new value is left out",
        "returns_mu0_to_mu_T_minus_1": "mu(0)...mu(T-1) are returned where mu(1)...mu(T) are asked",
        "no_alpha_range_check": "an alpha outside its allowed range is not rejected with ValueError",
        "averages_written_into_v": "the averages are written into v in place, modifying the input",
        "zeros_on_the_cpu": "the zeros are created on the CPU, not on the inputs' device",
    },
    "leaky_rnn_forward": {
        "alpha_and_one_minus_alpha_swapped": "alpha and 1 - alpha are swapped: alpha weighs the old state, "
                                             "1 - alpha the new one",
        "leak_inside_the_tanh": "the leak is applied inside the tanh where it mixes the states after it",
        "per_unit_alpha_on_the_wrong_axis": "a per-unit alpha is applied along the wrong axis",
        "leaks_towards_h0_not_h_t_minus_1": "the state leaks towards h(0) where it leaks towards h(t-1)",
        "tanh_reads_the_input_only": "the tanh reads the input only: the recurrent term is left out",
        "no_alpha_range_check": "an alpha outside its allowed range is not rejected with ValueError",
        "returns_h0_to_h_T_minus_1": "h(0)...h(T-1) are returned where h(1)...h(T) are asked",
        "alpha_per_unit_made_on_the_cpu": "the per-unit alpha is made on the CPU, not on the inputs' device",
    },
    "skip_rnn_forward": {
        "skip_reads_h_t_minus_d_minus_1": "the skip connection reads h(t-d-1) where it reads h(t-d)",
        "skip_states_before_t_0_zeros": "the skip connection reads zeros before t = 0 where every h(s) with "
                                        "s <= 0 is h(0)",
        "skip_states_before_t_1_zeros": "the skip connection reads zeros at t = 0 and before, where every h(s) "
                                        "with s <= 0 is h(0)",
        "W1_and_Wd_swapped": "the one-step and the d-step weights are swapped",
        "skip_outside_the_tanh": "the skip term is added outside the tanh where it is part of the pre-activation",
        "skip_added_only_every_d_steps": "the skip term is added only every d steps where it is added at "
                                         "every step",
        "no_delay_check": "a delay d below 1 is not rejected with ValueError",
    },
    "clockwork_rnn_forward": {
        "updates_counted_from_t_1": "the updates are counted from t = 1 where the clock starts at t = 0",
        "mask_reversed_slow_modules_read_fast_ones": "the connection mask is reversed: slow modules read fast ones",
        "equal_periods_do_not_read_each_other": "modules of equal periods do not read each other",
        "updates_when_t_mod_period_is_not_0": "a module updates when t is not a multiple of its period, "
                                              "the reverse of the rule",
        "mask_by_module_number_not_period": "the mask compares module numbers where it compares periods",
        "no_mask": "no connection mask: every module reads every other",
        "idle_modules_reset_to_0": "idle modules are reset to 0 where they keep their state",
        "idle_modules_keep_h0": "idle modules keep h(0) where they keep their last state",
        "no_period_check": "invalid periods are not rejected with ValueError",
        "mask_made_on_the_cpu": "the mask is made on the CPU, not on the inputs' device",
    },
}
