"""Framed messages between the grader and its sandboxed worker.

A frame is an 8-byte big-endian length followed by a ``torch.save`` payload.
Frames are read with ``torch.load(weights_only=True)``, so a hostile worker
cannot make the grader run code by unpickling, and a size cap stops it from
making the grader allocate without bound.
"""
import io
import os
import struct

HEADER = struct.Struct(">Q")
MAX_FRAME = 256 * 1024 * 1024


class WireError(Exception):
    """The other side closed the channel or sent something malformed."""


def encode(message) -> bytes:
    import torch  # here, not at import: the grader starts its sandbox before it imports torch

    buffer = io.BytesIO()
    torch.save(message, buffer)
    payload = buffer.getvalue()
    return HEADER.pack(len(payload)) + payload


def decode(payload: bytes):
    import torch

    try:
        return torch.load(io.BytesIO(payload), weights_only=True)
    except Exception as exc:  # anything malformed is the sender's fault
        raise WireError(f"undecodable message: {type(exc).__name__}") from None


def write_frame(fd: int, message) -> None:
    data = memoryview(encode(message))
    while data:
        written = os.write(fd, data)
        data = data[written:]


def read_exactly(fd: int, size: int) -> bytes:
    chunks = []
    while size:
        try:
            chunk = os.read(fd, min(size, 1 << 20))
        except ConnectionError:   # a socket whose other end died
            chunk = b""
        if not chunk:
            raise WireError("channel closed")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int, max_size: int = MAX_FRAME):
    (size,) = HEADER.unpack(read_exactly(fd, HEADER.size))
    if size > max_size:
        raise WireError(f"message of {size} bytes exceeds the limit of {max_size}")
    return decode(read_exactly(fd, size))
