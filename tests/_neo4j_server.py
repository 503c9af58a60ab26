"""The real Neo4j 5 the suite runs against: one server per test run, started by scripts/neo4j-dev.

Who starts it and who ends it are two different processes, so that ``pytest -n 2`` runs one
JVM, not one per worker, and only when a test needs it:

- The process that runs the session (the xdist controller, or the only pytest process) *owns*
  the run: at configure time it makes a folder holding a FIFO and keeps the FIFO's write end
  open (:class:`RunOwner`); workers find the folder through ``$IG_TEST_NEO4J_RUN``.
- The first test that needs Neo4j, in whichever process, starts ``scripts/neo4j-dev
  --exit-on-eof`` under a file lock with the FIFO as its standard input, waits for the three
  ``export`` lines and records them; every other test reads them (:func:`shared_server`).
- When the session ends, or its owner dies however it dies, the FIFO's last writer closes:
  the server reads end of file, shuts down and deletes its temporary data. A test run cannot
  leave a server behind.

``NEO4J_URI`` (with ``NEO4J_USERNAME`` / ``NEO4J_PASSWORD``) in the environment points the
suite at another server instead (:func:`external_server`).
"""
from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAUNCHER = ROOT / "scripts" / "neo4j-dev"
PROJECT = ROOT / "tests" / "neo4j_server"
RUN_ENV = "IG_TEST_NEO4J_RUN"
START_TIMEOUT = 600  # seconds: a first build downloads Neo4j's jars into ~/.m2
STOP_TIMEOUT = 20


@dataclass(frozen=True)
class Server:
    """Where a Neo4j server answers, and how to log in."""

    uri: str
    username: str
    password: str | None
    pid: int | None = None  # only for a server this test run started

    @property
    def env(self) -> dict[str, str]:
        """The variables Neo4j's tools (and ours) read."""
        env = {"NEO4J_URI": self.uri, "NEO4J_USERNAME": self.username}
        if self.password is not None:
            env["NEO4J_PASSWORD"] = self.password
        return env


def external_server() -> Server | None:
    """The server named by ``NEO4J_URI`` in the environment, if any."""
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        return None
    return Server(uri, os.environ.get("NEO4J_USERNAME") or "neo4j", os.environ.get("NEO4J_PASSWORD"))


def missing_tools() -> str | None:
    """Why this machine cannot start the suite's Neo4j, or None if it can."""
    if shutil.which("java") is None:
        return ("Java 17 is not installed: the Neo4j tests start a real Neo4j 5 with scripts/neo4j-dev "
                "(needs Java 17 and Maven), or set NEO4J_URI to use another server")
    built = (PROJECT / "target" / "neo4j-test-server-1.jar").is_file()
    if not built and shutil.which("mvn") is None:
        return ("Maven is not installed: it builds the Neo4j 5 server the Neo4j tests run against "
                "(tests/neo4j_server, started by scripts/neo4j-dev), or set NEO4J_URI to use another server")
    return None


class RunOwner:
    """The owning side of one test run's server: the folder, and the FIFO's write end."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="ig-test-neo4j-"))
        fifo = self.folder / "lifeline"
        os.mkfifo(fifo, 0o600)
        # Read-write so that opening does not wait for a reader; the server is the reader.
        self._fd = os.open(fifo, os.O_RDWR)

    def close(self) -> None:
        """Let the server go (if one was started), wait for it to exit, remove the folder."""
        os.close(self._fd)
        server = _recorded(self.folder)
        if server is not None and server.pid is not None:
            deadline = time.monotonic() + STOP_TIMEOUT
            while _alive(server.pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            if _alive(server.pid):
                os.kill(server.pid, signal.SIGKILL)
        shutil.rmtree(self.folder, ignore_errors=True)


def shared_server(folder: Path) -> Server:
    """This test run's server: started now if no process of the run has started it yet."""
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        failed = folder / "failed"
        if failed.exists():
            raise RuntimeError(failed.read_text(encoding="utf-8"))
        server = _recorded(folder)
        if server is None:
            try:
                server = _start(folder)
            except RuntimeError as exc:
                failed.write_text(str(exc), encoding="utf-8")
                raise
        return server


def _start(folder: Path) -> Server:
    out, err = folder / "server.out", folder / "server.err"
    lifeline = os.open(folder / "lifeline", os.O_RDONLY)
    try:
        with open(out, "wb") as stdout, open(err, "wb") as stderr:
            # Its own session: Ctrl-C in the terminal stops the tests, and the end of the
            # run (the lifeline) stops the server.
            process = subprocess.Popen([str(LAUNCHER), "--exit-on-eof"], stdin=lifeline, stdout=stdout,
                                       stderr=stderr, start_new_session=True, cwd=ROOT)
    finally:
        os.close(lifeline)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        exports = _exports(out.read_text(encoding="utf-8"))
        if exports is not None:
            server = Server(*exports, pid=process.pid)
            (folder / "server.env").write_text(
                "".join(f"export {k}={v}\n" for k, v in {**server.env, "NEO4J_PID": str(process.pid)}.items()),
                encoding="utf-8")
            return server
        if process.poll() is not None:
            raise RuntimeError(f"scripts/neo4j-dev exited with status {process.returncode}: "
                               f"{err.read_text(encoding='utf-8', errors='replace')[-2000:]}")
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"scripts/neo4j-dev printed no address within {START_TIMEOUT} s")


def _exports(text: str) -> tuple[str, str, str] | None:
    """(uri, username, password) once the launcher has printed all three export lines."""
    values = dict(line[len("export "):].split("=", 1) for line in text.splitlines()
                  if line.startswith("export ") and "=" in line)
    if {"NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD"} <= values.keys():
        return values["NEO4J_URI"], values["NEO4J_USERNAME"], values["NEO4J_PASSWORD"]
    return None


def _recorded(folder: Path) -> Server | None:
    try:
        text = (folder / "server.env").read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    exports = _exports(text)
    pid = next((int(line.split("=", 1)[1]) for line in text.splitlines() if line.startswith("export NEO4J_PID=")), None)
    return Server(*exports, pid=pid) if exports else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A child that exited but was not reaped yet is a zombie: gone for our purpose.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return True
