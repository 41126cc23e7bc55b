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


def start(root: Path) -> str:
    """Start a cluster in the new folder ``root``; its URI. Raises ``RuntimeError``
    saying why when it cannot."""
    binaries = _binaries()
    if binaries is None:
        raise RuntimeError("no PostgreSQL server: install Debian's postgresql or set " + ENV)
    owner = None
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise RuntimeError("running as root and there is no postgres user") from None
        owner = "postgres"
    root.mkdir(parents=True, exist_ok=True)
    password_file, port = root / "password", _free_port()
    password_file.write_text(PASSWORD + "\n")
    if owner:
        shutil.chown(root, owner)
        shutil.chown(password_file, owner)
    data = root / "data"
    try:
        _run(_as_owner([str(binaries / "initdb"), "-D", str(data), "-U", USER, "--pwfile",
                        str(password_file), "--auth-local=trust", "--auth-host=scram-sha-256",
                        "-E", "UTF8", "--locale=C.UTF-8"], owner))  # fmt: skip
        options = f"-k {root} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off"
        _run(_as_owner([str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                        str(root / "log"), "-w", "start"], owner))  # fmt: skip
        _run(_as_owner([str(binaries / "createdb"), "-h", str(root), "-p", str(port), "-U",
                        USER, DATABASE], owner))  # fmt: skip
    except (subprocess.SubprocessError, OSError) as exc:
        stop(root)
        detail = getattr(exc, "stderr", "") or ""
        raise RuntimeError(f"could not start PostgreSQL: {exc} {detail}".strip()) from None
    return f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{port}/{DATABASE}"


def stop(root: Path) -> None:
    """Stop the cluster in ``root`` (if it runs) and remove the folder."""
    binaries = _binaries()
    if binaries is not None and (root / "data" / "postmaster.pid").exists():
        owner = "postgres" if os.geteuid() == 0 else None
        subprocess.run(
            _as_owner([str(binaries / "pg_ctl"), "-D", str(root / "data"), "-m", "fast", "stop"],
                      owner),
            capture_output=True, timeout=60,
        )  # fmt: skip
    shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def server() -> Iterator[str | None]:
    """A URI with user and password of a database to test against, or ``None`` with
    no server to be had (the reason in :data:`why_not`)."""
    given = os.environ.get(ENV)
    if given:
        yield given
        return
    root = Path(tempfile.mkdtemp(prefix="minzheng-pg-"))
    try:
        uri = start(root)
    except RuntimeError as exc:
        why_not.append(str(exc))
        yield None
        return
    try:
        yield uri
    finally:
        stop(root)


#: Why no server could be had (filled by :func:`server`).
why_not: list[str] = []


if __name__ == "__main__":  # .ci/run: start FOLDER prints the URI; stop FOLDER
    import sys

    action, folder = sys.argv[1], Path(sys.argv[2])
    if action == "start":
        print(start(folder))
    else:
        stop(folder)
