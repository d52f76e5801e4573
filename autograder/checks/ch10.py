"""Checks of the ch10 graded functions (bidirectional, deep and recursive
networks): the forward and backward states of a bidirectional tanh network on
a padded batch, a stack of tanh layers, a recursive network over a binary
tree, and a balanced tree over n leaves.

Padded batches hold sequences of random lengths with one of full length, so a
backward pass that starts at T for every sequence, backward states left in
reversed order or padding left non-zero all change the result. Trees are
drawn at random (any two nodes of the pool joined, either way round), so
children taken in the wrong order or a parent computed before its children
change it too.

Many trees are balanced: ``balanced_tree`` is graded by the properties of
the tree it returns (the layout, the leaves in order, the depth), never
against the reference's tree.
"""
import math

import torch

from .builders import shape_of, with_replaced
from .core import Case, Check, Dims, Inputs, Spec, matches_reference, raises, seed_for


# bidirectional_rnn_forward(x, h0_f, h0_b, U_f, W_f, b_f, U_b, W_b, b_b, lengths=None) -------------

def random_lengths(inputs: Inputs, T: int, B: int) -> torch.Tensor:
    """(B,) long in 1..T, the first one T (a padded batch is as long as its longest sequence)."""
    lengths = 1 + inputs.randint(T, B)
    lengths[0] = T
    return lengths


def bidirectional_args(inputs: Inputs, d: Dims, lengths: bool = True) -> dict:
    args = {"x": inputs.randn(d.T, d.B, d.D), "h0_f": inputs.uniform(d.B, d.H), "h0_b": inputs.uniform(d.B, d.H)}
    for side in ("f", "b"):
        args |= {f"U_{side}": inputs.weight(d.H, d.D), f"W_{side}": inputs.weight(d.H, d.H),
                 f"b_{side}": inputs.uniform(d.H)}
    if lengths:
        args["lengths"] = random_lengths(inputs, d.T, d.B)
    return args


BIDIRECTIONAL_GRADS = tuple(range(9))


def make_bidirectional(inputs: Inputs, d: Dims) -> Case:
    return Case(args=list(bidirectional_args(inputs, d).values()))


def bad_bidirectional(inputs: Inputs) -> list:
    d = Dims()
    args = bidirectional_args(inputs, d)
    flat_x, wide_h0_b = inputs.randn(d.B, d.D), inputs.uniform(d.B, d.H + 1)
    wide_U_b, square_W_f, long_b_b = inputs.weight(d.H, d.D + 1), inputs.weight(d.H, d.H + 1), inputs.uniform(d.H + 1)
    long_lengths = random_lengths(inputs, d.T, d.B + 1)
    zero, past_T = args["lengths"].clone(), args["lengths"].clone()
    zero[1], past_T[1] = 0, d.T + 1
    return [
        with_replaced(args, f"x {shape_of(flat_x)} (not (T, B, D))", x=flat_x),
        with_replaced(args, f"h0_b {shape_of(wide_h0_b)} with W_b {shape_of(args['W_b'])}", h0_b=wide_h0_b),
        with_replaced(args, f"U_b {shape_of(wide_U_b)} with x {shape_of(args['x'])}", U_b=wide_U_b),
        with_replaced(args, f"W_f {shape_of(square_W_f)} (not square)", W_f=square_W_f),
        with_replaced(args, f"b_b {shape_of(long_b_b)} with W_b {shape_of(args['W_b'])}", b_b=long_b_b),
        with_replaced(args, f"lengths {shape_of(long_lengths)} with x {shape_of(args['x'])}", lengths=long_lengths),
        with_replaced(args, "a length of 0", lengths=zero),
        with_replaced(args, f"a length of T + 1 = {d.T + 1}", lengths=past_T),
    ]


def _padded_batches(device: str) -> list:
    """Lengths from 1 to T = 9 in one batch, gradients included; a batch of one shorter than T."""
    inputs = Inputs(seed_for("bidirectional_rnn_forward", "padded"))
    args = bidirectional_args(inputs, Dims(T=9, B=6))
    args["lengths"] = torch.tensor([9, 1, 4, 9, 2, 7])
    one = bidirectional_args(inputs, Dims(T=7, B=1))
    one["lengths"] = torch.tensor([3])
    return [Case(args=list(args.values()), grad_wrt=BIDIRECTIONAL_GRADS, label="lengths 9, 1, 4, 9, 2, 7"),
            Case(args=list(one.values()), grad_wrt=BIDIRECTIONAL_GRADS, label="B = 1, length 3 of T = 7")]


def _no_lengths(device: str) -> list:
    args = bidirectional_args(Inputs(seed_for("bidirectional_rnn_forward", "no lengths")), Dims(T=8), lengths=False)
    return [Case(args=list(args.values()), grad_wrt=BIDIRECTIONAL_GRADS, label="lengths not given"),
            Case(args=list(args.values()), kwargs={"lengths": None}, label="lengths=None")]


def _long_bidirectional(device: str) -> list:
    args = bidirectional_args(Inputs(seed_for("bidirectional_rnn_forward", "long")), Dims(T=30, B=4))
    return [Case(args=list(args.values()), grad_wrt=BIDIRECTIONAL_GRADS, label="T = 30")]


BIDIRECTIONAL_CHECKS = [
    Check("a padded batch: each sequence's states as if it were run alone, zeros on the padding",
          "The backward states of a sequence of length n start from h0_b at its own step n (not at T) and run "
          "down to step 1; return them in time order; both outputs are exactly 0 at the steps past n.",
          _padded_batches, matches_reference(grads=True)),
    Check("lengths left out (or None): every sequence has T steps",
          "Without lengths every sequence runs all T steps, forwards from h0_f and backwards from h0_b at step T.",
          _no_lengths, matches_reference(grads=True)),
    Check("a long sequence (T = 30), gradients included",
          "Carry each direction's state from step to step and keep every step differentiable.",
          _long_bidirectional, matches_reference(grads=True)),
]


# deep_rnn_forward(x, h0, layers) ---------------------------------------------------------------

def deep_args(inputs: Inputs, d: Dims, L: int = 3) -> dict:
    """x (T, B, D), h0 (L, B, H), layers: L tuples (U, W, b), U (H, D) for layer 1, (H, H) above."""
    layers = [(inputs.weight(d.H, d.D if l == 0 else d.H), inputs.weight(d.H, d.H), inputs.uniform(d.H))
              for l in range(L)]
    return {"x": inputs.randn(d.T, d.B, d.D), "h0": inputs.uniform(L, d.B, d.H), "layers": layers}


def make_deep(inputs: Inputs, d: Dims) -> Case:
    return Case(args=list(deep_args(inputs, d).values()))


def _layers_with(layers: list, index: int, part: int, value: torch.Tensor) -> list:
    changed = list(layers[index])
    changed[part] = value
    return [*layers[:index], tuple(changed), *layers[index + 1:]]


def bad_deep(inputs: Inputs) -> list:
    d = Dims()
    args = deep_args(inputs, d)
    layers = args["layers"]
    four_layers, other_B = inputs.uniform(4, d.B, d.H), inputs.uniform(3, d.B + 1, d.H)
    wide_U, short_W, long_b = inputs.weight(d.H, d.D), inputs.weight(d.H, d.H - 1), inputs.uniform(d.H + 1)
    flat_x = inputs.randn(d.B, d.D)
    return [
        with_replaced(args, f"h0 {shape_of(four_layers)} (4 layers) with 3 layers", h0=four_layers),
        with_replaced(args, f"h0 {shape_of(other_B)} with x {shape_of(args['x'])}", h0=other_B),
        with_replaced(args, f"layer 2's U {shape_of(wide_U)}: it reads layer 1's states (H = {d.H})",
                      layers=_layers_with(layers, 1, 0, wide_U)),
        with_replaced(args, f"layer 1's W {shape_of(short_W)}", layers=_layers_with(layers, 0, 1, short_W)),
        with_replaced(args, f"layer 3's b {shape_of(long_b)}", layers=_layers_with(layers, 2, 2, long_b)),
        with_replaced(args, f"x {shape_of(flat_x)} (not (T, B, D))", x=flat_x),
    ]


def _depths(device: str) -> list:
    inputs = Inputs(seed_for("deep_rnn_forward", "depths"))
    return [Case(args=list(deep_args(inputs, Dims(T=6), L).values()), grad_wrt=(0, 1), label=f"L = {L}")
            for L in (1, 2, 5)]


def _wide_input(device: str) -> list:
    """D > H and a long sequence: layer 1's U is wider than the others."""
    args = deep_args(Inputs(seed_for("deep_rnn_forward", "wide")), Dims(T=25, B=2, D=9, H=4), L=3)
    return [Case(args=list(args.values()), grad_wrt=(0, 1), label="T = 25, D = 9, H = 4")]


DEEP_CHECKS = [
    Check("one, two and five layers, gradients included",
          "Layer 1 reads x, layer l reads the states of layer l - 1 at the same step; return the top layer's "
          "states and the last state of every layer, layer 1 first.",
          _depths, matches_reference(grads=True)),
    Check("inputs wider than the states (D > H) over a long sequence",
          "Only layer 1 reads x (U is (H, D)); the layers above read H-wide states (U is (H, H)).",
          _wide_input, matches_reference(grads=True)),
]


# recursive_forward(leaves, children, W, b) -------------------------------------------------------

def random_tree(inputs: Inputs, n: int) -> torch.Tensor:
    """children (n - 1, 2): any two nodes of the pool joined, in either order, the new node added to it."""
    pool, pairs = list(range(n)), []
    for i in range(n - 1):
        first = pool.pop(int(inputs.randint(len(pool), 1)))
        second = pool.pop(int(inputs.randint(len(pool), 1)))
        pairs.append((first, second))
        pool.append(n + i)
    return torch.tensor(pairs, dtype=torch.long).reshape(n - 1, 2)


def recursive_args(inputs: Inputs, d: Dims, children=None) -> dict:
    """n = T leaves (a single leaf for T = 1), a random tree unless ``children`` is given."""
    n = d.T
    return {"leaves": inputs.randn(n, d.B, d.H), "children": random_tree(inputs, n) if children is None else children,
            "W": inputs.weight(d.H, 2 * d.H), "b": inputs.uniform(d.H)}


def make_recursive(inputs: Inputs, d: Dims) -> Case:
    return Case(args=list(recursive_args(inputs, d).values()))


def bad_recursive(inputs: Inputs) -> list:
    d = Dims()
    args = recursive_args(inputs, d)
    n = d.T
    short, triple = args["children"][:-1], torch.zeros(n - 1, 3, dtype=torch.long)
    square_W, long_b, flat = inputs.weight(d.H, d.H), inputs.uniform(d.H + 1), inputs.randn(n, d.H)
    late = args["children"].clone()
    late[0, 1] = n + 1                      # node n reads node n + 1, computed after it
    return [
        with_replaced(args, f"children {shape_of(short)} with {n} leaves", children=short),
        with_replaced(args, f"children {shape_of(triple)} (not (n - 1, 2))", children=triple),
        with_replaced(args, f"W {shape_of(square_W)} (not (H, 2H))", W=square_W),
        with_replaced(args, f"b {shape_of(long_b)} with W {shape_of(args['W'])}", b=long_b),
        with_replaced(args, f"leaves {shape_of(flat)} (not (n, B, H))", leaves=flat),
        with_replaced(args, f"node {n} with child {n + 1}, listed after it", children=late),
    ]


def _trees(device: str) -> list:
    from rnncourse.structure import chain, pairwise_tree     # here: it imports matplotlib

    inputs, d = Inputs(seed_for("recursive_forward", "trees")), Dims(T=8, B=2)
    named = {"a chain of 8 leaves": chain(8).children, "a balanced tree of 8 leaves": pairwise_tree(8).children,
             "a balanced tree with every pair swapped (right child first)": pairwise_tree(8).children.flip(1),
             "a random tree of 8 leaves": None}
    return [Case(args=list(recursive_args(inputs, d, children).values()), grad_wrt=(0, 2, 3), label=label)
            for label, children in named.items()]


def _big_tree(device: str) -> list:
    args = recursive_args(Inputs(seed_for("recursive_forward", "big")), Dims(T=40, B=3))
    return [Case(args=list(args.values()), grad_wrt=(0, 2, 3), label="a random tree of 40 leaves")]


RECURSIVE_CHECKS = [
    Check("chains, balanced trees and trees whose children come either way round, gradients included",
          "Node n + i is tanh(W [h_left; h_right] + b) with h_left the state of children[i, 0], stacked first; "
          "compute the internal nodes in the order of children, each after both of its children.",
          _trees, matches_reference(grads=True)),
    Check("a random tree of 40 leaves",
          "Return every node's state, the leaves first and unchanged, then the internal nodes in order.",
          _big_tree, matches_reference(grads=True)),
]


# balanced_tree(n) --------------------------------------------------------------------------------

def _tree_of(case: Case, student: dict):
    """(children as a list of pairs, None), or (None, the message saying why there is no valid layout)."""
    n = case.args[0]
    if not student["ok"]:
        return None, f"raised {student['error_types'][0]}: {student.get('error', '')} ({case.label})"
    output = student["output"]
    if output["kind"] != "tensor":
        return None, f"returned a {output.get('type', output['kind'])}, not a tensor ({case.label})"
    if tuple(output["shape"]) != (n - 1, 2):
        return None, f"children has shape {tuple(output['shape'])}, expected {(n - 1, 2)} ({case.label})"
    if output["dtype"] != "int64":
        return None, f"children has dtype {output['dtype']}, expected int64 (torch.long) ({case.label})"
    pairs = output["values"].tolist()
    if any(not 0 <= child < n + i for i, pair in enumerate(pairs) for child in pair):
        return None, f"a child is not listed before its parent ({case.label})"
    if sorted(child for pair in pairs for child in pair) != list(range(2 * n - 2)):
        return None, f"not every node but the root is the child of exactly one node ({case.label})"
    return pairs, None


def _walk(pairs: list, n: int) -> tuple:
    """(depth, leaves from left to right) of the tree of ``pairs``, from the root 2n - 2, without recursion."""
    depth, order, stack = 0, [], [(2 * n - 2, 0)]
    while stack:
        node, level = stack.pop()
        if node < n:
            depth, order = max(depth, level), order + [node]
        else:
            left, right = pairs[node - n]
            stack += [(right, level + 1), (left, level + 1)]
    return depth, order


def _valid_layout(case, reference, student, device):
    return _tree_of(case, student)[1]


def _leaves_in_order(case, reference, student, device):
    pairs, problem = _tree_of(case, student)
    if problem:
        return problem
    if _walk(pairs, case.args[0])[1] != list(range(case.args[0])):
        return f"read from left to right, the leaves are not 0, 1, ..., n - 1 ({case.label})"
    return None


def _balanced_depth(case, reference, student, device):
    pairs, problem = _tree_of(case, student)
    if problem:
        return problem
    n = case.args[0]
    depth, want = _walk(pairs, n)[0], math.ceil(math.log2(n))
    if depth != want:
        return f"the tree has depth {depth}, expected ceil(log2 n) = {want} ({case.label})"
    return None


def _sizes(*sizes: int):
    return lambda device: [Case(args=[n], label=f"n = {n}") for n in sizes]


def _bad_sizes(device: str) -> list:
    return [Case(args=[n], label=f"n = {n!r}", expect_error="ValueError") for n in (0, -2, 3.0, True)]


TREE_CHECKS = [
    Check("the layout: (n - 1, 2) long, every child listed before its parent, every node but the root "
          "a child once",
          "Number the internal nodes n, n + 1, ... in the order you create them, each after its two children; "
          "return torch.long.",
          _sizes(1, 2, 3, 6, 11, 64), _valid_layout),
    Check("the leaves in order from left to right",
          "Join neighbouring groups of leaves only, the left group as the left child.",
          _sizes(2, 5, 12, 33), _leaves_in_order),
    Check("depth ceil(log2 n)",
          "Split the leaves into two halves as equal as possible and build each half the same way.",
          _sizes(2, 3, 5, 6, 7, 9, 17, 100, 1000), _balanced_depth),
    Check("ValueError unless n is a positive integer",
          "Check n before building anything: an int (not a bool or a float) of at least 1.",
          _bad_sizes, raises("ValueError")),
]


SPECS = [
    Spec("bidirectional_rnn_forward", make_bidirectional, grad_wrt=BIDIRECTIONAL_GRADS, bad_shapes=bad_bidirectional,
         extra_checks=BIDIRECTIONAL_CHECKS,
         outputs=("h_f (T, B, H)", "h_b (T, B, H)")),
    Spec("deep_rnn_forward", make_deep, grad_wrt=(0, 1), bad_shapes=bad_deep, extra_checks=DEEP_CHECKS,
         outputs=("out (T, B, H)", "h_T (L, B, H)")),
    Spec("recursive_forward", make_recursive, grad_wrt=(0, 2, 3), bad_shapes=bad_recursive,
         extra_checks=RECURSIVE_CHECKS,
         outputs=("states (N, B, H)",)),
    Spec("balanced_tree", None, tensor_inputs=False, extra_checks=TREE_CHECKS,
         outputs=("children (n - 1, 2)",)),
]
