"""Callables that a check may pass to a graded function, referred to by name.

Messages carry only tensors and plain data, so a case names a callable as
``{"callable": NAME}`` and a random-number generator as ``{"generator": SEED}``;
both sides resolve them here (a generator on the device of the call). None of these is a
solution to an exercise: they are the transition and loss functions that
exercises take as arguments.
"""
import torch


def affine_tanh(s, x, theta):
    """s(t) = tanh(A s(t-1) + B x(t) + c) with theta = (A, B, c) packed as
    one tensor of shape (S, S + X + 1); s: (B, S), x: (B, X) or None."""
    size = s.shape[-1]
    A, rest = theta[:, :size], theta[:, size:]
    pre = s @ A.T + rest[:, -1]
    if x is not None:
        pre = pre + x @ rest[:, :-1].T
    return torch.tanh(pre)


def scaled_sine(s, x, theta):
    """s(t) = sin(theta * s(t-1)) (+ x(t) when given); theta broadcasts with s."""
    out = torch.sin(theta * s)
    return out if x is None else out + x


def sum_of_squares(states):
    """A scalar loss of all states: sum of squares (states: (T, ...))."""
    return (states ** 2).sum()


def weighted_last_state(states):
    """A scalar loss that weighs later steps more: sum_t t * mean(s(t))."""
    steps = torch.arange(1, states.shape[0] + 1, dtype=states.dtype, device=states.device)
    return (steps * states.reshape(states.shape[0], -1).mean(dim=1)).sum()


TABLE_STEPS = 12      # the tables of table_step have this many steps


def table_step(tokens, state):
    """A decoder step read from a table of logits carried in the state (ch08).

    state (N, 1 + T*V*V): column 0 counts the steps taken, the rest is a table
    (T, V, V) of logits; the logits of row n are table[n][t, tokens[n]] (they
    depend on the step and the token fed). Returns (logits (N, V), state with the count + 1)."""
    count = state[:, 0]
    V = round(((state.shape[1] - 1) / TABLE_STEPS) ** 0.5)
    table = state[:, 1:].reshape(-1, TABLE_STEPS, V, V)
    rows = torch.arange(state.shape[0], device=state.device)
    logits = table[rows, count.long().clamp(max=TABLE_STEPS - 1), tokens]
    return logits, torch.cat([count[:, None] + 1, state[:, 1:]], dim=1)


def _gru_weights(H, V, like):
    """Fixed weights of tiny_gru_step: embedding (V, H), GRU cell, output layer (V, H)."""
    g = torch.Generator().manual_seed(8000 + 31 * H + V)

    def draw(*shape, scale=1.0):
        return (scale * torch.randn(shape, generator=g, dtype=torch.float64)).to(like)
    return (draw(V, H), draw(3 * H, H, scale=H ** -0.5), draw(3 * H, H, scale=H ** -0.5),
            draw(3 * H, scale=0.1), draw(V, H, scale=2 * H ** -0.5), draw(V))


def _tiny_gru(tokens, state, V):
    """A decoder step of a tiny fixed GRU with V tokens; state (N, H)."""
    E, W_ih, W_hh, b, W_out, c = _gru_weights(state.shape[1], V, state)
    gi, gh = E[tokens] @ W_ih.T + b, state @ W_hh.T
    i_r, i_z, i_n = gi.chunk(3, dim=1)
    h_r, h_z, h_n = gh.chunk(3, dim=1)
    r, z = torch.sigmoid(i_r + h_r), torch.sigmoid(i_z + h_z)
    h = (1 - z) * torch.tanh(i_n + r * h_n) + z * state
    return h @ W_out.T + c, h


def tiny_gru_step(tokens, state):
    """A decoder step of a tiny fixed GRU with 6 tokens (ch08); state (N, H), logits (N, 6)."""
    return _tiny_gru(tokens, state, 6)


def tiny_gru_step_v3(tokens, state):
    """A decoder step of a tiny fixed GRU with 3 tokens (ch08); state (N, H), logits (N, 3)."""
    return _tiny_gru(tokens, state, 3)


REGISTRY = {
    function.__name__: function
    for function in (affine_tanh, scaled_sine, sum_of_squares, weighted_last_state,
                     table_step, tiny_gru_step, tiny_gru_step_v3)
}


def _generator(seed: int, device: str) -> torch.Generator:
    """A seeded generator on ``device`` (on the CPU for 'meta', which draws nothing)."""
    return torch.Generator(device="cpu" if device == "meta" else device).manual_seed(seed)


def resolve(value, device: str = "cpu"):
    """Replace every ``{"callable": NAME}`` inside ``value`` by the function and
    every ``{"generator": SEED}`` by a seeded ``torch.Generator`` on ``device``."""
    if isinstance(value, dict):
        if set(value) == {"callable"}:
            return REGISTRY[value["callable"]]
        if set(value) == {"generator"}:
            return _generator(int(value["generator"]), device)
        return {key: resolve(item, device) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(resolve(item, device) for item in value)
    return value
