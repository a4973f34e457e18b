"""The route table without a server: gin's 404 and 405, the routes' answers, the clock."""

from __future__ import annotations

import email.utils
import json

from hypothesis import given, strategies as st

from mock_ollama.ollama.config import MockConfig
from mock_ollama.ollama.routes import ROUTES, http_date, now, route


def _body(method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
    schedule = route(MockConfig(), method, path, body).schedule
    return schedule.status, b"".join(w.data for w in schedule.writes)


def test_an_unknown_path_is_gins_404_page() -> None:
    assert _body("GET", "/nope") == (404, b"404 page not found")


def test_a_known_path_with_the_wrong_method_is_405_with_allow_in_tree_order() -> None:
    schedule = route(MockConfig(), "POST", "/api/tags", b"").schedule
    assert schedule.status == 405
    assert ("Allow", "HEAD, GET") in schedule.headers


def test_every_route_answers_without_raising() -> None:
    for path, methods in ROUTES.items():
        for method in methods:
            status, _ = _body(method, path, b"{}")
            assert 200 <= status < 600, (method, path)


def test_a_model_route_finds_known_models_and_refuses_others() -> None:
    known = MockConfig().known_models()[0]
    status, body = _body("GET", f"/v1/models/{known}")
    assert (status, json.loads(body)["id"]) == (200, known)
    assert _body("GET", "/v1/models/no-such-model")[0] == 404


def test_routes_the_mock_does_not_model_never_find_the_model() -> None:
    status, body = _body("POST", "/api/push", b'{"model": "m:1"}')
    assert (status, json.loads(body)) == (404, {"error": "model 'm:1' not found"})


@given(st.floats(min_value=0, max_value=253402300799, allow_nan=False))
def test_http_date_is_imf_fixdate_like_the_email_module(t: float) -> None:
    assert http_date(t) == email.utils.formatdate(t, usegmt=True)


def test_now_renders_one_instant_three_ways() -> None:
    n = now()
    assert n.http_date.endswith(" GMT")
    assert n.rfc3339.endswith("Z")
    assert abs(email.utils.parsedate_to_datetime(n.http_date).timestamp() - n.unix) <= 1
