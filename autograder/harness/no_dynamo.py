"""Keep ``torch._dynamo`` out of processes that never compile.

PyTorch wraps its Python meta kernels, references and decompositions in
``torch._disable_dynamo`` so that ``torch.compile`` does not trace into them.
The wrapper's first call imports all of ``torch._dynamo`` (sympy and torch.fx
with it: 1-2 s on this course's 2-core machines, more than ``import torch``)
only to build ``torch._dynamo.disable(fn)``, which, outside a compiled
region, calls ``fn`` and nothing else. The grader compiles nothing, and the
first meta-device operation of every grading process and every warm sandbox
paid that import.

:func:`settle_disable_dynamo_wrappers` gives every wrapper that exists its
function itself as that cached "disabled" version, so calling it imports
nothing. Code that compiles still works: ``torch.compile`` imports
``torch._dynamo`` itself, and may then trace into those few kernels instead
of skipping them.
"""
import functools
import gc
import types

import torch
import torch._compile


def _wrapper_code() -> types.CodeType:
    return torch._compile._disable_dynamo(lambda: None).__code__


def settle_disable_dynamo_wrappers() -> int:
    """Make every ``torch._disable_dynamo`` wrapper made so far call its
    function directly; returns how many were settled now."""
    code = _wrapper_code()
    fn_cell = code.co_freevars.index("fn")
    settled = 0
    for obj in gc.get_objects():
        if type(obj) is types.FunctionType and obj.__code__ is code:  # type(): no __class__ lookups
            fn = obj.__closure__[fn_cell].cell_contents
            if getattr(fn, "__dynamo_disable", None) is None:
                fn.__dynamo_disable = fn
                settled += 1
    return settled


@functools.cache
def first_meta_operation() -> None:
    """Run the meta device's first operation without importing ``torch._dynamo``:
    it imports the Python meta kernels, whose wrappers are settled in turn.
    Once per process."""
    settle_disable_dynamo_wrappers()
    _ = torch.nn.functional.linear(torch.empty(2, 3, device="meta"), torch.empty(4, 3, device="meta")).tanh() + 0
    settle_disable_dynamo_wrappers()
