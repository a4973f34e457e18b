"""GET /api/v1/complete?prompt=… on both reference proxies (for the browser's
EventSource, which can only GET); without ``prompt`` the route stays POST-only."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from tests.proxies.fake_upstream import Script, Write, chat_body
from tests.proxies.sse_client import URL_PATH

if TYPE_CHECKING:
    import httpx

    from tests.proxies.fake_upstream import FakeOllama
    from tests.proxies.proxy_process import Proxy


def test_get_with_prompt_streams_like_post(
    proxy: Proxy, fake: FakeOllama, client: httpx.Client
) -> None:
    prompt, req = fake.prompt(Script((Write(chat_body(["Hé", "\n\n", "llo"])),)))
    response = client.get(
        proxy.base + URL_PATH,
        params={"prompt": prompt},
        headers={"Accept": "text/event-stream"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    blocks = response.text.split("\n\n")
    assert blocks[-1] == ""
    assert [json.loads(b.removeprefix("data: ")) for b in blocks[:-1]] == [
        {"token": "Hé"},
        {"token": "\n\n"},
        {"token": "llo"},
        {"finished": True},
    ]
    exchange = fake.wait_end(req, 5)
    assert exchange is not None


def test_get_without_prompt_is_405_and_a_bad_accept_406(
    proxy: Proxy, client: httpx.Client
) -> None:
    bare = client.get(proxy.base + URL_PATH)
    assert bare.status_code == 405 and bare.headers["allow"] == "POST"
    png = client.get(
        proxy.base + URL_PATH, params={"prompt": "x"}, headers={"Accept": "image/png"}
    )
    assert png.status_code == 406
