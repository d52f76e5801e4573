"""rnncourse: the small shared package of the recurrent-neural-network course.

The chapters and the exercise notebooks import its modules explicitly:

* ``rnncourse.graphs``: matplotlib drawings of folded and unrolled computational
  graphs and of the design patterns of recurrent networks;
* ``rnncourse.tasks``: seeded generators of the toy tasks (time-major tensors);
* ``rnncourse.bptt``: measuring the memory of back-propagation and drawing
  the flow of gradients through an unrolled graph;
* ``rnncourse.training``: a small deterministic training loop;
* ``rnncourse.regression``: a recurrent regressor read out at the last step,
  trained and scored on the toy tasks (the adding problem);
* ``rnncourse.timescales``: chapter 6's memory horizons, path lengths and
  Clockwork RNN structure, and its sequence-generation task and networks;
* ``rnncourse.gated``: chapter 7's parameter counts, gradient norms through
  time of any recurrent step, and its runs of the adding problem;
* ``rnncourse.seq2seq``: chapter 8's reversal task, GRU encoder-decoders with a
  fixed context or additive attention, their training, greedy and beam
  decoding on the model, accuracy per length, beam comparisons and figures;
* ``rnncourse.reservoir``: chapter 9's Mackey–Glass integrator, NRMSE, echo
  state network (reservoir, states, ridge readout, closed loop), its
  prediction set-up, sweeps and figures;
* ``rnncourse.structure``: chapter 10's look-ahead tagging task and taggers
  (forward-only or bidirectional, packed padded batches), the places of depth
  drawn, stacked parameter counts, binary trees (chain, balanced, parsed), a
  recursive network over them, leaf-to-root Jacobians and tree drawings;
* ``rnncourse.charlm``: chapter 11's Shakespeare corpus (committed, see
  ``rnncourse/data``), vocabulary, unigram and bigram baselines, a
  character-level GRU trained by truncated BPTT, held-out bits per
  character and sampling at a temperature;
* ``rnncourse.memory``: chapter 11's soft memory (content addressing, read,
  erase-and-add write), the associative-recall task with a memory and with
  a GRU, and the figures of both;
* ``rnncourse.testing``: helpers for the visible tests of the exercises;
* ``rnncourse.meta_values``: running code on PyTorch's 'meta' device with
  the values it has on the CPU (for the device checks of the visible tests
  and of the grader's harness).

Importing the package itself is cheap: it imports none of them (so a helper
module never pulls in matplotlib).
"""
