"""The ch08 bank: ``WRONG`` is the catalogue of mistakes
(``autograder.mistakes.ch08``, one source for the grader and these
tests); ``RIGHT`` holds correct answers written unlike the reference, each
must score full marks.
"""
from . import answer
from autograder.mistakes.ch08 import (  # noqa: F401 (WRONG is the bank)
    WRONG, _ATTENTION, _BEAM, _GREEDY, _NLL, _changed,
)

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
