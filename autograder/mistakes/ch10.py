"""The catalogue of common mistakes in the ch10 graded functions (``WRONG`` and
``SAYS``, as ``autograder.mistakes`` describes them).

Each answer makes one mistake, named by its label (and said to the student in
``SAYS``), and is otherwise right, argument checks included, so the hidden
check that must catch that mistake is the one that fails. The argument
checks and the steps an answer gets right are shared text, spliced in by
``answer``; every value of ``WRONG`` is still the complete source of a
solution cell.
"""
from . import answer

# bidirectional_rnn_forward(x, h0_f, h0_b, U_f, W_f, b_f, U_b, W_b, b_b, lengths=None)

_BIDIRECTIONAL_SHAPES = '''
if x.dim() != 3:
    raise ValueError(f"x must be (T, B, D), got shape {tuple(x.shape)}")
T, B, D = x.shape
H = W_f.shape[0]
expected = {"h0_f": (B, H), "h0_b": (B, H), "U_f": (H, D), "W_f": (H, H), "b_f": (H,),
            "U_b": (H, D), "W_b": (H, H), "b_b": (H,)}
given = {"h0_f": h0_f, "h0_b": h0_b, "U_f": U_f, "W_f": W_f, "b_f": b_f, "U_b": U_b, "W_b": W_b, "b_b": b_b}
wrong = [f"{name} is {tuple(given[name].shape)}, expected {shape}"
         for name, shape in expected.items() if tuple(given[name].shape) != shape]
if wrong:
    raise ValueError("inconsistent shapes: " + "; ".join(wrong))
if lengths is None:
    lengths = torch.full((B,), T, dtype=torch.long, device=x.device)
if tuple(lengths.shape) != (B,):
    raise ValueError(f"lengths must be (B,) = ({B},), got shape {tuple(lengths.shape)}")
if bool((lengths < 1).any()) or bool((lengths > T).any()):
    raise ValueError(f"every length must lie in 1..{T}, got {lengths.tolist()}")
'''
_BIDIRECTIONAL = ("bidirectional_rnn_forward(x, h0_f, h0_b, U_f, W_f, b_f, U_b, W_b, b_b, lengths=None)",
                  _BIDIRECTIONAL_SHAPES)

_INSIDE = '''
inside = (torch.arange(T, device=x.device)[:, None] < lengths).to(x.dtype)[..., None]
'''
_FORWARD = '''
h, forward = h0_f, []
for t in range(T):
    h = torch.tanh(b_f + h @ W_f.T + x[t] @ U_f.T)
    forward.append(h * inside[t])
'''


def _backward(step: str = "torch.tanh(b_b + h @ W_b.T + x[t] @ U_b.T)",
              carry: str = "inside[t] * step + (1 - inside[t]) * h0_b", kept: str = "h * inside[t]",
              start: str = "h0_b", order: str = "backward[::-1]") -> str:
    return f'''
h, backward = {start}, []
for t in reversed(range(T)):
    step = {step}
    h = {carry}
    backward.append({kept})
return torch.stack(forward), torch.stack({order})
'''


# deep_rnn_forward(x, h0, layers)

_DEEP_SHAPES = '''
if x.dim() != 3 or h0.dim() != 3:
    raise ValueError(f"x must be (T, B, D) and h0 (L, B, H), got {tuple(x.shape)} and {tuple(h0.shape)}")
(T, B, D), (L, _, H) = x.shape, h0.shape
if len(layers) != L or L < 1 or h0.shape[1] != B:
    raise ValueError(f"h0 {tuple(h0.shape)} must be (len(layers), B, H) with B = {B}")
for l, (U, W, b) in enumerate(layers):
    width = D if l == 0 else H
    if tuple(U.shape) != (H, width) or tuple(W.shape) != (H, H) or tuple(b.shape) != (H,):
        raise ValueError(f"layer {l + 1}: U {tuple(U.shape)}, W {tuple(W.shape)}, b {tuple(b.shape)}")
'''
_DEEP = ("deep_rnn_forward(x, h0, layers)", _DEEP_SHAPES)


def _stack(reads: str = "below[t]", start: str = "h0[l]", last: str = "last.append(h)",
           returned: str = "below, torch.stack(last)") -> str:
    return f'''
below, last = x, []
for l, (U, W, b) in enumerate(layers):
    h, states = {start}, []
    for t in range(T):
        h = torch.tanh(b + h @ W.T + {reads} @ U.T)
        states.append(h)
    below = torch.stack(states)
    {last}
return {returned}
'''


# recursive_forward(leaves, children, W, b)

_RECURSIVE_SHAPES = '''
if leaves.dim() != 3:
    raise ValueError(f"leaves must be (n, B, H), got shape {tuple(leaves.shape)}")
n, B, H = leaves.shape
if tuple(children.shape) != (n - 1, 2) or tuple(W.shape) != (H, 2 * H) or tuple(b.shape) != (H,):
    raise ValueError(f"children must be ({n - 1}, 2), W ({H}, {2 * H}) and b ({H},), got "
                     f"{tuple(children.shape)}, {tuple(W.shape)} and {tuple(b.shape)}")
pairs = children.tolist()
for i, (left, right) in enumerate(pairs):
    if not (0 <= left < n + i and 0 <= right < n + i):
        raise ValueError(f"node {n + i} has children ({left}, {right}), not listed before it")
'''
_RECURSIVE = ("recursive_forward(leaves, children, W, b)", _RECURSIVE_SHAPES)


def _nodes(node: str = "torch.tanh(torch.cat([states[left], states[right]], dim=1) @ W.T + b)",
           returned: str = "torch.stack(states)") -> str:
    return f'''
states = list(leaves)
for left, right in pairs:
    states.append({node})
return {returned}
'''


# balanced_tree(n)

_TREE_ARGUMENTS = '''
if isinstance(n, bool) or not isinstance(n, int) or n < 1:
    raise ValueError(f"n must be a positive integer, got {n!r}")
'''
_TREE = ("balanced_tree(n)", _TREE_ARGUMENTS)


def _halves(middle: str = "(first + last + 1) // 2", returned: str = "torch.tensor(pairs, dtype=torch.long)"
            ".reshape(n - 1, 2)") -> str:
    return f'''
pairs = []

def build(first, last):
    if last - first == 1:
        return first
    middle = {middle}
    left, right = build(first, middle), build(middle, last)
    pairs.append((left, right))
    return n + len(pairs) - 1

build(0, n)
return {returned}
'''


WRONG = {
    "bidirectional_rnn_forward": {
        "backward_started_at_T_for_every_sequence": answer(_BIDIRECTIONAL, _INSIDE, _FORWARD, _backward(carry="step")),
        "backward_states_not_reversed": answer(_BIDIRECTIONAL, _INSIDE, _FORWARD, _backward(order="backward")),
        "padding_left_non_zero": answer(_BIDIRECTIONAL, _INSIDE, '''
            h, forward = h0_f, []
            for t in range(T):
                h = torch.tanh(b_f + h @ W_f.T + x[t] @ U_f.T)
                forward.append(h)
        ''', _backward(carry="inside[t] * step + (1 - inside[t]) * h0_b", kept="h")),
        "backward_with_the_forward_weights": answer(_BIDIRECTIONAL, _INSIDE, _FORWARD, _backward(
            step="torch.tanh(b_f + h @ W_f.T + x[t] @ U_f.T)")),
        "backward_started_from_zeros": answer(_BIDIRECTIONAL, _INSIDE, _FORWARD, _backward(
            start="torch.zeros_like(h0_b)", carry="inside[t] * step")),
        "lengths_off_by_one": answer(_BIDIRECTIONAL, _INSIDE.replace("< lengths", "<= lengths"), _FORWARD,
                                     _backward()),
        "W_transposed": answer(_BIDIRECTIONAL, _INSIDE, _FORWARD.replace("h @ W_f.T", "h @ W_f"),
                               _backward(step="torch.tanh(b_b + h @ W_b + x[t] @ U_b.T)")),
        "mask_on_the_cpu": answer(_BIDIRECTIONAL, '''
            inside = (torch.arange(T)[:, None] < lengths).to(x.dtype)[..., None]
        ''', _FORWARD, _backward()),
        "no_shape_checks": answer(_BIDIRECTIONAL, '''
            T, B, D = x.shape
            if lengths is None:
                lengths = torch.full((B,), T, dtype=torch.long, device=x.device)
        ''', _INSIDE, _FORWARD, _backward(), checked=False),
    },
    "deep_rnn_forward": {
        "every_layer_reads_x": answer(_DEEP, _stack(reads="x[t]")),
        "first_layer_states_returned": answer(_DEEP, '''
            below, last, first = x, [], None
            for l, (U, W, b) in enumerate(layers):
                h, states = h0[l], []
                for t in range(T):
                    h = torch.tanh(b + h @ W.T + below[t] @ U.T)
                    states.append(h)
                below = torch.stack(states)
                first = below if first is None else first
                last.append(h)
            return first, torch.stack(last)
        '''),
        "last_states_top_layer_first": answer(_DEEP, _stack(returned="below, torch.stack(last[::-1])")),
        "h0_of_layer_1_for_every_layer": answer(_DEEP, _stack(start="h0[0]")),
        "h_T_is_the_first_step": answer(_DEEP, _stack(last="last.append(states[0])")),
        "layer_reads_the_previous_step_below": answer(_DEEP, '''
            below, last = x, []
            for l, (U, W, b) in enumerate(layers):
                h, states = h0[l], []
                for t in range(T):
                    fed = below[t] if l == 0 else (below[t - 1] if t else torch.zeros_like(below[0]))
                    h = torch.tanh(b + h @ W.T + fed @ U.T)
                    states.append(h)
                below = torch.stack(states)
                last.append(h)
            return below, torch.stack(last)
        '''),
        "h_T_allocated_on_the_cpu": answer(_DEEP, _stack(
            last="last.append(h + torch.zeros(B, H, dtype=x.dtype))")),
        "no_shape_checks": answer(_DEEP, "(T, B, D), (L, _, H) = x.shape, h0.shape\n", _stack(), checked=False),
    },
    "recursive_forward": {
        "children_swapped": answer(_RECURSIVE, _nodes(
            node="torch.tanh(torch.cat([states[right], states[left]], dim=1) @ W.T + b)")),
        "parent_computed_before_its_children": answer(_RECURSIVE, '''
            states = list(leaves) + [torch.zeros_like(leaves[0])] * (n - 1)
            for i in reversed(range(n - 1)):
                left, right = pairs[i]
                states[n + i] = torch.tanh(torch.cat([states[left], states[right]], dim=1) @ W.T + b)
            return torch.stack(states)
        '''),
        "leaves_left_out": answer(_RECURSIVE, _nodes(returned="torch.stack(states[n:]) if n > 1 else leaves[:0]")),
        "a_chain_whatever_the_tree": answer(_RECURSIVE, '''
            states = list(leaves)
            for i in range(n - 1):
                previous = states[0] if i == 0 else states[n + i - 1]
                states.append(torch.tanh(torch.cat([previous, states[i + 1]], dim=1) @ W.T + b))
            return torch.stack(states)
        '''),
        "bias_ignored": answer(_RECURSIVE, _nodes(
            node="torch.tanh(torch.cat([states[left], states[right]], dim=1) @ W.T)")),
        "no_tanh": answer(_RECURSIVE, _nodes(node="torch.cat([states[left], states[right]], dim=1) @ W.T + b")),
        "zeros_on_the_cpu": answer(_RECURSIVE, _nodes(
            node="torch.tanh(torch.cat([states[left], states[right]], dim=1) @ W.T + b + torch.zeros(B, H, "
                 "dtype=leaves.dtype))")),
        "no_argument_checks": answer(_RECURSIVE, "n = leaves.shape[0]\npairs = children.tolist()\n", _nodes(),
                                     checked=False),
    },
    "balanced_tree": {
        "a_chain": answer(_TREE, '''
            pairs = [(0 if i == 0 else n + i - 1, i + 1) for i in range(n - 1)]
            return torch.tensor(pairs, dtype=torch.long).reshape(n - 1, 2)
        '''),
        "leaves_out_of_order": answer(_TREE, '''
            level, pairs = list(range(n)), []
            while len(level) > 1:
                half = (len(level) + 1) // 2
                upper = []
                for left, right in zip(level[:half], level[half:]):
                    pairs.append((left, right))
                    upper.append(n + len(pairs) - 1)
                level = upper + level[len(level) - half:half]
            return torch.tensor(pairs, dtype=torch.long).reshape(n - 1, 2)
        '''),
        "parents_numbered_before_their_children": answer(_TREE, '''
            pairs = []

            def build(first, last):
                if last - first == 1:
                    return first
                index = len(pairs)
                pairs.append(None)
                middle = (first + last + 1) // 2
                pairs[index] = (build(first, middle), build(middle, last))
                return n + index

            build(0, n)
            return torch.tensor(pairs, dtype=torch.long).reshape(n - 1, 2)
        '''),
        "split_at_a_third": answer(_TREE, _halves(middle="first + max(1, (last - first) // 3)")),
        "float_tensor": answer(_TREE, _halves(returned="torch.tensor(pairs, dtype=torch.float64).reshape(n - 1, 2)")),
        "shape_0_for_a_single_leaf": answer(_TREE, _halves(returned="torch.tensor(pairs, dtype=torch.long)")),
        "a_list_of_pairs": answer(_TREE, _halves(returned="pairs")),
        "bool_accepted_as_n": answer(_TREE, '''
            if not isinstance(n, int) or n < 1:
                raise ValueError(f"n must be a positive integer, got {n!r}")
        ''', _halves(), checked=False),
    },
}

SAYS = {
    "bidirectional_rnn_forward": {
        "backward_started_at_T_for_every_sequence":
            "The backward pass starts at t = T for every sequence, whatever its length, so a shorter sequence's "
            "backward states read its padding.",
        "backward_states_not_reversed":
            "The backward states are returned in the order they were computed (last step first) instead of "
            "being put back into time order.",
        "padding_left_non_zero":
            "The states at the padded steps, past a sequence's length, are left as computed instead of zero.",
        "backward_with_the_forward_weights":
            "The backward pass uses the forward direction's weights instead of its own.",
        "backward_started_from_zeros":
            "The backward pass starts from a zero state instead of the given initial backward state.",
        "lengths_off_by_one":
            "Each sequence is taken to be one step longer than its length.",
        "W_transposed":
            "The recurrent weight matrices are applied transposed.",
        "mask_on_the_cpu":
            "The mask of the padded steps is created on the CPU instead of the inputs' device.",
        "no_shape_checks":
            "Inconsistent shapes or lengths out of range are not rejected with a ValueError.",
    },
    "deep_rnn_forward": {
        "every_layer_reads_x":
            "Every layer reads the inputs x instead of the states of the layer below.",
        "first_layer_states_returned":
            "The states returned at every step are those of the first layer instead of the top layer.",
        "last_states_top_layer_first":
            "The last states of the layers are returned top layer first instead of layer 1 first.",
        "h0_of_layer_1_for_every_layer":
            "Every layer starts from the initial state of layer 1 instead of its own.",
        "h_T_is_the_first_step":
            "The state returned for each layer is its first state instead of its last.",
        "layer_reads_the_previous_step_below":
            "A layer reads the state of the layer below at the previous step instead of the same step.",
        "h_T_allocated_on_the_cpu":
            "A tensor of zeros is created on the CPU instead of the inputs' device.",
        "no_shape_checks":
            "Inconsistent shapes, such as an initial state with another number of layers, are not rejected "
            "with a ValueError.",
    },
    "recursive_forward": {
        "children_swapped":
            "The left and right children are swapped: the right child's state is stacked first.",
        "parent_computed_before_its_children":
            "A parent is computed before its children, from states that are not ready yet.",
        "leaves_left_out":
            "Only the internal nodes are returned; the leaves' states are left out.",
        "a_chain_whatever_the_tree":
            "The nodes are combined as a chain, each with the next leaf, ignoring the children given.",
        "bias_ignored":
            "The bias b is left out of each node's state.",
        "no_tanh":
            "The tanh is left out: each node's state is a linear function of its children.",
        "zeros_on_the_cpu":
            "A tensor of zeros is created on the CPU instead of the inputs' device.",
        "no_argument_checks":
            "Inconsistent shapes, or a child listed after its parent, are not rejected with a ValueError.",
    },
    "balanced_tree": {
        "a_chain":
            "The tree is a chain, each node joining the next leaf, so its depth is n - 1 instead of "
            "ceil(log2 n).",
        "leaves_out_of_order":
            "Leaves that are not neighbours are joined, so the leaves are not in order from left to right.",
        "parents_numbered_before_their_children":
            "A parent gets its number before its children, so children are listed after their parent.",
        "split_at_a_third":
            "The leaves are split unevenly, so the tree is deeper than ceil(log2 n).",
        "float_tensor":
            "The children are returned as floating-point numbers instead of a long tensor.",
        "shape_0_for_a_single_leaf":
            "For a single leaf the empty result does not have the shape (0, 2).",
        "a_list_of_pairs":
            "A Python list of pairs is returned instead of a tensor.",
        "bool_accepted_as_n":
            "A bool is accepted as the number of leaves instead of raising a ValueError.",
    },
}
