"""rnncourse: the small shared package of the recurrent-neural-network course.

The chapters and the exercise notebooks import its modules explicitly:

* ``rnncourse.graphs``: matplotlib drawings of folded and unrolled computational
  graphs and of the design patterns of recurrent networks;
* ``rnncourse.tasks``: seeded generators of the toy tasks (time-major tensors);
* ``rnncourse.testing``: helpers for the visible tests of the exercises.

Importing the package itself is cheap: it imports none of them (so a helper
module never pulls in matplotlib).
"""
