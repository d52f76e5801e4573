"""Checks of the ch11 graded functions (language models and explicit memory):
the batches of truncated BPTT, sampling with a temperature, bits per
character, and the content-based addressing, read and write of a neural
Turing machine's memory.

``sample_sequence`` draws random numbers, so it is graded by properties, not
against the reference's tokens: over thousands of draws from a Markov chain
(``table_step`` of ``autograder.harness.callables`` with the same table at
every step) the frequency of each token after each token matches
``softmax(logits / temperature)``; at a temperature near 0 the tokens are the
greedy ones (those are unique, so compared with the reference's); the same
generator gives the same tokens whatever torch's global random state, another
seed other tokens, and the global state is left untouched.
"""
import torch

from ..harness.callables import TABLE_STEPS
from .builders import drawn_from_the_generator, shape_of, valid_and_untouched_rng, with_replaced
from .core import Case, Check, Dims, Inputs, Spec, matches_reference, raises, seed_for

# char_lm_batches(ids, batch_size, seq_len) -------------------------------------------------------

VOCAB = 11


def batches_args(inputs: Inputs, d: Dims, extra: int = 2) -> dict:
    """ids of (T + 1) B + extra characters cut into B streams, chunks of T (the last one shorter
    when extra > 0 leaves streams of T + 1 + extra // B)."""
    return {"ids": inputs.randint(VOCAB, (d.T + 1) * d.B + extra), "batch_size": d.B, "seq_len": d.T}


def make_batches(inputs: Inputs, d: Dims) -> Case:
    return Case(args=list(batches_args(inputs, Dims(T=d.T, B=d.B), extra=3 * d.B + 1).values()))


def bad_batches(inputs: Inputs) -> list:
    d = Dims()
    args = batches_args(inputs, d)
    grid, short = args["ids"][:d.B * d.T].reshape(d.B, d.T), args["ids"][:d.B + 1]
    return [
        with_replaced(args, f"ids {shape_of(grid)} (not (N,))", ids=grid),
        with_replaced(args, "batch_size = 0", batch_size=0),
        with_replaced(args, "seq_len = 0", seq_len=0),
        with_replaced(args, f"ids {shape_of(short)} with batch_size = {d.B} (streams of 1 id)", ids=short),
    ]


def _batches_cases(label: str, N: int, B: int, L: int):
    def cases(device):
        ids = Inputs(seed_for("char_lm_batches", label)).randint(VOCAB, N)
        return [Case(args=[ids, B, L], label=label)]
    return cases


BATCHES_CHECKS = [
    Check("the remainder is dropped and the last chunk is shorter (N = 103, B = 4, L = 7)",
          "Streams of N // B ids (the last N % B dropped); S ids give S - 1 inputs with a target, read in "
          "chunks of L, the last one shorter.",
          _batches_cases("N = 103, B = 4, L = 7", 103, 4, 7), matches_reference()),
    Check("one chunk holds the whole stream (L longer than the streams)",
          "A chunk stops at the last input of the stream, whatever L is.",
          _batches_cases("N = 40, B = 5, L = 50", 40, 5, 50), matches_reference()),
    Check("many streams of two ids: one chunk of one step",
          "With streams of 2 ids each stream has one input and one target.",
          _batches_cases("N = 17, B = 8, L = 3", 17, 8, 3), matches_reference()),
]


# sample_sequence(step_fn, state, first, steps, temperature, generator) -----------------------------

MARKOV = torch.tensor([[2.0, 0.0, -1.0], [0.0, 1.0, 0.5], [-1.0, 0.5, 1.5]], dtype=torch.float64)
DRAWS = 3000


def markov_state(table: torch.Tensor) -> torch.Tensor:
    """The state of table_step whose logits are ``table[previous token]`` at every step: a Markov chain."""
    V = table.shape[0]
    return torch.cat([torch.zeros(1, 1, dtype=table.dtype), table.expand(1, TABLE_STEPS, V, V).flatten(1)], dim=1)


def _sample_case(step: str, state, first: int, steps: int, temperature: float, seed: int, label: str,
                 global_seed=None) -> Case:
    return Case(args=[{"callable": step}, state, first, steps, temperature, {"generator": seed}],
                label=label, global_seed=global_seed)


def _tokens(case: Case, student: dict, device: str = "cpu"):
    """The student's tokens as a CPU long tensor, or a message saying why there are none."""
    if not student["ok"]:
        return None, f"raised {student['error_types'][0]}: {student.get('error', '')} ({case.label})"
    output, steps = student["output"], case.args[3]
    if output["kind"] != "tensor":
        return None, f"returned a {output.get('type', output['kind'])}, not a tensor ({case.label})"
    if tuple(output["shape"]) != (steps,):
        return None, f"tokens has shape {tuple(output['shape'])}, expected {(steps,)} ({case.label})"
    if output["dtype"] != "int64":
        return None, f"tokens has dtype {output['dtype']}, expected int64 (long) ({case.label})"
    return output["values"], None


def _markov_cases(device: str) -> list:
    state = markov_state(MARKOV)
    return [_sample_case("table_step", state, first, DRAWS, temperature, seed_for("sample", str(temperature)),
                         f"{DRAWS} draws from a Markov chain, temperature {temperature:g}")
            for first, temperature in ((0, 0.5), (2, 2.0))]


def _frequencies_follow(case, reference, student, device):
    """Every transition a -> b seen about n_a softmax(MARKOV[a] / T)[b] times, within 5 standard
    deviations (plus 2 / n_a); a transition never seen after a token seen fewer than 30 times is not judged."""
    tokens, problem = _tokens(case, student)
    if problem:
        return problem
    V, temperature = MARKOV.shape[0], case.args[4]
    if tokens.min() < 0 or tokens.max() >= V:
        return f"a token lies outside 0..{V - 1} ({case.label})"
    previous = torch.cat([torch.tensor([case.args[2]]), tokens[:-1]])
    for a in range(V):
        following = tokens[previous == a]
        n = len(following)
        if n < 30:
            continue
        frequency = torch.bincount(following, minlength=V).double() / n
        expected = torch.softmax(MARKOV[a] / temperature, dim=0)
        margin = 5 * (expected * (1 - expected) / n).sqrt() + 2 / n
        if ((frequency - expected).abs() > margin).any():
            return (f"after token {a} the tokens came with frequencies {[round(f, 3) for f in frequency.tolist()]}, "
                    f"expected about {[round(p, 3) for p in expected.tolist()]} ({case.label})")
    return None


def _greedy_cases(device: str) -> list:
    gru_state = Inputs(seed_for("sample", "gru")).randn(1, 8, scale=1.5)
    return [_sample_case("tiny_gru_step", gru_state, 5, 15, 1e-4, 1, "a small GRU, temperature 1e-4"),
            _sample_case("tiny_gru_step", gru_state.float(), 2, 10, 1e-3, 2, "float32 GRU, temperature 1e-3"),
            _sample_case("table_step", markov_state(MARKOV), 1, 6, 1e-4, 3, "a Markov chain, temperature 1e-4")]


def _generator_cases(device: str) -> list:
    state = Inputs(seed_for("sample", "generator")).randn(1, 8, scale=1.5)
    return [_sample_case("tiny_gru_step", state, 0, 40, 1.0, seed, f"generator seed {seed}, global seed {g}",
                         global_seed=g)
            for seed, g in ((11, 1), (11, 2), (12, 1))]


def _bad_sampling(device: str) -> list:
    state = markov_state(MARKOV)
    bad = ((0, 1.0, "steps = 0"), (2.5, 1.0, "steps = 2.5"), (5, 0.0, "temperature = 0"),
           (5, -1.0, "temperature = -1"))
    return [Case(args=[{"callable": "table_step"}, state, 0, steps, temperature, {"generator": 0}], label=label,
                 expect_error="ValueError") for steps, temperature, label in bad]


SAMPLE_CHECKS = [
    Check("each token follows softmax(logits / temperature) (frequencies over 3000 draws)",
          "Divide the logits (not the probabilities) by the temperature, take the softmax over the vocabulary, "
          "draw one token with torch.multinomial and feed it back as the next input.",
          _markov_cases, _frequencies_follow),
    Check("a temperature near 0 gives the greedy tokens, the state carried from step to step",
          "Feed first at the first step, then each drawn token, and pass the state step_fn returns to the "
          "next call; the tokens exclude first.",
          _greedy_cases, matches_reference()),
    Check("the tokens come from the generator alone, torch's global random state untouched",
          "Pass generator=generator to torch.multinomial (or to any random function you use); never seed or "
          "draw from torch's global generator.",
          _generator_cases, valid_and_untouched_rng(_tokens), joint=drawn_from_the_generator("the tokens")),
    Check("ValueError on steps that are not a positive integer or a temperature <= 0",
          "Check the arguments before drawing anything.", _bad_sampling, raises("ValueError")),
]


# bits_per_char(logits, targets) ------------------------------------------------------------------

def bits_args(inputs: Inputs, d: Dims, scale: float = 2.0) -> dict:
    return {"logits": inputs.randn(d.T, d.B, d.K, scale=scale), "targets": inputs.randint(d.K, d.T, d.B)}


def bad_bits(inputs: Inputs) -> list:
    d = Dims()
    args = bits_args(inputs, d)
    short, flat = args["targets"][:-1], args["logits"][0]
    return [
        with_replaced(args, f"targets {shape_of(short)} with logits {shape_of(args['logits'])}", targets=short),
        with_replaced(args, f"logits {shape_of(flat)} (not (T, B, V))", logits=flat),
    ]


def _bits_cases(label: str, dims: Dims, scale: float = 2.0):
    def cases(device):
        return [Case(args=list(bits_args(Inputs(seed_for("bits_per_char", label)), dims, scale).values()),
                     label=label)]
    return cases


BITS_CHECKS = [
    Check("logits of magnitude 1e3 give a finite result",
          "Use log_softmax (log-sum-exp), not log(softmax(...)).",
          _bits_cases("logits scaled to 1e3", Dims(T=4, B=2, K=6), scale=1e3), matches_reference()),
    Check("a long sequence of one stream: the mean over all T x B characters",
          "Average over every character (time steps and batch), then convert nats to bits (divide by ln 2).",
          _bits_cases("T = 40, B = 1", Dims(T=40, B=1, K=9)), matches_reference()),
]


# content_addressing(memory, key, beta) -----------------------------------------------------------

def memory_dims(d: Dims) -> tuple:
    """(B, N, M): N = T locations of width M = H."""
    return d.B, d.T, d.H


def addressing_args(inputs: Inputs, d: Dims, beta_high: float = 5.0) -> dict:
    B, N, M = memory_dims(d)
    return {"memory": inputs.randn(B, N, M), "key": inputs.randn(B, M),
            "beta": inputs.uniform(B, low=0.5, high=beta_high)}


def bad_addressing(inputs: Inputs) -> list:
    args = addressing_args(inputs, Dims())
    memory, key, beta = args.values()
    narrow, short_beta, flat = key[:, :-1], beta[:-1], memory[0]
    return [
        with_replaced(args, f"key {shape_of(narrow)} with memory {shape_of(memory)}", key=narrow),
        with_replaced(args, f"beta {shape_of(short_beta)} with memory {shape_of(memory)}", beta=short_beta),
        with_replaced(args, f"memory {shape_of(flat)} (not (B, N, M))", memory=flat),
    ]


def _zero_cases(device: str) -> list:
    """A zero row in every sequence's memory, then a zero key in one sequence (outputs only:
    the clamp makes their gradients huge)."""
    inputs = Inputs(seed_for("content_addressing", "zeros"))
    args = addressing_args(inputs, Dims(T=5, B=3, H=4))
    empty_row = args["memory"].clone()
    empty_row[:, 2] = 0.0
    zero_key = args["key"].clone()
    zero_key[1] = 0.0
    return [Case(args=[empty_row, args["key"], args["beta"]], label="a zero row in the memory"),
            Case(args=[args["memory"], zero_key, args["beta"]], label="a zero key")]


def _beta_cases(device: str) -> list:
    inputs = Inputs(seed_for("content_addressing", "beta"))
    args = addressing_args(inputs, Dims(T=6, B=3, H=4))
    beta = torch.tensor([0.0, 1.0, 20.0], dtype=torch.float64)
    return [Case(args=[args["memory"], args["key"], beta], grad_wrt=(0, 1, 2), label="beta = 0, 1 and 20")]


ADDRESSING_CHECKS = [
    Check("a zero row or a zero key gives finite weights",
          "Clamp the norms of the rows and of the key at 1e-8 before dividing (x.norm(...).clamp_min(1e-8)).",
          _zero_cases, matches_reference()),
    Check("the key strength beta: 0 spreads the weight evenly, 20 concentrates it",
          "Multiply each sequence's cosine similarities by its own beta before the softmax over the N locations.",
          _beta_cases, matches_reference(grads=True)),
]


# memory_read(memory, w) --------------------------------------------------------------------------

def read_args(inputs: Inputs, d: Dims) -> dict:
    """Weights that are not normalised: a read sums w(n) M(n) as it is."""
    B, N, M = memory_dims(d)
    return {"memory": inputs.randn(B, N, M), "w": inputs.uniform(B, N, low=0.0, high=1.0)}


def bad_read(inputs: Inputs) -> list:
    args = read_args(inputs, Dims())
    memory, w = args.values()
    return [
        with_replaced(args, f"w {shape_of(w[:, :-1])} with memory {shape_of(memory)}", w=w[:, :-1]),
        with_replaced(args, f"w {shape_of(w[:-1])} with memory {shape_of(memory)}", w=w[:-1]),
        with_replaced(args, f"memory {shape_of(memory[0])} (not (B, N, M))", memory=memory[0]),
    ]


def _one_hot_read(device: str) -> list:
    args = read_args(Inputs(seed_for("memory_read", "one-hot")), Dims(T=5, B=3, H=4))
    w = torch.nn.functional.one_hot(torch.tensor([4, 0, 2]), 5).double()
    return [Case(args=[args["memory"], w], grad_wrt=(0, 1), label="one-hot weights")]


READ_CHECKS = [
    Check("one-hot weights read one row of each sequence's memory",
          "Weigh the rows of each sequence's own memory by its own weights and sum over the N locations.",
          _one_hot_read, matches_reference(grads=True)),
]


# memory_write(memory, w, erase, add) -------------------------------------------------------------

def write_args(inputs: Inputs, d: Dims) -> dict:
    B, N, M = memory_dims(d)
    return {"memory": inputs.randn(B, N, M), "w": torch.softmax(inputs.randn(B, N, scale=2.0), dim=1),
            "erase": inputs.uniform(B, M, low=0.0, high=1.0), "add": inputs.randn(B, M)}


def bad_write(inputs: Inputs) -> list:
    args = write_args(inputs, Dims())
    memory, w, erase, add = args.values()
    return [
        with_replaced(args, f"w {shape_of(w[:, :-1])} with memory {shape_of(memory)}", w=w[:, :-1]),
        with_replaced(args, f"erase {shape_of(erase[:, :-1])} with memory {shape_of(memory)}", erase=erase[:, :-1]),
        with_replaced(args, f"add {shape_of(add[:-1])} with memory {shape_of(memory)}", add=add[:-1]),
        with_replaced(args, f"memory {shape_of(memory[0])} (not (B, N, M))", memory=memory[0]),
    ]


def _write_cases(device: str) -> list:
    """A one-hot write that erases everything (the row becomes add), and one that erases nothing."""
    args = write_args(Inputs(seed_for("memory_write", "ends")), Dims(T=5, B=3, H=4))
    memory, w, erase, add = args.values()
    at = torch.nn.functional.one_hot(torch.tensor([1, 4, 0]), 5).double()
    return [Case(args=[memory, at, torch.ones_like(erase), add], grad_wrt=(0, 1, 2, 3),
                 label="one-hot w, erase = 1 (the row is replaced by add)"),
            Case(args=[memory, w, torch.zeros_like(erase), add], grad_wrt=(0, 1, 2, 3), label="erase = 0")]


WRITE_CHECKS = [
    Check("a one-hot write with erase = 1 replaces a row, erase = 0 only adds",
          "Erase first, memory * (1 - w e), each location by its own weight, then add w a.",
          _write_cases, matches_reference(grads=True)),
]


SPECS = [
    Spec("char_lm_batches", make_batches, differentiable=False, bad_shapes=bad_batches,
         extra_checks=BATCHES_CHECKS, outputs=("batches",)),
    Spec("sample_sequence", None, tensor_inputs=False, extra_checks=SAMPLE_CHECKS, outputs=("tokens (steps,)",)),
    Spec("bits_per_char", lambda inputs, d: Case(args=list(bits_args(inputs, d).values())),
         differentiable=False, bad_shapes=bad_bits, extra_checks=BITS_CHECKS, outputs=("the bits per character",)),
    Spec("content_addressing", lambda inputs, d: Case(args=list(addressing_args(inputs, d).values())),
         grad_wrt=(0, 1, 2), bad_shapes=bad_addressing, extra_checks=ADDRESSING_CHECKS, outputs=("w (B, N)",)),
    Spec("memory_read", lambda inputs, d: Case(args=list(read_args(inputs, d).values())),
         grad_wrt=(0, 1), bad_shapes=bad_read, extra_checks=READ_CHECKS, outputs=("r (B, M)",)),
    Spec("memory_write", lambda inputs, d: Case(args=list(write_args(inputs, d).values())),
         grad_wrt=(0, 1, 2, 3), bad_shapes=bad_write, extra_checks=WRITE_CHECKS,
         outputs=("the new memory (B, N, M)",)),
]
