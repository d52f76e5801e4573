"""The catalogue of common mistakes in the ch04 graded functions (``WRONG`` and
``SAYS``, as ``autograder.mistakes`` describes them).

Each answer makes one mistake, named by its label, and is otherwise right,
argument checks included (except the answers labelled ``no_shape_check`` and
``no_check_of_k``), so the hidden check that must catch that mistake is the
one that fails. The argument checks and the steps an answer gets right are
shared text, spliced in by ``_answer``; every value of ``WRONG`` is still the
complete source of a solution cell.
"""
from . import answer

_NETWORK_SHAPES = '''
if x.dim() != 3:
    raise ValueError(f"x must be (T, B, D), got {tuple(x.shape)}")
T, B, D = x.shape
H, K = U.shape[0], V.shape[0]
if (y.shape != (T, B) or h0.shape != (B, H) or U.shape != (H, D) or W.shape != (H, H) or V.shape != (K, H)
        or b.shape != (H,) or c.shape != (K,)):
    raise ValueError(f"inconsistent shapes: x {tuple(x.shape)}, y {tuple(y.shape)}, h0 {tuple(h0.shape)}, "
                     f"U {tuple(U.shape)}, W {tuple(W.shape)}, V {tuple(V.shape)}, b {tuple(b.shape)}, "
                     f"c {tuple(c.shape)}")
'''

_CHUNK_LENGTH = '''
if k < 1:
    raise ValueError(f"the chunk length k must be at least 1, got k = {k}")
'''

_BY_HAND = ("rnn_loss_and_grads(x, y, h0, U, W, V, b, c)", _NETWORK_SHAPES)
_TRUNCATED_SIGNATURE = "truncated_bptt_grads(x, y, h0, U, W, V, b, c, k)"
_TRUNCATED = (_TRUNCATED_SIGNATURE, _CHUNK_LENGTH + _NETWORK_SHAPES)
_TRUNCATED_ANY_K = (_TRUNCATED_SIGNATURE, _NETWORK_SHAPES)
_TRUNCATED_ANY_SHAPES = (_TRUNCATED_SIGNATURE, _CHUNK_LENGTH)


# rnn_loss_and_grads, right: forward pass, loss, dL/do, backward pass.

_FORWARD = '''
input_terms = b + x @ U.T
states, h_t = [], h0
for t in range(T):
    h_t = torch.tanh(input_terms[t] + h_t @ W.T)
    states.append(h_t)
h = torch.stack(states)
o = c + h @ V.T
'''

_LOSS = '''
log_probs = torch.log_softmax(o, dim=-1)
loss = -log_probs.gather(-1, y[..., None]).sum() / B
targets = (y[..., None] == torch.arange(K, device=y.device)).to(o.dtype)
grad_o = (torch.exp(log_probs) - targets) / B
'''

_BACKWARD = '''
grad_h_from_output = grad_o @ V
grad_a, from_next_step = [None] * T, torch.zeros_like(h0)
for t in reversed(range(T)):
    grad_a[t] = (grad_h_from_output[t] + from_next_step) * (1 - h[t] ** 2)
    from_next_step = grad_a[t] @ W
grad_a = torch.stack(grad_a)
'''

_PARAMETER_GRADS = '''
h_prev = torch.cat([h0[None], h[:-1]])
grads = {"U": torch.einsum("tbh,tbd->hd", grad_a, x), "W": torch.einsum("tbh,tbj->hj", grad_a, h_prev),
         "V": torch.einsum("tbk,tbh->kh", grad_o, h), "b": grad_a.sum(dim=(0, 1)),
         "c": grad_o.sum(dim=(0, 1)), "h0": from_next_step}
return loss, grads
'''

# truncated_bptt_grads, right: the loss of one chunk, fresh leaves, the chunks, their sum.

_CHUNK_LOSS = '''
def chunk_loss(x_chunk, y_chunk, h_start, U, W, V, b, c):
    """(sum over the chunk's steps of the batch-mean NLL, the chunk's last state)."""
    h_t, states = h_start, []
    for x_t in x_chunk:
        h_t = torch.tanh(b + h_t @ W.T + x_t @ U.T)
        states.append(h_t)
    o = c + torch.stack(states) @ V.T
    nll = torch.nn.functional.cross_entropy(o.flatten(0, 1), y_chunk.flatten(), reduction="sum")
    return nll / x_chunk.shape[1], h_t
'''

_LEAVES = '''
params = {name: p.detach().clone().requires_grad_(True) for name, p in dict(U=U, W=W, V=V, b=b, c=c).items()}
'''

_CHUNKS = '''
losses, chunk_grads, h_carried = [], [], h0.detach()
with torch.enable_grad():
    for start in range(0, T, k):
        h_start = h_carried.clone().requires_grad_(True)
        loss, h_end = chunk_loss(x[start:start + k], y[start:start + k], h_start, **params)
        grads = torch.autograd.grad(loss, [*params.values(), h_start])
        losses.append(loss.detach())
        chunk_grads.append(dict(zip([*params, "h0"], grads)))
        h_carried = h_end.detach()
'''

_SUM_OVER_CHUNKS = '''
total = {name: torch.stack([g[name] for g in chunk_grads]).sum(dim=0) for name in params}
total["h0"] = chunk_grads[0]["h0"]
return torch.stack(losses).sum(), total, h_carried
'''

WRONG = {
    "rnn_loss_and_grads": {
        "uses_autograd": answer(_BY_HAND, '''
            leaves = [p.detach().clone().requires_grad_(True) for p in (h0, U, W, V, b, c)]
            with torch.enable_grad():
                h_t, U, W, V, b, c = leaves
                logits = []
                for t in range(T):
                    h_t = torch.tanh(b + h_t @ W.T + x[t] @ U.T)
                    logits.append(c + h_t @ V.T)
                o = torch.stack(logits)
                loss = torch.nn.functional.cross_entropy(o.flatten(0, 1), y.flatten(), reduction="sum") / B
                grads = torch.autograd.grad(loss, leaves)
            return loss.detach(), dict(zip(["h0", "U", "W", "V", "b", "c"], grads))
        '''),
        "missing_tanh_derivative": answer(_BY_HAND, _FORWARD, _LOSS, '''
            grad_h_from_output = grad_o @ V
            grad_a, from_next_step = [None] * T, torch.zeros_like(h0)
            for t in reversed(range(T)):
                grad_a[t] = grad_h_from_output[t] + from_next_step
                from_next_step = grad_a[t] @ W
            grad_a = torch.stack(grad_a)
        ''', _PARAMETER_GRADS),
        "forgets_the_recursion_through_W": answer(_BY_HAND, _FORWARD, _LOSS, '''
            grad_h_from_output = grad_o @ V
            grad_a, from_next_step = [None] * T, torch.zeros_like(h0)
            for t in reversed(range(T)):
                grad_a[t] = grad_h_from_output[t] * (1 - h[t] ** 2)
                from_next_step = grad_a[t] @ W
            grad_a = torch.stack(grad_a)
        ''', _PARAMETER_GRADS),
        "recursion_with_W_instead_of_W_transposed": answer(_BY_HAND, _FORWARD, _LOSS, '''
            grad_h_from_output = grad_o @ V
            grad_a, from_next_step = [None] * T, torch.zeros_like(h0)
            for t in reversed(range(T)):
                grad_a[t] = (grad_h_from_output[t] + from_next_step) * (1 - h[t] ** 2)
                from_next_step = grad_a[t] @ W.T
            grad_a = torch.stack(grad_a)
        ''', _PARAMETER_GRADS),
        "transposed_grad_W": answer(_BY_HAND, _FORWARD, _LOSS, _BACKWARD, '''
            h_prev = torch.cat([h0[None], h[:-1]])
            grads = {"U": torch.einsum("tbh,tbd->hd", grad_a, x), "W": torch.einsum("tbh,tbj->jh", grad_a, h_prev),
                     "V": torch.einsum("tbk,tbh->kh", grad_o, h), "b": grad_a.sum(dim=(0, 1)),
                     "c": grad_o.sum(dim=(0, 1)), "h0": from_next_step}
            return loss, grads
        '''),
        "grad_W_with_h_t_instead_of_h_t_minus_1": answer(_BY_HAND, _FORWARD, _LOSS, _BACKWARD, '''
            grads = {"U": torch.einsum("tbh,tbd->hd", grad_a, x), "W": torch.einsum("tbh,tbj->hj", grad_a, h),
                     "V": torch.einsum("tbk,tbh->kh", grad_o, h), "b": grad_a.sum(dim=(0, 1)),
                     "c": grad_o.sum(dim=(0, 1)), "h0": from_next_step}
            return loss, grads
        '''),
        "sum_over_the_batch": answer(_BY_HAND, _FORWARD, '''
            log_probs = torch.log_softmax(o, dim=-1)
            loss = -log_probs.gather(-1, y[..., None]).sum()
            targets = (y[..., None] == torch.arange(K, device=y.device)).to(o.dtype)
            grad_o = torch.exp(log_probs) - targets
        ''', _BACKWARD, _PARAMETER_GRADS),
        "naive_log_of_softmax": answer(_BY_HAND, _FORWARD, '''
            probs = torch.softmax(o, dim=-1)
            loss = -torch.log(probs).gather(-1, y[..., None]).sum() / B
            targets = (y[..., None] == torch.arange(K, device=y.device)).to(o.dtype)
            grad_o = (probs - targets) / B
        ''', _BACKWARD, _PARAMETER_GRADS),
        "h0_gradient_missing": answer(_BY_HAND, _FORWARD, _LOSS, _BACKWARD, '''
            h_prev = torch.cat([h0[None], h[:-1]])
            grads = {"U": torch.einsum("tbh,tbd->hd", grad_a, x), "W": torch.einsum("tbh,tbj->hj", grad_a, h_prev),
                     "V": torch.einsum("tbk,tbh->kh", grad_o, h), "b": grad_a.sum(dim=(0, 1)),
                     "c": grad_o.sum(dim=(0, 1))}
            return loss, grads
        '''),
        "h0_gradient_without_W": answer(_BY_HAND, _FORWARD, _LOSS, _BACKWARD, '''
            h_prev = torch.cat([h0[None], h[:-1]])
            grads = {"U": torch.einsum("tbh,tbd->hd", grad_a, x), "W": torch.einsum("tbh,tbj->hj", grad_a, h_prev),
                     "V": torch.einsum("tbk,tbh->kh", grad_o, h), "b": grad_a.sum(dim=(0, 1)),
                     "c": grad_o.sum(dim=(0, 1)), "h0": grad_a[0]}
            return loss, grads
        '''),
        "zeros_created_on_the_cpu": answer(_BY_HAND, _FORWARD, _LOSS, '''
            grad_h_from_output = grad_o @ V
            grad_a, from_next_step = [None] * T, torch.zeros(B, H)
            for t in reversed(range(T)):
                grad_a[t] = (grad_h_from_output[t] + from_next_step) * (1 - h[t] ** 2)
                from_next_step = grad_a[t] @ W
            grad_a = torch.stack(grad_a)
        ''', _PARAMETER_GRADS),
        "no_shape_check": answer(_BY_HAND, '''
            T, B, D = x.shape
            K = V.shape[0]
        ''', _FORWARD, _LOSS, _BACKWARD, _PARAMETER_GRADS, checked=False),
    },
    "truncated_bptt_grads": {
        "no_detach_between_chunks": answer(_TRUNCATED, _CHUNK_LOSS, _LEAVES, '''
            losses, h_first = [], h0.detach().clone().requires_grad_(True)
            with torch.enable_grad():
                h_t = h_first
                for start in range(0, T, k):
                    loss, h_t = chunk_loss(x[start:start + k], y[start:start + k], h_t, **params)
                    losses.append(loss)
                total_loss = torch.stack(losses).sum()
                grads = torch.autograd.grad(total_loss, [*params.values(), h_first])
            return total_loss.detach(), dict(zip([*params, "h0"], grads)), h_t.detach()
        '''),
        "drops_the_last_shorter_chunk": answer(_TRUNCATED, _CHUNK_LOSS, _LEAVES, '''
            losses, chunk_grads, h_carried = [], [], h0.detach()
            with torch.enable_grad():
                for start in range(0, T - k + 1, k):
                    h_start = h_carried.clone().requires_grad_(True)
                    loss, h_end = chunk_loss(x[start:start + k], y[start:start + k], h_start, **params)
                    grads = torch.autograd.grad(loss, [*params.values(), h_start])
                    losses.append(loss.detach())
                    chunk_grads.append(dict(zip([*params, "h0"], grads)))
                    h_carried = h_end.detach()
        ''', _SUM_OVER_CHUNKS),
        "restarts_every_chunk_from_h0": answer(_TRUNCATED, _CHUNK_LOSS, _LEAVES, '''
            losses, chunk_grads = [], []
            with torch.enable_grad():
                for start in range(0, T, k):
                    h_start = h0.detach().clone().requires_grad_(True)
                    loss, h_end = chunk_loss(x[start:start + k], y[start:start + k], h_start, **params)
                    grads = torch.autograd.grad(loss, [*params.values(), h_start])
                    losses.append(loss.detach())
                    chunk_grads.append(dict(zip([*params, "h0"], grads)))
                    h_carried = h_end.detach()
        ''', _SUM_OVER_CHUNKS),
        "returns_h_T_attached": answer(_TRUNCATED, _CHUNK_LOSS, _LEAVES, _CHUNKS, '''
            total = {name: torch.stack([g[name] for g in chunk_grads]).sum(dim=0) for name in params}
            total["h0"] = chunk_grads[0]["h0"]
            return torch.stack(losses).sum(), total, h_end
        '''),
        "averages_the_chunk_gradients": answer(_TRUNCATED, _CHUNK_LOSS, _LEAVES, _CHUNKS, '''
            total = {name: torch.stack([g[name] for g in chunk_grads]).mean(dim=0) for name in params}
            total["h0"] = chunk_grads[0]["h0"]
            return torch.stack(losses).sum(), total, h_carried
        '''),
        "h0_gradient_summed_over_chunks": answer(_TRUNCATED, _CHUNK_LOSS, _LEAVES, _CHUNKS, '''
            total = {name: torch.stack([g[name] for g in chunk_grads]).sum(dim=0) for name in [*params, "h0"]}
            return torch.stack(losses).sum(), total, h_carried
        '''),
        "mean_over_steps_and_batch": answer(_TRUNCATED, '''
            def chunk_loss(x_chunk, y_chunk, h_start, U, W, V, b, c):
                """(the mean NLL over the chunk's steps and the batch, the chunk's last state)."""
                h_t, states = h_start, []
                for x_t in x_chunk:
                    h_t = torch.tanh(b + h_t @ W.T + x_t @ U.T)
                    states.append(h_t)
                o = c + torch.stack(states) @ V.T
                return torch.nn.functional.cross_entropy(o.flatten(0, 1), y_chunk.flatten()), h_t
        ''', _LEAVES, _CHUNKS, _SUM_OVER_CHUNKS),
        "sum_over_the_batch": answer(_TRUNCATED, '''
            def chunk_loss(x_chunk, y_chunk, h_start, U, W, V, b, c):
                """(the NLL summed over the chunk's steps and the batch, the chunk's last state)."""
                h_t, states = h_start, []
                for x_t in x_chunk:
                    h_t = torch.tanh(b + h_t @ W.T + x_t @ U.T)
                    states.append(h_t)
                o = c + torch.stack(states) @ V.T
                return torch.nn.functional.cross_entropy(o.flatten(0, 1), y_chunk.flatten(), reduction="sum"), h_t
        ''', _LEAVES, _CHUNKS, _SUM_OVER_CHUNKS),
        "naive_log_of_softmax": answer(_TRUNCATED, '''
            def chunk_loss(x_chunk, y_chunk, h_start, U, W, V, b, c):
                """(sum over the chunk's steps of the batch-mean NLL, the chunk's last state)."""
                h_t, states = h_start, []
                for x_t in x_chunk:
                    h_t = torch.tanh(b + h_t @ W.T + x_t @ U.T)
                    states.append(h_t)
                log_probs = torch.log(torch.softmax(c + torch.stack(states) @ V.T, dim=-1))
                return -log_probs.gather(-1, y_chunk[..., None]).sum() / x_chunk.shape[1], h_t
        ''', _LEAVES, _CHUNKS, _SUM_OVER_CHUNKS),
        "backward_writes_grad_of_the_inputs": answer(_TRUNCATED, _CHUNK_LOSS, '''
            params = dict(U=U, W=W, V=V, b=b, c=c)
            for p in params.values():
                p.requires_grad_(True)
            losses, h_carried, grad_h0 = [], h0.detach(), None
            with torch.enable_grad():
                for start in range(0, T, k):
                    h_start = h_carried.clone().requires_grad_(True)
                    loss, h_end = chunk_loss(x[start:start + k], y[start:start + k], h_start, **params)
                    loss.backward()
                    grad_h0 = h_start.grad if grad_h0 is None else grad_h0
                    losses.append(loss.detach())
                    h_carried = h_end.detach()
            total = {name: p.grad.detach().clone() for name, p in params.items()}
            total["h0"] = grad_h0
            return torch.stack(losses).sum(), total, h_carried
        '''),
        "accumulators_created_on_the_cpu": answer(_TRUNCATED, _CHUNK_LOSS, _LEAVES, _CHUNKS, '''
            total = {name: torch.zeros(p.shape) for name, p in params.items()}
            for g in chunk_grads:
                total = {name: total[name] + g[name] for name in params}
            total["h0"] = chunk_grads[0]["h0"]
            return torch.stack(losses).sum(), total, h_carried
        '''),
        "no_check_of_k": answer(_TRUNCATED_ANY_K, _CHUNK_LOSS, _LEAVES, _CHUNKS, _SUM_OVER_CHUNKS),
        "no_shape_check": answer(_TRUNCATED_ANY_SHAPES, '''
            T = x.shape[0]
        ''', _CHUNK_LOSS, _LEAVES, _CHUNKS, _SUM_OVER_CHUNKS),
    },
}

_F = "import torch\nimport torch.nn.functional as F"



SAYS = {
    "rnn_loss_and_grads": {
        "uses_autograd": "the gradients are computed by autograd where the exercise asks for them by hand",
        "missing_tanh_derivative": "the tanh derivative (1 - h(t)^2) is left out of the backward step",
        "forgets_the_recursion_through_W": "the gradient does not flow back through W from later steps",
        "recursion_with_W_instead_of_W_transposed": "the backward recursion multiplies by W where it "
                                                    "multiplies by W transposed",
        "transposed_grad_W": "grads['W'] appears transposed",
        "grad_W_with_h_t_instead_of_h_t_minus_1": "grads['W'] pairs each step with h(t) where it pairs "
                                                  "it with h(t-1)",
        "sum_over_the_batch": "the loss is summed over the batch where the convention takes the mean",
        "naive_log_of_softmax": "the log of the softmax is taken directly, which overflows for large logits",
        "h0_gradient_missing": "the gradient with respect to h0 is missing",
        "h0_gradient_without_W": "the gradient with respect to h0 leaves out the last multiplication by W",
        "zeros_created_on_the_cpu": "the zeros are created on the CPU, not on the inputs' device",
        "no_shape_check": "inconsistent shapes are not rejected with ValueError",
    },
    "truncated_bptt_grads": {
        "no_detach_between_chunks": "the state is not detached between chunks: gradients flow across chunk "
                                    "boundaries",
        "drops_the_last_shorter_chunk": "the last, shorter chunk is dropped",
        "restarts_every_chunk_from_h0": "every chunk restarts from h0 where it continues from the last state",
        "returns_h_T_attached": "the returned h(T) still requires grad",
        "averages_the_chunk_gradients": "the chunks' gradients are averaged where they are summed",
        "h0_gradient_summed_over_chunks": "the gradient with respect to h0 is summed over every chunk where "
                                          "only the first chunk reaches h0",
        "mean_over_steps_and_batch": "the loss is averaged over steps and batch where the convention sums "
                                     "over time and takes the mean over the batch",
        "sum_over_the_batch": "the loss is summed over the batch where the convention takes the mean",
        "naive_log_of_softmax": "the log of the softmax is taken directly, which overflows for large logits",
        "backward_writes_grad_of_the_inputs": "backward() writes the inputs' .grad: compute gradients on copies",
        "accumulators_created_on_the_cpu": "the accumulators are created on the CPU, not on the inputs' device",
        "no_check_of_k": "a chunk length k below 1 is not rejected with ValueError",
        "no_shape_check": "inconsistent shapes are not rejected with ValueError",
    },
}
