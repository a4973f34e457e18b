"""proxies.starlette_proxy.config: options over environment over defaults."""

from __future__ import annotations

import pytest

from proxies.starlette_proxy.config import (
    ConfigError,
    Settings,
    normalise_upstream,
    parse,
)


@pytest.mark.parametrize(
    ("value", "url"),
    [
        ("http://127.0.0.1:11434", "http://127.0.0.1:11434"),
        ("http://127.0.0.1:9/", "http://127.0.0.1:9"),
        ("127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("localhost", "http://localhost:11434"),
        ("https://ollama.example", "https://ollama.example"),
        ("http://host/prefix/", "http://host/prefix"),
    ],
)
def test_normalise_upstream(value: str, url: str) -> None:
    assert normalise_upstream(value) == url


@pytest.mark.parametrize("value", ["", "ftp://x", "http://", "http://h:99999"])
def test_bad_upstreams(value: str) -> None:
    with pytest.raises(ConfigError):
        normalise_upstream(value)


def test_defaults() -> None:
    assert parse([], {}, "p") == Settings()


def test_environment() -> None:
    env = {
        "PORT": "9001",
        "OLLAMA_HOST": "10.0.0.1",
        "OLLAMA_MODEL": "llama3",
        "HEARTBEAT_SECONDS": "0.5",
        "SLOW_CLIENT_SECONDS": "3",
        "PROXY_DEFECT": "no-done",
    }
    assert parse([], env, "p") == Settings(
        port=9001,
        upstream="http://10.0.0.1:11434",
        model="llama3",
        heartbeat_seconds=0.5,
        slow_client_seconds=3.0,
        defect="no-done",
    )


def test_options_win() -> None:
    env = {
        "PORT": "1",
        "OLLAMA_URL": "http://a:1",
        "OLLAMA_HOST": "b",
        "PROXY_DEFECT": "gzip",
    }
    argv = ["--port", "2", "--upstream", "http://c:3", "--defect", "no-accel"]
    settings = parse(argv, env, "p")
    assert (settings.port, settings.upstream, settings.defect) == (
        2,
        "http://c:3",
        "no-accel",
    )


def test_ollama_url_wins_over_ollama_host() -> None:
    assert (
        parse([], {"OLLAMA_URL": "http://a:1", "OLLAMA_HOST": "b"}, "p").upstream
        == "http://a:1"
    )


@pytest.mark.parametrize(
    "env",
    [
        {"PORT": "x"},
        {"PORT": "70000"},
        {"HEARTBEAT_SECONDS": "0"},
        {"HEARTBEAT_SECONDS": "nan"},
        {"SLOW_CLIENT_SECONDS": "-1"},
        {"PROXY_DEFECT": "nope"},
    ],
)
def test_bad_environment(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        parse([], env, "p")
