"""The ch11 bank: ``WRONG`` is the catalogue of mistakes
(``autograder.mistakes.ch11``, one source for the grader and these
tests); ``RIGHT`` holds correct answers written unlike the reference, each
must score full marks: other orders of drawing, .item() and .tolist(),
F.cosine_similarity, einsum, a loop over the locations.
"""
from . import answer
from autograder.mistakes.ch11 import (  # noqa: F401 (WRONG is the bank)
    WRONG, _ADDRESSING, _BATCHES, _BITS, _READ, _SAMPLE, _WRITE,
)

RIGHT = {
    "char_lm_batches": {
        "strided_columns_and_item_lengths": answer(_BATCHES, '''
            streams = torch.stack([ids[b * length:(b + 1) * length] for b in range(batch_size)], dim=1)
            pairs, start = [], 0
            while start < length - 1:
                size = min(seq_len, length - 1 - start)
                pairs.append((streams[start:start + size].clone(), streams[start + 1:start + 1 + size].clone()))
                start += size
            return pairs
        '''),
    },
    "sample_sequence": {
        "gumbel_max_with_the_generator_and_item": answer(_SAMPLE, '''
            token, drawn = first, []
            for _ in range(steps):
                logits, state = step_fn(torch.tensor([token], device=state.device), state)
                scores = logits[0].double() / temperature
                uniform = torch.rand(scores.shape, generator=generator, dtype=torch.float64,
                                     device=scores.device).clamp(1e-300, 1.0)
                token = int((scores - torch.log(-torch.log(uniform))).argmax().item())
                drawn.append(token)
            return torch.tensor(drawn, dtype=torch.long, device=state.device)
        '''),
        "inverse_cdf_with_searchsorted": answer(_SAMPLE, '''
            fed = torch.full((1,), first, dtype=torch.long, device=state.device)
            out = torch.empty(steps, dtype=torch.long, device=state.device)
            for t in range(steps):
                logits, state = step_fn(fed, state)
                cdf = torch.cumsum(torch.softmax(logits[0] / temperature, dim=0), dim=0)
                u = torch.rand(1, generator=generator, dtype=cdf.dtype, device=cdf.device) * cdf[-1]
                fed = torch.searchsorted(cdf, u).clamp(max=cdf.shape[0] - 1)
                out[t] = fed[0]
            return out
        '''),
    },
    "bits_per_char": {
        "cross_entropy_and_log2": answer(_BITS, '''
            V = logits.shape[-1]
            nats = F.cross_entropy(logits.reshape(-1, V), targets.reshape(-1))
            return float(nats) / math.log(2)
        ''', imports="import math\n\nimport torch\nimport torch.nn.functional as F"),
    },
    "content_addressing": {
        "cosine_similarity_and_exp_normalised": answer(_ADDRESSING, '''
            cosine = F.cosine_similarity(memory, key.unsqueeze(1).expand_as(memory), dim=-1, eps=1e-8)
            scores = beta.unsqueeze(-1) * cosine
            scores = scores - scores.max(dim=-1, keepdim=True).values
            return scores.exp() / scores.exp().sum(dim=-1, keepdim=True)
        ''', imports="import torch\nimport torch.nn.functional as F"),
    },
    "memory_read": {
        "einsum": answer(_READ, '''
            return torch.einsum("bn,bnm->bm", w, memory)
        '''),
        "batched_matmul": answer(_READ, '''
            return torch.bmm(w.unsqueeze(1), memory).squeeze(1)
        '''),
    },
    "memory_write": {
        "a_loop_over_the_locations": answer(_WRITE, '''
            rows = []
            for n in range(N):
                weight = w[:, n:n + 1]
                rows.append(memory[:, n] * (1 - weight * erase) + weight * add)
            return torch.stack(rows, dim=1)
        '''),
    },
}
