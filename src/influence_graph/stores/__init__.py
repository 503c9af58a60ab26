"""Stores: where accounts live (a local directory by default, or Neo4j).

:func:`open_store` picks the store from a directory or a URL; both stores
implement :class:`~influence_graph.stores.base.Store` (save, load, list, delete,
query, push, pull) and refuse a stale overwrite.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Account, StoreError, load_account

if TYPE_CHECKING:
    from .base import Store

ACCOUNT_SUFFIXES = (".yaml", ".yml", ".json")
DEFAULT_STORE = "./accounts"
STORE_ENV = "INFLUENCE_GRAPH_STORE"
NEO4J_SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")


def looks_like_file(source: str) -> bool:
    """True when SOURCE names a file rather than an account id in a store."""
    if source.lower().endswith(ACCOUNT_SUFFIXES) or os.sep in source:
        return True
    try:
        return Path(source).is_file()
    except OSError:  # e.g. a name too long for the file system: no such file, so an id
        return False


def is_neo4j_url(location: str) -> bool:
    """True for ``neo4j://…``, ``neo4j+s://…``, ``bolt://…`` and the like."""
    scheme, sep, _ = location.partition("://")
    return bool(sep) and scheme.lower() in NEO4J_SCHEMES


def open_store(url_or_dir: str | os.PathLike[str] | None = None) -> Store:
    """The store at ``url_or_dir``: a Neo4j URL, or a directory for the local store.

    ``None`` means ``$INFLUENCE_GRAPH_STORE``, else ``./accounts``. For Neo4j the
    credentials come from ``NEO4J_USERNAME`` / ``NEO4J_PASSWORD`` and the database
    from ``NEO4J_DATABASE``, as Neo4j's own tools read them.

    >>> import tempfile
    >>> open_store(tempfile.mkdtemp()).list()
    []
    """
    location = str(url_or_dir if url_or_dir is not None else os.environ.get(STORE_ENV) or DEFAULT_STORE)
    if "://" in location and not is_neo4j_url(location):
        # Not a directory either: `http://host` would quietly become the folder ./http:/host.
        raise StoreError(
            f"{location} is not a store: use a directory, or a Neo4j URL "
            f"({', '.join(s + '://' for s in NEO4J_SCHEMES)})"
        )
    if is_neo4j_url(location):
        from .neo4j_store import Neo4jStore

        return Neo4jStore(
            location,
            username=os.environ.get("NEO4J_USERNAME"),
            password=os.environ.get("NEO4J_PASSWORD"),
            database=os.environ.get("NEO4J_DATABASE"),
        )
    from .local import LocalStore

    return LocalStore(location)


def load_source(source: str, store: str | None = None) -> Account:
    """Load SOURCE: an account file path, or an account id in the configured store
    (``acme@3`` for revision 3, ``acme@-1`` for the one before the latest)."""
    if looks_like_file(source):
        return load_account(source)
    with open_store(store) as opened:
        return opened.load(source)


def earlier_version(source: str, account: Account, since: str | None = None,
                    store: str | None = None) -> tuple[Account, str] | None:
    """What to compare ``account`` (loaded from SOURCE) with "since the last review",
    and how to name it; None when there is nothing earlier.

    ``since`` is a revision of the account in the store (a number, -1 …, an id) or
    any SOURCE (a file, ``acme@3``). Without it, a SOURCE in the store is compared
    with the revision before the one loaded; a file with nothing.
    """
    from .base import pick_revision, split_revision

    if since is not None and (looks_like_file(since) or "@" in since):
        return load_source(since, store), since
    from_store = not looks_like_file(source)
    if since is None and not from_store:
        return None
    with open_store(store) as opened:
        history = opened.history(account.id)
        if since is not None:
            chosen = pick_revision(history, since, account.id, opened.location)
        else:
            loaded = pick_revision(history, split_revision(source)[1] or str(len(history)), account.id, opened.location)
            if loaded.number == 1:
                return None
            chosen = history[loaded.number - 2]
        by = f", by {chosen.by}" if chosen.by else ""
        return opened.load(account.id, revision=chosen.revision), f"revision {chosen.number} ({chosen.saved_at[:10]}{by})"
