"""harness.layers.nginx: the generated config, and the real nginx binary at work.

Timing assertions are causal or ratios, never tight absolute thresholds: "held" means
the first event reached the client only after the upstream had written the last one;
"streamed" means the first event arrived before the last one was even written.
"""

from __future__ import annotations

import dataclasses
import os
import re
import socket
from pathlib import Path
from typing import Any

import pytest

from harness.errors import EnvironmentProblem
from harness.layers import nginx as nginx_layer, nginx_config, open_layer, parse_layer
from harness.layers.base import LAYER_HEAD_FIELD
from harness.layers.nginx_config import NginxSettings, render_config
from harness.layers.tls import TlsFiles
from harness.processes import free_port
from tests.harness.layers.test_upstream import observe, upstream
from tests.tools import require_tool

STREAM = {"n": 8, "gap": 100}
SYSTEM_PATHS = (
    "/var/lib/nginx",
    "/var/log/nginx",
    "/run/nginx.pid",
    "/var/lock/nginx.lock",
)


@pytest.fixture
def nginx_binary() -> str:
    return require_tool("nginx")


def settings(tmp_path: Path, **changes: Any) -> NginxSettings:
    base = NginxSettings(
        directory=tmp_path, listen_port=8080, upstream_port=3000, read_timeout_s=60
    )
    return dataclasses.replace(base, **changes)


# -- the generated config (pure) ------------------------------------------------------


def test_config_keeps_stock_buffering_and_streams_upstream_over_http11(
    tmp_path: Path,
) -> None:
    text = render_config(settings(tmp_path, read_timeout_s=25))
    assert "listen 127.0.0.1:8080;" in text
    assert "proxy_pass http://127.0.0.1:3000;" in text
    assert "proxy_http_version 1.1;" in text
    assert 'proxy_set_header Connection "";' in text
    assert "proxy_read_timeout 25000ms;" in text
    assert not re.search(r"^\s*proxy_buffer", text, re.MULTILINE)
    assert "daemon off;" in text
    assert "gzip" not in text


def test_config_says_when_nginx_had_the_proxys_head(tmp_path: Path) -> None:
    """HDR-EARLY-FLUSH tells the layer's hold from the proxy's by this field."""
    for tls in (None, TlsFiles(tmp_path / "c", tmp_path / "s", tmp_path / "k")):
        text = render_config(settings(tmp_path, tls=tls))
        line = f"add_header {LAYER_HEAD_FIELD} $upstream_header_time always;"
        assert line in text


def test_config_http10_variant_is_nginx_as_shipped(tmp_path: Path) -> None:
    text = render_config(settings(tmp_path, upstream_http11=False))
    assert not re.search(r"^\s*proxy_http_version", text, re.MULTILINE)
    assert "Connection" not in text


def test_every_path_nginx_writes_is_inside_its_directory(tmp_path: Path) -> None:
    tls = TlsFiles(tmp_path / "ca.pem", tmp_path / "s.pem", tmp_path / "s.key")
    text = render_config(settings(tmp_path, tls=tls, gzip=True))
    paths = re.findall(r"(?<![\w:/])(/[^\s;'\"]+)", text)
    assert paths
    assert all(p.startswith(f"{tmp_path}/") for p in paths), paths
    for directive in ("pid", "lock_file", "error_log", "access_log", *(
        f"{k}_temp_path" for k in nginx_config.TEMP_KINDS
    )):  # fmt: skip
        assert re.search(rf'^\s*{directive} "{re.escape(str(tmp_path))}/', text, re.M)


@pytest.mark.parametrize(
    ("new_style", "expected"),
    [(True, ["listen 127.0.0.1:8080 ssl;", "http2 on;"]),
     (False, ["listen 127.0.0.1:8080 ssl http2;"])],
)  # fmt: skip
def test_http2_syntax_follows_the_nginx_version(
    tmp_path: Path, new_style: bool, expected: list[str]
) -> None:
    tls = TlsFiles(tmp_path / "ca.pem", tmp_path / "s.pem", tmp_path / "s.key")
    text = render_config(settings(tmp_path, tls=tls, http2_directive=new_style))
    assert all(line in text for line in expected)
    assert f'ssl_certificate "{tmp_path}/s.pem";' in text
    assert ("http2 on;" in text) is new_style


def test_gzip_variant_compresses_event_streams(tmp_path: Path) -> None:
    text = render_config(settings(tmp_path, gzip=True))
    for line in ("gzip on;", "gzip_types text/event-stream application/json;",
                 "gzip_min_length 1;", "gzip_proxied any;"):  # fmt: skip
        assert line in text


def test_missing_nginx_is_an_environment_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("harness.layers.nginx.shutil.which", lambda _name: None)
    monkeypatch.setattr(nginx_layer, "NGINX_CANDIDATES", ())
    with (
        pytest.raises(EnvironmentProblem, match="apt-get install nginx-light"),
        open_layer(parse_layer("nginx"), 3000, workdir=tmp_path),
    ):
        pass
    assert list(tmp_path.iterdir()) == []


# -- real nginx ---------------------------------------------------------------------


@pytest.mark.needs_nginx
def test_nginx_streams_when_the_proxy_sends_x_accel_buffering_no(
    nginx_binary: str, tmp_path: Path
) -> None:
    with upstream() as server:
        direct = observe(server.url(accel=1, **STREAM))
        for name in ("nginx", "nginx-http11"):
            with open_layer(parse_layer(name), server.port, workdir=tmp_path) as layer:
                seen = observe(layer.rewrite(server.url(accel=1, **STREAM)))
            writes = server.exchanges[-1].writes
            assert seen.body == direct.body, name
            assert seen.arrivals[0] < writes[-1], name  # streamed, not held
            assert seen.spread > 0.5 * direct.spread, name


@pytest.mark.needs_nginx
@pytest.mark.parametrize(
    ("layer_name", "params"),
    [("nginx-http11", {"close": 1}),  # close-delimited body: held by proxy_buffering
     ("nginx", {})],  # stock HTTP/1.0 upstream: every body is close-delimited
)  # fmt: skip
def test_nginx_buffers_when_the_proxy_does_not_opt_out(
    nginx_binary: str, tmp_path: Path, layer_name: str, params: dict[str, int]
) -> None:
    with upstream() as server:
        direct = observe(server.url(**params, **STREAM))
        with open_layer(parse_layer(layer_name), server.port, workdir=tmp_path) as lay:
            held = observe(lay.rewrite(server.url(**params, **STREAM)))
        writes = server.exchanges[-1].writes
    assert held.body == direct.body
    assert held.arrivals[0] >= writes[-1]  # nothing left nginx before the end
    assert held.spread < 0.3 * direct.spread


@pytest.mark.needs_nginx
def test_nginx_http11_passes_chunked_bodies_chunk_by_chunk(
    nginx_binary: str, tmp_path: Path
) -> None:
    """Pins a fact of nginx (1.22) the reports must explain: with proxy_http_version
    1.1, each complete upstream chunk is passed on even with proxy_buffering on."""
    with upstream() as server:
        spec = parse_layer("nginx-http11")
        with open_layer(spec, server.port, workdir=tmp_path) as layer:
            seen = observe(layer.rewrite(server.url(**STREAM)))
        writes = server.exchanges[-1].writes
    assert seen.arrivals[0] < writes[-1]


@pytest.mark.needs_nginx
def test_nginx_gzip_compresses_and_holds_without_the_opt_out(
    nginx_binary: str, tmp_path: Path
) -> None:
    with upstream() as server:
        spec = parse_layer("nginx-gzip")
        with open_layer(spec, server.port, workdir=tmp_path) as layer:
            held = observe(layer.rewrite(server.url(**STREAM)))
            streamed = observe(layer.rewrite(server.url(accel=1, **STREAM)))
        writes = [exchange.writes for exchange in server.exchanges]
    assert held.headers["content-encoding"] == "gzip"
    assert streamed.headers["content-encoding"] == "gzip"
    assert held.body == streamed.body
    assert held.body.count(b"\n\n") == STREAM["n"]
    assert held.arrivals[0] >= writes[0][-1]  # gzip holds everything...
    assert streamed.arrivals[0] < writes[1][-1]  # ...unless X-Accel-Buffering: no


@pytest.mark.needs_nginx
def test_h2_layer_negotiates_http2_with_the_trustme_ca(
    nginx_binary: str, tmp_path: Path
) -> None:
    with upstream() as server:
        with open_layer(parse_layer("h2"), server.port, workdir=tmp_path) as layer:
            assert (layer.scheme, layer.http2) == ("https", True)
            assert layer.ca_path is not None
            assert layer.ca_path.is_file()
            url = layer.rewrite(server.url(accel=1, **STREAM))
            assert url.startswith(f"https://127.0.0.1:{layer.port}/stream?")
            seen = observe(url, http2=True, ca_path=layer.ca_path)
            access_log = layer.logs()["access.log"]
        writes = server.exchanges[-1].writes
    assert seen.http_version == "HTTP/2"
    assert seen.body.count(b"\n\n") == STREAM["n"]
    assert seen.arrivals[0] < writes[-1]
    assert "HTTP/2.0" in access_log
    assert "connection" not in seen.headers
    assert "transfer-encoding" not in seen.headers


@pytest.mark.needs_nginx
def test_nothing_survives_the_context_manager(
    nginx_binary: str, tmp_path: Path
) -> None:
    before = {p: snapshot(p) for p in SYSTEM_PATHS}
    with upstream() as server:
        with open_layer(parse_layer("h2"), server.port, workdir=tmp_path) as layer:
            (directory,) = tmp_path.iterdir()
            pid = int((directory / "nginx.pid").read_text())
            assert Path(f"/proc/{pid}").exists()
            observe(layer.rewrite(server.url(n=3, gap=10, size=20000)), http2=True,
                    ca_path=layer.ca_path)  # fmt: skip
            logs = layer.logs()
        assert not Path(f"/proc/{pid}").exists()
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", layer.port), 1).close()
    assert {p: snapshot(p) for p in SYSTEM_PATHS} == before
    assert not (directory / "nginx.pid").exists()
    leftovers = [p for p in (directory / "temp").rglob("*") if p.is_file()]
    assert leftovers == []
    assert " 200 " in logs["access.log"]
    assert "error.log" in logs


@pytest.mark.needs_nginx
def test_a_config_nginx_rejects_is_an_environment_problem(
    nginx_binary: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(nginx_layer, "render_config", lambda s: "bogus_directive on;\n")
    with (
        pytest.raises(EnvironmentProblem, match="bogus_directive") as caught,
        open_layer(parse_layer("nginx"), 3000, workdir=tmp_path),
    ):
        pass
    assert "\n" not in str(caught.value)


@pytest.mark.needs_nginx
def test_a_port_taken_meanwhile_is_retried(
    nginx_binary: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        ports = iter([taken.getsockname()[1]])
        monkeypatch.setattr(
            nginx_layer, "free_port", lambda: next(ports, None) or free_port()
        )
        with upstream() as server:
            spec = parse_layer("nginx")
            with open_layer(spec, server.port, workdir=tmp_path) as layer:
                assert layer.port != taken.getsockname()[1]
                seen = observe(layer.rewrite(server.url(n=2, gap=10, accel=1)))
    assert seen.status == 200


def snapshot(path: str) -> object:
    p = Path(path)
    if not p.exists():
        return None
    if p.is_dir():
        return sorted((c.name, c.stat().st_mtime_ns) for c in p.iterdir())
    return p.stat().st_mtime_ns


@pytest.mark.needs_nginx
def test_nginx_version_is_parsed_from_nginx_v(nginx_binary: str) -> None:
    version = nginx_layer.nginx_version(nginx_binary)
    assert len(version) == 3
    assert version >= (1, 0, 0)
    assert os.access(nginx_layer.find_nginx(), os.X_OK)


@pytest.mark.needs_nginx
def test_a_workdir_with_spaces_and_quotes_works(
    nginx_binary: str, tmp_path: Path
) -> None:
    workdir = tmp_path / 'odd "dir" name'
    workdir.mkdir()
    with (
        upstream() as server,
        open_layer(parse_layer("h2"), server.port, workdir=workdir) as layer,
    ):
        url = layer.rewrite(server.url(n=2, gap=10))
        seen = observe(url, http2=True, ca_path=layer.ca_path)
    assert seen.body.count(b"\n\n") == 2
