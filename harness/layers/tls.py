"""Throw-away TLS material for the ``h2`` layer: a trustme CA and a server cert."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import trustme

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["TlsFiles", "write_tls_files"]

SERVER_NAMES = ("127.0.0.1", "localhost")


@dataclass(frozen=True, slots=True)
class TlsFiles:
    """PEM files: the CA the client must trust, the server chain and its key."""

    ca_path: Path
    cert_path: Path
    key_path: Path


def write_tls_files(directory: Path) -> TlsFiles:
    """Write a fresh CA and a cert for 127.0.0.1 and localhost into ``directory``."""
    ca = trustme.CA(organization_name="sse-harness test CA")
    server = ca.issue_cert(*SERVER_NAMES)
    files = TlsFiles(
        ca_path=directory / "ca.pem",
        cert_path=directory / "server.pem",
        key_path=directory / "server.key",
    )
    ca.cert_pem.write_to_path(str(files.ca_path))
    files.cert_path.write_bytes(b"".join(pem.bytes() for pem in server.cert_chain_pems))
    fd = os.open(files.key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as key:
        key.write(server.private_key_pem.bytes())
    return files
