"""Checks of the ch08 graded functions (encoder-decoder models): additive
attention with a padding mask, greedy decoding, beam search and the masked
sequence loss.

The decoders are called with step functions of
``autograder.harness.callables``, named in the cases: ``table_step`` reads
its logits from a table carried in the state (so a case fixes where each
sequence ends, ties and sequences that never end), ``tiny_gru_step`` and
``tiny_gru_step_v3`` are small fixed GRUs whose logits depend on the whole
prefix (so a beam's state must follow its hypothesis). Where logits tie, any
of the tied tokens is right: the judges of those cases replay the student's
tokens through the step function instead of comparing them with the
reference's.
"""
import math
from dataclasses import replace

import torch

from ..harness.callables import REGISTRY, TABLE_STEPS
from .builders import shape_of, with_replaced
from .core import TOLERANCES, Case, Check, Dims, Inputs, Spec, matches_reference, seed_for

ATTENTION = 5         # size A of the attention layer
VOCAB = 5             # tokens of the tables
BOS, EOS = 4, 2       # begin and end tokens of the table cases
SURE = 50.0           # a logit that decides a step


# additive_attention(query, keys, values, W_q, W_k, v, mask=None) ---------------------------

def padding_mask(inputs: Inputs, S: int, B: int) -> torch.Tensor:
    """(S, B) bool, True where attended: each column a prefix of random length >= 1."""
    lengths = 1 + inputs.randint(S, B)
    return torch.arange(S)[:, None] < lengths[None]


def attention_args(inputs: Inputs, d: Dims, v_scale: float = 1.0) -> dict:
    return {"query": inputs.randn(d.B, d.H), "keys": inputs.randn(d.T, d.B, d.D),
            "values": inputs.randn(d.T, d.B, d.K), "W_q": inputs.weight(ATTENTION, d.H),
            "W_k": inputs.weight(ATTENTION, d.D), "v": v_scale * inputs.randn(ATTENTION),
            "mask": padding_mask(inputs, d.T, d.B)}


def _attention_case(args: dict, label: str = "") -> Case:
    return Case(args=list(args.values()), label=label)


def bad_attention(inputs: Inputs) -> list:
    d = Dims()
    args = attention_args(inputs, d)
    keys_B, values_S = inputs.randn(d.T, d.B + 1, d.D), inputs.randn(d.T + 1, d.B, d.K)
    wide_query, mask_S = inputs.randn(d.B, d.H + 1), padding_mask(inputs, d.T + 1, d.B)
    wide_W_k = inputs.weight(ATTENTION, d.D + 1)
    return [
        with_replaced(args, f"keys {shape_of(keys_B)} with query {shape_of(args['query'])}", keys=keys_B),
        with_replaced(args, f"values {shape_of(values_S)} with keys {shape_of(args['keys'])}", values=values_S),
        with_replaced(args, f"query {shape_of(wide_query)} with W_q {shape_of(args['W_q'])}", query=wide_query),
        with_replaced(args, f"W_k {shape_of(wide_W_k)} with keys {shape_of(args['keys'])}", W_k=wide_W_k),
        with_replaced(args, f"mask {shape_of(mask_S)} with keys {shape_of(args['keys'])}", mask=mask_S),
    ]


def _attention_cases(label: str, dims: Dims = Dims(T=7, B=4), v_scale: float = 1.0, mask: bool = True):
    def cases(device):
        args = attention_args(Inputs(seed_for("additive_attention", label)), dims, v_scale)
        if not mask:
            del args["mask"]
        return [_attention_case(args, label)]
    return cases


def masked_weights_are_zero(case, reference, student, device):
    problem = matches_reference(mutation=False)(case, reference, student, device)
    if problem or student["output"]["items"][1]["values"] is None:
        return problem
    weights, mask = student["output"]["items"][1]["values"], case.args[-1]
    if weights[~mask].abs().max().item() != 0:
        return f"a masked position got weight {weights[~mask].abs().max().item():.3g}, not exactly 0"
    return None


ATTENTION_CHECKS = [
    Check("without a mask (mask=None) every position is attended",
          "Make the mask optional: with mask=None take the softmax over all S positions.",
          _attention_cases("no mask", mask=False), matches_reference(mutation=False)),
    Check("masked positions get weight exactly 0, the others sum to 1",
          "Set the scores of masked positions (mask False) to -inf before the softmax over s; "
          "zeroing weights after the softmax leaves them unnormalised.",
          _attention_cases("padding mask", dims=Dims(T=9, B=5)), masked_weights_are_zero),
    Check("large scores (v scaled by 1000) give finite weights",
          "Use torch.softmax (or subtract the largest score before exp): exp of a large score overflows.",
          _attention_cases("v scaled by 1000", v_scale=1000.0), matches_reference(mutation=False)),
]


# decoding cases -------------------------------------------------------------------------------

def table_state(tables: torch.Tensor) -> torch.Tensor:
    """The state of table_step: tables (N, T, V, V) of logits, T <= TABLE_STEPS."""
    N, T, V, _ = tables.shape
    padded = torch.zeros(N, TABLE_STEPS, V, V, dtype=tables.dtype)
    padded[:, :T] = tables
    return torch.cat([torch.zeros(N, 1, dtype=tables.dtype), padded.flatten(1)], dim=1)


def random_tables(inputs: Inputs, N: int, scale: float = 2.0) -> torch.Tensor:
    return inputs.randn(N, TABLE_STEPS, VOCAB, VOCAB, scale=scale)


def ending_tables(inputs: Inputs, ends: list) -> torch.Tensor:
    """Random tables where row n's EOS is certain at step ends[n] (1-based) and impossible
    before it (ends[n] = None: never)."""
    tables = random_tables(inputs, len(ends))
    tables[..., EOS] = -SURE
    for n, end in enumerate(ends):
        if end is not None:
            tables[n, end - 1, :, EOS] = SURE
    return tables


def tied_tables(inputs: Inputs, N: int) -> torch.Tensor:
    """Tables whose logits tie exactly: tokens 0 and 1 share their logit (the largest at
    most steps), and both lead to the same logits at the next step."""
    tables = random_tables(inputs, N).round()
    tables[..., 1] = tables[..., 0]
    tables[..., 0] += 1.0
    tables[..., 1] += 1.0
    tables[:, :, 1, :] = tables[:, :, 0, :]
    return tables


def _decode_case(step: str, state: torch.Tensor, *rest, label: str = "", **kwargs) -> Case:
    return Case(args=[{"callable": step}, state, *rest], kwargs=kwargs, label=label)


def _gru_state(inputs: Inputs, N: int, H: int = 8) -> torch.Tensor:
    return inputs.randn(N, H, scale=1.5)


# greedy_decode(step_fn, state, bos, eos, max_len) ---------------------------------------------

def greedy_case(inputs: Inputs, d: Dims) -> Case:
    state = table_state(random_tables(inputs, d.B)).to(inputs.dtype)
    return _decode_case("table_step", state, BOS, EOS, 2 * d.T - 1)


def _greedy_cases(label: str, build):
    def cases(device):
        return [replace(build(Inputs(seed_for("greedy_decode", label))), label=label)]
    return cases


def _replay(case: Case):
    """The step function and arguments of a decoding case, on the CPU."""
    step_fn = REGISTRY[case.args[0]["callable"]]
    return step_fn, case.args[1].clone(), case.args[2], case.args[3]


def greedy_replayed(case, reference, student, device):
    """Any argmax is right where logits tie: replay the student's tokens."""
    if not student["ok"]:
        return matches_reference(mutation=False)(case, reference, student, device)
    items = student["output"].get("items") or []
    shapes = [tuple(item.get("shape", ())) for item in items]
    if len(items) != 2 or any(item["kind"] != "tensor" for item in items) or len(shapes[0]) != 2:
        return "return (tokens (B, L), lengths (B,)) as two tensors"
    tokens, lengths = items[0]["values"], items[1]["values"]
    step_fn, state, bos, eos = _replay(case)
    max_len, B = case.args[4], state.shape[0]
    fed, done, ends = torch.full((B,), bos), torch.zeros(B, dtype=torch.bool), torch.full((B,), max_len)
    for t in range(tokens.shape[1]):
        if done.all():
            return f"tokens has {tokens.shape[1]} columns, but every sequence had ended after {t} ({case.label})"
        logits, state = step_fn(fed, state)
        chosen = logits.gather(1, tokens[:, t:t + 1].clamp(0, logits.shape[1] - 1))[:, 0]
        best = logits.max(dim=1).values
        if ((tokens[:, t] != eos) & done).any():
            return f"after its eos a sequence must be padded with eos ({case.label})"
        if ((chosen < best) & ~done).any():
            return f"step {t + 1} did not take a most probable token ({case.label})"
        ends = torch.where(~done & (tokens[:, t] == eos), t + 1, ends)
        done, fed = done | (tokens[:, t] == eos), tokens[:, t]
    if not done.all() and tokens.shape[1] != max_len:
        return f"decoding stopped after {tokens.shape[1]} steps, before max_len, with a sequence unfinished"
    if lengths is None or not torch.equal(lengths, ends):
        return f"lengths should count the tokens up to and including each eos ({case.label})"
    return None


GREEDY_CHECKS = [
    Check("each sequence stops at its own eos (four sequences ending at steps 3, 1, 4, 2)",
          "Keep decoding until every sequence has produced eos; a sequence that has ended is padded with eos "
          "and its length counts its eos.",
          _greedy_cases("ends at steps 3, 1, 4, 2", lambda inputs: _decode_case(
              "table_step", table_state(ending_tables(inputs, [3, 1, 4, 2])), BOS, EOS, 9)),
          matches_reference(mutation=False)),
    Check("no sequence ever ends: max_len tokens",
          "Stop after max_len steps even when no sequence has produced eos; lengths are then max_len.",
          _greedy_cases("no eos", lambda inputs: _decode_case(
              "table_step", table_state(ending_tables(inputs, [None, None, None])), BOS, EOS, 6)),
          matches_reference(mutation=False)),
    Check("every sequence ends at the first step",
          "Check whether all sequences have finished after each step, the first included.",
          _greedy_cases("all end at once", lambda inputs: _decode_case(
              "table_step", table_state(ending_tables(inputs, [1, 1])), BOS, EOS, 5)),
          matches_reference(mutation=False)),
    Check("a small GRU decoder: each step is fed the token chosen before",
          "Feed bos at the first step, then each sequence's previous token, and carry the state the step "
          "function returns.",
          _greedy_cases("tiny GRU", lambda inputs: _decode_case(
              "tiny_gru_step", _gru_state(inputs, 4), 5, 0, 10)),
          matches_reference(mutation=False)),
    Check("tied logits: any of the most probable tokens",
          "Take an argmax of the logits at every step (torch.argmax breaks ties by taking the first).",
          _greedy_cases("tied logits", lambda inputs: _decode_case(
              "table_step", table_state(tied_tables(inputs, 3)), BOS, EOS, 7)),
          greedy_replayed),
]


# beam_search(step_fn, state, bos, eos, beam_size, max_len, length_penalty=0.0) ----------------

def beam_case(inputs: Inputs, d: Dims) -> Case:
    state = table_state(random_tables(inputs, 1, scale=1.5))
    return _decode_case("table_step", state, BOS, EOS, 3, 2 * d.T - 1, length_penalty=0.7)


def _sequence_score(case: Case, tokens: torch.Tensor) -> float:
    step_fn, state, bos, _ = _replay(case)
    fed, total = torch.tensor([bos]), 0.0
    for token in tokens.tolist():
        logits, state = step_fn(fed, state)
        total += logits.double().log_softmax(dim=1)[0, token].item()
        fed = torch.tensor([token])
    alpha = case.kwargs.get("length_penalty", 0.0)
    return total / len(tokens) ** alpha


def beam_replayed(case, reference, student, device):
    """Tied hypotheses are equally right: the score must be the reference's and
    the student's tokens must have that score."""
    if not student["ok"]:
        return matches_reference(mutation=False)(case, reference, student, device)
    items = student["output"].get("items") or []
    if len(items) != 2 or items[0]["kind"] != "tensor" or items[1]["kind"] != "float":
        return "return (tokens (L,), score) with score a Python float"
    tokens, score = items[0]["values"], items[1]["value"]
    want = reference["output"]["items"][1]["value"]
    if not math.isclose(score, want, rel_tol=1e-7, abs_tol=1e-9):
        return f"the score is {score!r}, the best hypothesis scores {want!r} ({case.label})"
    eos, max_len = case.args[3], case.args[5]
    ends = (tokens == eos).nonzero().flatten().tolist()
    if ends not in ([], [len(tokens) - 1]) or (not ends and len(tokens) != max_len):
        return f"the tokens must end at their first eos, or be max_len long without one ({case.label})"
    if not math.isclose(_sequence_score(case, tokens), score, rel_tol=1e-7, abs_tol=1e-9):
        return f"the returned tokens do not have the returned score ({case.label})"
    return None


def _beam_cases(label: str, build):
    def cases(device):
        return [replace(build(Inputs(seed_for("beam_search", label))), label=label)]
    return cases


def _table(inputs: Inputs, ends=None, scale: float = 1.5) -> torch.Tensor:
    return table_state(random_tables(inputs, 1, scale) if ends is None else ending_tables(inputs, ends))


def _competing_lengths(inputs: Inputs) -> Case:
    """A short hypothesis that wins on the sum of log-probabilities and longer ones that
    win once the sum is divided by the length (the length penalty decides)."""
    tables = random_tables(inputs, 1, scale=0.5)
    tables[0, 1, :, EOS] = 1.5
    tables[0, 4, :, EOS] = 4.0
    return _decode_case("table_step", table_state(tables), BOS, EOS, 4, 8, length_penalty=1.0)


BEAM_CHECKS = [
    Check("no length penalty (length_penalty left at 0)",
          "With length_penalty = 0 the score is the plain sum of log-probabilities.",
          _beam_cases("default length penalty", lambda inputs: _decode_case(
              "table_step", _table(inputs), BOS, EOS, 3, 8)),
          matches_reference(mutation=False)),
    Check("the length penalty decides between a short and a long finished hypothesis",
          "Choose the final hypothesis by sum of log-probabilities / length**length_penalty, where the length "
          "counts the eos.",
          _beam_cases("length penalty 1", _competing_lengths), matches_reference(mutation=False)),
    Check("a small GRU decoder: each beam's state follows its hypothesis",
          "Reorder the state along dim 0 with the beams you keep (state[beam_indices]) before the next step.",
          _beam_cases("tiny GRU", lambda inputs: _decode_case(
              "tiny_gru_step", _gru_state(inputs, 1), 5, 0, 3, 8, length_penalty=0.5)),
          matches_reference(mutation=False)),
    Check("beam_size larger than the vocabulary",
          "At the first step there are only V extensions (one live hypothesis): keep at most as many as exist.",
          _beam_cases("beam 5, 3 tokens", lambda inputs: _decode_case(
              "tiny_gru_step_v3", _gru_state(inputs, 1), 1, 0, 5, 6, length_penalty=0.6)),
          matches_reference(mutation=False)),
    Check("beam size 1 is greedy decoding",
          "With beam_size = 1 each step keeps the single best extension.",
          _beam_cases("beam 1", lambda inputs: _decode_case(
              "table_step", _table(inputs), BOS, EOS, 1, 8)),
          matches_reference(mutation=False)),
    Check("no hypothesis ever ends: the best live one after max_len tokens",
          "Stop after max_len tokens and choose among the live hypotheses too (their length is max_len).",
          _beam_cases("no eos", lambda inputs: _decode_case(
              "table_step", _table(inputs, ends=[None]), BOS, EOS, 3, 6, length_penalty=0.8)),
          matches_reference(mutation=False)),
    Check("every hypothesis ends: the search stops",
          "Move hypotheses that end in eos to the finished pool and stop when none is live.",
          _beam_cases("all end at step 3", lambda inputs: _decode_case(
              "table_step", _table(inputs, ends=[3]), BOS, EOS, 4, 10, length_penalty=0.5)),
          matches_reference(mutation=False)),
    Check("tied logits: any of the best hypotheses, with its score",
          "Compare hypotheses by score; any of equally good ones is right.",
          _beam_cases("tied logits", lambda inputs: _decode_case(
              "table_step", table_state(tied_tables(inputs, 1)), BOS, EOS, 3, 7, length_penalty=0.5)),
          beam_replayed),
    Check("float32 logits",
          "Accumulate the log-probabilities of the step function's logits and return the score as a float.",
          _beam_cases("float32", lambda inputs: _decode_case(
              "table_step", _table(inputs).float(), BOS, EOS, 3, 8, length_penalty=0.7)),
          matches_reference(mutation=False, tol=TOLERANCES["float32"])),
]


# masked_sequence_nll(logits, targets, pad_id) ----------------------------------------------------

def nll_args(inputs: Inputs, d: Dims, scale: float = 2.0, pad_id: int | None = None) -> dict:
    """Targets of random lengths 1..T in each column, padded with pad_id (K - 1 unless given)."""
    pad_id = d.K - 1 if pad_id is None else pad_id
    tokens = inputs.randint(d.K - 1, d.T, d.B)
    tokens = tokens + (tokens >= pad_id).long()         # no real token equals pad_id
    lengths = 1 + inputs.randint(d.T, d.B)
    targets = torch.where(torch.arange(d.T)[:, None] < lengths[None], tokens, pad_id)
    return {"logits": inputs.randn(d.T, d.B, d.K, scale=scale), "targets": targets, "pad_id": pad_id}


def bad_nll(inputs: Inputs) -> list:
    d = Dims()
    args = nll_args(inputs, d)
    wide, long_ = args["targets"][:, :-1], torch.cat([args["targets"], args["targets"][:1]])
    flat = args["logits"][0]
    return [
        with_replaced(args, f"targets {shape_of(wide)} with logits {shape_of(args['logits'])}", targets=wide),
        with_replaced(args, f"targets {shape_of(long_)} with logits {shape_of(args['logits'])}", targets=long_),
        with_replaced(args, f"logits {shape_of(flat)} (not (T, B, V))", logits=flat),
    ]


def _nll_cases(label: str, dims: Dims = Dims(T=8, B=4), **options):
    def cases(device):
        args = nll_args(Inputs(seed_for("masked_sequence_nll", label)), dims, **options)
        return [Case(args=list(args.values()), grad_wrt=(0,), label=label)]
    return cases


NLL_CHECKS = [
    Check("logits of magnitude 1e3 give a finite loss",
          "Use log_softmax (log-sum-exp), not log(softmax(...)).",
          _nll_cases("logits scaled to 1e3", scale=1e3), matches_reference(grads=True)),
    Check("pad_id = 0 (another padding token)",
          "Mask the positions whose target equals pad_id, whatever its value.",
          _nll_cases("pad_id 0", pad_id=0), matches_reference(grads=True)),
    Check("sequences of very different lengths: the mean over all real tokens",
          "Divide the summed loss of the non-pad tokens by their number (not by B, T or T * B).",
          _nll_cases("lengths 1 to 12", dims=Dims(T=12, B=6, K=4)), matches_reference(grads=True)),
]


SPECS = [
    Spec("additive_attention", lambda inputs, d: _attention_case(attention_args(inputs, d)),
         grad_wrt=tuple(range(6)), bad_shapes=bad_attention, extra_checks=ATTENTION_CHECKS,
         outputs=("context (B, H_v)", "weights (S, B)")),
    Spec("greedy_decode", greedy_case, differentiable=False, extra_checks=GREEDY_CHECKS,
         outputs=("tokens (B, L)", "lengths (B,)")),
    Spec("beam_search", beam_case, uses_batch=False, differentiable=False, extra_checks=BEAM_CHECKS,
         outputs=("tokens (L,)", "score")),
    Spec("masked_sequence_nll", lambda inputs, d: Case(args=list(nll_args(inputs, d).values())),
         grad_wrt=(0,), bad_shapes=bad_nll, extra_checks=NLL_CHECKS,
         outputs=("the loss",)),
]
