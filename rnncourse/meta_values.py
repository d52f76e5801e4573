"""Run code on PyTorch's 'meta' device with the values it would have on the CPU.

The 'meta' device exists on every machine and, like a GPU, rejects a tensor
created on the CPU and mixed into a computation on its tensors, so a function
called on meta inputs shows whether the tensors it creates follow its inputs'
device. But meta tensors hold no values: correct code that reads one
(``.item()``, ``.tolist()``, ``float(t)``, a Python ``if`` on a tensor, a
boolean mask) stops there with an error that says nothing about devices
(:func:`lacks_values` recognises it).

Inside ``with values_on_meta():`` every meta tensor made in the block is
shadowed by a CPU tensor holding its values. Each operation runs on the meta
tensors first, as it would without the block (so every device check of the
meta kernels still applies), then again on the shadows, which keep the values
of its meta outputs. Where a meta tensor cannot answer (it is asked for a
value, or an operation has no meta kernel because its output's shape depends
on values) the shadows answer instead: ``.item()`` returns the shadow's value,
``.cpu()`` the shadow, ``t[t > 0]`` a meta tensor of the shadow's shape.

Shadows belong to storages, not to tensor objects: a view, an in-place
operation or a tensor saved for autograd's backward pass shares the storage
of its base, so it reads and writes the same shadow.

Only meta tensors made inside the block have shadows: move the inputs to
'meta' inside it.
"""
import contextlib

import torch
from torch.multiprocessing.reductions import StorageWeakRef
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten, tree_map

__all__ = ["lacks_values", "values_on_meta"]

META, CPU = torch.device("meta"), torch.device("cpu")

# What PyTorch says when code asks a meta tensor for a value it does not hold.
NO_VALUE_MESSAGES = (
    "cannot be called on meta tensors",            # .item(), float(t), bool(t)
    "Cannot copy out of meta tensor",              # .cpu(), .tolist()
    "no fake impl or Meta kernel registered",      # an operation without a meta kernel
    "a correct data-independent implementation does not exist",   # nonzero, boolean masks
)

aten = torch.ops.aten
# Operations that move values from one device to another: mixing devices is their job.
COPIES = (aten._to_copy, aten.copy_, aten._copy_from, aten._copy_from_and_resize)
# Functions that copy Python data straight onto a device, without an operation
# that a dispatch mode sees; indexing does it to the lists in an index.
FROM_DATA = (torch.tensor, torch.as_tensor, torch.asarray, torch.Tensor.new_tensor)
INDEXING = (torch.Tensor.__getitem__, torch.Tensor.__setitem__)


def lacks_values(message: str) -> bool:
    """Whether an error message says that a meta tensor was asked for a value."""
    return any(part in message for part in NO_VALUE_MESSAGES)


def _is_meta(value) -> bool:
    return isinstance(value, torch.Tensor) and value.is_meta


def _tensors(tree) -> list:
    return [leaf for leaf in tree_flatten(tree)[0] if isinstance(leaf, torch.Tensor)]


class _Shadows(TorchDispatchMode):
    """Runs every operation on the meta tensors, then on their shadows."""

    def __init__(self):
        super().__init__()
        self.storages = {}        # StorageWeakRef of a meta storage -> its CPU shadow storage
        self.limit = 256          # prune the shadows of freed storages beyond this many

    def shadow(self, meta: torch.Tensor) -> torch.Tensor:
        """The CPU tensor that holds the values of ``meta`` (a view of its storage's shadow)."""
        storage = self.storages.get(StorageWeakRef(meta.untyped_storage()))
        if storage is None:
            raise RuntimeError("a meta tensor made outside values_on_meta() holds no values")
        return torch.empty(0, dtype=meta.dtype).set_(storage, meta.storage_offset(), meta.shape, meta.stride())

    def remember(self, meta: torch.Tensor, values: torch.Tensor) -> None:
        """Give the storage of ``meta`` a shadow holding ``values``, unless it has one
        (``meta`` is then a view or an in-place result, whose shadow already changed)."""
        key = StorageWeakRef(meta.untyped_storage())
        if key in self.storages:
            return
        self.storages[key] = torch.empty(meta.untyped_storage().nbytes(), dtype=torch.uint8).untyped_storage()
        self.shadow(meta).copy_(values)
        if len(self.storages) > self.limit:
            self.storages = {key: storage for key, storage in self.storages.items() if not key.expired()}
            self.limit = max(256, 2 * len(self.storages))

    def on_cpu(self, tree):
        """``tree`` with every meta tensor replaced by its shadow and the meta device by the CPU."""
        def replace(value):
            if _is_meta(value):
                return self.shadow(value)
            return CPU if isinstance(value, torch.device) and value == META else value
        return tree_map(replace, tree)

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        try:
            output = func(*args, **kwargs)
        except RuntimeError as error:
            if not lacks_values(str(error)):
                raise
            return self.answer(func, args, kwargs)
        if any(t.is_meta for t in _tensors(output)):
            values = func(*self.on_cpu(args), **self.on_cpu(kwargs))
            for meta, value in zip(_tensors(output), _tensors(values)):
                if meta.is_meta:
                    self.remember(meta, value)
        return output

    def answer(self, func, args, kwargs):
        """The result of an operation that meta tensors cannot compute, from the shadows:
        Python values as they are, tensors on the device the operation puts them on."""
        _check_one_device(func, args, kwargs)
        cpu_args, cpu_kwargs = self.on_cpu(args), self.on_cpu(kwargs)
        values = func(*cpu_args, **cpu_kwargs)
        given = list(zip(_tensors((cpu_args, cpu_kwargs)), _tensors((args, kwargs))))
        device = kwargs.get("device") or META

        def back(value):
            if not isinstance(value, torch.Tensor):
                return value
            for shadow, original in given:
                if value is shadow:               # an in-place result: the argument itself
                    return original
            if device != META:                    # a copy to the CPU: the values themselves
                return value
            meta = torch.empty_strided(value.shape, value.stride(), dtype=value.dtype, device=META)
            self.remember(meta, value)
            return meta
        return tree_map(back, values)


def _check_one_device(func, args, kwargs) -> None:
    """Raise, as a GPU would, when an operation that is no copy mixes devices
    (a CPU scalar, 0-dim, mixes with any device)."""
    if func.overloadpacket in COPIES:
        return
    devices = {t.device.type for t in _tensors((args, kwargs)) if t.dim() > 0 or t.device != CPU}
    if len(devices) > 1:
        raise RuntimeError(f"Expected all tensors to be on the same device, but found at least two devices, "
                           f"{' and '.join(sorted(devices))}!")


class _PythonData(TorchFunctionMode):
    """Python data bound for the meta device (``torch.tensor(data, device=meta)``
    and its kin, the lists in ``t[[0, 2], 1]``) made a tensor on the CPU and
    then moved to meta, which the dispatch mode sees and shadows."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func in INDEXING and _is_meta(args[0]):
            return func(args[0], _lists_as_tensors(args[1], nested=False), *args[2:], **kwargs)
        if func not in FROM_DATA or _device(func, args, kwargs) != META:
            return func(*args, **kwargs)
        requires_grad = kwargs.pop("requires_grad", False)
        made = func(*args, **{**kwargs, "device": CPU}).to(META)
        return made.requires_grad_(requires_grad) if requires_grad else made


def _lists_as_tensors(index, nested: bool = True):
    """``index`` with the lists (or ranges) of integers that indexing makes
    tensors of made meta tensors: each part of a tuple index, or the index
    itself if flat (a nested list alone is read as a tuple, a deprecated form
    left as it is)."""
    if isinstance(index, tuple):
        return tuple(_lists_as_tensors(part) for part in index)
    if _integers(index, nested):
        return torch.tensor(index, dtype=None if len(index) else torch.long).to(META)
    return index


def _integers(value, nested: bool) -> bool:
    """Whether ``value`` is a list or range of Python ints or bools (or of such lists, if ``nested``)."""
    def integer(item):
        return isinstance(item, int) or nested and _integers(item, True)
    return isinstance(value, (list, range)) and all(integer(item) for item in value)


def _device(func, args, kwargs):
    """The device a FROM_DATA call puts its tensor on (new_tensor: its tensor's, by default)."""
    if kwargs.get("device") is not None:
        return torch.device(kwargs["device"])
    if func is torch.Tensor.new_tensor:
        return args[0].device
    return torch.get_default_device()


@contextlib.contextmanager
def values_on_meta():
    """Meta tensors made in this block hold values (see the module's docstring)."""
    with _Shadows(), _PythonData():
        yield
