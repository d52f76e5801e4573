"""Tests of rnncourse.seq2seq, the helpers of chapter 8 (encoder-decoder models)."""
import itertools
import math

import pytest
import torch
from matplotlib.figure import Figure

from rnncourse import seq2seq
from rnncourse.seq2seq import BOS, EOS, PAD


def test_reversal_batch_reverses_each_string_and_ends_it_with_eos():
    src, lengths, tgt = seq2seq.reversal_batch(0, 16, 3, 9)
    assert src.shape == (int(lengths.max()), 16) and tgt.shape == (int(lengths.max()) + 1, 16)
    for b, n in enumerate(lengths.tolist()):
        assert 3 <= n <= 9
        assert torch.equal(tgt[:n, b], src[:n, b].flip(0)) and tgt[n, b] == EOS
        assert (src[n:, b] == PAD).all() and (tgt[n + 1:, b] == PAD).all()
        assert (src[:n, b] < 10).all()


def test_reversal_batch_is_seeded_and_takes_given_lengths():
    first, second = seq2seq.reversal_batch(5, 4, 2, 6), seq2seq.reversal_batch(5, 4, 2, 6)
    assert all(torch.equal(a, b) for a, b in zip(first, second))
    _, lengths, _ = seq2seq.reversal_batch(0, 3, 1, 1, lengths=[4, 1, 2])
    assert lengths.tolist() == [4, 1, 2]
    with pytest.raises(ValueError):
        seq2seq.reversal_batch(0, 3, 5, 4)


def test_masked_nll_is_the_mean_over_real_tokens():
    torch.manual_seed(0)
    logits = torch.randn(4, 2, 13, dtype=torch.float64)
    targets = torch.tensor([[1, 2], [3, EOS], [EOS, PAD], [PAD, PAD]])
    by_hand = [-torch.log_softmax(logits[t, b], 0)[targets[t, b]] for t in range(4) for b in range(2)
               if targets[t, b] != PAD]
    assert torch.allclose(seq2seq.masked_nll(logits, targets), sum(by_hand) / len(by_hand))


@pytest.mark.parametrize("attention", [False, True])
def test_a_sequence_in_a_padded_batch_gets_the_logits_it_has_alone(attention):
    torch.manual_seed(1)
    model = seq2seq.Seq2Seq(attention, hidden=8, embed=4, attention_size=5).double()
    src, lengths, tgt = seq2seq.reversal_batch(3, 4, 2, 7)
    batch = model(src, lengths, tgt)
    for b, n in enumerate(lengths.tolist()):
        alone = model(src[:n, b:b + 1], lengths[b:b + 1], tgt[:n + 1, b:b + 1])
        assert torch.allclose(batch[:n + 1, b], alone[:, 0], atol=1e-12)


def test_attention_weights_are_zero_on_padding_and_sum_to_one():
    torch.manual_seed(2)
    model = seq2seq.Seq2Seq(True, hidden=8, embed=4, attention_size=5).double()
    src, lengths, tgt = seq2seq.reversal_batch(4, 3, 2, 6)
    memory = model.encode(src, lengths)
    _, _, weights = model.decode(memory, tgt, memory[2])
    assert (weights[:, ~memory[3]] == 0).all()
    assert torch.allclose(weights.sum(dim=1), torch.ones(tgt.shape[0], 3, dtype=torch.float64))


def _table_step(table):
    """A step function whose logits at step t are table[t][token fed] (one state row per hypothesis)."""
    def step_fn(tokens, state):
        return table[state[:, 0].long(), tokens], state + 1
    return step_fn


def _exhaustive_best(table, max_len, alpha):
    """The best sequence (ending at its first EOS, or max_len long) by brute force."""
    V, best = table.shape[-1], (None, -math.inf)
    for L in range(1, max_len + 1):
        for tokens in itertools.product(range(V), repeat=L):
            if EOS in tokens[:-1] or (tokens[-1] != EOS and L < max_len):
                continue
            fed, total = (BOS,) + tokens[:-1], 0.0
            for t, (a, b) in enumerate(zip(fed, tokens)):
                total += torch.log_softmax(table[t, a], 0)[b].item()
            if total / L ** alpha > best[1]:
                best = (tokens, total / L ** alpha)
    return best


@pytest.mark.parametrize("alpha", [0.0, 1.0])
def test_a_wide_beam_finds_the_best_sequence_and_beam_one_is_greedy(alpha):
    g = torch.Generator().manual_seed(7)
    table = torch.randn(4, 13, 13, generator=g, dtype=torch.float64)
    table[..., :10] -= 3.0                               # few competitors: digits 0..9 unlikely
    table[..., 0] += 3.5
    step_fn, state = _table_step(table), torch.zeros(1, 1)
    tokens, score = seq2seq.decode_beam(step_fn, state, beam_size=13 ** 3, max_len=4, length_penalty=alpha)
    want_tokens, want_score = _exhaustive_best(table, 4, alpha)
    assert tuple(tokens.tolist()) == want_tokens and math.isclose(score, want_score, rel_tol=1e-9)
    assert math.isclose(seq2seq.sequence_log_prob(step_fn, state, tokens), score * len(tokens) ** alpha,
                        rel_tol=1e-9)
    greedy, lengths = seq2seq.decode_greedy(step_fn, state, max_len=4)
    beam_one, _ = seq2seq.decode_beam(step_fn, state, beam_size=1, max_len=4)
    assert torch.equal(greedy[0, :lengths[0]], beam_one)


def test_greedy_stops_each_row_at_its_eos_and_pads_with_eos():
    table = torch.full((2, 6, 13), -5.0)
    table[0, :, 1], table[0, 2, EOS] = 1.0, 9.0           # row 0 ends at step 3
    table[1, :, 2], table[1, 0, EOS] = 1.0, 9.0           # row 1 at step 1
    step_fn = lambda tokens, state: (table[torch.arange(2), state.long()], state + 1)  # noqa: E731
    tokens, lengths = seq2seq.decode_greedy(step_fn, torch.zeros(2), max_len=6)
    assert lengths.tolist() == [3, 1] and tokens.tolist() == [[1, 1, EOS], [EOS, EOS, EOS]]


def test_a_small_training_run_learns_and_is_reproducible():
    first = seq2seq.train_seq2seq(True, steps=30, seed=0, batch_size=16, max_len=6, hidden=16, embed=8)
    second = seq2seq.train_seq2seq(True, steps=30, seed=0, batch_size=16, max_len=6, hidden=16, embed=8)
    assert first.losses == second.losses and first.losses[-1] < first.losses[0]
    results = seq2seq.accuracy_by_length(first.model, [3, 5], per_length=8)
    assert set(results) == {3, 5} and all(0 <= a <= b <= 1 for a, b in results.values())
    src, lengths, tgt = seq2seq.reversal_batch(0, 3, 3, 4)
    by_beam = seq2seq.beam_outputs(first.model, src, lengths, tgt, (1, 2))
    assert by_beam[1]["log_prob"].shape == (3,) and by_beam[2]["exact"].dtype == torch.bool


def test_the_step_function_records_attention_and_the_plots_draw():
    torch.manual_seed(3)
    model = seq2seq.Seq2Seq(True, hidden=8, embed=4, attention_size=5).eval()
    src, lengths, _ = seq2seq.reversal_batch(1, 1, 5, 5)
    recorded = []
    step_fn, s0 = seq2seq.step_function(model, src, lengths, record=recorded)
    tokens, _ = seq2seq.decode_greedy(step_fn, s0, max_len=4)
    assert len(recorded) == tokens.shape[1] and recorded[0].shape == (5, 1)
    fig = Figure()
    ax1, ax2 = fig.subplots(1, 2)
    seq2seq.plot_accuracy_by_length(ax1, {"a": {5: (0.5, 0.9), 10: (0.1, 0.5)}}, train_range=(5, 8))
    seq2seq.plot_attention(ax2, torch.stack(recorded)[:, :, 0].numpy(), src[:, 0].tolist(), tokens[0].tolist())
    assert ax1.get_lines() and ax2.images
