"""Every endpoint that binds JSON has its Go struct's field types."""

from __future__ import annotations

from mock_ollama.go.fields import REQUEST_FIELDS


def test_every_bound_endpoint_has_its_go_struct() -> None:
    assert {path: struct for path, (struct, _) in REQUEST_FIELDS.items()} == {
        "/api/chat": "api.ChatRequest",
        "/api/generate": "api.GenerateRequest",
        "/api/show": "api.ShowRequest",
        "/api/embed": "api.EmbedRequest",
        "/api/pull": "api.PullRequest",
    }
    for _, fields in REQUEST_FIELDS.values():
        assert fields["model"] == ("string", ("string",))
    assert REQUEST_FIELDS["/api/chat"][1]["messages"] == ("[]api.Message", ("array",))
