"""The catalogue of common mistakes in the ch08 graded functions (``WRONG`` and
``SAYS``, as ``autograder.mistakes`` describes them).

Each answer makes one mistake, named by its label, and is otherwise right,
argument checks included, so the hidden check that must catch that mistake is
the one that fails. Most are the right answer with one line changed
(:func:`_changed` says which, and fails if that line is not there); every
value of ``WRONG`` is still the complete source of a solution cell.
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



SAYS = {
    "additive_attention": {
        "softmax_over_the_batch_axis": "the softmax runs over the batch axis where it runs over the S positions",
        "mask_applied_after_the_softmax": "the mask is applied after the softmax: the weights no longer sum to 1",
        "mask_polarity_reversed": "the mask is read the wrong way round: True marks a position to attend, "
                                  "False one to leave out",
        "W_q_and_W_k_exchanged": "W_q and W_k are exchanged",
        "no_tanh": "the tanh of the scores is left out",
        "mask_ignored": "the mask is ignored: padding positions are attended",
        "exp_without_subtracting_the_max": "the softmax exponentiates without subtracting the maximum, which "
                                           "overflows for large scores",
        "context_from_the_keys": "the context is a weighted sum of the keys where it sums the values",
        "no_shape_checks": "inconsistent shapes are not rejected with ValueError",
        "context_created_on_the_cpu": "the context is created on the CPU, not on the inputs' device",
    },
    "greedy_decode": {
        "stops_when_the_first_sequence_ends": "decoding stops when the first sequence ends where it runs until "
                                              "every sequence has ended",
        "bos_included_in_the_tokens": "the begin token is included in the returned tokens",
        "no_padding_with_eos": "the positions after a sequence's end are not filled with the end token",
        "lengths_not_counting_eos": "the lengths do not count the end token",
        "bos_fed_at_every_step": "the begin token is fed at every step where the previous token is fed",
        "state_not_carried": "the decoder state is not carried from one step to the next",
        "always_max_len_steps": "decoding always runs max_len steps where it stops once every sequence has ended",
        "argmin_instead_of_argmax": "the least likely token is chosen where the most likely one is",
        "lengths_created_on_the_cpu": "the lengths are created on the CPU, not on the inputs' device",
    },
    "beam_search": {
        "final_choice_without_the_length_penalty": "the final choice ignores the length penalty",
        "length_not_counting_eos": "the length used by the penalty does not count the end token",
        "finished_hypotheses_kept_in_the_beam": "finished hypotheses stay in the beam where they leave it",
        "states_not_reordered_with_the_beams": "the decoder states are not reordered with the beams",
        "score_as_probability": "hypotheses are scored by probability where the score is the log-probability",
        "live_hypotheses_ignored_at_the_end": "the hypotheses still alive at max_len are ignored in the final "
                                              "choice",
        "raw_logits_instead_of_log_probabilities": "raw logits are added where log-probabilities are",
        "stops_at_the_first_finished_hypothesis": "the search stops at the first finished hypothesis",
    },
    "masked_sequence_nll": {
        "mean_over_all_tokens_including_padding": "the mean runs over every token, padding included",
        "sum_instead_of_mean": "the loss is summed where the convention takes the mean over the real tokens",
        "mean_of_the_sequences_means": "the mean of each sequence's mean is taken where the mean runs over "
                                       "all real tokens",
        "sum_over_time_mean_over_the_batch": "the loss is summed over time and averaged over the batch where "
                                             "the mean runs over all real tokens",
        "log_of_softmax": "the log of the softmax is taken directly, which overflows for large logits",
        "mask_polarity_reversed": "the mask's polarity is reversed: the padding is counted, the real tokens "
                                  "are not",
        "pad_id_fixed_to_the_last_class": "the padding token is taken to be the last class where pad_id says "
                                          "which it is",
        "no_shape_checks": "inconsistent shapes are not rejected with ValueError",
    },
}
