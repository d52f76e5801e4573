"""The catalogue of common mistakes in the ch11 graded functions (``WRONG`` and
``SAYS``, as ``autograder.mistakes`` describes them).

Each answer makes one mistake, named by its label (and said to the student in
``SAYS``), and is otherwise right, argument checks included, so the hidden
check that must catch that mistake is the one that fails. The argument
checks and the steps an answer gets right are shared text, spliced in by
``answer``; every value of ``WRONG`` is still the complete source of a
solution cell.
"""
from . import answer

# char_lm_batches(ids, batch_size, seq_len)

_BATCHES_ARGUMENTS = '''
if ids.dim() != 1:
    raise ValueError(f"ids must be 1-D (N,), got shape {tuple(ids.shape)}")
for name, value in (("batch_size", batch_size), ("seq_len", seq_len)):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
length = ids.shape[0] // batch_size
if length < 2:
    raise ValueError(f"{ids.shape[0]} ids in {batch_size} streams: streams of {length} < 2 ids")
'''
_BATCHES = ("char_lm_batches(ids, batch_size, seq_len)", _BATCHES_ARGUMENTS)

_STREAMS = '''
streams = ids[: length * batch_size].reshape(batch_size, length).T
'''


def _chunks(x: str = "streams[start:stop]", y: str = "streams[start + 1:stop + 1]",
            stop: str = "min(start + seq_len, length - 1)", starts: str = "range(0, length - 1, seq_len)") -> str:
    return f'''
pairs = []
for start in {starts}:
    stop = {stop}
    pairs.append(({x}, {y}))
return pairs
'''


# sample_sequence(step_fn, state, first, steps, temperature, generator)

_SAMPLE_ARGUMENTS = '''
if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
    raise ValueError(f"steps must be a positive integer, got {steps!r}")
if not temperature > 0:
    raise ValueError(f"temperature must be > 0, got {temperature!r}")
'''
_SAMPLE = ("sample_sequence(step_fn, state, first, steps, temperature, generator)", _SAMPLE_ARGUMENTS)


def _sampling(probabilities: str = "torch.softmax(logits / temperature, dim=-1)",
              draw: str = "torch.multinomial(probabilities, 1, generator=generator)[0]",
              carry: str = "logits, state = step_fn(token, state)", fed: str = "token = drawn[-1]",
              before: str = "") -> str:
    return before + f'''
token = torch.tensor([first], device=state.device)
drawn = []
for _ in range(steps):
    {carry}
    probabilities = {probabilities}
    drawn.append({draw})
    {fed}
return torch.cat(drawn)
'''


# bits_per_char(logits, targets)

_BITS_SHAPES = '''
if logits.dim() != 3 or tuple(targets.shape) != tuple(logits.shape[:2]):
    raise ValueError(f"logits must be (T, B, V) and targets (T, B), got {tuple(logits.shape)} and "
                     f"{tuple(targets.shape)}")
'''
_BITS = ("bits_per_char(logits, targets)", _BITS_SHAPES)
_BITS_IMPORTS = "import math\n\nimport torch"


def _bits(log_probabilities: str = "torch.log_softmax(logits, dim=-1)", reduce: str = ".mean()",
          unit: str = "math.log(2)") -> str:
    return f'''
log_probabilities = {log_probabilities}
picked = log_probabilities.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
return (-picked{reduce}).item() / {unit}
'''


# content_addressing(memory, key, beta)

_ADDRESSING_SHAPES = '''
if memory.dim() != 3 or tuple(key.shape) != (memory.shape[0], memory.shape[2]) \\
        or tuple(beta.shape) != (memory.shape[0],):
    raise ValueError(f"memory must be (B, N, M), key (B, M) and beta (B,), got {tuple(memory.shape)}, "
                     f"{tuple(key.shape)} and {tuple(beta.shape)}")
'''
_ADDRESSING = ("content_addressing(memory, key, beta)", _ADDRESSING_SHAPES)


def _addressing(row_norms: str = "memory.norm(dim=2).clamp_min(1e-8)",
                key_norms: str = "key.norm(dim=1, keepdim=True).clamp_min(1e-8)",
                cosine: str = "(memory * key[:, None, :]).sum(dim=2) / (row_norms * key_norms)",
                weights: str = "torch.softmax(beta[:, None] * cosine, dim=1)") -> str:
    return f'''
row_norms = {row_norms}
key_norms = {key_norms}
cosine = {cosine}
return {weights}
'''


# memory_read(memory, w)

_READ_SHAPES = '''
if memory.dim() != 3 or tuple(w.shape) != tuple(memory.shape[:2]):
    raise ValueError(f"memory must be (B, N, M) and w (B, N), got {tuple(memory.shape)} and {tuple(w.shape)}")
'''
_READ = ("memory_read(memory, w)", _READ_SHAPES)

# memory_write(memory, w, erase, add)

_WRITE_SHAPES = '''
if memory.dim() != 3:
    raise ValueError(f"memory must be (B, N, M), got shape {tuple(memory.shape)}")
B, N, M = memory.shape
if tuple(w.shape) != (B, N) or tuple(erase.shape) != (B, M) or tuple(add.shape) != (B, M):
    raise ValueError(f"w must be (B, N), erase and add (B, M) with memory {tuple(memory.shape)}, got "
                     f"{tuple(w.shape)}, {tuple(erase.shape)} and {tuple(add.shape)}")
'''
_WRITE = ("memory_write(memory, w, erase, add)", _WRITE_SHAPES)


def _write(result: str = "memory * (1 - w[:, :, None] * erase[:, None, :]) + w[:, :, None] * add[:, None, :]"):
    return f"return {result}\n"


WRONG = {
    "char_lm_batches": {
        "streams_cut_across_the_batch": answer(_BATCHES, '''
            streams = ids[: length * batch_size].reshape(length, batch_size)
        ''', _chunks()),
        "y_not_shifted": answer(_BATCHES, _STREAMS, _chunks(y="streams[start:stop]")),
        "y_shifted_within_the_chunk_wrapping_around": answer(_BATCHES, _STREAMS, _chunks(
            y="torch.roll(streams[start:stop], -1, dims=0)")),
        "batch_major_x_and_y": answer(_BATCHES, _STREAMS, _chunks(
            x="streams[start:stop].T", y="streams[start + 1:stop + 1].T")),
        "last_shorter_chunk_dropped": answer(_BATCHES, _STREAMS, _chunks(
            starts="range(0, length - seq_len, seq_len)", stop="start + seq_len")),
        "chunks_overlap_by_one_step": answer(_BATCHES, _STREAMS, _chunks(
            starts="range(0, length - 1, max(seq_len - 1, 1))")),
        "remainder_kept_by_padding_with_zeros": answer(_BATCHES, '''
            length = -(-ids.shape[0] // batch_size)
            padded = torch.cat([ids, ids.new_zeros(length * batch_size - ids.shape[0])])
            streams = padded.reshape(batch_size, length).T
        ''', _chunks()),
        "no_value_error_for_2d_ids": answer(_BATCHES, '''
            ids = ids.flatten()
            length = ids.shape[0] // batch_size
            if length < 2:
                raise ValueError(f"streams of {length} < 2 ids")
        ''', _STREAMS, _chunks(), checked=False),
    },
    "sample_sequence": {
        "probabilities_divided_by_the_temperature": answer(_SAMPLE, _sampling(
            probabilities="torch.softmax(logits, dim=-1) / temperature")),
        "global_generator_used": answer(_SAMPLE, _sampling(draw="torch.multinomial(probabilities, 1)[0]")),
        "global_generator_reseeded": answer(_SAMPLE, _sampling(
            before="torch.manual_seed(int(generator.initial_seed()))\n",
            draw="torch.multinomial(probabilities, 1)[0]")),
        "logits_multiplied_by_the_temperature": answer(_SAMPLE, _sampling(
            probabilities="torch.softmax(logits * temperature, dim=-1)")),
        "always_the_argmax": answer(_SAMPLE, _sampling(draw="probabilities.argmax(dim=-1)")),
        "first_token_fed_at_every_step": answer(_SAMPLE, _sampling(fed="pass")),
        "state_not_carried": answer(_SAMPLE, _sampling(carry="logits, _ = step_fn(token, state)")),
        "first_token_returned_first": answer(_SAMPLE, '''
            token = torch.tensor([first], device=state.device)
            drawn = [token]
            for _ in range(steps - 1):
                logits, state = step_fn(token, state)
                probabilities = torch.softmax(logits / temperature, dim=-1)
                token = torch.multinomial(probabilities, 1, generator=generator)[0]
                drawn.append(token)
            return torch.cat(drawn)
        '''),
        "no_value_error_for_temperature_0": answer(_SAMPLE, '''
            if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
                raise ValueError(f"steps must be a positive integer, got {steps!r}")
        ''', _sampling(), checked=False),
    },
    "bits_per_char": {
        "natural_log": answer(_BITS, _bits(unit="1.0"), imports=_BITS_IMPORTS),
        "log10": answer(_BITS, _bits(unit="math.log(10)"), imports=_BITS_IMPORTS),
        "sum_instead_of_mean": answer(_BITS, _bits(reduce=".sum()"), imports=_BITS_IMPORTS),
        "summed_over_time_mean_over_batch": answer(_BITS, _bits(reduce=".sum(dim=0).mean()"),
                                                   imports=_BITS_IMPORTS),
        "log_of_softmax_unstable": answer(_BITS, _bits(log_probabilities="torch.softmax(logits, dim=-1).log()"),
                                          imports=_BITS_IMPORTS),
        "softmax_over_time": answer(_BITS, _bits(log_probabilities="torch.log_softmax(logits, dim=0)"),
                                    imports=_BITS_IMPORTS),
        "returns_a_tensor": answer(_BITS, '''
            log_probabilities = torch.log_softmax(logits, dim=-1)
            picked = log_probabilities.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
            return -picked.mean() / math.log(2)
        ''', imports=_BITS_IMPORTS),
        "no_value_error_for_inconsistent_shapes": answer(_BITS, _bits(), checked=False, imports=_BITS_IMPORTS),
        "losses_collected_on_the_cpu": answer(_BITS, '''
            T, B, _ = logits.shape
            losses = torch.zeros(T, B, dtype=logits.dtype)
            log_probabilities = torch.log_softmax(logits, dim=-1)
            losses = losses - log_probabilities.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
            return losses.mean().item() / math.log(2)
        ''', imports=_BITS_IMPORTS),
    },
    "content_addressing": {
        "softmax_over_the_batch": answer(_ADDRESSING, _addressing(weights="torch.softmax(beta[:, None] * cosine, dim=0)")),
        "norms_over_the_memory_width_axis_swapped": answer(_ADDRESSING, _addressing(
            row_norms="memory.norm(dim=1, keepdim=True).clamp_min(1e-8)",
            cosine="((memory / row_norms) * key[:, None, :]).sum(dim=2) / key_norms")),
        "norms_not_clamped": answer(_ADDRESSING, _addressing(row_norms="memory.norm(dim=2)",
                                                              key_norms="key.norm(dim=1, keepdim=True)")),
        "beta_ignored": answer(_ADDRESSING, _addressing(weights="torch.softmax(cosine, dim=1)")),
        "dot_product_not_cosine": answer(_ADDRESSING, _addressing(cosine="(memory * key[:, None, :]).sum(dim=2)")),
        "key_norm_left_out": answer(_ADDRESSING, _addressing(
            cosine="(memory * key[:, None, :]).sum(dim=2) / row_norms")),
        "beta_applied_after_the_softmax": answer(_ADDRESSING, _addressing(
            weights="beta[:, None] * torch.softmax(cosine, dim=1)")),
        "first_beta_for_every_sequence": answer(_ADDRESSING, _addressing(
            weights="torch.softmax(beta[0] * cosine, dim=1)")),
        "norm_floor_made_on_the_cpu": answer(_ADDRESSING, _addressing(
            row_norms="torch.maximum(memory.norm(dim=2), torch.full(memory.shape[:2], 1e-8, dtype=memory.dtype))")),
    },
    "memory_read": {
        "weights_renormalised": answer(_READ, '''
            w = w / w.sum(dim=1, keepdim=True)
            return (w[:, :, None] * memory).sum(dim=1)
        '''),
        "mean_instead_of_weighted_sum": answer(_READ, '''
            return (w[:, :, None] * memory).mean(dim=1)
        '''),
        "weights_ignored": answer(_READ, '''
            return memory.sum(dim=1) + 0 * w.sum()
        '''),
        "hard_read_at_the_argmax": answer(_READ, '''
            rows = w.argmax(dim=1)
            return memory[torch.arange(memory.shape[0], device=memory.device), rows] * w.max(dim=1).values[:, None]
        '''),
        "first_sequence_memory_for_all": answer(_READ, '''
            return w @ memory[0]
        '''),
        "memory_scaled_in_place": answer(_READ, '''
            memory.mul_(w[:, :, None].detach())
            return memory.sum(dim=1) + 0 * w.sum()
        '''),
        "no_value_error_for_inconsistent_shapes": answer(_READ, '''
            return (w[..., None] * memory).sum(dim=-2)
        ''', checked=False),
        "sum_accumulated_on_the_cpu": answer(_READ, '''
            r = torch.zeros(memory.shape[0], memory.shape[2], dtype=memory.dtype)
            for n in range(memory.shape[1]):
                r = r + w[:, n:n + 1] * memory[:, n]
            return r
        '''),
    },
    "memory_write": {
        "add_then_erase": answer(_WRITE, _write(
            "(memory + w[:, :, None] * add[:, None, :]) * (1 - w[:, :, None] * erase[:, None, :])")),
        "erase_not_weighted_by_w": answer(_WRITE, _write(
            "memory * (1 - erase[:, None, :]) + w[:, :, None] * add[:, None, :]")),
        "add_not_weighted_by_w": answer(_WRITE, _write(
            "memory * (1 - w[:, :, None] * erase[:, None, :]) + add[:, None, :]")),
        "erase_keeps_instead_of_removing": answer(_WRITE, _write(
            "memory * (w[:, :, None] * erase[:, None, :]) + w[:, :, None] * add[:, None, :]")),
        "erase_subtracted_not_multiplied": answer(_WRITE, _write(
            "memory - w[:, :, None] * erase[:, None, :] + w[:, :, None] * add[:, None, :]")),
        "memory_modified_in_place": answer(_WRITE, '''
            memory.mul_((1 - w[:, :, None] * erase[:, None, :]).detach())
            return memory + w[:, :, None] * add[:, None, :]
        '''),
        "erase_of_the_first_sequence_for_all": answer(_WRITE, _write(
            "memory * (1 - w[:, :, None] * erase[0]) + w[:, :, None] * add[:, None, :]")),
        "no_value_error_for_inconsistent_shapes": answer(_WRITE, _write(), checked=False),
        "ones_made_on_the_cpu": answer(_WRITE, _write(
            "memory * (torch.ones(B, N, M, dtype=memory.dtype) - w[:, :, None] * erase[:, None, :])"
            " + w[:, :, None] * add[:, None, :]")),
    },
}

SAYS = {
    "char_lm_batches": {
        "streams_cut_across_the_batch": "the text is laid out row by row across the batch, so a column is not "
                                        "one contiguous stream and the state cannot carry over",
        "y_not_shifted": "the targets are the inputs themselves, not the next character",
        "y_shifted_within_the_chunk_wrapping_around": "the targets are shifted within the chunk and wrap around, "
                                                      "so the last target of a chunk is its first input",
        "batch_major_x_and_y": "the batches are (B, L), batch first, instead of time-major (L, B)",
        "last_shorter_chunk_dropped": "the last, shorter chunk of the streams is left out",
        "chunks_overlap_by_one_step": "consecutive chunks overlap by one step instead of continuing each other",
        "remainder_kept_by_padding_with_zeros": "the remainder is kept and the streams padded with zeros instead "
                                                "of dropping the ids that do not fill a stream",
        "no_value_error_for_2d_ids": "ids that are not 1-D are flattened instead of raising ValueError",
    },
    "sample_sequence": {
        "probabilities_divided_by_the_temperature": "the probabilities are divided by the temperature instead of "
                                                    "the logits, which changes nothing once they are renormalised",
        "global_generator_used": "the tokens are drawn from torch's global generator, not from the generator "
                                 "argument",
        "global_generator_reseeded": "torch's global generator is seeded and drawn from instead of the generator "
                                     "argument",
        "logits_multiplied_by_the_temperature": "the logits are multiplied by the temperature instead of divided "
                                                "by it",
        "always_the_argmax": "the most probable token is taken at every step instead of a draw",
        "first_token_fed_at_every_step": "the first token is fed at every step instead of the token just drawn",
        "state_not_carried": "the state returned by the step function is not passed to the next step",
        "first_token_returned_first": "the first token is returned as the first of the tokens, and one token "
                                      "fewer is drawn",
        "no_value_error_for_temperature_0": "a temperature of 0 or below does not raise ValueError",
    },
    "bits_per_char": {
        "natural_log": "the result is in nats (natural log), not in bits",
        "log10": "the logarithm is taken in base 10 instead of base 2",
        "sum_instead_of_mean": "the negative log-likelihoods are summed instead of averaged over the characters",
        "summed_over_time_mean_over_batch": "the negative log-likelihoods are summed over time and averaged over "
                                            "the batch, not averaged over every character",
        "log_of_softmax_unstable": "the logarithm is taken of the softmax's probabilities, which underflow to 0 "
                                   "for large logits, instead of computing log-probabilities stably",
        "softmax_over_time": "the softmax is taken over the time steps instead of over the vocabulary",
        "returns_a_tensor": "a tensor is returned instead of a Python float",
        "no_value_error_for_inconsistent_shapes": "inconsistent shapes of logits and targets do not raise "
                                                  "ValueError",
        "losses_collected_on_the_cpu": "a tensor is created on the CPU whatever the device of the logits",
    },
    "content_addressing": {
        "softmax_over_the_batch": "the softmax is taken over the batch instead of over the N memory locations",
        "norms_over_the_memory_width_axis_swapped": "the norms of the memory are taken over the locations instead "
                                                    "of over the width of each row",
        "norms_not_clamped": "the norms are not clamped at 1e-8, so a zero row or a zero key gives NaN",
        "beta_ignored": "the key strength beta is ignored",
        "dot_product_not_cosine": "the similarity is the dot product, not the cosine (not divided by the norms)",
        "key_norm_left_out": "the similarity is divided by the norms of the rows but not by the norm of the key",
        "beta_applied_after_the_softmax": "beta multiplies the weights after the softmax instead of the "
                                          "similarities before it",
        "first_beta_for_every_sequence": "the first sequence's beta is used for every sequence of the batch",
        "norm_floor_made_on_the_cpu": "the floor of the norms is a tensor created on the CPU whatever the "
                                      "memory's device",
    },
    "memory_read": {
        "weights_renormalised": "the weights are renormalised to sum to 1 before the read",
        "mean_instead_of_weighted_sum": "the weighted rows are averaged over the locations instead of summed",
        "weights_ignored": "the weights are ignored: every row is summed with weight 1",
        "hard_read_at_the_argmax": "only the row with the largest weight is read, instead of the weighted sum",
        "first_sequence_memory_for_all": "the first sequence's memory is read for every sequence of the batch",
        "memory_scaled_in_place": "the memory is modified in place",
        "no_value_error_for_inconsistent_shapes": "inconsistent shapes of memory and w do not raise ValueError",
        "sum_accumulated_on_the_cpu": "the read is accumulated in a tensor created on the CPU whatever the "
                                      "memory's device",
    },
    "memory_write": {
        "add_then_erase": "the add vector is added before the erase, so part of what was just written is erased",
        "erase_not_weighted_by_w": "the erase vector is applied to every location, not weighted by w",
        "add_not_weighted_by_w": "the add vector is added to every location, not weighted by w",
        "erase_keeps_instead_of_removing": "each row is multiplied by w e instead of by 1 - w e",
        "erase_subtracted_not_multiplied": "w e is subtracted from the rows instead of multiplying them by 1 - w e",
        "memory_modified_in_place": "the memory is modified in place instead of returning a new tensor",
        "erase_of_the_first_sequence_for_all": "the first sequence's erase vector is used for every sequence",
        "no_value_error_for_inconsistent_shapes": "inconsistent shapes of memory, w, erase and add do not raise "
                                                  "ValueError",
        "ones_made_on_the_cpu": "a tensor of ones is created on the CPU whatever the memory's device",
    },
}
