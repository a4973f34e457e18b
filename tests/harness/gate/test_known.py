"""Known failures (harness.gate.known, docs/ci.md#known-failures): the file's rules,
which results an entry marks, which entries are stale, and the exit status."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hypothesis import given, strategies as st

from harness.checks.model import Level, Outcome, Result
from harness.errors import UsageError
from harness.gate.adopt import adopt
from harness.gate.known import Known, KnownFile, load, mark, parse

if TYPE_CHECKING:
    from pathlib import Path


def result(check: str, outcome: Outcome, layer: str = "direct") -> Result:
    return Result(check, layer, Level.MUST, outcome, "detail", {}, "req", "src")


ENTRY = {"check": "HDR-CONTENT-TYPE", "reason": "vendor", "link": "https://x.org/1"}


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"reason": None}, "reason is required"),
        ({"reason": "  "}, "reason is required"),
        ({"link": None}, "link is required"),
        ({"link": "see the wiki"}, "neither a URL nor an issue reference"),
        ({"check": "NOPE-*"}, "matches no check"),
        ({"layer": ""}, "layer must be a non-empty string"),
        ({"owner": "me"}, "unknown key 'owner'"),
    ],
)
def test_a_bad_entry_is_a_usage_error_naming_the_file_and_entry(change, needle):
    entry = {k: v for k, v in {**ENTRY, **change}.items() if v is not None}
    with pytest.raises(UsageError) as caught:
        parse({"known": [ENTRY, entry]}, "--known-failures k.toml")
    assert str(caught.value).startswith("--known-failures k.toml: [[known]] #2: ")
    assert needle in str(caught.value)


@pytest.mark.parametrize("link", ["https://x.org/1", "#12", "acme/proxy#12", "OPS-7"])
def test_links_are_urls_or_issue_references(link):
    (found,) = parse({"known": [{**ENTRY, "link": link}]}, "f")
    assert found.link == link


def test_load_reads_toml_and_names_a_broken_file(tmp_path: Path) -> None:
    good = tmp_path / "known.toml"
    good.write_text('[[known]]\ncheck = "lat-*"\nreason = "r"\nlink = "#1"\n')
    assert load(good).entries == (Known("lat-*", None, "r", "#1"),)
    bad = tmp_path / "bad.toml"
    bad.write_text("[[known]\n")
    with pytest.raises(
        UsageError, match=r"--known-failures .*bad.toml: not valid TOML"
    ):
        load(bad)
    with pytest.raises(UsageError, match="unknown key 'extra'"):
        parse({"extra": 1}, "f")


def test_marks_failures_by_glob_and_layer_and_finds_the_stale_ones() -> None:
    entries = (
        Known("LAT-*", "nginx", "nginx buffers", "#1"),
        Known("HDR-CACHE", None, "cdn", "#2"),
        Known("REQ-METHOD", None, "fixed", "#3"),
        Known("END-DONE", None, "not run", "#4"),
    )
    results = [
        result("LAT-FIRST-TOKEN", Outcome.FAILED, "nginx"),
        result("LAT-FIRST-TOKEN", Outcome.FAILED, "direct"),
        result("HDR-CACHE", Outcome.NON_STRICT),
        result("REQ-METHOD", Outcome.OK),
    ]
    found = mark(KnownFile("k.toml", entries), results)
    assert set(found.marks) == {("LAT-FIRST-TOKEN", "nginx"), ("HDR-CACHE", "direct")}
    assert found.matched == entries[:2]
    # END-DONE was not judged this run: not stale, nothing is known about it
    assert found.stale == (entries[2],)


def test_exit_status_ignores_known_failures_and_strict_known_fails_on_stale() -> None:
    known = KnownFile(
        "k.toml", (Known("LAT-*", None, "r", "#1"), Known("REQ-*", None, "r", "#2"))
    )
    failing = [
        result("LAT-FIRST-TOKEN", Outcome.FAILED),
        result("REQ-METHOD", Outcome.OK),
    ]
    assert adopt(failing, {}).status == 1
    assert adopt(failing, {}, known=known).status == 0
    assert adopt(failing, {}, known=known, strict_known=True).status == 1
    more = [*failing, result("END-DONE", Outcome.FAILED)]
    assert adopt(more, {}, known=known).status == 1


@given(
    st.dictionaries(  # one result per check and layer, as in a run
        st.tuples(
            st.sampled_from(["HDR-CACHE", "LAT-FIRST-TOKEN", "REQ-METHOD"]),
            st.sampled_from(["direct", "nginx"]),
        ),
        st.sampled_from(list(Outcome)),
    ),
    st.sets(
        st.sampled_from(["HDR-*", "LAT-FIRST-TOKEN", "REQ-METHOD", "*"]), max_size=3
    ),
)
def test_only_failures_are_marked_and_an_entry_is_matched_or_stale_never_both(
    rows, patterns
):
    results = [result(c, o, layer) for (c, layer), o in rows.items()]
    entries = tuple(Known(p, None, "r", "#1") for p in sorted(patterns))
    found = mark(KnownFile("k", entries), results)
    marked = [r for r in results if (r.check, r.layer) in found.marks]
    assert all(r.outcome in (Outcome.FAILED, Outcome.NON_STRICT) for r in marked)
    assert not set(found.matched) & set(found.stale)
    known_everything = adopt(
        results, {}, known=KnownFile("k", (Known("*", None, "r", "#1"),))
    )
    assert known_everything.status == 0
