"""Things derived from a DataFrame — a chart's spec, a table as the browser receives it — kept by
the content of the frame. A page reruns on every click while its data changes only on a write;
identical content gives an identical result, so what is kept can never be stale."""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

import pandas as pd

T = TypeVar("T")
SIZE = 128
BYTES = 32 * 1024 * 1024  # at most, roughly; the oldest go first
_KEPT: OrderedDict = OrderedDict()  # key -> (value, approximate bytes)
_LOCK = threading.Lock()
_held = 0


def derived(kind: str, frame: pd.DataFrame, args: tuple, build: Callable[[], T]) -> T:
    """`build()`'s result for this kind, arguments and frame content; built again only when they change.
    The result is shared: callers must treat it as read-only."""
    try:
        key = (kind, args, fingerprint(frame))
        hash(key)
    except (TypeError, pickle.PicklingError, AttributeError):  # unhashable arguments or content: no keeping
        return build()
    global _held
    with _LOCK:
        found = _KEPT.get(key)
        if found is not None:
            _KEPT.move_to_end(key)
            return found[0]
    value = build()
    size = _approximate_bytes(value)
    with _LOCK:
        old = _KEPT.pop(key, None)
        _held += size - (old[1] if old else 0)
        _KEPT[key] = (value, size)
        while len(_KEPT) > SIZE or _held > BYTES:
            _held -= _KEPT.popitem(last=False)[1][1]
    return value


def _approximate_bytes(value) -> int:
    """Arrow tables know their size; a chart spec is its text and its datasets."""
    if hasattr(value, "nbytes"):
        return int(value.nbytes) + 1000
    if isinstance(value, tuple):
        return 1000 + sum(len(part) if isinstance(part, (str, bytes)) else
                          sum(len(v) for v in part.values()) if isinstance(part, dict) else 0 for part in value)
    return 1000


def fingerprint(frame: pd.DataFrame) -> bytes:
    """A digest of the frame's pickle: equal digests mean equal content (equal content may still give
    another digest, which only costs a rebuild). About 40 µs for a page's frame."""
    return hashlib.blake2b(pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL), digest_size=20).digest()
