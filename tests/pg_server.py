"""A PostgreSQL server for the tests: the one ``MINZHENG_TEST_POSTGRES`` names, else a
throwaway cluster started here from Debian's ``postgresql`` package (``initdb`` and
``pg_ctl``), listening on a free loopback port and a socket in a temporary folder,
with password authentication on the port (so that tests of credentials mean
something) and none on the socket. ``.ci/run`` installs the package when missing.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

#: A connection URI of a server the tests may use (a database they may write).
ENV = "MINZHENG_TEST_POSTGRES"
USER, PASSWORD, DATABASE = "minzheng", "s3cret-pw", "minzheng"


def _binaries() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl`` (Debian keeps them out of PATH)."""
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if versions:
        return Path(versions[-1]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _as_owner(command: list[str], owner: str | None) -> list[str]:
    """``command`` run as ``owner`` (PostgreSQL refuses to run as root)."""
    return ["runuser", "-u", owner, "--", *command] if owner else command


def _run(command: list[str]) -> None:
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)


@contextlib.contextmanager
def server() -> Iterator[str | None]:
    """A URI with user and password of a database to test against, or ``None`` with
    no server to be had (the reason in :data:`why_not`)."""
    given = os.environ.get(ENV)
    if given:
        yield given
        return
    binaries = _binaries()
    if binaries is None:
        why_not.append("no PostgreSQL server: install Debian's postgresql or set " + ENV)
        yield None
        return
    owner = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            why_not.append("running as root and there is no postgres user to run the server")
            yield None
            return
        owner = "postgres"
    root = Path(tempfile.mkdtemp(prefix="minzheng-pg-"))
    if owner:
        shutil.chown(root, owner)
    data, port = root / "data", _free_port()
    password_file = root / "password"
    password_file.write_text(PASSWORD + "\n")
    if owner:
        shutil.chown(password_file, owner)
    try:
        _run(_as_owner([str(binaries / "initdb"), "-D", str(data), "-U", USER, "--pwfile",
                        str(password_file), "--auth-local=trust", "--auth-host=scram-sha-256",
                        "-E", "UTF8", "--locale=C.UTF-8"], owner))  # fmt: skip
        options = f"-k {root} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off"
        _run(_as_owner([str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                        str(root / "log"), "-w", "start"], owner))  # fmt: skip
    except (subprocess.SubprocessError, OSError) as exc:
        why_not.append(f"could not start PostgreSQL: {exc}")
        shutil.rmtree(root, ignore_errors=True)
        yield None
        return
    try:
        _run(_as_owner([str(binaries / "createdb"), "-h", str(root), "-p",
                        str(port), "-U", USER, DATABASE], owner))  # fmt: skip
        yield f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{port}/{DATABASE}"
    finally:
        subprocess.run(
            _as_owner(
                [str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], owner
            ),
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(root, ignore_errors=True)


#: Why no server could be had (filled by :func:`server`).
why_not: list[str] = []
