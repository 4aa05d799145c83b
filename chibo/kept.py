"""What chibo keeps in memory between reruns, and one bounded store to keep it in.

A page reruns on every click while its data changes only on a write. `Database.memo` keeps read
answers per write (chibo.db); `derived` keeps what is made from a frame — a chart's spec, a table as
the browser receives it — by the content of the frame: identical content gives an identical result,
so what is kept there can never be stale."""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import pandas as pd

T = TypeVar("T")
SIZE = 128
BYTES = 32 * 1024 * 1024  # at most, roughly; the oldest go first


class Store:
    """A thread-safe least-recently-used store bounded by a count and by approximate bytes."""

    def __init__(self, size: int, budget: int):
        self.size, self.budget = size, budget
        self.held = 0  # approximate bytes of what is kept
        self._items: OrderedDict = OrderedDict()  # key -> (value, approximate bytes)
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: Any = None) -> Any:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return default
            self._items.move_to_end(key)
            return found[0]

    def put(self, key: Hashable, value: Any) -> None:
        size = approximate_bytes(value)
        with self._lock:
            old = self._items.pop(key, None)
            self.held += size - (old[1] if old else 0)
            self._items[key] = (value, size)
            while len(self._items) > self.size or self.held > self.budget:
                self.held -= self._items.popitem(last=False)[1][1]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.held = 0

    def keys(self) -> list:
        with self._lock:
            return list(self._items)

    def sizes(self) -> list[int]:
        with self._lock:
            return [size for _, size in self._items.values()]

    def __len__(self) -> int:
        return len(self._items)


def approximate_bytes(value: Any) -> int:
    """Roughly what a kept value holds: frames and Arrow tables know their size; the rest is estimated."""
    if isinstance(value, pd.DataFrame):
        return int(value.memory_usage(index=False).sum()) + 1000
    if hasattr(value, "nbytes"):
        return int(value.nbytes) + 1000
    if isinstance(value, (str, bytes)):
        return len(value) + 100
    if isinstance(value, dict):
        return 1000 + sum(approximate_bytes(v) for v in value.values())
    if isinstance(value, tuple):
        return 100 + sum(approximate_bytes(v) for v in value)
    if isinstance(value, list):
        return 1000 + 100 * len(value)  # rows of a read: not worth visiting one by one
    return 100


_DERIVED = Store(SIZE, BYTES)


def derived(kind: str, frame: pd.DataFrame, args: tuple, build: Callable[[], T]) -> T:
    """`build()`'s result for this kind, arguments and frame content; built again only when they change.
    The result is shared: callers must treat it as read-only."""
    try:
        key = (kind, args, fingerprint(frame))
        hash(key)
    except (TypeError, pickle.PicklingError, AttributeError):  # unhashable arguments or content: no keeping
        return build()
    missing = object()
    value = _DERIVED.get(key, missing)
    if value is missing:
        value = build()
        _DERIVED.put(key, value)
    return value


def fingerprint(frame: pd.DataFrame) -> bytes:
    """A digest of the frame's pickle: equal digests mean equal content (equal content may still give
    another digest, which only costs a rebuild). About 40 µs for a page's frame."""
    return hashlib.blake2b(pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL), digest_size=20).digest()
