"""User-facing key paths: options by id, items by 1-based position and name (``options.rent.items[2] (Rack rental)``)."""

from __future__ import annotations

import difflib
import re
from typing import Any

from costmodel.scenario.model import ID_PATTERN


def _get(data: Any, key: Any) -> Any:
    try:
        return data[key]
    except (KeyError, IndexError, TypeError):
        return None


def _option_label(data: Any, index: int) -> str:
    opt = _get(_get(data, "options"), index)
    oid = _get(opt, "id")
    if isinstance(oid, str) and re.match(ID_PATTERN, oid):
        return f"options.{oid}"
    return f"options[{index + 1}]"


def _item_label(data: Any, opt_index: int, item_index: int) -> str:
    item = _get(_get(_get(_get(data, "options"), opt_index), "items"), item_index)
    name = _get(item, "name")
    suffix = f" ({name})" if isinstance(name, str) and name else ""
    return f"items[{item_index + 1}]{suffix}"


def _item_path(data: Any, oi: int, ii: int) -> str:
    return f"{_option_label(data, oi)}.{_item_label(data, oi, ii)}"


def _unknown(kind: str, name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f"unknown {kind} {name!r} (did you mean {close[0]!r}?)"
    listing = ", ".join(repr(k) for k in known) if known else "none defined"
    return f"unknown {kind} {name!r} (known: {listing})"
