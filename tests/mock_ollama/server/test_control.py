"""The control endpoint: loopback peers and Host names only; filters and a compact view."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import pytest

from mock_ollama.server.app import create_app
from mock_ollama.server.control import host_is_loopback

if TYPE_CHECKING:
    from collections.abc import MutableMapping

    import httpx

    from mock_ollama.ollama.config import MockConfig

CHAT = {"model": "qwen2.5:7b", "messages": [{"role": "user", "content": "hi"}]}


def test_control_reports_health_lists_and_clears_exchanges(
    client: httpx.Client,
) -> None:
    assert client.get("/_mock/health").json() == {"ok": True}
    client.get("/")
    assert client.get("/_mock/exchanges").json()
    assert client.delete("/_mock/exchanges").json() == {"ok": True}
    assert client.get("/_mock/exchanges").json() == []


def test_filter_compact_and_last(client: httpx.Client) -> None:
    client.delete("/_mock/exchanges")
    for n in range(3):
        marked = {
            **CHAT,
            "messages": [{"role": "user", "content": f"[[mock: req=r{n}]]"}],
        }
        client.post("/api/chat", json=marked)
    full = client.get("/_mock/exchanges", params={"req": "r1"}).json()
    assert [x["req"] for x in full] == ["r1"]
    assert full[0]["writes"] and full[0]["lines"]
    assert full[0]["write_count"] == len(full[0]["writes"])
    compact = client.get("/_mock/exchanges", params={"view": "compact"}).json()
    assert [x["req"] for x in compact] == ["r0", "r1", "r2"]
    assert all("writes" not in x and "lines" not in x for x in compact)
    last = client.get("/_mock/exchanges", params={"last": "2", "view": "compact"})
    assert [x["req"] for x in last.json()] == ["r1", "r2"]
    assert client.get("/_mock/exchanges", params={"last": "x"}).status_code == 400


@pytest.mark.parametrize(
    "host",
    [
        "evil.example:{port}",
        "127.0.0.2:{port}",
        "localhost:1",
        "localhost",
        "",
        "[::2]",
    ],
)
def test_rebinding_hosts_are_refused(client: httpx.Client, host: str) -> None:
    port = client.base_url.port
    for method in ("GET", "DELETE"):
        r = client.request(
            method, "/_mock/exchanges", headers={"Host": host.format(port=port)}
        )
        assert r.status_code == 403
        assert "loopback" in r.json()["error"]


def test_loopback_hosts_are_served(client: httpx.Client) -> None:
    port = client.base_url.port
    for host in (f"127.0.0.1:{port}", f"LOCALHOST:{port}", f"[::1]:{port}"):
        r = client.get("/_mock/health", headers={"Host": host})
        assert r.status_code == 200


def test_only_loopback_host_headers_count_as_loopback() -> None:
    assert host_is_loopback("[::1]:80", 80)
    assert host_is_loopback("localhost", 80)
    assert host_is_loopback("localhost:9", None)
    assert not host_is_loopback("localhost.evil.example:9", 9)
    assert not host_is_loopback(None, 9)


def test_control_endpoint_refuses_other_peers(fast_config: MockConfig) -> None:
    app = create_app(fast_config)
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/_mock/exchanges",
        "headers": [(b"host", b"127.0.0.1:11434")],
        "query_string": b"",
        "client": ("192.0.2.7", 5000),
        "server": ("127.0.0.1", 11434),
        "root_path": "",
    }
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 403
    assert app.state.exchange_log.snapshot() == []
