"""Tests of rnncourse.charlm and rnncourse.memory (the helpers of chapter 11):
the corpus and its vocabulary, the count models against direct counts, the
streams of truncated BPTT, sampling at a low temperature, the soft memory
against its equations, and the recall task (tiny sizes, no long training)."""
import math

import pytest
import torch

from rnncourse import charlm
from rnncourse import memory as mem


def test_the_corpus_is_committed_ascii_text_under_the_size_limit():
    text = charlm.shakespeare()
    assert 0.9e6 < len(text) <= 1.5e6
    assert text.startswith("BERNARDO:\nWho's there?")
    vocab = charlm.Vocabulary.of(text)
    assert len(vocab) == 65 and vocab.decode(vocab.encode(text[:500])) == text[:500]


def test_count_models_against_direct_counts():
    train, held = torch.tensor([0, 1, 0, 1, 2, 0]), torch.tensor([0, 1, 1])
    bits = charlm.count_model_bits(train, held, 3)
    unigram = torch.tensor([3 + 1, 2 + 1, 1 + 1]) / 9.0
    assert bits["uniform"] == pytest.approx(math.log2(3))
    assert bits["unigram"] == pytest.approx(-(unigram[0].log2() + 2 * unigram[1].log2()).item() / 3)
    # pairs after 0: (0,1) twice -> (1 + 2) / (3 + 2); after 1: (1,0) once, (1,2) once -> (1,1) has 1 / (2 + 3)
    assert bits["bigram"] == pytest.approx(-(math.log2(3 / 5) + math.log2(1 / 5)) / 2)


def test_training_carries_the_state_and_lowers_the_loss_on_a_tiny_text():
    ids = torch.tensor([0, 1, 2, 3] * 20)
    model = charlm.CharGRU(4, 8)
    before = charlm.held_out_bits(model, ids, streams=2)
    losses = charlm.train_truncated(model, ids, steps=15, batch=2, chunk=8, lr=5e-2)
    assert len(losses) == 15 and losses[-1] < losses[0]
    assert charlm.held_out_bits(model, ids, streams=2) < before


def test_generate_at_a_low_temperature_follows_the_argmax():
    torch.manual_seed(0)
    vocab = charlm.Vocabulary("abcd")
    model = charlm.CharGRU(4, 6)
    text = charlm.generate(model, vocab, "ab", 5, 1e-6, seed=3)
    logits, h = model(vocab.encode("ab")[:, None])
    greedy = []
    for _ in range(5):
        greedy.append(int(logits[-1, 0].argmax()))
        logits, h = model(torch.tensor([[greedy[-1]]]), h)
    assert text == "ab" + vocab.decode(greedy)


def test_side_by_side_keeps_every_line_in_its_column():
    out = charlm.side_by_side({"A": "one\ntwo", "B": "x"}, width=5).splitlines()
    assert out == ["A       B", "-       -", "one     x", "two"]


def test_soft_memory_against_its_equations():
    gen = torch.Generator().manual_seed(0)
    rows, key = torch.randn(2, 4, 3, generator=gen), torch.randn(2, 3, generator=gen)
    store = mem.SoftMemory(rows)
    w = store.weights(key, torch.tensor([0.0, 2.0]))
    torch.testing.assert_close(w[0], torch.full((4,), 0.25))
    cos = torch.nn.functional.cosine_similarity(rows[1], key[1][None], dim=1)
    torch.testing.assert_close(w[1], torch.softmax(2.0 * cos, dim=0))
    torch.testing.assert_close(store.read(w)[1], w[1] @ rows[1])
    erase, add = torch.rand(2, 3, generator=gen), torch.randn(2, 3, generator=gen)
    new = store.written(w, erase, add).rows
    torch.testing.assert_close(new[1, 2], rows[1, 2] * (1 - w[1, 2] * erase[1]) + w[1, 2] * add[1])
    assert torch.isfinite(mem.SoftMemory(torch.zeros(1, 3, 2)).weights(torch.zeros(1, 2), torch.ones(1))).all()


def test_codebook_codes_are_orthogonal_or_opposite():
    codes = mem.codebook(4)
    cos = codes @ codes.T / 4
    assert codes.shape == (8, 4) and set(cos.unique().tolist()) == {-1.0, 0.0, 1.0}
    assert torch.equal(cos.diag(), torch.ones(8))
    with pytest.raises(ValueError):
        mem.codebook(3)


def test_the_memory_recalls_every_pair_and_the_task_is_consistent():
    task = mem.recall_batch(50, 8, 8, torch.Generator().manual_seed(1))
    assert all(len(set(row)) == 8 for row in task.keys.tolist())
    assert torch.equal(mem.memory_recall(task, mem.codebook(4)), task.answer)
    model, losses = mem.train_recall_gru(8, H=8, length=3, steps=2, batch=16)
    assert len(losses) == 2 and model(mem.recall_batch(5, 2, 8, torch.Generator().manual_seed(2))).shape == (5, 8)
    accuracy = mem.accuracy_by_P(lambda t: mem.memory_recall(t, mem.codebook(4)), [1, 4], 8, B=100)
    assert accuracy == {1: 1.0, 4: 1.0}
