"""Recording + policies -> writes: bytes kept, time never backwards, every fault and fragmenter."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given, settings, strategies as st

from mock_ollama.errors import PolicyError
from mock_ollama.replay.schedule import NATIVE_ERROR_LINE, build_schedule
from mock_ollama.scenario.catalog import load_bundled
from mock_ollama.scenario.policies import Fault, Fragment, Timing, parse_fault
from mock_ollama.scenario.recording import Recording, recording_from_bytes
from tests.mock_ollama.scenario.test_policies import fragments, timings

BUNDLED = load_bundled()
#: property tests draw from the small scenarios: size-sweep (1.4 MB) and long-line
#: (150 KiB) cut into 1-byte writes would take minutes per example
SMALL = sorted(name for name, rec in BUNDLED.items() if len(rec.body) < 64 * 1024)


def _line(i: int, token: str) -> bytes:
    obj: dict[str, object] = {"model": "m"}
    obj["created_at"] = f"2025-01-01T00:00:0{i % 10}.{i:03d}Z"
    obj |= {"message": {"role": "assistant", "content": token}, "done": False}
    return json.dumps(obj, ensure_ascii=False).encode() + b"\n"


# Draw a small key (a bundled name, or a list of tokens) and build the Recording in
# the test: Hypothesis then reports the key, not a 150 kB recording.
RecordingKey = str | tuple[str, ...]
recording_keys = st.one_of(
    st.sampled_from(SMALL),
    st.lists(st.text(max_size=12), min_size=1, max_size=8).map(tuple),
)


def _rec(key: RecordingKey) -> Recording:
    if isinstance(key, str):
        return BUNDLED[key]
    return recording_from_bytes("gen", b"".join(_line(i, t) for i, t in enumerate(key)))


seeds = st.integers(min_value=0, max_value=2**32)
gaps = st.integers(min_value=0, max_value=5_000_000)


@settings(max_examples=150, deadline=None)
@given(recording_keys, timings, fragments, seeds, gaps)
def test_writes_concatenate_to_the_recorded_bytes(
    key: RecordingKey, timing: Timing, fragment: Fragment, seed: int, gap: int
) -> None:
    rec = _rec(key)
    s = build_schedule(rec, timing, fragment, seed=seed, gap_ns=gap)
    assert s.body == rec.body
    assert s.end == "complete"
    assert all(w.data for w in s.writes)
    # offsets and line spans describe the body
    starts = list(itertools.accumulate((len(w.data) for w in s.writes), initial=0))
    assert [w.offset for w in s.writes] == starts[:-1]
    assert [s.body[x.offset : x.offset + x.size] for x in s.lines] == list(rec.lines)


@settings(max_examples=150, deadline=None)
@given(
    recording_keys,
    timings,
    fragments,
    st.lists(
        st.sampled_from(
            [
                "stall:{}:30",
                "malformed-at:{}",
                "cut-at:{}",
                "error-at:{}",
                "garbage-at:{}",
                "long-line-at:{}:300",
            ]
        ),
        max_size=3,
    ),
    seeds,
    gaps,
    st.integers(min_value=0, max_value=10**9),
)
def test_times_never_go_backwards(
    key: RecordingKey,
    timing: Timing,
    fragment: Fragment,
    fault_patterns: list[str],
    seed: int,
    gap: int,
    delay: int,
) -> None:
    rec = _rec(key)
    faults = [
        parse_fault(p.format(i % len(rec.lines))) for i, p in enumerate(fault_patterns)
    ]
    s = build_schedule(
        rec, timing, fragment, faults, seed=seed, gap_ns=gap, header_delay_ns=delay
    )
    times = [w.at_ns for w in s.writes]
    assert times == sorted(times)
    assert all(t >= delay for t in times)
    assert s.head_at_ns == (times[0] if times else delay)


@settings(deadline=None)
@given(recording_keys, timings, fragments, seeds)
def test_the_same_seed_gives_the_same_schedule(
    key: RecordingKey, timing: Timing, fragment: Fragment, seed: int
) -> None:
    rec = _rec(key)
    assert build_schedule(rec, timing, fragment, seed=seed) == build_schedule(
        rec, timing, fragment, seed=seed
    )


def test_recorded_timing_follows_created_at() -> None:
    rec = BUNDLED["seed-deepseek"]
    s = build_schedule(rec, Timing("recorded"), Fragment("line"), header_delay_ns=5)
    assert [w.at_ns for w in s.writes] == [5 + o for o in rec.offsets_ns]
    assert [w.data for w in s.writes] == list(rec.lines)


def test_scale_fixed_and_zero_timings_set_each_writes_time() -> None:
    rec = BUNDLED["qwen-chat"]
    scaled = build_schedule(rec, Timing("scale", 0.5), Fragment("line"))
    assert [w.at_ns for w in scaled.writes] == [round(o * 0.5) for o in rec.offsets_ns]
    fixed = build_schedule(rec, Timing("fixed", 20), Fragment("line"))
    assert [w.at_ns for w in fixed.writes] == [
        i * 20_000_000 for i in range(len(rec.lines))
    ]
    zero = build_schedule(rec, Timing("zero"), Fragment("line"))
    assert {w.at_ns for w in zero.writes} == {0}


def test_jitter_stays_within_its_band() -> None:
    rec = BUNDLED["qwen-chat"]
    s = build_schedule(rec, Timing("jitter", 50, 20), Fragment("line"), seed=4)
    steps = [b.at_ns - a.at_ns for a, b in zip(s.writes, s.writes[1:], strict=False)]
    assert all(40_000_000 <= d <= 60_000_000 for d in steps)
    assert len(set(steps)) > 1


def test_fragments_of_a_line_are_spaced_by_the_gap() -> None:
    rec = BUNDLED["qwen-chat"]
    s = build_schedule(rec, Timing("fixed", 1000), Fragment("bytes", 1), gap_ns=300_000)
    first = [w for w in s.writes if w.line == 0]
    assert len(first) == len(rec.lines[0])
    assert [w.at_ns for w in first] == [i * 300_000 for i in range(len(first))]


def test_utf8_cuts_inside_every_multibyte_character() -> None:
    rec = BUNDLED["multilingual"]
    s = build_schedule(rec, Timing("zero"), Fragment("utf8"))
    for w in s.writes[:-1]:
        tail = w.data[-1]
        if tail >= 0x80:  # a write ending in a non-ASCII byte must end mid-character
            assert tail >= 0xC0
    decoded_alone = 0
    for w in s.writes:
        try:
            w.data.decode("utf-8")
        except UnicodeDecodeError:
            decoded_alone += 1
    assert decoded_alone > 20


def test_json_cut_is_inside_the_token_string() -> None:
    rec = BUNDLED["qwen-chat"]
    s = build_schedule(rec, Timing("zero"), Fragment("json"))
    first = [w.data for w in s.writes if w.line == 0]
    assert len(first) == 2
    assert first[0].endswith(b'"content":"Ser')
    assert first[1].startswith(b'ver"}')


def test_coalesce_joins_lines_at_the_last_lines_time() -> None:
    rec = BUNDLED["qwen-chat"]
    s = build_schedule(rec, Timing("fixed", 10), Fragment("coalesce", 3))
    assert s.writes[0].data == b"".join(rec.lines[:3])
    assert s.writes[0].at_ns == 20_000_000
    assert len(s.writes) == -(-len(rec.lines) // 3)


def test_error_at_replaces_the_line_and_ends() -> None:
    rec = BUNDLED["qwen-chat"]
    s = build_schedule(rec, Timing("zero"), Fragment("line"), [Fault("error-at", 3)])
    assert [w.data for w in s.writes] == [*rec.lines[:3], NATIVE_ERROR_LINE]
    assert (s.end, s.status) == ("complete", 200)


def test_cut_at_writes_half_a_line() -> None:
    rec = BUNDLED["qwen-chat"]
    s = build_schedule(rec, Timing("zero"), Fragment("line"), [Fault("cut-at", 2)])
    assert s.end == "cut"
    assert s.writes[-1].data == rec.lines[2][: (len(rec.lines[2]) - 1) // 2]


def test_stall_delays_and_inf_stops() -> None:
    rec = BUNDLED["qwen-chat"]
    s = build_schedule(
        rec, Timing("fixed", 10), Fragment("line"), [Fault("stall", 2, ms=500)]
    )
    assert [w.at_ns for w in s.writes[:4]] == [0, 10_000_000, 520_000_000, 530_000_000]
    forever = build_schedule(
        rec, Timing("fixed", 10), Fragment("line"), [Fault("stall", 2, ms=float("inf"))]
    )
    assert (len(forever.writes), forever.end) == (2, "stall")
    before_first = build_schedule(
        rec, Timing("zero"), Fragment("line"), [Fault("stall", 0, ms=float("inf"))]
    )
    assert (before_first.writes, before_first.head_at_ns) == ((), None)


def test_garbage_malformed_and_long_lines() -> None:
    rec = BUNDLED["qwen-chat"]
    g = build_schedule(
        rec, Timing("zero"), Fragment("line"), [Fault("garbage-at", 1)], seed=9
    )
    garbage = g.writes[-1].data
    assert garbage.endswith(b"\n")
    assert b"\n" not in garbage[:-1]
    assert b"\r" not in garbage
    with pytest.raises(ValueError):  # noqa: PT011 - any JSON error
        json.loads(garbage)
    assert g.end == "complete"
    assert len(g.writes) == 2
    again = build_schedule(
        rec, Timing("zero"), Fragment("line"), [Fault("garbage-at", 1)], seed=9
    )
    assert again.writes[-1].data == garbage
    m = build_schedule(
        rec, Timing("zero"), Fragment("line"), [Fault("malformed-at", 1)]
    )
    assert len(m.writes) == len(rec.lines)
    with pytest.raises(ValueError):  # noqa: PT011
        json.loads(m.writes[1].data)
    long = build_schedule(
        rec, Timing("zero"), Fragment("line"), [Fault("long-line-at", 1, size=200_000)]
    )
    line = long.writes[1].data
    assert len(line) == 200_000
    assert line.endswith(b'"}\n')
    assert (
        json.loads(line)["message"]["content"]
        == json.loads(rec.lines[1])["message"]["content"]
    )


def test_fault_past_the_end_is_a_policy_error() -> None:
    rec = BUNDLED["tool-call"]
    with pytest.raises(PolicyError, match="has only 2 lines"):
        build_schedule(rec, Timing("zero"), Fragment("line"), [Fault("error-at", 2)])
