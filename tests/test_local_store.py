"""The local store: account files in a directory, atomic writes, a lock, revisions by content."""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from filelock import FileLock

from influence_graph.model import StanceLabel, StaleWriteError, StoreError, dump_account, load_account, parse_account
from influence_graph.stores import open_store
from influence_graph.stores.local import HISTORY_DIR, LOCK_FILE, LocalStore
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
    assert sorted(p.name for p in tmp_path.iterdir()) == [HISTORY_DIR, LOCK_FILE, "huaxin-auto.yaml"]  # no temp files left
    assert [p.name for p in (tmp_path / HISTORY_DIR / "huaxin-auto").iterdir()] == ["000001.jsonl"]


def _record(path):
    """A revision record: its metadata line and its account line."""
    meta, payload, *rest = path.read_text(encoding="utf-8").splitlines()
    assert rest == []
    return json.loads(meta), json.loads(payload)


def test_each_revision_is_a_record_beside_the_file_holding_its_exact_text(tmp_path, monkeypatch):
    monkeypatch.setenv("INFLUENCE_GRAPH_USER", "alice")
    store = LocalStore(tmp_path)
    account = small_account("acme")
    store.save(account)
    account.people[0].stance = StanceLabel.supporter
    second = store.save(account)
    records = sorted((tmp_path / HISTORY_DIR / "acme").iterdir())
    assert [p.name for p in records] == ["000001.jsonl", "000002.jsonl"]
    meta, payload = _record(records[1])
    assert (meta["number"], meta["revision"], meta["by"], meta["file"]) == (2, second, "alice", "acme.yaml")
    assert meta["summary"] == "Person 0: stance unknown → supporter"
    assert dump_account(parse_account(payload["account"])) == (tmp_path / "acme.yaml").read_text(encoding="utf-8")
    assert hashlib.sha256(dump_account(parse_account(payload["account"])).encode()).hexdigest()[:12] == second


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_revision_records_are_no_more_readable_than_the_account_file(tmp_path):
    store = LocalStore(tmp_path)
    account = small_account("acme")
    store.save(account)
    (tmp_path / "acme.yaml").chmod(0o600)
    account.account.notes = "private"
    store.save(account)
    assert (tmp_path / HISTORY_DIR / "acme" / "000002.jsonl").stat().st_mode & 0o777 == 0o600


def test_a_hand_edit_is_listed_and_kept_as_its_own_revision(tmp_path, monkeypatch):
    monkeypatch.setenv("INFLUENCE_GRAPH_USER", "alice")
    store = LocalStore(tmp_path)
    store.save(small_account("acme"))
    path = tmp_path / "acme.yaml"
    edited = path.read_text(encoding="utf-8").replace("Person 1", "Person One") + "# typed by hand\n"
    path.write_text(edited, encoding="utf-8")
    listed = store.history("acme")
    assert [(r.number, r.by) for r in listed] == [(1, "alice"), (2, None)]
    assert listed[1].summary == "edited outside influence-graph: Person One: name Person 1 → Person One"
    assert listed[1].revision == hashlib.sha256(edited.encode()).hexdigest()[:12]

    account = store.load("acme")
    account.account.notes = "saved through ig"
    store.save(account)
    assert [(r.number, r.by) for r in store.history("acme")] == [(1, "alice"), (2, None), (3, "alice")]
    assert store.load("acme@2").person("p1").name == "Person One"  # the hand edit, kept word for word
    assert _record(tmp_path / HISTORY_DIR / "acme" / "000002.jsonl")[1] == {"content": edited}


def test_a_file_stored_before_revisions_were_kept_is_revision_1(tmp_path):
    (tmp_path / "acme.yaml").write_text(dump_account(small_account("acme")), encoding="utf-8")
    store = LocalStore(tmp_path)
    (first,) = store.history("acme")
    assert (first.number, first.by, first.summary) == (
        1, None, "edited outside influence-graph or stored before revisions were kept")
    account = store.load("acme")
    account.account.notes = "now with history"
    store.save(account)
    assert [r.number for r in store.history("acme")] == [1, 2]
    assert store.load("acme@1").account.notes is None


def _leave_pending(tmp_path, account, number, replace_file):
    """What a save killed between its two steps leaves: a pending record, maybe the new file."""
    text = dump_account(account)
    meta = {"number": number, "revision": hashlib.sha256(text.encode()).hexdigest()[:12],
            "saved_at": "2026-11-20T09:00:00Z", "by": "killed", "summary": "killed save", "file": "acme.yaml"}
    (tmp_path / HISTORY_DIR / "acme" / f"{number:06d}.jsonl.pending").write_text(
        json.dumps(meta) + "\n" + json.dumps({"account": account.to_data()}) + "\n", encoding="utf-8")
    if replace_file:
        (tmp_path / "acme.yaml").write_text(text, encoding="utf-8")


def test_a_save_killed_before_its_commit_point_never_happened(tmp_path):
    store = LocalStore(tmp_path)
    store.save(small_account("acme"))
    _leave_pending(tmp_path, small_account("acme", name="Never saved"), 2, replace_file=False)
    (tmp_path / ".acme.yaml.k1ll3d.tmp").write_text("half a file")
    (tmp_path / HISTORY_DIR / "acme" / ".000002.jsonl.pending.x9.tmp").write_text("half a record")
    (tmp_path / ".other.yaml.busy.tmp").write_text("another account's save")
    assert [r.number for r in store.history("acme")] == [1]
    account = store.load("acme")
    account.account.notes = "next save"
    store.save(account)
    assert [(r.number, r.summary) for r in store.history("acme")] == [
        (1, "created with 2 people"), (2, "Account: notes changed")]
    assert sorted(p.name for p in (tmp_path / HISTORY_DIR / "acme").iterdir()) == ["000001.jsonl", "000002.jsonl"]
    assert not (tmp_path / ".acme.yaml.k1ll3d.tmp").exists()
    assert (tmp_path / ".other.yaml.busy.tmp").exists()  # only the saved account's leftovers go


def test_a_save_killed_after_its_commit_point_is_completed(tmp_path):
    store = LocalStore(tmp_path)
    store.save(small_account("acme"))
    _leave_pending(tmp_path, small_account("acme", name="Saved"), 2, replace_file=True)
    assert [(r.number, r.by) for r in store.history("acme")] == [(1, store.history("acme")[0].by), (2, "killed")]
    account = store.load("acme")
    account.account.notes = "next save"
    store.save(account)
    assert [r.by for r in store.history("acme")][1:] == ["killed", store.history("acme")[0].by]
    assert store.load("acme@2").name == "Saved"
    assert sorted(p.name for p in (tmp_path / HISTORY_DIR / "acme").iterdir()) == [
        "000001.jsonl", "000002.jsonl", "000003.jsonl"]


def test_the_default_store_imports_without_fcntl():
    """Windows has no fcntl: the local store must import (and lock) without it."""
    code = ("import sys; sys.modules['fcntl'] = None\n"
            "import tempfile, influence_graph.stores.local as local\n"
            "s = local.LocalStore(tempfile.mkdtemp())\n"
            "from influence_graph.model import parse_account\n"
            "s.save(parse_account({'account': {'id': 'a', 'name': 'A'}})); print(s.list()[0].id)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")})
    assert (done.returncode, done.stdout) == (0, "a\n"), done.stderr
    assert "import fcntl" not in (Path(__file__).parents[1] / "src/influence_graph/stores/local.py").read_text()


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


def test_files_that_cannot_be_accounts_are_reported_not_hidden(tmp_path):
    store = LocalStore(tmp_path)
    store.save(small_account("acme", name="Acme"))
    (tmp_path / "README.txt").write_text("not an account")  # not an account file name: ignored
    (tmp_path / "subdir.yaml").mkdir()  # not a file: ignored
    (tmp_path / "notes.yaml").write_text("- just\n- a list\n")
    (tmp_path / "broken.yaml").write_bytes(b"\xff\xfe not utf-8")
    (tmp_path / "Bad Name.yaml").write_text(dump_account(small_account("bad")))
    (tmp_path / "other.yaml").write_text(dump_account(small_account("not-other")))
    listed = store.list()
    assert [(s.id, s.name) for s in listed if s.problem is None] == [("acme", "Acme")]
    assert [s.problem for s in listed if s.problem is not None] == [
        "Bad Name.yaml: 'Bad Name' is not an account id (lowercase letters, digits, '-' and '_'); rename the file",
        "broken.yaml: not UTF-8 text (byte 0xff at offset 0); save the file as UTF-8",
        "notes.yaml: expected a mapping with 'format', 'account', 'people', …; the file is a list",
        "other.yaml: holds account 'not-other', not 'other'; rename the file or fix account.id",
    ]


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
    held = FileLock(tmp_path / LOCK_FILE)  # another holder of the lock, as another process would be
    held.acquire()
    saver = threading.Thread(target=store.save, args=(account,))
    saver.start()
    time.sleep(0.3)
    assert saver.is_alive(), "save went ahead while another process held the lock"
    assert store._read("acme")[0].account.notes is None
    held.release()
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
    history = LocalStore(tmp_path).history("acme")
    assert [r.number for r in history] == list(range(1, 62))  # every save a revision, none lost or doubled
    assert all(r.summary.startswith("New touch on 2026-01-01") for r in history[1:]), history


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
