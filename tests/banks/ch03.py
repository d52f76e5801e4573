"""The ch03 bank: ``WRONG`` is the catalogue of mistakes
(``autograder.mistakes.ch03``, one source for the grader and these
tests); ``RIGHT`` holds correct answers written unlike the reference, each
must score full marks.
"""
from . import answer
from autograder.mistakes.ch03 import (  # noqa: F401 (WRONG is the bank)
    WRONG, _F, _FREE, _SCHEDULE, _SCHEDULED, _TEACHER,
)

RIGHT = {
    "teacher_forced_logits": {
        "F_one_hot_and_F_linear": answer(_TEACHER, '''
            previous = F.one_hot(y[:-1], K).to(x.dtype)
            yin = torch.cat([x.new_zeros(1, B, K), previous])
            return F.linear(torch.tanh(F.linear(x, U, b) + F.linear(yin, W)), V, c)
        ''', imports=_F),
    },
    "free_running_logits": {
        "one_hot_indexed_with_tolist": answer(_FREE, '''
            yin = x.new_zeros(B, K)
            logits, predictions = [], []
            for x_t in x:
                o_t = c + torch.tanh(b + yin @ W.T + x_t @ U.T) @ V.T
                y_hat_t = o_t.argmax(dim=-1)
                yin = x.new_zeros(B, K)
                yin[list(range(B)), y_hat_t.tolist()] = 1
                logits.append(o_t)
                predictions.append(y_hat_t)
            return torch.stack(logits), torch.stack(predictions)
        '''),
        "argmax_read_with_item": answer(_FREE, '''
            yin = x.new_zeros(B, K)
            logits, predictions = [], []
            for x_t in x:
                o_t = c + torch.tanh(b + yin @ W.T + x_t @ U.T) @ V.T
                chosen = [int(o_t[i].argmax().item()) for i in range(B)]
                yin = x.new_zeros(B, K)
                for i, k in enumerate(chosen):
                    yin[i, k] = 1
                logits.append(o_t)
                predictions.append(torch.tensor(chosen, device=x.device))
            return torch.stack(logits), torch.stack(predictions)
        '''),
    },
    "sampling_probability": {
        "computed_with_torch_and_item": answer(_SCHEDULE, '''
            if schedule == "linear":
                return float(max(eps_min, k - c * i))
            if schedule == "exponential":
                return torch.tensor(k, dtype=torch.float64).pow(i).item()
            return torch.sigmoid(torch.tensor(math.log(k) - i / k, dtype=torch.float64)).item()
        ''', imports="import math\n\nimport torch"),
    },
    "scheduled_sampling_logits": {
        "python_if_when_every_coin_agrees": answer(_SCHEDULED, '''
            classes = torch.arange(K, device=x.device)
            yin = x.new_zeros(B, K)
            logits = []
            for t in range(T):
                if t > 0:
                    truth = (y[t - 1][:, None] == classes).to(x.dtype)
                    own = (logits[-1].detach().argmax(dim=-1)[:, None] == classes).to(x.dtype)
                    feed_truth = torch.rand(B, generator=generator, device=x.device) < eps
                    if feed_truth.all():
                        yin = truth
                    elif not feed_truth.any():
                        yin = own
                    else:
                        yin = torch.where(feed_truth[:, None], truth, own)
                logits.append(c + torch.tanh(b + yin @ W.T + x[t] @ U.T) @ V.T)
            return torch.stack(logits)
        '''),
    },
}
