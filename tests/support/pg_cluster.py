"""A throwaway PostgreSQL cluster from the machine's binaries (``initdb``/``pg_ctl``), on 127.0.0.1.

PostgreSQL refuses to run as root, so under root (as in CI) the cluster runs as the ``postgres`` system
user that Debian's package creates, in a directory it owns. ``stop()`` removes everything, and is safe to
call more than once. Also used by the benchmarks.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path


class ClusterUnavailable(RuntimeError):
    pass


def find_binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PgCluster:
    root: Path
    port: int
    run_as: str | None
    bindir: Path
    started: bool = False
    durable: bool = False
    databases: list[str] = field(default_factory=list)

    @property
    def data(self) -> Path:
        return self.root / "data"

    def _cmd(self, *args: str) -> list[str]:
        return ["runuser", "-u", self.run_as, "--", *args] if self.run_as else list(args)

    def _run(self, *args: str) -> None:
        result = subprocess.run(self._cmd(*args), capture_output=True, text=True, check=False, timeout=120)
        if result.returncode != 0:
            raise ClusterUnavailable(f"{' '.join(args[:2])} failed: {result.stderr.strip() or result.stdout.strip()}")

    def url(self, database: str = "postgres", driver: str = "postgresql+asyncpg") -> str:
        return f"{driver}://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str, template: str | None = None) -> str:
        sql = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
        self.psql(sql)
        self.databases.append(name)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def psql(self, sql: str, database: str = "postgres") -> str:
        psql = find_binary("psql") or str(self.bindir / "psql")
        result = subprocess.run(
            [
                psql,
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                database,
                "-v",
                "ON_ERROR_STOP=1",
                "-Atc",
                sql,
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        if result.returncode != 0:
            raise ClusterUnavailable(f"psql failed: {result.stderr.strip()}")
        return result.stdout

    def stop(self, mode: str = "fast") -> None:
        if self.started:
            subprocess.run(
                self._cmd(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"),
                capture_output=True,
                check=False,
                timeout=60,
            )
            self.started = False

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root / 'sock'} "
        options += "-c max_connections=300 -c shared_buffers=128MB"
        if not self.durable:
            # Throwaway data: skip the disk flushes. Tests that kill the server keep them (durable=True).
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        )
        self.started = True

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def start_cluster(prefix: str = "cho-so-pg-", *, durable: bool = False) -> PgCluster:
    initdb = find_binary("initdb")
    if initdb is None:
        raise ClusterUnavailable("initdb not found (install Debian's postgresql package)")
    bindir = Path(os.path.realpath(initdb)).parent
    root = Path(tempfile.mkdtemp(prefix=prefix))
    run_as = None
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(root, ignore_errors=True)
            raise ClusterUnavailable("running as root and there is no 'postgres' user to run the server") from None
        run_as = "postgres"
        os.chmod(root, 0o755)
        (root / "sock").mkdir()
        for path in (root, root / "sock"):
            os.chown(path, user.pw_uid, user.pw_gid)
    else:
        (root / "sock").mkdir()
    cluster = PgCluster(root=root, port=free_port(), run_as=run_as, bindir=bindir, durable=durable)
    try:
        cluster._run(
            str(bindir / "initdb"),
            "-D",
            str(cluster.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        cluster.start()
        deadline = time.monotonic() + 30
        while True:
            try:
                cluster.psql("SELECT 1")
                break
            except ClusterUnavailable:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    except Exception:
        cluster.remove()
        raise
    return cluster
