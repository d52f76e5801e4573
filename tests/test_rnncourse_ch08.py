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


def test_the_masked_loss_is_the_mean_over_real_tokens():
    torch.manual_seed(0)
    model = seq2seq.Seq2Seq(True, hidden=8, embed=4, attention_size=5).double()
    src, lengths, tgt = seq2seq.reversal_batch(2, 3, 2, 5)
    log_probs = torch.log_softmax(model(src, lengths, tgt), dim=-1)
    by_hand = [-log_probs[t, b, tgt[t, b]] for b, n in enumerate(lengths.tolist()) for t in range(n + 1)]
    assert (tgt == PAD).any()
    assert torch.allclose(seq2seq.masked_loss(model, src, lengths, tgt), sum(by_hand) / len(by_hand))


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


def _tiny_model(seed):
    """An untrained float64 model with sharp outputs that depend on the source
    and the step alone (no output bias)."""
    torch.manual_seed(seed)
    model = seq2seq.Seq2Seq(True, hidden=8, embed=4, attention_size=5).double().eval()
    with torch.no_grad():
        model.out.weight *= 4.0
        model.out.bias.zero_()
    return model


def _teacher_forced_log_probs(model, src, lengths, sequences):
    """Sum of log-probabilities of each of ``sequences`` (N, L) for the one source src (S, 1)."""
    N = sequences.shape[0]
    logits = model(src.expand(-1, N), lengths.expand(N), sequences.T)
    return torch.log_softmax(logits, dim=-1).gather(-1, sequences.T[..., None]).squeeze(-1).sum(dim=0)


def _exhaustive_best(model, src, lengths, max_len, alpha):
    """The best sequence (ending at its first EOS, or max_len long) by enumerating them all."""
    others = [t for t in range(seq2seq.VOCAB) if t != EOS]
    best = (None, -math.inf)
    for L in range(1, max_len + 1):
        sequences = [prefix + (EOS,) for prefix in itertools.product(others, repeat=L - 1)]
        if L == max_len:
            sequences += list(itertools.product(others, repeat=L))
        scores = _teacher_forced_log_probs(model, src, lengths, torch.tensor(sequences)) / L ** alpha
        i = int(scores.argmax())
        if scores[i] > best[1]:
            best = (sequences[i], scores[i].item())
    return best


@pytest.mark.parametrize("alpha", [0.0, 1.0])
def test_a_wide_beam_finds_the_best_sequence_and_beam_one_is_greedy(alpha):
    model = _tiny_model(3)
    src, lengths, _ = seq2seq.reversal_batch(7, 1, 3, 3)
    best = seq2seq.beam_translate(model, src, lengths, beam_size=13 ** 3, max_len=4, length_penalty=alpha)
    want_tokens, want_score = _exhaustive_best(model, src, lengths, 4, alpha)
    assert best.tokens == want_tokens and math.isclose(best.score(alpha), want_score, rel_tol=1e-9)
    log_prob = _teacher_forced_log_probs(model, src, lengths, torch.tensor([best.tokens])).item()
    assert math.isclose(best.log_prob, log_prob, rel_tol=1e-9)
    greedy = seq2seq.greedy_translate(model, src, lengths, max_len=4)
    beam_one = seq2seq.beam_translate(model, src, lengths, beam_size=1, max_len=4)
    assert greedy.tokens[0, :greedy.lengths[0]].tolist() == list(beam_one.tokens)


def test_a_length_penalty_favours_longer_outputs():
    model = _tiny_model(1)
    src, lengths, _ = seq2seq.reversal_batch(7, 1, 3, 3)
    short, long = (seq2seq.beam_translate(model, src, lengths, 13 ** 3, 4, alpha) for alpha in (0.0, 1.0))
    assert len(short.tokens) < len(long.tokens) and short.log_prob > long.log_prob


def test_greedy_stops_each_row_at_its_eos_and_pads_with_eos():
    model = _tiny_model(1)
    src, lengths, _ = seq2seq.reversal_batch(5, 8, 2, 6)
    out = seq2seq.greedy_translate(model, src, lengths, max_len=6)
    assert out.tokens.shape[1] == int(out.lengths.max()) == 6 and (out.tokens[:, :-1] == EOS).any()
    for b, n in enumerate(lengths.tolist()):
        alone = []                                       # greedy by hand, one teacher-forced run per token
        while len(alone) < 6 and EOS not in alone:
            fed = torch.tensor(alone + [PAD])[:, None]
            alone.append(int(model(src[:n, b:b + 1], lengths[b:b + 1], fed)[-1, 0].argmax()))
        assert out.lengths[b] == len(alone) and out.tokens[b, :len(alone)].tolist() == alone
        assert (out.tokens[b, len(alone):] == EOS).all()


def test_a_small_training_run_learns_and_is_reproducible():
    first = seq2seq.train_seq2seq(True, steps=30, seed=0, batch_size=16, max_len=6, hidden=16, embed=8)
    second = seq2seq.train_seq2seq(True, steps=30, seed=0, batch_size=16, max_len=6, hidden=16, embed=8)
    assert first.losses == second.losses and first.losses[-1] < first.losses[0]
    results = seq2seq.accuracy_by_length(first.model, [3, 5], per_length=8)
    assert set(results) == {3, 5} and all(0 <= a <= b <= 1 for a, b in results.values())
    src, lengths, tgt = seq2seq.reversal_batch(0, 3, 3, 4)
    by_beam = seq2seq.beam_outputs(first.model, src, lengths, tgt, (1, 2))
    assert by_beam[1]["log_prob"].shape == (3,) and by_beam[2]["exact"].dtype == torch.bool


def test_greedy_records_attention_and_the_plots_draw():
    torch.manual_seed(3)
    model = seq2seq.Seq2Seq(True, hidden=8, embed=4, attention_size=5).eval()
    src, lengths, _ = seq2seq.reversal_batch(1, 1, 5, 5)
    out = seq2seq.greedy_translate(model, src, lengths, max_len=4, record_attention=True)
    assert out.attention.shape == (out.tokens.shape[1], 5, 1)
    assert torch.allclose(out.attention.sum(dim=1), torch.ones(out.tokens.shape[1], 1))
    fig = Figure()
    ax1, ax2 = fig.subplots(1, 2)
    seq2seq.plot_accuracy_by_length(ax1, {"a": {5: (0.5, 0.9), 10: (0.1, 0.5)}}, train_range=(5, 8))
    seq2seq.plot_attention(ax2, out.attention[:, :, 0].numpy(), src[:, 0].tolist(), out.tokens[0].tolist())
    assert ax1.get_lines() and ax2.images
