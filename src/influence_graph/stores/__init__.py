"""Stores: where accounts live (a local directory by default, or Neo4j)."""
from __future__ import annotations

import os
from pathlib import Path

from ..model import Account, load_account

ACCOUNT_SUFFIXES = (".yaml", ".yml", ".json")
DEFAULT_STORE = "./accounts"
STORE_ENV = "INFLUENCE_GRAPH_STORE"


def looks_like_file(source: str) -> bool:
    """True when SOURCE names a file rather than an account id in a store."""
    return source.lower().endswith(ACCOUNT_SUFFIXES) or os.sep in source or Path(source).is_file()


def load_source(source: str, store: str | None = None) -> Account:
    """Load SOURCE: an account file path, or an account id in the configured store."""
    if looks_like_file(source):
        return load_account(source)
    from .. import stores as _self  # open_store arrives with the stores issue

    return _self.open_store(store).load(source)  # type: ignore[attr-defined]
