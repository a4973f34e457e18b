"""The catalogue answers (tags, show, ps, version): what clients require, the same every run."""

from __future__ import annotations

import json

from mock_ollama.ollama.models import (
    DEFAULT_VERSION,
    embed,
    ps,
    pull_lines,
    show,
    tags,
    version,
)


def test_catalogue_bodies_have_what_clients_require() -> None:
    assert "model_info" in json.loads(show("m").body)
    assert json.loads(tags(["a"]).body)["models"][0]["name"] == "a"
    statuses = [json.loads(x)["status"] for x in pull_lines("m")]
    assert statuses[0] == "pulling manifest"
    assert statuses[-1] == "success"
    assert statuses[-2] == "removing unused layers"


def test_bodies_are_the_same_every_run() -> None:
    assert tags(["qwen2.5:7b"]) == tags(["qwen2.5:7b"])
    listed = json.loads(ps(["qwen2.5:7b"], "2025-01-01T00:00:00Z").body)["models"][0]
    assert listed["expires_at"] == "2025-01-01T00:00:00Z"
    assert listed["details"]["parameter_size"] == "7B"
    vectors = json.loads(embed("m", ["a", "b", "a"]).body)["embeddings"]
    assert vectors[0] == vectors[2] != vectors[1]
    assert json.loads(version(DEFAULT_VERSION).body) == {"version": DEFAULT_VERSION}
