"""Tests of rnncourse.structure (the helpers of chapter 10): the look-ahead
task's tags, the tagger's packed batches against each sequence alone, the
trees' layouts and depths, the parser, the recursive network against
torch.nn.RNN on a chain, the leaf-to-root Jacobian against the product of
the path's Jacobians, the parameter count against numel(), the drawings."""
import math

import pytest
import torch
from torch import nn

from rnncourse import structure
from rnncourse.structure import IGNORE, RecursiveNet, Tree, chain, node_depths, pairwise_tree, parse

DT = torch.float64


def _in_order_leaves(tree: Tree) -> list:
    below = {tree.n + i: pair for i, pair in enumerate(tree.children.tolist())}
    order, stack = [], [2 * tree.n - 2]
    while stack:
        node = stack.pop()
        if node < tree.n:
            order.append(node)
        else:
            stack += [below[node][1], below[node][0]]
    return order


# ----------------------------------------------------------------------------- the tagging task

@pytest.mark.parametrize("k", [0, 1, 3])
def test_tags_are_the_tokens_k_steps_later_and_ignored_past_the_end(k):
    tokens, tags, lengths = structure.lookahead_tags(0, T=12, B=50, k=k, vocab=5, min_length=4)
    assert tokens.shape == tags.shape == (12, 50) and lengths.shape == (50,)
    assert int(lengths.min()) >= 4 and int(lengths.max()) <= 12
    for b, n in enumerate(lengths.tolist()):
        assert torch.equal(tags[:n - k, b], tokens[k:n, b])
        assert (tags[max(n - k, 0):, b] == IGNORE).all()
        assert (tokens[n:, b] == 0).all()
    assert torch.equal(structure.lookahead_tags(0, 12, 50, k, 5, 4)[0], tokens)      # seeded


def test_the_tagger_gives_each_sequence_of_a_padded_batch_its_states_alone():
    torch.manual_seed(0)
    model = structure.Tagger(vocab=4, hidden=6, bidirectional=True).double()
    tokens, _, lengths = structure.lookahead_tags(1, T=9, B=5, k=1, vocab=4, min_length=2)
    batched = model.states(tokens, lengths)
    assert batched.shape == (9, 5, 12)
    for b, n in enumerate(lengths.tolist()):
        alone = model.states(tokens[:n, b:b + 1], torch.tensor([n]))[:, 0]
        torch.testing.assert_close(batched[:n, b], alone)
        assert (batched[n:, b] == 0).all()


def test_position_accuracy_counts_only_tagged_positions():
    tokens, tags, lengths = structure.lookahead_tags(2, T=6, B=30, k=2, vocab=3)

    class Oracle(structure.Tagger):
        def forward(self, tokens, lengths):      # logits that pick the tag itself (and 0 where untagged)
            return 10.0 * nn.functional.one_hot(tags.clamp(min=0), 3).double()
    accuracy = structure.position_accuracy(Oracle(3, 2, False), tokens, tags, lengths)
    assert accuracy.shape == (6,)
    assert (accuracy[:4] == 1).all() and math.isnan(accuracy[4]) and math.isnan(accuracy[5])


# ----------------------------------------------------------------------------- depth

@pytest.mark.parametrize("D, H, L", [(3, 5, 1), (10, 32, 4), (7, 2, 6)])
def test_the_stacked_parameter_count_is_numel(D, H, L):
    assert structure.stacked_rnn_parameter_count(D, H, L) == sum(p.numel() for p in nn.RNN(D, H, L).parameters())


def test_the_depth_drawing_has_an_extra_layer_where_depth_is_added():
    fig = structure.draw_depth_places()
    assert len(fig.axes) == 4
    gids = [[patch.get_gid() for patch in ax.patches] for ax in fig.axes]
    assert ["node:z" in panel for panel in gids] == [True, True, True, False]
    assert "edge:h_prev->z" in gids[1] and "edge:h1->h2" in gids[3]


# ----------------------------------------------------------------------------- trees

@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 13, 16, 17, 100])
def test_trees_are_valid_layouts_over_the_leaves_in_order(n):
    for tree, depth in ((pairwise_tree(n), math.ceil(math.log2(n))), (chain(n), n - 1)):
        children = tree.children
        assert children.shape == (n - 1, 2) and children.dtype == torch.long
        assert (children < torch.arange(n, 2 * n - 1)[:, None]).all()
        assert sorted(children.flatten().tolist()) == list(range(2 * n - 2))
        assert _in_order_leaves(tree) == list(range(n))
        assert max(node_depths(tree)) == depth


def test_parse_reads_the_words_and_numbers_the_phrases_after_their_parts():
    tree = parse("((the cat) (sat (on (the mat))))")
    assert tree.words == ("the", "cat", "sat", "on", "the", "mat")
    assert tree.children.tolist() == [[0, 1], [4, 5], [3, 7], [2, 8], [6, 9]]
    assert node_depths(tree) == [2, 2, 2, 3, 4, 4, 1, 3, 2, 1, 0]
    with pytest.raises(ValueError):
        parse("(a b c)")


def test_the_recursive_network_over_a_chain_is_a_tanh_rnn():
    n, H = 7, 4
    net = RecursiveNet.random(H, gain=1.0, seed=3)
    leaves = torch.randn(n, 2, H, generator=torch.Generator().manual_seed(4), dtype=DT)
    states = net.states(chain(n), leaves)
    assert states.shape == (2 * n - 1, 2, H) and torch.equal(states[:n], leaves)
    h, expected = leaves[0], []
    for leaf in leaves[1:]:
        h = torch.tanh(h @ net.W[:, :H].T + leaf @ net.W[:, H:].T + net.b)
        expected.append(h)
    torch.testing.assert_close(states[n:], torch.stack(expected))


def test_the_leaf_to_root_jacobian_is_the_product_along_the_path():
    H, n = 3, 4
    net = RecursiveNet.random(H, gain=1.5, seed=5)
    leaves = torch.randn(n, 1, H, generator=torch.Generator().manual_seed(6), dtype=DT)
    tree = pairwise_tree(n)                          # node 4 = (0, 1), 5 = (2, 3), root 6 = (4, 5)
    states = net.states(tree, leaves)[:, 0]
    left = net.W[:, :H]
    product = torch.diag(1 - states[6] ** 2) @ left @ torch.diag(1 - states[4] ** 2) @ left
    assert abs(structure.leaf_to_root_jacobian_norm(net, tree, leaves) - torch.linalg.matrix_norm(product, 2)) < 1e-12


def test_draw_tree_draws_every_node_and_edge():
    from matplotlib.figure import Figure
    ax = Figure().subplots()
    tree = parse("((a b) c)")
    structure.draw_tree(ax, tree, "t")
    gids = {artist.get_gid() for artist in ax.collections + ax.lines}
    assert {f"node:{i}" for i in range(5)} <= gids
    assert {"edge:3->0", "edge:3->1", "edge:4->3", "edge:4->2"} <= gids
