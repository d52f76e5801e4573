"""Wrong implementations of the ch08 graded functions; each must lose points.

Each answer makes one mistake, named by its label, and is otherwise right,
argument checks included, so the hidden check that must catch that mistake is
the one that fails. Most are the right answer with one line changed
(:func:`_changed` says which, and fails if that line is not there); every
value of ``WRONG`` is still the complete source of a solution cell.
``RIGHT`` holds correct answers written unlike the reference; each must
score full marks.
"""
from . import answer

_ATTENTION_CHECKS = '''
if query.dim() != 2 or keys.dim() != 3 or values.dim() != 3:
    raise ValueError(f"query (B, H_q), keys (S, B, H_k), values (S, B, H_v); got {tuple(query.shape)}, "
                     f"{tuple(keys.shape)}, {tuple(values.shape)}")
(S, B, H_k), (B_q, H_q) = keys.shape, query.shape
if B_q != B or values.shape[:2] != keys.shape[:2]:
    raise ValueError(f"query {tuple(query.shape)}, keys {tuple(keys.shape)}, values {tuple(values.shape)} disagree")
A = v.shape[0] if v.dim() == 1 else -1
if A < 0 or tuple(W_q.shape) != (A, H_q) or tuple(W_k.shape) != (A, H_k):
    raise ValueError(f"v {tuple(v.shape)}, W_q {tuple(W_q.shape)}, W_k {tuple(W_k.shape)} disagree")
if mask is not None and tuple(mask.shape) != (S, B):
    raise ValueError(f"mask must be {(S, B)}, got {tuple(mask.shape)}")
'''
_ATTENTION = ("additive_attention(query, keys, values, W_q, W_k, v, mask=None)", _ATTENTION_CHECKS)
_ATTENTION_BODY = '''
scores = torch.tanh(query @ W_q.T + keys @ W_k.T) @ v
if mask is not None:
    scores = scores.masked_fill(~mask, float("-inf"))
weights = torch.softmax(scores, dim=0)
return (weights[..., None] * values).sum(dim=0), weights
'''

_GREEDY = ("greedy_decode(step_fn, state, bos, eos, max_len)", "")
_GREEDY_BODY = '''
B, device = state.shape[0], state.device
tokens = torch.full((B,), bos, dtype=torch.long, device=device)
lengths = torch.full((B,), max_len, dtype=torch.long, device=device)
finished = torch.zeros(B, dtype=torch.bool, device=device)
outputs = []
for t in range(max_len):
    logits, state = step_fn(tokens, state)
    tokens = logits.argmax(dim=-1).masked_fill(finished, eos)
    outputs.append(tokens)
    ends_now = ~finished & (tokens == eos)
    lengths = torch.where(ends_now, t + 1, lengths)
    finished = finished | ends_now
    if bool(finished.all()):
        break
return torch.stack(outputs, dim=1), lengths
'''

_BEAM = ("beam_search(step_fn, state, bos, eos, beam_size, max_len, length_penalty=0.0)", "")
_BEAM_BODY = '''
device = state.device
prefixes = torch.empty(1, 0, dtype=torch.long, device=device)
sums = torch.zeros(1, dtype=torch.float64, device=device)
last = torch.full((1,), bos, dtype=torch.long, device=device)
finished = []
for _ in range(max_len):
    logits, state = step_fn(last, state)
    V = logits.shape[-1]
    totals = (sums[:, None] + torch.log_softmax(logits.double(), dim=-1)).flatten()
    kept = totals.topk(min(beam_size, totals.numel())).indices
    beams, tokens = kept // V, kept % V
    prefixes = torch.cat([prefixes[beams], tokens[:, None]], dim=1)
    sums, state = totals[kept], state[beams]
    ended = tokens == eos
    finished += [(prefixes[i], sums[i].item()) for i in ended.nonzero().flatten().tolist()]
    prefixes, sums, state, last = prefixes[~ended], sums[~ended], state[~ended], tokens[~ended]
    if len(prefixes) == 0:
        break
candidates = finished + [(prefixes[i], sums[i].item()) for i in range(len(prefixes))]
tokens, total = max(candidates, key=lambda c: c[1] / len(c[0]) ** length_penalty)
return tokens, total / len(tokens) ** length_penalty
'''

_NLL_CHECKS = '''
if logits.dim() != 3 or targets.shape != logits.shape[:2]:
    raise ValueError(f"logits (T, B, V) and targets (T, B); got {tuple(logits.shape)}, {tuple(targets.shape)}")
'''
_NLL = ("masked_sequence_nll(logits, targets, pad_id)", _NLL_CHECKS)
_NLL_BODY = '''
log_probs = torch.log_softmax(logits, dim=-1)
nll = -log_probs.gather(-1, targets[..., None])[..., 0]
real = targets != pad_id
return nll[real].sum() / real.sum()
'''


def _changed(function: tuple, body: str, *edits: tuple, checked: bool = True, imports: str = "import torch") -> str:
    """The answer whose body is ``body`` with each (old, new) of ``edits`` made once."""
    for old, new in edits:
        if body.count(old) != 1:
            raise ValueError(f"{old!r} is not in the body exactly once")
        body = body.replace(old, new)
    return answer(function, body, checked=checked, imports=imports)


def _attention(*edits, checked: bool = True) -> str:
    return _changed(_ATTENTION, _ATTENTION_BODY, *edits, checked=checked)


def _greedy(*edits) -> str:
    return _changed(_GREEDY, _GREEDY_BODY, *edits)


def _beam(*edits) -> str:
    return _changed(_BEAM, _BEAM_BODY, *edits, imports="import math\n\nimport torch")


def _nll(*edits, checked: bool = True) -> str:
    return _changed(_NLL, _NLL_BODY, *edits, checked=checked)


WRONG = {
    "additive_attention": {
        "softmax_over_the_batch_axis": _attention(("torch.softmax(scores, dim=0)", "torch.softmax(scores, dim=1)")),
        "mask_applied_after_the_softmax": _attention(
            ('    scores = scores.masked_fill(~mask, float("-inf"))\nweights = torch.softmax(scores, dim=0)',
             '    pass\nweights = torch.softmax(scores, dim=0)\nif mask is not None:\n'
             '    weights = weights.masked_fill(~mask, 0.0)')),
        "mask_polarity_reversed": _attention(("masked_fill(~mask,", "masked_fill(mask,")),
        "W_q_and_W_k_exchanged": _attention(("query @ W_q.T + keys @ W_k.T", "query @ W_k.T + keys @ W_q.T")),
        "no_tanh": _attention(("torch.tanh(query @ W_q.T + keys @ W_k.T)", "(query @ W_q.T + keys @ W_k.T)")),
        "mask_ignored": _attention(('    scores = scores.masked_fill(~mask, float("-inf"))', "    pass")),
        "exp_without_subtracting_the_max": _attention(
            ("weights = torch.softmax(scores, dim=0)",
             "weights = scores.exp() / scores.exp().sum(dim=0)")),
        "context_from_the_keys": _attention(
            ("(weights[..., None] * values)", "(weights[..., None] * keys[..., :values.shape[-1]])")),
        "no_shape_checks": _attention(checked=False),
        "context_created_on_the_cpu": _attention(
            ("return (weights[..., None] * values).sum(dim=0), weights",
             "context = torch.zeros(B, values.shape[-1], dtype=values.dtype)\nfor s in range(S):\n"
             "    context = context + weights[s][:, None] * values[s]\nreturn context, weights")),
    },
    "greedy_decode": {
        "stops_when_the_first_sequence_ends": _greedy(("if bool(finished.all()):", "if bool(finished.any()):")),
        "bos_included_in_the_tokens": _greedy(("outputs = []", "outputs = [tokens]")),
        "no_padding_with_eos": _greedy(("logits.argmax(dim=-1).masked_fill(finished, eos)", "logits.argmax(dim=-1)")),
        "lengths_not_counting_eos": _greedy(
            ("torch.where(ends_now, t + 1, lengths)", "torch.where(ends_now, t, lengths)")),
        "bos_fed_at_every_step": _greedy(("logits, state = step_fn(tokens, state)",
                                          "logits, state = step_fn(torch.full_like(tokens, bos), state)")),
        "state_not_carried": _greedy(("logits, state = step_fn(tokens, state)",
                                      "logits, _ = step_fn(tokens, state)")),
        "always_max_len_steps": _greedy(("if bool(finished.all()):\n        break", "pass")),
        "argmin_instead_of_argmax": _greedy(("logits.argmax(dim=-1)", "logits.argmin(dim=-1)")),
        "lengths_created_on_the_cpu": _greedy(("lengths = torch.full((B,), max_len, dtype=torch.long, device=device)",
                                               "lengths = torch.full((B,), max_len, dtype=torch.long)")),
    },
    "beam_search": {
        "final_choice_without_the_length_penalty": _beam(
            ("key=lambda c: c[1] / len(c[0]) ** length_penalty", "key=lambda c: c[1]")),
        "length_not_counting_eos": _beam(
            ("key=lambda c: c[1] / len(c[0]) ** length_penalty",
             "key=lambda c: c[1] / max(len(c[0]) - int(c[0][-1] == eos), 1) ** length_penalty"),
            ("return tokens, total / len(tokens) ** length_penalty",
             "return tokens, total / max(len(tokens) - int(tokens[-1] == eos), 1) ** length_penalty")),
        "finished_hypotheses_kept_in_the_beam": _beam(
            ("prefixes, sums, state, last = prefixes[~ended], sums[~ended], state[~ended], tokens[~ended]",
             "last = tokens")),
        "states_not_reordered_with_the_beams": _beam(
            ("sums, state = totals[kept], state[beams]",
             "sums, state = totals[kept], state[:1].expand(len(kept), *state.shape[1:])")),
        "score_as_probability": _beam(
            ("return tokens, total / len(tokens) ** length_penalty",
             "return tokens, math.exp(total) / len(tokens) ** length_penalty")),
        "live_hypotheses_ignored_at_the_end": _beam(
            ("candidates = finished + [(prefixes[i], sums[i].item()) for i in range(len(prefixes))]",
             "candidates = finished or [(prefixes[i], sums[i].item()) for i in range(len(prefixes))]")),
        "raw_logits_instead_of_log_probabilities": _beam(
            ("torch.log_softmax(logits.double(), dim=-1)", "logits.double()")),
        "stops_at_the_first_finished_hypothesis": _beam(("if len(prefixes) == 0:", "if finished:")),
    },
    "masked_sequence_nll": {
        "mean_over_all_tokens_including_padding": _nll(("return nll[real].sum() / real.sum()", "return nll.mean()")),
        "sum_instead_of_mean": _nll(("return nll[real].sum() / real.sum()", "return nll[real].sum()")),
        "mean_of_the_sequences_means": _nll(("return nll[real].sum() / real.sum()",
                                             "return ((nll * real).sum(dim=0) / real.sum(dim=0)).mean()")),
        "sum_over_time_mean_over_the_batch": _nll(("return nll[real].sum() / real.sum()",
                                                   "return nll[real].sum() / targets.shape[1]")),
        "log_of_softmax": _nll(("torch.log_softmax(logits, dim=-1)", "torch.softmax(logits, dim=-1).log()")),
        "mask_polarity_reversed": _nll(("real = targets != pad_id", "real = targets == pad_id")),
        "pad_id_fixed_to_the_last_class": _nll(("real = targets != pad_id", "real = targets != logits.shape[-1] - 1")),
        "no_shape_checks": _nll(checked=False),
    },
}

RIGHT = {
    "additive_attention": {
        "loop_over_positions_and_renormalised_exp": _changed(_ATTENTION, '''
projected = query @ W_q.T
scores = torch.stack([torch.tanh(projected + keys[s] @ W_k.T) @ v for s in range(S)])
if mask is not None:
    scores = scores.masked_fill(~mask, -torch.inf)
weights = (scores - scores.max(dim=0, keepdim=True).values).exp()
weights = weights / weights.sum(dim=0, keepdim=True)
return torch.einsum("sb,sbh->bh", weights, values), weights
'''),
        "F_linear_and_multiplied_mask": answer(_ATTENTION, '''
import torch.nn.functional as F
scores = F.linear(torch.tanh(F.linear(query, W_q) + F.linear(keys, W_k)), v[None])[..., 0]
if mask is not None:
    scores = scores.masked_fill(~mask, -1e300 if scores.dtype == torch.float64 else -1e30)
weights = F.softmax(scores, dim=0)
return (weights.T[:, None, :] @ values.transpose(0, 1)).squeeze(1), weights
'''),
    },
    "greedy_decode": {
        "python_lists_and_item": answer(_GREEDY, '''
B = state.shape[0]
fed = torch.full((B,), bos, dtype=torch.long, device=state.device)
rows, lengths = [[] for _ in range(B)], [None] * B
for t in range(max_len):
    logits, state = step_fn(fed, state)
    chosen = logits.argmax(dim=1).tolist()
    for b in range(B):
        if lengths[b] is None:
            rows[b].append(chosen[b])
            if chosen[b] == eos:
                lengths[b] = t + 1
    if all(n is not None for n in lengths):
        break
    fed = torch.tensor([row[-1] if n is None else eos for row, n in zip(rows, lengths)], device=state.device)
lengths = [max_len if n is None else n for n in lengths]
L = max(lengths)
padded = [row + [eos] * (L - len(row)) for row in rows]
return (torch.tensor(padded, dtype=torch.long, device=state.device),
        torch.tensor(lengths, dtype=torch.long, device=state.device))
'''),
    },
    "beam_search": {
        "hypotheses_as_python_tuples": answer(_BEAM, '''
live, finished = [((), 0.0)], []      # (tokens, sum of log-probabilities)
for _ in range(max_len):
    fed = torch.tensor([h[0][-1] if h[0] else bos for h in live], dtype=torch.long, device=state.device)
    logits, state = step_fn(fed, state)
    log_p = torch.log_softmax(logits.to(torch.float64), dim=1).tolist()
    options = sorted(((h[1] + lp, i, tok) for i, h in enumerate(live) for tok, lp in enumerate(log_p[i])),
                     key=lambda o: -o[0])[:beam_size]
    extended, rows = [], []
    for total, i, tok in options:
        hypothesis = (live[i][0] + (tok,), total)
        if tok == eos:
            finished.append(hypothesis)
        else:
            extended.append(hypothesis)
            rows.append(i)
    live = extended
    if not live:
        break
    state = state[torch.tensor(rows, dtype=torch.long, device=state.device)]
tokens, total = max(finished + live, key=lambda c: c[1] / len(c[0]) ** length_penalty)
return torch.tensor(tokens, dtype=torch.long, device=state.device), float(total / len(tokens) ** length_penalty)
'''),
    },
    "masked_sequence_nll": {
        "cross_entropy_with_ignore_index": answer(_NLL, '''
import torch.nn.functional as F
return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=pad_id)
'''),
        "float_mask_weighted_sum": answer(_NLL, '''
weights = (targets != pad_id).to(logits.dtype)
picked = logits.gather(2, targets.unsqueeze(2)).squeeze(2) - torch.logsumexp(logits, dim=2)
return -(picked * weights).sum() / weights.sum()
'''),
    },
}
