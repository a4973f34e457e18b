"""Settings from the command line and the environment (pure: no I/O)."""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from proxies.starlette_proxy.defects import DEFECTS

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

DEFAULT_PORT = 8000
DEFAULT_UPSTREAM = "http://127.0.0.1:11434"
DEFAULT_MODEL = "qwen2.5:7b"
OLLAMA_DEFAULT_PORT = 11434


class ConfigError(ValueError):
    """A setting is invalid; the message is one line meant for the user."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the proxy reads at start-up."""

    port: int = DEFAULT_PORT
    upstream: str = DEFAULT_UPSTREAM
    model: str = DEFAULT_MODEL
    heartbeat_seconds: float = 15.0
    slow_client_seconds: float = 30.0
    defect: str | None = None


def normalise_upstream(value: str) -> str:
    """Base URL from OLLAMA_URL / OLLAMA_HOST (``host``, ``host:port`` or a URL)."""
    text = value.strip()
    bare = "://" not in text
    if bare:
        text = "http://" + text
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigError(f"upstream must be an http(s) URL, got {value!r}")
    try:
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"upstream has a bad port: {value!r}") from exc
    text = text.rstrip("/")
    if bare and port is None:
        # Ollama's own OLLAMA_HOST convention: a bare host means port 11434.
        text = f"{text}:{OLLAMA_DEFAULT_PORT}"
    return text


def _port(text: str, source: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise ConfigError(f"{source} must be an integer, got {text!r}") from None
    if not 0 <= port <= 65535:
        raise ConfigError(f"{source} must be in 0..65535, got {port}")
    return port


def _seconds(text: str, source: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ConfigError(
            f"{source} must be a number of seconds, got {text!r}"
        ) from None
    if not math.isfinite(value) or value <= 0:
        raise ConfigError(
            f"{source} must be a positive number of seconds, got {text!r}"
        )
    return value


def build_parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Reference proxy: Ollama /api/chat NDJSON -> Server-Sent Events.",
    )
    parser.add_argument("--port", help="listen port on 127.0.0.1 (env PORT)")
    parser.add_argument(
        "--upstream", help="Ollama base URL (env OLLAMA_URL or OLLAMA_HOST)"
    )
    parser.add_argument(
        "--defect",
        choices=sorted(DEFECTS),
        help="switch on one deliberate defect (env PROXY_DEFECT)",
    )
    return parser


def load_settings(args: argparse.Namespace, env: Mapping[str, str]) -> Settings:
    """Options win over the environment, which wins over the defaults."""
    port_text = args.port or env.get("PORT")
    upstream_text = (
        args.upstream
        or env.get("OLLAMA_URL")
        or env.get("OLLAMA_HOST")
        or DEFAULT_UPSTREAM
    )
    defect = args.defect or env.get("PROXY_DEFECT") or None
    if defect is not None and defect not in DEFECTS:
        known = ", ".join(sorted(DEFECTS))
        raise ConfigError(f"unknown defect {defect!r} (known: {known})")
    return Settings(
        port=_port(port_text, "PORT") if port_text else DEFAULT_PORT,
        upstream=normalise_upstream(upstream_text),
        model=env.get("OLLAMA_MODEL") or DEFAULT_MODEL,
        heartbeat_seconds=_seconds(
            env.get("HEARTBEAT_SECONDS", "15"), "HEARTBEAT_SECONDS"
        ),
        slow_client_seconds=_seconds(
            env.get("SLOW_CLIENT_SECONDS", "30"), "SLOW_CLIENT_SECONDS"
        ),
        defect=defect,
    )


def parse(argv: Sequence[str], env: Mapping[str, str], prog: str) -> Settings:
    """Settings from argv and env; argparse exits 2 on bad options itself."""
    return load_settings(build_parser(prog).parse_args(argv), env)
