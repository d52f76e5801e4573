"""Wrong implementations of the ch06 graded functions; each must lose points.

Each answer makes one mistake, named by its label, and is otherwise right,
argument checks included (except the answers labelled ``no_..._check``), so
the hidden check that must catch that mistake is the one that fails. The
argument checks are shared text, spliced in by ``answer``; every value of
``WRONG`` is still the complete source of a solution cell. ``RIGHT`` holds
correct answers written unlike the reference; each must score full marks.
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

RIGHT = {
    "leaky_average": {
        "closed_form_weights_matrix": answer(_AVERAGE, _START, '''
            # mu(t) = alpha^t mu(0) + (1 - alpha) sum_{s <= t} alpha^(t - s) v(s), all steps at once
            T = v.shape[0]
            alpha = torch.as_tensor(alpha, dtype=v.dtype, device=v.device)
            steps = torch.arange(1, T + 1, dtype=v.dtype, device=v.device)
            lag = steps[:, None] - steps[None, :]
            shape = (T, T) + (1,) * len(step_shape)
            lag = lag.reshape(shape)
            weights = torch.where(lag >= 0, (1 - alpha) * alpha ** lag.clamp(min=0), torch.zeros_like(lag))
            start = alpha ** steps.reshape((T,) + (1,) * len(step_shape)) * mu
            return start + (weights * v.unsqueeze(0)).sum(dim=1)
        '''),
        "preallocated_with_index_writes": answer(_AVERAGE, _START, '''
            out = torch.empty_like(v)
            for t in range(v.shape[0]):
                mu = mu + (1 - alpha) * (v[t] - mu)      # the same update, rearranged
                out[t] = mu
            return out
        '''),
        "alpha_checked_with_item": answer(
            ("leaky_average(v, alpha, mu0=None)", _V_AND_ALPHA_SHAPE + _MU0_SHAPE), '''
            if isinstance(alpha, torch.Tensor):
                if alpha.min().item() < 0 or alpha.max().item() > 1:
                    raise ValueError(f"alpha must lie in [0, 1], got {alpha}")
            elif alpha < 0 or alpha > 1:
                raise ValueError(f"alpha must lie in [0, 1], got {alpha}")
        ''', _START, _average()),
    },
    "leaky_rnn_forward": {
        "F_linear_and_lerp": answer(_LEAKY, '''
            states, h_t = [], h0
            for x_t in x:
                candidate = torch.tanh(F.linear(x_t, U, b) + F.linear(h_t, W))
                h_t = torch.lerp(candidate, h_t, torch.as_tensor(alpha, dtype=x.dtype, device=x.device))
                states.append(h_t)
            return torch.stack(states)
        ''', imports="import torch\nimport torch.nn.functional as F"),
        "alpha_made_a_tensor_and_checked_with_python_if": answer(_LEAKY_SHAPES_ONLY, '''
            alpha = torch.as_tensor(alpha, dtype=x.dtype, device=x.device)
            try:
                alpha = alpha.expand(B, H)
            except RuntimeError:
                raise ValueError(f"alpha {tuple(alpha.shape)} does not broadcast to a state (B, H) = {(B, H)}")
            if (alpha < 0).any() or (alpha > 1).any():
                raise ValueError("alpha must lie in [0, 1]")
        ''', _leaky()),
        "states_written_into_new_zeros": answer(_LEAKY, '''
            h = x.new_zeros(T, B, H)
            h_t = h0
            for t in range(T):
                h_t = h_t + (1 - alpha) * (torch.tanh(b + h_t @ W.T + x[t] @ U.T) - h_t)
                h = torch.cat([h[:t], h_t[None], h[t + 1:]])
            return h
        '''),
    },
    "skip_rnn_forward": {
        "history_padded_with_h0": answer(_SKIP, '''
            history = [h0] * d                   # h(1-d), ..., h(0)
            for t in range(T):
                history.append(torch.tanh(b + history[-1] @ W1.T + history[-d] @ Wd.T + x[t] @ U.T))
            return torch.stack(history[d:])
        '''),
        "einsum_and_max_index": answer(_SKIP, '''
            past = [h0]
            for t in range(1, T + 1):
                recurrent = torch.einsum("bh,kh->bk", past[t - 1], W1)
                skipped = torch.einsum("bh,kh->bk", past[max(t - d, 0)], Wd)
                past.append(torch.tanh(b + recurrent + skipped + torch.einsum("bd,hd->bh", x[t - 1], U)))
            return torch.stack(past[1:])
        '''),
    },
    "clockwork_rnn_forward": {
        "only_the_ticking_modules_computed": answer(_CLOCKWORK, '''
            size = H // len(periods)
            blocks = range(len(periods))
            rows = lambda g: slice(g * size, (g + 1) * size)
            # module g reads the modules g2 with periods[g2] >= periods[g]
            block = lambda g, g2: W[rows(g), rows(g2)]
            reads = [torch.cat([block(g, g2) if periods[g2] >= periods[g] else torch.zeros_like(block(g, g2))
                                for g2 in blocks], dim=1) for g in blocks]
            states, h_t = [], h0
            for t in range(T):
                parts = []
                for g in blocks:
                    if t % periods[g] == 0:
                        parts.append(torch.tanh(b[rows(g)] + h_t @ reads[g].T + x[t] @ U[rows(g)].T))
                    else:
                        parts.append(h_t[:, rows(g)])
                h_t = torch.cat(parts, dim=1)
                states.append(h_t)
            return torch.stack(states)
        '''),
        "mask_from_a_period_tensor": answer(_CLOCKWORK, '''
            period = torch.tensor(unit_period, device=W.device)
            mask = (period[None, :] >= period[:, None]).to(W.dtype)
            states, h_t = [], h0
            for t in range(T):
                ticking = (t % period == 0).to(W.dtype)
                new = torch.tanh(b + h_t @ (W * mask).T + x[t] @ U.T)
                h_t = ticking * new + (1 - ticking) * h_t
                states.append(h_t)
            return torch.stack(states)
        '''),
    },
}
