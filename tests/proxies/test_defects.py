"""proxies.starlette_proxy.defects: the table, and the defective pieces themselves."""

from __future__ import annotations

from dataclasses import fields

from proxies.starlette_proxy.defects import (
    CORRECT,
    DEFECTS,
    PerReadJsonSplitter,
    PerReadUtf8Splitter,
    behaviour_for,
    raw_token_event,
)

NAMES = {
    "buffer-all",
    "raw-data",
    "per-read-json",
    "per-read-utf8",
    "no-415",
    "no-abort",
    "swallow-error",
    "wrong-content-type",
    "no-done",
    "no-accel",
    "gzip",
    "no-heartbeat",
    "late-headers",
    "content-length",
    "fabricate-done",
    "token-after-done",
    "down-as-event",
}


def changed(defect: str) -> set[str]:
    behaviour = behaviour_for(defect)
    return {
        f.name
        for f in fields(CORRECT)
        if getattr(behaviour, f.name) != getattr(CORRECT, f.name)
    }


def test_the_table_names_every_defect_and_its_checks() -> None:
    assert set(DEFECTS) == NAMES
    assert all(defect.fails and defect.wrong for defect in DEFECTS.values())


def test_each_defect_is_one_small_switch() -> None:
    for name in NAMES:
        assert 1 <= len(changed(name)) <= 2, name
    assert changed("per-read-json") == {"splitter", "drop_malformed_lines"}


def test_no_defect_is_correct() -> None:
    assert behaviour_for(None) is CORRECT


def test_per_read_json_loses_cut_lines() -> None:
    splitter = PerReadJsonSplitter()
    assert splitter.feed(b'{"a":1}\n{"b"') == [b'{"a":1}', b'{"b"']
    assert splitter.feed(b":2}\n") == [b":2}"]


def test_per_read_utf8_replaces_cut_characters() -> None:
    data = "é\n".encode()
    splitter = PerReadUtf8Splitter()
    assert splitter.feed(data[:1]) + splitter.feed(data[1:]) == [
        "\ufffd\ufffd".encode()
    ]


def test_raw_token_event_leaks_newlines() -> None:
    assert raw_token_event("a\n\nb") == b'data: {"token": "a\n\nb"}\n\n'
