"""The ch04 bank: ``WRONG`` is the catalogue of mistakes
(``autograder.mistakes.ch04``, one source for the grader and these
tests); ``RIGHT`` holds correct answers written unlike the reference, each
must score full marks.
"""
from . import answer
from autograder.mistakes.ch04 import (  # noqa: F401 (WRONG is the bank)
    WRONG, _BACKWARD, _BY_HAND, _CHUNK_LOSS, _F, _FORWARD, _LEAVES, _LOSS, _PARAMETER_GRADS,
    _TRUNCATED,
)

RIGHT = {
    "rnn_loss_and_grads": {
        "F_linear_and_gradients_summed_step_by_step": answer(_BY_HAND, '''
            states, h_t = [], h0
            for x_t in x:
                h_t = torch.tanh(F.linear(x_t, U, b) + F.linear(h_t, W))
                states.append(h_t)
            o = [F.linear(h_t, V, c) for h_t in states]
            loss = sum(torch.logsumexp(o_t, dim=-1).sum() - o_t.gather(-1, y_t[:, None]).sum()
                       for o_t, y_t in zip(o, y)) / B
            grads = {name: torch.zeros_like(p) for name, p in dict(U=U, W=W, V=V, b=b, c=c).items()}
            grad_h = torch.zeros_like(h0)
            for t in reversed(range(T)):
                grad_o = (torch.softmax(o[t], dim=-1) - F.one_hot(y[t], K).to(x.dtype)) / B
                grads["V"] = grads["V"] + grad_o.T @ states[t]
                grads["c"] = grads["c"] + grad_o.sum(dim=0)
                grad_a = (grad_h + grad_o @ V) * (1 - states[t] ** 2)
                h_prev = states[t - 1] if t > 0 else h0
                grads["U"] = grads["U"] + grad_a.T @ x[t]
                grads["W"] = grads["W"] + grad_a.T @ h_prev
                grads["b"] = grads["b"] + grad_a.sum(dim=0)
                grad_h = grad_a @ W
            grads["h0"] = grad_h
            return loss, grads
        ''', imports=_F),
        "python_if_rejects_a_non_finite_loss": answer(_BY_HAND, _FORWARD, _LOSS, '''
            if not torch.isfinite(loss):
                raise FloatingPointError(f"the loss is {loss.item()}")
        ''', _BACKWARD, _PARAMETER_GRADS),
    },
    "truncated_bptt_grads": {
        "loss_accumulated_with_item": answer(_TRUNCATED, _CHUNK_LOSS, _LEAVES, '''
            total_loss, chunk_grads, h_carried = 0.0, [], h0.detach()
            with torch.enable_grad():
                for start in range(0, T, k):
                    h_start = h_carried.clone().requires_grad_(True)
                    loss, h_end = chunk_loss(x[start:start + k], y[start:start + k], h_start, **params)
                    grads = torch.autograd.grad(loss, [*params.values(), h_start])
                    total_loss += loss.item()
                    chunk_grads.append(dict(zip([*params, "h0"], grads)))
                    h_carried = h_end.detach()
            total = {name: sum(g[name] for g in chunk_grads) for name in params}
            total["h0"] = chunk_grads[0]["h0"]
            return torch.tensor(total_loss, dtype=x.dtype, device=x.device), total, h_carried
        '''),
        "backward_accumulates_into_fresh_leaves": answer(_TRUNCATED, _CHUNK_LOSS, _LEAVES, '''
            total_loss, grad_h0, h_carried = x.new_zeros(()), None, h0.detach()
            with torch.enable_grad():
                for start in range(0, T, k):
                    h_start = h_carried.clone().requires_grad_(True)
                    loss, h_end = chunk_loss(x[start:start + k], y[start:start + k], h_start, **params)
                    loss.backward()
                    grad_h0 = h_start.grad if grad_h0 is None else grad_h0
                    total_loss = total_loss + loss.detach()
                    h_carried = h_end.detach()
            total = {name: p.grad for name, p in params.items()}
            total["h0"] = grad_h0
            return total_loss, total, h_carried
        '''),
    },
}
