"""Documents handed from a reading worker to the process that runs the rules (read/cache.py).

A worker is a process this run started, so what it sends is trusted as the executor's own
results (pickled too) are: its documents are pickled, not written as the cache's JSON values,
because rebuilding those costs this process half as much as reading the file did, and
unpickling a tenth. A private dispatch table keeps what the codec keeps shared: the positions
near the top of a file (`model.place`) and the one empty read-only mapping (`model.NO_ITEMS`);
a chunk is pickled as one, so the texts its documents share (field names, sources) arrive once
per chunk.
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from qmslint.model import NO_ITEMS, Document, Position, place


def _read_only(items: dict[Any, Any]) -> Mapping[Any, Any]:
    return MappingProxyType(items) if items else NO_ITEMS


_DISPATCH = {
    Position: lambda position: (place, (position.line, position.column)),
    MappingProxyType: lambda mapping: (_read_only, (dict(mapping),)),
}


def _dumps(value: Any) -> bytes:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _DISPATCH
    pickler.dump(value)
    return buffer.getvalue()


def pack(documents: Sequence[Document], encoded: str | None) -> bytes:
    """A worker's chunk: its documents (None for one holding what cannot be pickled, a
    plugin's value: this process reads that one itself) and the cache's JSON text of them."""
    try:
        return _dumps((list(documents), encoded))
    except Exception:  # one of them: find it, send the others
        return _dumps(([_or_none(document) for document in documents], encoded))


def _or_none(document: Document) -> Document | None:
    try:
        _dumps(document)
    except Exception:
        return None
    return document


def unpack(data: bytes) -> tuple[list[Document | None], str | None]:
    """What `pack` made; raises on anything else (the worker then counts as failed)."""
    documents, encoded = pickle.loads(data)
    if type(documents) is not list or not (encoded is None or type(encoded) is str):
        raise TypeError("not a worker's chunk")
    return documents, encoded
