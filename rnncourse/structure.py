"""Chapter 10's structures: networks that read the future, stacked layers and trees.

* the look-ahead tagging task, whose tag at step t is the input k steps
  later, and a tagger built on ``torch.nn.RNN`` (forward-only or
  bidirectional, padded batches packed so that each sequence is read from its
  own last step backwards), its training and its accuracy at each position;
* the places where depth can be added to a recurrent network, drawn, and the
  parameter count of a stacked ``torch.nn.RNN``;
* binary trees in the exercises' layout (``children (n-1, 2)``: internal node
  ``n + i`` combines nodes ``children[i, 0]`` and ``children[i, 1]``, each child
  listed before its parent): a chain, a tree that pairs neighbours level by
  level, a tree read from a bracketed parse, node depths, a recursive network
  over any of them, the norm of the Jacobian from a leaf to the root, and a
  drawing.

Everything is seeded and time-major, as in the rest of the course.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from .graphs import _DX, _DY, _Diagram, _figure, _math
from .tasks import _generator
from .training import train

__all__ = ["IGNORE", "lookahead_tags", "Tagger", "train_tagger", "position_accuracy", "draw_depth_places",
           "DEPTH_PLACES", "stacked_rnn_parameter_count", "Tree", "chain", "pairwise_tree", "parse", "node_depths",
           "RecursiveNet", "leaf_to_root_jacobian_norm", "draw_tree"]

#: The tag of a position without one (its look-ahead falls past the sequence's end, or it is padding).
IGNORE = -100


# --------------------------------------------------------------------------
# the look-ahead tagging task


def lookahead_tags(rng: int | torch.Generator, T: int, B: int, k: int, vocab: int = 4,
                   min_length: int | None = None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Sequences of random tokens tagged with the token ``k`` steps later.

    Each sequence has a length uniform in ``[min_length, T]`` (all ``T`` when
    ``min_length`` is None) and tokens uniform in ``0 .. vocab-1``; the tag of
    step ``t`` is the token at ``t + k``, or :data:`IGNORE` where ``t + k`` is
    past the sequence's end. Padding (steps past a sequence's length) holds the
    token 0 and the tag IGNORE. Tokens are independent, so a reader that has
    seen only steps ``<= t`` guesses a tag for ``k >= 1`` at chance, 1/vocab.

    Returns ``tokens (T, B)`` long, ``tags (T, B)`` long and ``lengths (B,)`` long.
    """
    if T < 1 or B < 1 or k < 0 or vocab < 2:
        raise ValueError(f"need T, B >= 1, k >= 0 and vocab >= 2, got T={T}, B={B}, k={k}, vocab={vocab}")
    g = _generator(rng)
    low = T if min_length is None else min_length
    if not 1 <= low <= T:
        raise ValueError(f"min_length must lie in [1, T], got {min_length} with T={T}")
    lengths = torch.randint(low, T + 1, (B,), generator=g)
    tokens = torch.randint(0, vocab, (T, B), generator=g)
    steps = torch.arange(T)[:, None]
    tokens = torch.where(steps < lengths, tokens, torch.zeros_like(tokens))
    ahead = torch.cat([tokens[k:], tokens.new_zeros(k, B)])
    tags = torch.where(steps + k < lengths, ahead, torch.full_like(ahead, IGNORE))
    return tokens, tags, lengths


class Tagger(nn.Module):
    """One-hot tokens -> ``torch.nn.RNN`` (tanh) -> a linear layer -> tag logits.

    Bidirectional, the forward and backward states are concatenated before
    the output layer; a padded batch is packed, so the backward direction
    starts at each sequence's own last step, and the states past its end are 0.
    """

    def __init__(self, vocab: int, hidden: int, bidirectional: bool):
        super().__init__()
        self.vocab = vocab
        self.rnn = nn.RNN(vocab, hidden, bidirectional=bidirectional)
        self.out = nn.Linear(hidden * (2 if bidirectional else 1), vocab)

    def states(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """The states ``(T, B, H)``, or ``(T, B, 2H)`` forward then backward, zeros past each length."""
        x = nn.functional.one_hot(tokens, self.vocab).to(self.out.weight.dtype)
        packed = pack_padded_sequence(x, lengths.cpu(), enforce_sorted=False)
        states, _ = pad_packed_sequence(self.rnn(packed)[0], total_length=tokens.shape[0])
        return states

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """The tag logits ``(T, B, vocab)``."""
        return self.out(self.states(tokens, lengths))


def train_tagger(k: int, bidirectional: bool, seed: int = 0, vocab: int = 4, hidden: int = 32, T: int = 16,
                 batch: int = 64, steps: int = 400, lr: float = 1e-2) -> tuple[Tagger, list[float]]:
    """A :class:`Tagger` trained with Adam on fresh batches of the look-ahead task
    (lengths uniform in ``[T // 2, T]``); returns the model and its losses."""
    torch.manual_seed(seed)
    model = Tagger(vocab, hidden, bidirectional)
    data = torch.Generator().manual_seed(10_000 + seed)

    def loss(step: int) -> torch.Tensor:
        tokens, tags, lengths = lookahead_tags(data, T, batch, k, vocab, min_length=T // 2)
        logits = model(tokens, lengths)
        return nn.functional.cross_entropy(logits.reshape(-1, vocab), tags.reshape(-1), ignore_index=IGNORE)

    return model, train(model.parameters(), loss, steps, lr=lr, clip_norm=1.0)


@torch.no_grad()
def position_accuracy(model: Tagger, tokens: torch.Tensor, tags: torch.Tensor,
                      lengths: torch.Tensor) -> np.ndarray:
    """The share of right tags at each step ``(T,)``, NaN at a step without tags."""
    right = (model(tokens, lengths).argmax(-1) == tags).double()
    tagged = (tags != IGNORE).double()
    counts = tagged.sum(1)
    return torch.where(counts > 0, (right * tagged).sum(1) / counts.clamp(min=1), float("nan")).numpy()


# --------------------------------------------------------------------------
# depth


def _depth_panel(place: str) -> _Diagram:
    """One step of a network with depth added at ``place``: x(t) below, o(t) on top, the previous
    state(s) on the left; an extra layer z (purple) where the depth is added."""
    d = _Diagram()
    rows = {"input": ("x", "z", "h", "o"), "hidden": ("x", "h", "o"), "output": ("x", "h", "z", "o"),
            "stacked": ("x", "h1", "h2", "o")}[place]
    kinds = {"x": "input", "z": "layer", "h": "hidden", "h1": "hidden", "h2": "hidden", "o": "output"}
    labels = {"x": _math("x", "t"), "z": _math("z", "t"), "h": _math("h", "t"), "o": _math("o", "t"),
              "h1": r"$\boldsymbol{h}_1^{(t)}$", "h2": r"$\boldsymbol{h}_2^{(t)}$"}
    for row, name in enumerate(rows):
        d.node(name, 0.0, row * _DY, labels[name], kinds[name])
    for lower, upper in zip(rows, rows[1:]):
        d.edge(lower, upper)
    recurrent = [name for name in rows if name.startswith("h")]
    for name in recurrent:
        y = d.nodes[name].y
        previous = labels[name].replace("(t)", "(t-1)")
        if place == "hidden":
            d.node("h_prev", -2 * _DX, y, previous, "hidden")
            d.node("z", -_DX, y, _math("z", "t"), "layer")
            d.edge("h_prev", "z")
            d.edge("z", name)
        else:
            d.node(f"{name}_prev", -1.3 * _DX, y, previous, "hidden")
            d.edge(f"{name}_prev", name)
    d.notes.append((-2 * _DX, 3 * _DY, "", 1, "normal"))     # the same frame in every panel
    d.notes.append((0.4 * _DX, -0.2, "", 1, "normal"))
    return d


#: The places where depth can be added (the notes' three blocks of a recurrent step), and stacking.
DEPTH_PLACES = {"input": "(a) input to hidden", "hidden": "(b) hidden to hidden", "output": "(c) hidden to output",
                "stacked": "(d) stacked layers"}


def draw_depth_places() -> Figure:
    """Four panels, one step each: an extra layer ``z`` added (a) between the input and the state,
    (b) between the previous state and the next, (c) between the state and the output, and
    (d) two recurrent layers stacked, the second reading the first's state."""
    return _figure([(_depth_panel(place), title) for place, title in DEPTH_PLACES.items()], ncols=4)


def stacked_rnn_parameter_count(D: int, H: int, L: int, biases: int = 2) -> int:
    """Parameters of ``L`` stacked tanh layers of width ``H`` reading ``D`` inputs, each layer with
    ``biases`` bias vectors (torch.nn.RNN has two, b_ih and b_hh): the first layer has
    ``H (D + H + biases)``, every other ``H (2H + biases)``."""
    return H * (D + H + biases) + (L - 1) * H * (2 * H + biases)


# --------------------------------------------------------------------------
# trees


@dataclass(frozen=True)
class Tree:
    """A binary tree over ``n`` leaves in the exercises' layout, with words at its leaves if it has them."""
    children: torch.Tensor          # (n - 1, 2) long
    words: tuple = ()

    @property
    def n(self) -> int:
        return self.children.shape[0] + 1


def _layout(pairs: list) -> torch.Tensor:
    return torch.tensor(pairs, dtype=torch.long).reshape(-1, 2)


def chain(n: int) -> Tree:
    """The chain: node ``n`` combines leaves 0 and 1, and each later node the one before and the next leaf,
    so the root is ``n - 1`` levels above leaf 0 (a recurrent network read as a tree)."""
    pairs = [(0 if i == 0 else n + i - 1, i + 1) for i in range(n - 1)]
    return Tree(_layout(pairs))


def pairwise_tree(n: int) -> Tree:
    """Neighbours paired level by level (an odd node out waits for the next level), so every level
    halves the number of nodes and the root is ``ceil(log2 n)`` levels above every leaf."""
    level, pairs = list(range(n)), []
    while len(level) > 1:
        upper = []
        for left, right in zip(level[0::2], level[1::2]):
            pairs.append((left, right))
            upper.append(n + len(pairs) - 1)
        level = upper + level[len(level) - len(level) % 2:]
    return Tree(_layout(pairs))


def parse(bracketed: str) -> Tree:
    """The tree of a binary bracketed parse such as ``"((the cat) (sat (on (the mat))))"``: the words are
    the leaves, in order, and each bracket, which must hold exactly two parts, an internal node."""
    tokens = bracketed.replace("(", " ( ").replace(")", " ) ").split()
    words, nodes = [], []          # nodes: the (left, right) of each bracket, numbered later

    def read(position: int) -> tuple:
        if tokens[position] != "(":
            words.append(tokens[position])
            return ("leaf", len(words) - 1), position + 1
        parts, position = [], position + 1
        while tokens[position] != ")":
            part, position = read(position)
            parts.append(part)
        if len(parts) != 2:
            raise ValueError(f"every bracket must hold exactly two parts, one holds {len(parts)}")
        nodes.append(tuple(parts))
        return ("node", len(nodes) - 1), position + 1

    read(0)
    n = len(words)

    def index(part: tuple) -> int:
        kind, number = part
        return number if kind == "leaf" else n + number
    return Tree(_layout([(index(left), index(right)) for left, right in nodes]), tuple(words))


def node_depths(tree: Tree) -> list:
    """The number of levels between each node (leaves first, root last) and the root."""
    depth = [0] * (2 * tree.n - 1)
    for i in reversed(range(tree.n - 1)):
        for child in tree.children[i].tolist():
            depth[child] = depth[tree.n + i] + 1
    return depth


class RecursiveNet:
    """A recursive network: each internal node's state is ``tanh(W [h_left; h_right] + b)``, ``W (H, 2H)``."""

    def __init__(self, W: torch.Tensor, b: torch.Tensor):
        self.W, self.b = W, b

    @classmethod
    def random(cls, H: int, gain: float, seed: int, dtype=torch.float64) -> "RecursiveNet":
        """W with entries N(0, gain^2 / (2H)), so that ``gain`` sets the size of each step's Jacobian;
        b uniform in [-0.1, 0.1]."""
        g = torch.Generator().manual_seed(seed)
        W = gain * torch.randn(H, 2 * H, generator=g, dtype=dtype) / math.sqrt(2 * H)
        return cls(W, 0.2 * torch.rand(H, generator=g, dtype=dtype) - 0.1)

    def states(self, tree: Tree, leaves: torch.Tensor) -> torch.Tensor:
        """Every node's state ``(2n - 1, B, H)`` from the leaves' ``(n, B, H)``."""
        nodes = list(leaves.unbind(0))
        for left, right in tree.children.tolist():
            joined = torch.cat((nodes[left], nodes[right]), dim=-1)
            nodes.append(torch.tanh(nn.functional.linear(joined, self.W, self.b)))
        return torch.stack(nodes)


def leaf_to_root_jacobian_norm(net: RecursiveNet, tree: Tree, leaves: torch.Tensor, leaf: int = 0) -> float:
    """The spectral norm of d h(root) / d h(leaf) for a batch of one, ``leaves (n, 1, H)``."""
    def root(state):
        return net.states(tree, torch.cat([leaves[:leaf], state[None], leaves[leaf + 1:]]))[-1, 0]
    jacobian = torch.autograd.functional.jacobian(root, leaves[leaf])[:, 0]       # (H, H)
    return torch.linalg.matrix_norm(jacobian, ord=2).item()


def _tree_positions(tree: Tree) -> np.ndarray:
    """(x, y) of every node: leaves at y = 0, x = their index; a parent above the higher child, between both."""
    xy = [(float(i), 0.0) for i in range(tree.n)]
    for left, right in tree.children.tolist():
        xy.append(((xy[left][0] + xy[right][0]) / 2, max(xy[left][1], xy[right][1]) + 1))
    return np.array(xy)


def draw_tree(ax, tree: Tree, title: str | None = None) -> None:
    """Draw ``tree`` on ``ax``: leaves (green, their words below them) on the bottom row, internal nodes
    (blue) above, numbered as in the layout, the root at the top."""
    xy = _tree_positions(tree)
    for i, (left, right) in enumerate(tree.children.tolist()):
        for child in (left, right):
            ax.plot(*zip(xy[tree.n + i], xy[child]), color="#333333", lw=1.2, zorder=1,
                    gid=f"edge:{tree.n + i}->{child}")
    for node, (x, y) in enumerate(xy):
        leaf = node < tree.n
        face, edge = ("#dcefd5", "#2e7d32") if leaf else ("#d6e6f5", "#1f4e8c")
        ax.scatter([x], [y], s=330, facecolor=face, edgecolor=edge, lw=1.5, zorder=2, gid=f"node:{node}")
        ax.text(x, y, str(node), ha="center", va="center", fontsize=8, zorder=3)
        if leaf and tree.words:
            ax.text(x, -0.55, tree.words[node], ha="center", va="top", fontsize=10, style="italic")
    ax.set_xlim(-0.7, tree.n - 0.3)
    ax.set_ylim(-1.1 if tree.words else -0.6, xy[:, 1].max() + 0.6)
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=11)
