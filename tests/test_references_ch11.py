"""The ch11 reference solutions agree with independent computations: the
batches against the text read stream by stream, the sampler's frequencies
against the softmax and its greedy limit against the argmax, the bits per
character against torch's cross-entropy, and the memory functions against
Python loops over the locations (numpy, float64)."""
import math

import numpy as np
import pytest
import torch

from autograder.reference import load_references

DT = torch.float64


@pytest.fixture(scope="module")
def ch11():
    return load_references("ch11")


@pytest.mark.parametrize("N, B, L", [(1000, 4, 16), (103, 4, 7), (17, 8, 3), (40, 5, 50), (10, 1, 3)])
def test_char_lm_batches_reads_each_stream_in_order(ch11, N, B, L):
    ids = torch.randint(30, (N,), generator=torch.Generator().manual_seed(N))
    batches = ch11["char_lm_batches"](ids, B, L)
    S = N // B
    assert [x.shape[0] for x, _ in batches] == [min(L, S - 1 - s) for s in range(0, S - 1, L)]
    for b in range(B):
        stream = ids[b * S:(b + 1) * S]
        assert torch.equal(torch.cat([x[:, b] for x, _ in batches]), stream[:-1])
        assert torch.equal(torch.cat([y[:, b] for _, y in batches]), stream[1:])


def test_sample_sequence_follows_the_tempered_softmax_and_is_greedy_when_cold(ch11):
    table = torch.tensor([[1.0, 0.0, -0.5, 2.0], [0.3, -1.0, 0.8, 0.0],
                          [0.0, 0.4, -0.3, 0.1], [-2.0, 1.0, 0.5, 0.2]], dtype=DT)

    def step(tokens, state):
        return state[tokens], state

    for temperature in (0.6, 1.7):
        tokens = ch11["sample_sequence"](step, table, 2, 20000, temperature, torch.Generator().manual_seed(7))
        previous = torch.cat([torch.tensor([2]), tokens[:-1]])
        for a in range(4):
            frequency = torch.bincount(tokens[previous == a], minlength=4).double() / (previous == a).sum()
            assert (frequency - torch.softmax(table[a] / temperature, dim=0)).abs().max() < 0.03
    cold = ch11["sample_sequence"](step, table, 1, 6, 1e-6, torch.Generator().manual_seed(0)).tolist()
    greedy, token = [], 1
    for _ in range(6):
        token = int(table[token].argmax())
        greedy.append(token)
    assert cold == greedy
    before = torch.get_rng_state()
    ch11["sample_sequence"](step, table, 0, 50, 1.0, torch.Generator().manual_seed(1))
    assert torch.equal(torch.get_rng_state(), before)


def test_bits_per_char_is_cross_entropy_over_ln2(ch11):
    gen = torch.Generator().manual_seed(2)
    logits, targets = torch.randn(7, 3, 11, generator=gen, dtype=DT), torch.randint(11, (7, 3), generator=gen)
    nats = torch.nn.functional.cross_entropy(logits.reshape(-1, 11), targets.reshape(-1)).item()
    assert ch11["bits_per_char"](logits, targets) == pytest.approx(nats / math.log(2), rel=1e-12)
    assert ch11["bits_per_char"](torch.zeros(2, 2, 16, dtype=DT), targets[:2, :2]) == pytest.approx(4.0)


def test_memory_functions_against_loops_in_numpy(ch11):
    gen = np.random.default_rng(4)
    B, N, M = 3, 5, 4
    memory, key = gen.normal(size=(B, N, M)), gen.normal(size=(B, M))
    memory[1, 2] = 0.0                                            # an empty location
    beta, erase, add = gen.uniform(0, 5, size=B), gen.uniform(0, 1, size=(B, M)), gen.normal(size=(B, M))
    w, r, written = np.zeros((B, N)), np.zeros((B, M)), np.zeros((B, N, M))
    for b in range(B):
        cos = [memory[b, n] @ key[b] / (max(np.linalg.norm(memory[b, n]), 1e-8) * np.linalg.norm(key[b]))
               for n in range(N)]
        w[b] = np.exp(beta[b] * np.array(cos)) / np.exp(beta[b] * np.array(cos)).sum()
        r[b] = sum(w[b, n] * memory[b, n] for n in range(N))
        for n in range(N):
            written[b, n] = memory[b, n] * (1 - w[b, n] * erase[b]) + w[b, n] * add[b]
    t = {name: torch.tensor(value) for name, value in
         dict(memory=memory, key=key, beta=beta, w=w, erase=erase, add=add).items()}
    np.testing.assert_allclose(ch11["content_addressing"](t["memory"], t["key"], t["beta"]).numpy(), w, rtol=1e-12)
    np.testing.assert_allclose(ch11["memory_read"](t["memory"], t["w"]).numpy(), r, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ch11["memory_write"](t["memory"], t["w"], t["erase"], t["add"]).numpy(), written,
                               rtol=1e-12, atol=1e-14)
