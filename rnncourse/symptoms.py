"""Symptoms of the usual mistakes, read off a wrong result: used by the
visible tests (``rnncourse.testing``, against a test's own expected values)
and by the grader (against the reference's result on its hidden inputs).

Each detector compares what a function returned with what it should have
returned and, when the difference has a known shape, says so in words, never
with values: the result is the expected one shifted by one step in time,
off by a factor such as the batch size B or the number of steps T, the
expected one computed with a weight transposed or a bias left out
(:func:`variants` lists those inputs; the caller computes them), or right
but carrying no gradient.
"""
import torch

__all__ = ["symptom", "shifted_in_time", "scaled", "variants", "no_gradient"]


def _close(a: torch.Tensor, b: torch.Tensor, rtol: float, atol: float) -> bool:
    return a.shape == b.shape and bool(torch.allclose(a.double(), b.double(), rtol=rtol, atol=atol))


def shifted_in_time(actual: torch.Tensor, expected: torch.Tensor, time_dim: int = 0,
                    rtol: float = 1e-5, atol: float = 1e-8):
    """'one step late' when step t of ``actual`` holds the expected step t-1
    (for t >= 2), 'one step early' when it holds step t+1; None otherwise,
    or when the expected steps are too alike to tell (constant in time)."""
    if actual.shape != expected.shape or actual.dim() <= time_dim or actual.shape[time_dim] < 2:
        return None
    steps = actual.shape[time_dim]
    later, earlier = (lambda t: t.narrow(time_dim, 1, steps - 1)), (lambda t: t.narrow(time_dim, 0, steps - 1))
    if _close(later(expected), earlier(expected), rtol, atol):
        return None
    if _close(later(actual), earlier(expected), rtol, atol):
        return ("looks one step late in time: its step t holds the expected step t-1 "
                "(an initial value returned as the first step, or a value read before its update?)")
    if _close(earlier(actual), later(expected), rtol, atol):
        return "looks one step early in time: its step t holds the expected step t+1"
    return None


def scaled(actual: torch.Tensor, expected: torch.Tensor, sizes: dict, rtol: float = 1e-5, atol: float = 1e-8):
    """'off by a factor B = 3' when ``actual`` is ``expected`` times or
    divided by one of ``sizes`` (name -> int, e.g. {"B": 3, "T": 5}, their
    product included); None otherwise. Without sizes, a non-scalar result
    off by a whole factor (2 to 1000) is named by that factor."""
    if actual.shape != expected.shape or not expected.abs().sum():
        return None
    factors = dict(sizes)
    if len(sizes) >= 2:
        factors[" ".join(sizes)] = int(torch.tensor(list(sizes.values())).prod())
    if not factors and expected.numel() > 1:
        ratio = float((actual.double() * expected.double()).sum() / (expected.double() ** 2).sum())
        whole = round(ratio) if abs(ratio) >= 1 else (round(1 / ratio) if ratio else 0)
        if 2 <= abs(whole) <= 1000:
            factors[str(abs(whole))] = abs(whole)
    for name, size in factors.items():
        if size < 2:
            continue
        label = str(size) if name == str(size) else f"{name} = {size}"
        if _close(actual, expected * size, rtol, atol):
            return f"is off by a factor {label}: summed where the convention takes the mean?"
        if _close(actual, expected / size, rtol, atol):
            return f"is off by a factor 1/{label}: averaged where the convention sums?"
    return None


def symptom(actual: torch.Tensor, expected: torch.Tensor, time_dim=None, sizes=None,
            rtol: float = 1e-5, atol: float = 1e-8):
    """The first symptom ``actual`` shows against ``expected``: shifted along
    ``time_dim`` (when given), or off by a factor (see :func:`scaled`)."""
    if time_dim is not None:
        found = shifted_in_time(actual, expected, time_dim, rtol, atol)
        if found:
            return found
    return scaled(actual, expected, sizes or {}, rtol, atol)


def variants(named_inputs: dict) -> list:
    """[(what, inputs)] of the inputs a usual mistake effectively uses: each
    square weight matrix transposed ('W transposed'), each bias vector (a
    1-dimensional floating tensor) left out ('the bias b left out'). A result
    equal to the expected one computed from such inputs shows that mistake."""
    found = []
    for name, value in named_inputs.items():
        if not isinstance(value, torch.Tensor) or not value.is_floating_point():
            continue
        if value.dim() == 2 and value.shape[0] == value.shape[1] > 1:
            found.append((f"{name} transposed", {**named_inputs, name: value.T}))
        elif value.dim() == 1 and value.numel() > 1:
            found.append((f"the bias {name} left out", {**named_inputs, name: torch.zeros_like(value)}))
    return found


def no_gradient(name: str) -> str:
    """What a result that is right but carries no gradient says."""
    return (f"{name} has the right values but carries no gradient: keep the computation differentiable "
            "(no .detach(), torch.no_grad(), .item(), .data, numpy)")
