"""The local store: account files in a directory, atomic writes, a lock, revisions by content."""
from __future__ import annotations

import fcntl
import hashlib
import multiprocessing
import os
import threading
import time

import pytest

from influence_graph.model import StaleWriteError, StoreError, dump_account, load_account, parse_account
from influence_graph.stores import open_store
from influence_graph.stores.local import LOCK_FILE, LocalStore
from influence_graph.stores.neo4j_store import Neo4jStore
from _store_accounts import rich_account, small_account


def test_each_account_is_a_plain_account_file(tmp_path):
    store = LocalStore(tmp_path)
    account = rich_account()
    revision = store.save(account)
    path = tmp_path / "huaxin-auto.yaml"
    assert load_account(path) == account
    assert path.read_text(encoding="utf-8") == dump_account(account)
    assert revision == hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    assert sorted(p.name for p in tmp_path.iterdir()) == [LOCK_FILE, "huaxin-auto.yaml"]  # no temp files left


def test_a_hand_edit_is_a_new_revision(tmp_path):
    store = LocalStore(tmp_path)
    store.save(small_account("acme"))
    mine = store.load("acme")
    path = tmp_path / "acme.yaml"
    path.write_text(path.read_text() + "# edited by hand\n")
    with pytest.raises(StaleWriteError):
        store.save(mine)
    assert path.read_text().endswith("# edited by hand\n")


def test_an_existing_json_or_yml_account_keeps_its_format(tmp_path):
    (tmp_path / "acme.json").write_text(dump_account(small_account("acme"), "json"))
    store = LocalStore(tmp_path)
    account = store.load("acme")
    account.account.notes = "saved back"
    store.save(account)
    assert sorted(p.name for p in tmp_path.glob("acme.*")) == ["acme.json"]
    assert load_account(tmp_path / "acme.json").account.notes == "saved back"


def test_unrelated_files_are_ignored(tmp_path):
    store = LocalStore(tmp_path)
    store.save(small_account("acme", name="Acme"))
    (tmp_path / "README.txt").write_text("not an account")
    (tmp_path / "notes.yaml").write_text("- just\n- a list\n")
    (tmp_path / "broken.yaml").write_bytes(b"\xff\xfe not utf-8")
    (tmp_path / "Bad Name.yaml").write_text(dump_account(small_account("bad")))
    (tmp_path / "other.yaml").write_text(dump_account(small_account("not-other")))
    (tmp_path / "subdir.yaml").mkdir()
    assert [(s.id, s.name) for s in store.list()] == [("acme", "Acme")]


def test_a_store_that_does_not_exist_yet_is_empty_until_the_first_save(tmp_path):
    store = LocalStore(tmp_path / "new" / "accounts")
    assert store.list() == []
    assert not (tmp_path / "new").exists()
    store.save(small_account("acme"))
    assert [s.id for s in store.list()] == ["acme"]


def test_a_path_that_cannot_hold_a_store_is_one_clear_error(tmp_path):
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    with pytest.raises(StoreError, match=r"^.*file.txt is a file, not a store directory$"):
        LocalStore(a_file)
    store = LocalStore(a_file / "accounts")
    with pytest.raises(StoreError, match=r"^cannot write to the store directory .*accounts \(Not a directory\)$"):
        store.save(small_account("acme"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to any directory")
def test_a_read_only_directory_is_one_clear_error(tmp_path):
    store = LocalStore(tmp_path)
    store.save(small_account("acme"))
    account = store.load("acme")
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(StoreError, match="cannot write"):
            store.save(account)
        assert store.load("acme") == account  # reading still works
    finally:
        tmp_path.chmod(0o700)


def test_a_save_waits_for_the_lock(tmp_path):
    store = LocalStore(tmp_path)
    store.save(small_account("acme"))
    account = store.load("acme")
    account.account.notes = "after the lock"
    with open(tmp_path / LOCK_FILE, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        saver = threading.Thread(target=store.save, args=(account,))
        saver.start()
        time.sleep(0.3)
        assert saver.is_alive(), "save went ahead while another process held the lock"
        assert store._read("acme")[0].account.notes is None
        fcntl.flock(held, fcntl.LOCK_UN)
    saver.join(5)
    assert not saver.is_alive()
    assert store.load("acme").account.notes == "after the lock"


def _save_after_barrier(directory, barrier, name, results):
    store = LocalStore(directory)
    account = store.load("acme")
    account.account.name = name
    barrier.wait()
    try:
        store.save(account)
        results.put(("saved", name))
    except StaleWriteError:
        results.put(("stale", name))


def test_concurrent_saves_of_one_revision_let_exactly_one_win(tmp_path):
    LocalStore(tmp_path).save(small_account("acme"))
    ctx = multiprocessing.get_context("fork")
    processes, barrier, results = 6, ctx.Barrier(6), ctx.Queue()
    workers = [ctx.Process(target=_save_after_barrier, args=(tmp_path, barrier, f"writer {i}", results))
               for i in range(processes)]
    for w in workers:
        w.start()
    outcomes = [results.get(timeout=30) for _ in workers]
    for w in workers:
        w.join(10)
    winners = [name for kind, name in outcomes if kind == "saved"]
    assert len(winners) == 1 and len(outcomes) == processes
    assert LocalStore(tmp_path).load("acme").name == winners[0]


def _add_touches(directory, worker, count):
    store = LocalStore(directory)
    for i in range(count):
        while True:  # load, change, save; on a stale write load again, as a careful user would
            account = store.load("acme")
            data = account.to_data()
            data.setdefault("touches", []).append({"date": "2026-01-01", "summary": f"{worker}-{i}"})
            fresh = parse_account(data)
            fresh._stored_revision = account._stored_revision
            try:
                store.save(fresh)
                break
            except StaleWriteError:
                continue


def test_concurrent_writers_never_lose_an_update(tmp_path):
    LocalStore(tmp_path).save(small_account("acme"))
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_add_touches, args=(tmp_path, w, 15)) for w in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    summaries = sorted(t.summary for t in LocalStore(tmp_path).load("acme").touches)
    assert summaries == sorted(f"{w}-{i}" for w in range(4) for i in range(15))


def test_open_store_picks_the_store(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("INFLUENCE_GRAPH_STORE", raising=False)
    assert open_store().location == str(tmp_path / "accounts")
    monkeypatch.setenv("INFLUENCE_GRAPH_STORE", str(tmp_path / "team"))
    assert open_store().location == str(tmp_path / "team")
    assert isinstance(open_store(tmp_path / "x"), LocalStore)
    monkeypatch.setenv("NEO4J_USERNAME", "alice")
    monkeypatch.setenv("NEO4J_DATABASE", "sales")
    for url in ("neo4j://localhost:7687", "neo4j+s://x.databases.neo4j.io", "bolt://db:7687"):
        store = open_store(url)  # the driver connects lazily: no server needed to open
        assert isinstance(store, Neo4jStore) and (store.uri, store.username, store.database) == (url, "alice", "sales")
        store.close()
