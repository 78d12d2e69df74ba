"""A private, throw-away PostgreSQL cluster that can be frozen (SIGSTOP) and thawed.

Used by bench/faults.py (the ``freeze`` scenario) and tests/test_dbguard.py: freezing the
machine's shared server would hang everyone else's work, so the cluster is made with
``initdb`` in a temporary directory and listens on 127.0.0.1 only, on its own port.

A frozen PostgreSQL is the hard case: its kernel still accepts connections and acknowledges
every packet, so nothing on the client's side sees an error; only a client-side deadline
ends a call (advisor/plumbing/dbguard.py).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def binaries() -> Path | None:
    """The directory holding initdb, pg_ctl and postgres (Debian's layout, then PATH)."""
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if all(Path(candidate, tool).exists() for tool in ("initdb", "pg_ctl", "postgres")):
            return Path(candidate)
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).parent
    return None


def unavailable_reason() -> str | None:
    """Why a private cluster cannot be made here (None: it can)."""
    if binaries() is None:
        return "no initdb/pg_ctl under /usr/lib/postgresql/*/bin or on PATH"
    if os.geteuid() == 0 and not (shutil.which("runuser") and _user_exists("postgres")):
        return "running as root, and no postgres user to run initdb as"
    return None


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """initdb + pg_ctl start on ``port``; ``freeze``/``thaw`` stop and continue the postmaster
    and every backend; ``stop`` removes everything."""

    def __init__(self, port: int = 0) -> None:
        reason = unavailable_reason()
        if reason:
            raise RuntimeError(reason)
        self.bin = binaries()
        self.port = port or free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="frozen-pg-"))
        self.data = self.dir / "data"
        self.frozen: list[int] = []
        # initdb refuses to run as root: run the cluster as the postgres user then.
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as:
            shutil.chown(self.dir, "postgres")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, timeout: float = 120) -> None:
        subprocess.run([*self._as, *args], check=True, timeout=timeout,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> Cluster:
        assert self.bin
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--no-sync")
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
                  "-l", str(self.dir / "log"), "-w", "-t", "60", "start")
        return self

    def pids(self) -> list[int]:
        """The postmaster and its children (the backends and background processes)."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        try:
            children = Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split()
        except OSError:
            children = []
        return [postmaster, *map(int, children)]

    def freeze(self) -> None:
        """SIGSTOP the postmaster first (no new backend is forked meanwhile), then the rest."""
        self.frozen = []
        for pid in self.pids():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGSTOP)
                self.frozen.append(pid)
        # A backend forked just before the postmaster stopped: catch it too.
        for pid in self.pids():
            if pid not in self.frozen:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGSTOP)
                    self.frozen.append(pid)

    def thaw(self) -> None:
        for pid in self.frozen:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
        self.frozen = []

    def stop(self) -> None:
        self.thaw()
        if self.bin and (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                          "-w", "-t", "30", "stop", timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Cluster:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()


def wait_for(check: object, seconds: float, step: float = 0.05) -> float | None:
    """Seconds until ``check()`` is true, or None after ``seconds``."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        with contextlib.suppress(Exception):
            if check():  # type: ignore[operator]
                return time.monotonic() - started
        time.sleep(step)
    return None
