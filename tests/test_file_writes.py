"""Every file the package writes goes through influence_graph._fs: on real files, the
mode is kept, only regular files are replaced, no folder is created, a failed
write changes nothing; and the one overwrite rule of the commands (--force), each
command through the real CLI.
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from influence_graph import _fs
from influence_graph.cli import cli
from influence_graph.model import FileWriteError, OutputExists, load_account
from influence_graph.stores import open_store

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "huaxin-auto.yaml"
CONTACTS = Path(__file__).resolve().parent / "data" / "crm" / "hubspot-contacts.csv"
AS_OF = "2026-11-20"
posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes, FIFOs and devices are POSIX")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


# --- the writer ---------------------------------------------------------------------------------


@posix_only
@pytest.mark.parametrize("kept", [0o600, 0o664])  # 0600: contact details; 0664: wider than the umask allows
def test_a_rewritten_file_keeps_its_mode(tmp_path, umask_022, kept):
    path = tmp_path / "acme.yaml"
    path.write_text("old\n", encoding="utf-8")
    path.chmod(kept)
    _fs.write_text(path, "new\n")
    assert (path.read_text(encoding="utf-8"), mode(path)) == ("new\n", kept)


@posix_only
def test_a_new_file_gets_0666_less_the_umask_without_touching_the_process_umask(tmp_path, monkeypatch):
    old = os.umask(0o027)
    try:
        def no_umask(mask):  # a call would flip the umask of every thread for a moment
            raise AssertionError("the process umask was changed")

        monkeypatch.setattr(os, "umask", no_umask)
        _fs.write_text(tmp_path / "plan.md", "# plan\n")
    finally:
        monkeypatch.undo()
        os.umask(old)
    assert mode(tmp_path / "plan.md") == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["plan.md"]


@posix_only
def test_the_local_store_keeps_a_0600_account_file_0600(tmp_path):
    store = open_store(tmp_path)
    account = load_account(EXAMPLE)
    store.save(account)
    stored = tmp_path / "huaxin-auto.yaml"
    stored.chmod(0o600)
    store.save(account)
    assert mode(stored) == 0o600


@posix_only
@pytest.mark.parametrize("kind, reason", [
    ("symlink", "it is a symbolic link; name the file it points to, or remove the link"),
    ("fifo", "it is a named pipe (FIFO), not a regular file"),
    ("folder", "it is a folder; name a file inside it"),
])
def test_only_a_regular_file_is_replaced(tmp_path, kind, reason):
    target = tmp_path / "out.md"
    pointed = tmp_path / "elsewhere.md"
    pointed.write_text("keep\n", encoding="utf-8")
    if kind == "symlink":
        target.symlink_to(pointed)
    elif kind == "fifo":
        os.mkfifo(target)
    else:
        target.mkdir()
    with pytest.raises(FileWriteError) as caught:
        _fs.write_text(target, "new\n")
    assert str(caught.value) == f"{target}: cannot write ({reason})"
    assert pointed.read_text(encoding="utf-8") == "keep\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere.md", "out.md"]  # no temp file left
    assert target.is_symlink() == (kind == "symlink") and target.is_fifo() == (kind == "fifo")


@posix_only
def test_a_device_is_not_replaced(tmp_path):
    with pytest.raises(FileWriteError, match=r"^/dev/null: cannot write \(it is a device, not a regular file\)$"):
        _fs.write_text("/dev/null", "x")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_no_folder_is_created(tmp_path):
    with pytest.raises(FileWriteError) as caught:
        _fs.write_text(tmp_path / "reprots" / "plan.md", "x")
    assert str(caught.value) == (f"{tmp_path / 'reprots' / 'plan.md'}: cannot write "
                                 f"(the folder {tmp_path / 'reprots'} does not exist; create it first)")
    with pytest.raises(FileWriteError, match=r"cannot write \(the name ends in a folder separator; name a file\)$"):
        _fs.write_text(f"{tmp_path}/newdir/", "x")
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(FileWriteError, match=r"cannot write \(a part of the folder path is a file\)$"):
        _fs.write_text(tmp_path / "file" / "plan.md", "x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch):
    path = tmp_path / "acme.yaml"
    path.write_text("old\n", encoding="utf-8")

    def disk_full(fd, data):
        os.write(fd, data[:3])  # part of it reached the temp file
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(_fs, "_write_all", disk_full)
    with pytest.raises(FileWriteError, match=r"acme.yaml: cannot write \(No space left on device\)$"):
        _fs.write_text(path, "new content\n")
    assert path.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["acme.yaml"]


def test_an_interrupted_write_leaves_no_temp_file(tmp_path, monkeypatch):
    def interrupted(fd, data):
        raise KeyboardInterrupt

    monkeypatch.setattr(_fs, "_write_all", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _fs.write_text(tmp_path / "plan.md", "x")
    assert list(tmp_path.iterdir()) == []


def test_the_temp_files_of_a_killed_write_are_found_by_name(tmp_path):
    target = tmp_path / "acme.yaml"
    leftover = tmp_path / ".acme.yaml.1a2b3c4d.tmp"  # what a write killed before its rename leaves
    leftover.write_text("half", encoding="utf-8")
    (tmp_path / ".other.yaml.1a2b3c4d.tmp").write_text("", encoding="utf-8")
    _fs.write_text(target, "whole\n")
    assert _fs.stale_temp_files(target) == [leftover]


@posix_only
def test_a_hard_linked_file_is_replaced_and_the_other_link_keeps_the_old_content(tmp_path):
    path, other = tmp_path / "acme.yaml", tmp_path / "backup.yaml"
    path.write_text("old\n", encoding="utf-8")
    os.link(path, other)
    _fs.write_text(path, "new\n")
    assert (path.read_text(encoding="utf-8"), other.read_text(encoding="utf-8")) == ("new\n", "old\n")
    assert path.stat().st_nlink == other.stat().st_nlink == 1


def test_no_clobber_holds_at_the_rename_too(tmp_path):
    # A file that appears between the check and the rename is not replaced either.
    target, temp = tmp_path / "plan.md", tmp_path / ".plan.md.0.tmp"
    temp.write_text("new\n", encoding="utf-8")
    target.write_text("theirs\n", encoding="utf-8")
    with pytest.raises(OutputExists):
        _fs._put_in_place(temp, target, replace=False)
    assert target.read_text(encoding="utf-8") == "theirs\n"


# --- the overwrite rule of the commands ---------------------------------------------------------

# Every command that writes a file: (arguments writing "out" in the current folder, the file).
WRITERS = {
    "init": (["init", "acme", "-o", "out.yaml"], "out.yaml"),
    "analyze -o": (["analyze", str(EXAMPLE), "--as-of", AS_OF, "--format", "json", "-o", "out.json"], "out.json"),
    "map -o": (["map", str(EXAMPLE), "--as-of", AS_OF, "-o", "out.html"], "out.html"),
    "report -o": (["report", str(EXAMPLE), "--as-of", AS_OF, "-o", "out.md"], "out.md"),
    "pull -o": (["pull", "huaxin-auto", "--store", "store", "-o", "out.yaml"], "out.yaml"),
    "demo": (["demo", "--out", "."], "analysis.json"),
    "import": (["import", str(CONTACTS), "--account", "Kestrel Aerospace", "-o", "out.yaml"], "out.yaml"),
    "export -o": (["export", str(EXAMPLE), "-o", "out.xlsx"], "out.xlsx"),
    "merge -o": (["merge", str(EXAMPLE), str(EXAMPLE), "-o", "out.yaml"], "out.yaml"),
}


@pytest.fixture
def in_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    open_store(tmp_path / "store").save(load_account(EXAMPLE))
    return tmp_path


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_every_command_refuses_an_existing_file_without_force(in_folder, name):
    args, written = WRITERS[name]
    (in_folder / written).write_text("mine\n", encoding="utf-8")
    before = sorted(p.name for p in in_folder.iterdir())
    result = CliRunner().invoke(cli, args)
    assert (result.exit_code, result.output) == (1, f"Error: {written} already exists; add --force to replace it\n")
    assert (in_folder / written).read_text(encoding="utf-8") == "mine\n"
    assert sorted(p.name for p in in_folder.iterdir()) == before  # nothing else written either


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_every_command_replaces_an_existing_file_with_force(in_folder, name):
    args, written = WRITERS[name]
    (in_folder / written).write_text("mine\n", encoding="utf-8")
    (in_folder / written).chmod(0o600)
    result = CliRunner().invoke(cli, [*args, "--force"])
    assert result.exit_code == 0, result.output
    assert (in_folder / written).read_bytes() != b"mine\n"
    if os.name == "posix":
        assert mode(in_folder / written) == 0o600


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_every_command_says_the_rule_in_its_help(name):
    command = WRITERS[name][0][0]
    help_text = " ".join(CliRunner().invoke(cli, [command, "--help"]).output.split())
    assert "--force Replace the output file if it exists." in help_text


@pytest.mark.parametrize("target, message", [
    ("missing/out.md", "missing/out.md: cannot write (the folder missing does not exist; create it first)"),
    ("newdir/", "newdir/: cannot write (the name ends in a folder separator; name a file)"),
])
def test_a_command_refuses_a_bad_output_path_before_any_work(in_folder, target, message):
    result = CliRunner().invoke(cli, ["analyze", str(EXAMPLE), "-o", target, "--force"])
    assert (result.exit_code, result.output) == (1, f"Error: {message}\n")
    assert not (in_folder / "missing").exists() and not (in_folder / "newdir").exists()


@posix_only
def test_a_command_does_not_replace_a_symlink_even_with_force(in_folder):
    (in_folder / "real.md").write_text("keep\n", encoding="utf-8")
    (in_folder / "link.md").symlink_to(in_folder / "real.md")
    result = CliRunner().invoke(cli, ["report", str(EXAMPLE), "-o", "link.md", "--force"])
    assert result.exit_code == 1
    assert result.output == ("Error: link.md: cannot write (it is a symbolic link; name the file it points to, "
                             "or remove the link)\n")
    assert (in_folder / "real.md").read_text(encoding="utf-8") == "keep\n" and (in_folder / "link.md").is_symlink()
