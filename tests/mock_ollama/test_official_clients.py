"""The official clients, unchanged, against a real ``mock-ollama`` server."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import ollama
import pytest

from tests.tools import in_ci, require_tool

if TYPE_CHECKING:
    from collections.abc import Iterator

    from starlette.applications import Starlette

NODE_DIR = Path(__file__).resolve().parents[1] / "node"
PROMPT = "what is ollama? [[mock: timing=fixed:5]]"


@pytest.fixture(scope="module")
def url(served: tuple[str, Starlette]) -> str:
    return served[0]


@pytest.fixture
def client(url: str) -> Iterator[ollama.Client]:
    with ollama.Client(host=url, timeout=30) as c:
        yield c


def test_the_python_client_streams_chat_and_generate(client: ollama.Client) -> None:
    messages = [{"role": "user", "content": PROMPT}]
    parts = list(client.chat(model="deepseek-r1:1.5b", messages=messages, stream=True))
    text = "".join(str(p.message.content or "") for p in parts)
    assert text.startswith("\n\n</think>\n\nOllama is an open-source tool")
    assert parts[-1].done
    assert parts[-1].done_reason == "stop"
    whole = client.chat(model="deepseek-r1:1.5b", messages=messages)
    assert whole.message.content == text
    assert whole.eval_count == 274
    gen = "".join(
        str(p.response)
        for p in client.generate(
            model="qwen2.5:7b", prompt="[[mock: timing=zero]]", stream=True
        )
    )
    assert gen == "The sky is blue because of Rayleigh scattering."
    single = client.generate(model="qwen2.5:7b", prompt="[[mock: timing=zero]]")
    assert single.response == gen
    assert single.context


def test_the_python_client_reads_the_catalogue_routes(client: ollama.Client) -> None:
    assert "qwen2.5:7b" in [m.model for m in client.list().models]
    assert client.show("qwen2.5:7b").modelinfo
    assert client.ps().models
    assert client.embed(model="qwen2.5:7b", input="x").embeddings
    statuses = [p.status for p in client.pull("qwen2.5:7b", stream=True)]
    assert statuses[-1] == "success"


def test_the_python_client_raises_ollamas_errors(client: ollama.Client) -> None:
    with pytest.raises(ollama.ResponseError) as missing:
        client.chat(model="no-such-model", messages=[{"role": "user", "content": "x"}])
    assert missing.value.status_code == 404
    assert missing.value.error == "model 'no-such-model' not found"
    messages = [
        {"role": "user", "content": "[[mock: scenario=error-mid-stream timing=zero]]"}
    ]
    stream = client.chat(model="qwen2.5:7b", messages=messages, stream=True)
    with pytest.raises(ollama.ResponseError) as mid:
        list(stream)
    assert mid.value.error.startswith(
        "an error was encountered while running the model"
    )


def _node_modules_ready() -> bool:
    return (NODE_DIR / "node_modules" / "ollama" / "package.json").is_file()


@pytest.mark.needs_node
def test_the_npm_client_streams_and_reads_the_catalogue(url: str) -> None:
    node = require_tool("node")
    if not _node_modules_ready():
        hint = "run `npm ci` in tests/node (the CI setup does)"
        if in_ci():
            pytest.fail(
                f"CI=true and tests/node/node_modules is missing: {hint}", pytrace=False
            )
        pytest.skip(f"tests/node/node_modules is missing: {hint}")
    done = subprocess.run(
        [node, str(NODE_DIR / "client_check.mjs"), url],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=NODE_DIR,
        env={**os.environ, "NODE_NO_WARNINGS": "1"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["chatStream"]["text"].startswith(
        "\n\n</think>\n\nOllama is an open-source"
    )
    assert out["chatStream"]["done"] is True
    assert out["chat"] == {
        "text": out["chatStream"]["text"],
        "done": True,
        "evalCount": 274,
    }
    assert out["generateStream"] == "The sky is blue because of Rayleigh scattering."
    assert out["generate"]["text"] == out["generateStream"]
    assert out["generate"]["context"] > 0
    assert "qwen2.5:7b" in out["tags"]
    assert out["show"] > 0
    assert out["version"] == "0.12.6"
    assert out["missing"] == {
        "name": "ResponseError",
        "status": 404,
        "message": "model 'no-such-model' not found",
    }
    assert out["midStream"]["message"].startswith("an error was encountered")
