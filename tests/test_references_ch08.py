"""The ch08 reference solutions agree with independent computations: attention
written position by position, exhaustive search over all sequences for beam
search, PyTorch's cross_entropy with ignore_index for the masked loss."""
import itertools
import math

import pytest
import torch

from autograder.harness.callables import TABLE_STEPS, table_step, tiny_gru_step
from autograder.reference import load_references

TOL = dict(rtol=1e-10, atol=1e-12)


@pytest.fixture(scope="module")
def ch08():
    return load_references("ch08")


def test_additive_attention_equals_the_formula_position_by_position(ch08):
    g = torch.Generator().manual_seed(0)
    S, B, Hq, Hk, Hv, A = 5, 3, 4, 2, 6, 7
    r = lambda *shape: torch.randn(shape, generator=g, dtype=torch.float64)  # noqa: E731
    q, k, values, W_q, W_k, v = r(B, Hq), r(S, B, Hk), r(S, B, Hv), r(A, Hq), r(A, Hk), r(A)
    mask = torch.tensor([[1, 1, 1], [1, 0, 1], [0, 0, 1], [0, 0, 1], [0, 0, 0]], dtype=torch.bool)
    mask[4, 2] = True
    context, weights = ch08["additive_attention"](q, k, values, W_q, W_k, v, mask)
    for b in range(B):
        allowed = [s for s in range(S) if mask[s, b]]
        e = {s: math.exp((v @ torch.tanh(W_q @ q[b] + W_k @ k[s, b])).item()) for s in allowed}
        total = sum(e.values())
        for s in range(S):
            assert weights[s, b].item() == pytest.approx(e.get(s, 0.0) / total, rel=1e-12, abs=0)
        want = sum(e[s] / total * values[s, b] for s in allowed)
        assert torch.allclose(context[b], want, **TOL)


def _tables(seed, V=4, steps=4):
    g = torch.Generator().manual_seed(seed)
    tables = torch.zeros(1, TABLE_STEPS, V, V, dtype=torch.float64)
    tables[0, :steps] = 1.5 * torch.randn(steps, V, V, generator=g, dtype=torch.float64)
    return torch.cat([torch.zeros(1, 1, dtype=torch.float64), tables.flatten(1)], dim=1)


def _brute_force(state, bos, eos, max_len, alpha, V):
    best = (None, -math.inf)
    for L in range(1, max_len + 1):
        for tokens in itertools.product(range(V), repeat=L):
            if eos in tokens[:-1] or (tokens[-1] != eos and L < max_len):
                continue
            s, fed, total = state, torch.tensor([bos]), 0.0
            for token in tokens:
                logits, s = table_step(fed, s)
                total += torch.log_softmax(logits[0], 0)[token].item()
                fed = torch.tensor([token])
            if total / L ** alpha > best[1]:
                best = (tokens, total / L ** alpha)
    return best


@pytest.mark.parametrize("seed,alpha", [(0, 0.0), (1, 0.7), (2, 1.0), (3, 2.0)])
def test_a_beam_as_wide_as_all_prefixes_finds_the_exhaustive_optimum(ch08, seed, alpha):
    state, V, max_len = _tables(seed), 4, 4
    tokens, score = ch08["beam_search"](table_step, state, 3, 1, V ** max_len, max_len, alpha)
    want_tokens, want_score = _brute_force(state, 3, 1, max_len, alpha, V)
    assert tuple(tokens.tolist()) == want_tokens
    assert score == pytest.approx(want_score, rel=1e-12)


def test_beam_size_one_is_greedy_decoding(ch08):
    g = torch.Generator().manual_seed(4)
    state = torch.randn(1, 8, generator=g, dtype=torch.float64)
    greedy, lengths = ch08["greedy_decode"](tiny_gru_step, state, 5, 0, 12)
    beam, _ = ch08["beam_search"](tiny_gru_step, state, 5, 0, 1, 12)
    assert torch.equal(greedy[0, :lengths[0]], beam)


def test_greedy_decode_rows_equal_decoding_each_sequence_alone(ch08):
    g = torch.Generator().manual_seed(5)
    state = 1.5 * torch.randn(6, 8, generator=g, dtype=torch.float64)
    tokens, lengths = ch08["greedy_decode"](tiny_gru_step, state, 5, 0, 10)
    for b in range(6):
        alone, length = ch08["greedy_decode"](tiny_gru_step, state[b:b + 1], 5, 0, 10)
        assert length[0] == lengths[b] and torch.equal(alone[0], tokens[b, :alone.shape[1]])
        assert (tokens[b, lengths[b]:] == 0).all()


def test_masked_sequence_nll_equals_cross_entropy_with_ignore_index(ch08):
    g = torch.Generator().manual_seed(6)
    logits = 3 * torch.randn(7, 5, 6, generator=g, dtype=torch.float64)
    targets = torch.randint(5, (7, 5), generator=g)
    targets[4:, 1], targets[2:, 3] = 5, 5
    want = torch.nn.functional.cross_entropy(logits.reshape(-1, 6), targets.reshape(-1), ignore_index=5)
    assert torch.allclose(ch08["masked_sequence_nll"](logits, targets, 5), want, **TOL)
