"""The ch10 bank: ``WRONG`` is the catalogue of mistakes
(``autograder.mistakes.ch10``, one source for the grader and these
tests); ``RIGHT`` holds correct answers written unlike the reference, each
must score full marks: F.linear, a loop over the batch with .tolist(), the
weight split in halves, trees built level by level.
"""
from . import answer
from autograder.mistakes.ch10 import (  # noqa: F401 (WRONG is the bank)
    WRONG, _BIDIRECTIONAL, _DEEP, _RECURSIVE, _TREE, _halves,
)

RIGHT = {
    "bidirectional_rnn_forward": {
        "loop_over_the_batch_with_tolist_and_F_linear": answer(_BIDIRECTIONAL, '''
            forward, backward = [], []
            for b, n in enumerate(lengths.tolist()):
                pad = x.new_zeros(T - n, H)
                h, steps = h0_f[b], []
                for t in range(n):
                    h = torch.tanh(F.linear(x[t, b], U_f, b_f) + F.linear(h, W_f))
                    steps.append(h)
                forward.append(torch.cat([torch.stack(steps), pad]))
                h, steps = h0_b[b], []
                for t in range(n - 1, -1, -1):
                    h = torch.tanh(F.linear(x[t, b], U_b, b_b) + F.linear(h, W_b))
                    steps.insert(0, h)
                backward.append(torch.cat([torch.stack(steps), pad]))
            return torch.stack(forward, dim=1), torch.stack(backward, dim=1)
        ''', imports="import torch\nimport torch.nn.functional as F"),
        "torch_where_on_a_bool_mask": answer(_BIDIRECTIONAL, '''
            steps = torch.arange(T, device=x.device)
            inputs_f, inputs_b = x @ U_f.T + b_f, x @ U_b.T + b_b
            h, forward = h0_f, []
            for t in range(T):
                h = torch.tanh(inputs_f[t] + h @ W_f.T)
                forward.append(h)
            h, backward = h0_b, [None] * T
            for t in range(T - 1, -1, -1):
                live = (t < lengths)[:, None]
                h = torch.where(live, torch.tanh(inputs_b[t] + h @ W_b.T), h0_b)
                backward[t] = h
            valid = (steps[:, None] < lengths)[..., None]
            zero = x.new_zeros(())
            return torch.where(valid, torch.stack(forward), zero), torch.where(valid, torch.stack(backward), zero)
        '''),
    },
    "deep_rnn_forward": {
        "F_linear_and_preallocated_lists": answer(_DEEP, '''
            sequence, finals = list(x.unbind(0)), []
            for (U, W, b), h in zip(layers, h0.unbind(0)):
                for t in range(T):
                    h = torch.tanh(F.linear(sequence[t], U, b) + F.linear(h, W))
                    sequence[t] = h
                finals.append(h)
            return torch.stack(sequence), torch.stack(finals)
        ''', imports="import torch\nimport torch.nn.functional as F"),
    },
    "recursive_forward": {
        "W_split_in_halves_and_a_dict": answer(_RECURSIVE, '''
            W_left, W_right = W[:, :H], W[:, H:]
            node = {i: leaves[i] for i in range(n)}
            for i, (left, right) in enumerate(pairs):
                node[n + i] = torch.tanh(node[left] @ W_left.T + node[right] @ W_right.T + b)
            return torch.stack([node[i] for i in range(2 * n - 1)])
        '''),
    },
    "balanced_tree": {
        "neighbours_paired_level_by_level": answer(_TREE, '''
            level, pairs = list(range(n)), []
            while len(level) > 1:
                upper = []
                for k in range(0, len(level) - 1, 2):
                    pairs.append([level[k], level[k + 1]])
                    upper.append(n + len(pairs) - 1)
                if len(level) % 2:
                    upper.append(level[-1])
                level = upper
            return torch.tensor(pairs, dtype=torch.int64).view(-1, 2)
        '''),
        "floor_split": answer(_TREE, _halves(middle="(first + last) // 2")),
    },
}
