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
_KEPT: OrderedDict = OrderedDict()
_LOCK = threading.Lock()


def derived(kind: str, frame: pd.DataFrame, args: tuple, build: Callable[[], T]) -> T:
    """`build()`'s result for this kind, arguments and frame content; built again only when they change.
    The result is shared: callers must treat it as read-only."""
    try:
        key = (kind, args, fingerprint(frame))
        hash(key)
    except (TypeError, pickle.PicklingError, AttributeError):  # unhashable arguments or content: no keeping
        return build()
    with _LOCK:
        found = _KEPT.get(key)
        if found is not None:
            _KEPT.move_to_end(key)
            return found
    value = build()
    with _LOCK:
        _KEPT[key] = value
        while len(_KEPT) > SIZE:
            _KEPT.popitem(last=False)
    return value


def fingerprint(frame: pd.DataFrame) -> bytes:
    """A digest of the frame's pickle: equal digests mean equal content (equal content may still give
    another digest, which only costs a rebuild). About 40 µs for a page's frame."""
    return hashlib.blake2b(pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL), digest_size=20).digest()
