"""The part of the grader that runs inside the sandbox, beside student code.

It holds no reference solution and no check: it only runs cells and calls
functions on the inputs the parent sends, and reports raw results back.
Everything here imports only the standard library and torch.
"""
