"""Regenerate the bundled scenarios: ``python scenarios/make_bundled.py``.

Lines are written as Go's encoding/json writes them (mock_ollama.go.json: struct key
order, ``\\u003c`` for ``<``, raw UTF-8 otherwise) so that replays are byte-faithful.
The files are committed; this script only documents how they were made. It imports
``mock_ollama``, so run it with the project installed (``bash .ci/setup`` makes
``.venv``): ``.venv/bin/python scenarios/make_bundled.py``. Each scenario has its
builder; ``BUILDERS`` lists them all.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from mock_ollama.go.json import dumps

HERE = Path(__file__).resolve().parent
QWEN = "qwen2.5:7b"


def stamp(t: datetime) -> str:
    """Go's RFC3339Nano: trailing zeros of the fraction trimmed, zone Z."""
    frac = f"{t.microsecond:06d}000".rstrip("0")
    return t.strftime("%Y-%m-%dT%H:%M:%S") + (f".{frac}" if frac else "") + "Z"


def chat(model: str, at: str, content: str, **extra: Any) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    message.update(extra)
    return {"model": model, "created_at": at, "message": message, "done": False}


def chat_done(model: str, at: str, n: int) -> dict[str, Any]:
    return {
        "model": model,
        "created_at": at,
        "message": {"role": "assistant", "content": ""},
        "done_reason": "stop",
        "done": True,
        "total_duration": 1_830_417_209 + n * 1_000_000,
        "load_duration": 21_340_125,
        "prompt_eval_count": 31,
        "prompt_eval_duration": 102_117_000,
        "eval_count": n,
        "eval_duration": 1_650_931_000 + n * 1_000_000,
    }


def timeline(start: str, gaps_ms: list[float]) -> list[str]:
    t = datetime.fromisoformat(start.replace("Z", "+00:00")).astimezone(UTC)
    out = [stamp(t)]
    for gap in gaps_ms:
        t += timedelta(microseconds=round(gap * 1000))
        out.append(stamp(t))
    return out


def cadence(n: int, base: float, seed: int) -> list[float]:
    """Deterministic token gaps around ``base`` ms (+-30%)."""
    out, x = [], seed
    for _ in range(n):
        x = (x * 1103515245 + 12345) % 2**31
        out.append(round(base * (0.7 + 0.6 * (x / 2**31)), 3))
    return out


def write(name: str, objects: list[dict[str, Any]], toml: str | None = None) -> None:
    (HERE / f"{name}.ndjson").write_bytes(b"".join(dumps(o) + b"\n" for o in objects))
    if toml is not None:
        (HERE / f"{name}.toml").write_text(toml, encoding="utf-8")


def simple_chat(
    name: str,
    model: str,
    start: str,
    tokens: list[str],
    base: float,
    toml: str,
    seed: int,
    **per_token: Any,
) -> None:
    times = timeline(start, cadence(len(tokens), base, seed))
    lines = [chat(model, t, tok) for t, tok in zip(times, tokens, strict=False)]
    lines.append(chat_done(model, times[-1], len(tokens)))
    write(name, lines, toml)


# --- seed-deepseek: the transcript of the upstream issue (ollama#4788) ----------------

SEED_HEAD = [
    ("2025-07-30T09:45:03.537758Z", "\n\n"),
    ("2025-07-30T09:45:03.654744Z", "</think>"),
    ("2025-07-30T09:45:03.76711Z", "\n\n"),
    ("2025-07-30T09:45:03.877521Z", "O"),
    ("2025-07-30T09:45:03.988219Z", "ll"),
    ("2025-07-30T09:45:04.098806Z", "ama"),
    ("2025-07-30T09:45:04.21934Z", " is"),
]
SEED_FILL = [
    " an",
    " open",
    "-source",
    " tool",
    " that",
    " lets",
    " you",
    " run",
    " large",
    " language",
    " models",
    " like",
    " Llama",
    " and",
    " DeepSeek",
    " locally",
    " on",
    " your",
    " own",
    " computer",
    ",",
    " with",
    " a",
    " simple",
    " command",
    "-line",
]
SEED_TAIL_GAPS = (148.782, 148.091)  # " setup" -> "." -> done, as in the transcript


def seed_deepseek() -> None:
    model = "deepseek-r1:1.5b"
    lines = [chat(model, t, tok) for t, tok in SEED_HEAD]
    fill_times = timeline(SEED_HEAD[-1][0], cadence(len(SEED_FILL), 111.0, 7))[1:]
    lines += [
        chat(model, t, tok) for t, tok in zip(fill_times, SEED_FILL, strict=False)
    ]
    tail = timeline(fill_times[-1], [110.0, *SEED_TAIL_GAPS])[1:]
    lines.append(chat(model, tail[0], " setup"))
    lines.append(chat(model, tail[1], "."))
    done = {
        "model": model,
        "created_at": tail[2],
        "message": {"role": "assistant", "content": ""},
        "done_reason": "stop",
        "done": True,
        "total_duration": 49729537151,
        "load_duration": 3445259896,
        "prompt_eval_count": 9,
        "prompt_eval_duration": 1024746038,
        "eval_count": 274,
        "eval_duration": 45257702287,
    }
    lines.append(done)
    write(
        "seed-deepseek",
        lines,
        '''description = """
The upstream issue's transcript (ollama#4788, seeds/000): deepseek-r1:1.5b answering
"what is ollama?" on /api/chat. The first seven lines and the final three are verbatim
(tokens and created_at, including "\\n\\n" and "\\u003c/think\\u003e"). The transcript
elides the middle with "..."; it is filled with 26 plausible tokens at the seed's
~111 ms cadence, and the final three lines are shifted to follow them while keeping
their own gaps (149 ms, 148 ms). The done line's metrics are the transcript's own
(eval_count 274 although fewer lines are replayed)."""
endpoint = "/api/chat"
''',
    )


def qwen_chat() -> None:
    """qwen2.5:7b on /api/chat: 22 short tokens."""
    simple_chat(
        "qwen-chat",
        QWEN,
        "2025-08-02T14:03:11.204518Z",
        [
            "Server",
            "-S",
            "ent",
            " Events",
            " (",
            "SSE",
            ")",
            " let",
            " a",
            " server",
            " push",
            " text",
            " to",
            " the",
            " browser",
            " over",
            " one",
            " long",
            "-lived",
            " HTTP",
            " response",
            ".",
        ],
        72.0,
        'description = "qwen2.5:7b on /api/chat: 22 short tokens ~72 ms apart."\n',
        seed=11,
    )


def qwen_generate() -> None:
    """/api/generate, short (the default for generate requests)."""
    times = timeline("2025-08-02T14:05:40.01772Z", cadence(12, 65.0, 5))
    toks = [
        "The",
        " sky",
        " is",
        " blue",
        " because",
        " of",
        " Ray",
        "leigh",
        " scattering",
        ".",
    ]
    gen = [
        {"model": QWEN, "created_at": t, "response": tok, "done": False}
        for t, tok in zip(times, toks, strict=False)
    ]
    gen.append(
        {
            "model": QWEN,
            "created_at": times[len(toks)],
            "response": "",
            "done": True,
            "done_reason": "stop",
            "context": [
                151644,
                8948,
                198,
                2610,
                525,
                1207,
                16948,
                11,
                3465,
                553,
                54364,
                14817,
                13,
                151645,
                198,
                151644,
                872,
                198,
                10234,
                374,
                279,
                12884,
                6303,
                30,
                151645,
                198,
                151644,
                77091,
                198,
                785,
                12884,
                374,
                6303,
                1576,
                315,
                13255,
                62969,
                71816,
                13,
            ],
            "total_duration": 912_331_458,
            "load_duration": 18_522_084,
            "prompt_eval_count": 29,
            "prompt_eval_duration": 61_204_000,
            "eval_count": 10,
            "eval_duration": 650_114_000,
        }
    )
    write(
        "qwen-generate",
        gen,
        'description = "qwen2.5:7b on /api/generate: 10 tokens, then done with a short'
        ' context array."\n',
    )


def generate_long_context() -> None:
    """/api/generate whose final line carries a context array over 128 KiB."""
    times = timeline("2025-08-02T14:07:02.5Z", cadence(16, 60.0, 9))
    toks = [
        "Once",
        " upon",
        " a",
        " time",
        ",",
        " a",
        " very",
        " long",
        " context",
        " was",
        " returned",
        " in",
        " one",
        " line",
        ".",
    ]
    long = [
        {"model": QWEN, "created_at": t, "response": tok, "done": False}
        for t, tok in zip(times, toks, strict=False)
    ]
    context = [(i * 7919) % 151_000 + 100 for i in range(24_000)]
    long.append(
        {
            "model": QWEN,
            "created_at": times[len(toks)],
            "response": "",
            "done": True,
            "done_reason": "stop",
            "context": context,
            "total_duration": 3_912_331_458,
            "load_duration": 18_522_084,
            "prompt_eval_count": 23_985,
            "prompt_eval_duration": 2_961_204_000,
            "eval_count": 15,
            "eval_duration": 900_114_000,
        }
    )
    write(
        "generate-long-context",
        long,
        'description = "/api/generate whose final line carries a 24000-token context'
        ' array (a single line over 128 KiB)."\n',
    )


def multilingual() -> None:
    """Multi-byte UTF-8, combining marks, RTL, ZWJ and flag sequences."""
    simple_chat(
        "multilingual",
        QWEN,
        "2025-08-02T14:09:15.3315Z",
        [
            "Héllo",
            " wörld",
            ",",
            " 北京",
            "欢迎",
            "你",
            " 🌍",
            "🚀",
            " e\u0301",
            "n\u0303o",
            " مرحبا",
            " بالعالم",
            " שָׁלוֹם",
            " \u200fעולם",
            " 👩\u200d💻",
            " Ελλάδα",
            " Привет",
            " ok",
            " 🇫🇷",
            " ∑",
            "½",
            ".",
        ],
        80.0,
        'description = "2-, 3- and 4-byte UTF-8 (é, 北, 🌍), combining marks,'
        ' RTL (Arabic, Hebrew with niqqud and RLM), ZWJ and flag sequences."\n',
        seed=3,
    )


def tool_call() -> None:
    """A tool call: arrives whole, arguments an object."""
    times = timeline("2025-08-02T14:11:21.81Z", [412.5, 1.25])
    call = {
        "id": "call_k3j4h5g6",
        "function": {
            "index": 0,
            "name": "get_weather",
            "arguments": {"city": "Paris", "unit": "celsius"},
        },
    }
    write(
        "tool-call",
        [
            chat(QWEN, times[0], "", tool_calls=[call]),
            chat_done(QWEN, times[1], 24) | {"created_at": times[1]},
        ],
        'description = "qwen2.5:7b calling get_weather: one whole tool call (arguments'
        ' an object), then done."\n',
    )


def thinking() -> None:
    """Message.thinking tokens, then content."""
    think = [
        "Okay",
        ",",
        " the",
        " user",
        " asks",
        " 2",
        "+",
        "2",
        ".",
        " That",
        "'s",
        " 4",
        ".",
    ]
    answer = ["2", " +", " 2", " =", " **", "4", "**", "."]
    times = timeline(
        "2025-08-02T14:13:05.02Z", cadence(len(think) + len(answer), 70.0, 4)
    )
    model = "qwen3:8b"
    lines = [
        chat(model, t, "", thinking=tok) for t, tok in zip(times, think, strict=False)
    ]
    lines += [
        chat(model, t, tok) for t, tok in zip(times[len(think) :], answer, strict=False)
    ]
    lines.append(chat_done(model, times[-1], len(think) + len(answer)))
    write(
        "thinking",
        lines,
        'description = "qwen3:8b with think: message.thinking tokens, then content."\n',
    )


def injection() -> None:
    """Tokens that break naive SSE framing."""
    simple_chat(
        "injection",
        QWEN,
        "2025-08-02T14:15:44.7Z",
        [
            "Line",
            " one",
            "\n\n",
            "data: x",
            "\n\n",
            "event: y",
            "\n",
            "id: 7",
            "\r",
            "retry: 1",
            "\r\n",
            ": comment",
            "\r\n\r\n",
            ":",
            " data:",
            "[DONE]",
            " <b>&amp;</b>",
            " \u2028sep\u2029",
            " end",
            ".",
        ],
        75.0,
        'description = "Tokens that break naive SSE framing: \\\\n\\\\n, \\\\r,'
        " \\\\r\\\\n, data: x, event: y, id:, retry:, :, [DONE], HTML and"
        ' U+2028/9 (all JSON-escaped in the NDJSON)."\n',
        seed=21,
    )


def error_mid_stream() -> None:
    """Ollama's error line mid-stream, no done line."""
    times = timeline("2025-08-02T14:17:09.5Z", cadence(7, 70.0, 8))
    lines = [
        chat(QWEN, t, tok)
        for t, tok in zip(
            times,
            ["The", " answer", " is", " coming", " in", " a", " moment"],
            strict=False,
        )
    ]
    lines.append(
        {"error": "an error was encountered while running the model: unexpected EOF"}
    )
    write(
        "error-mid-stream",
        lines,
        'description = "Seven tokens, then Ollama\'s {\\"error\\": ...} line mid-stream'
        ' (status stays 200) and the end of the stream (no done line)."\n',
    )


# --- scenarios the gate's probes need beyond the recorded-looking ones ---------------


def long_line() -> None:
    """One token that is a single ~150 KiB line (FRM-LONG-LINE)."""
    rng = random.Random(11)
    words = [
        "lorem",
        "ipsum",
        "dolor",
        "sit",
        "amet",
        "consectetur",
        "adipiscing",
        "elit",
        "sed",
        "do",
    ]
    big: list[str] = []
    while sum(map(len, big)) < 150 * 1024:
        big.append(rng.choice(words) + " ")
    simple_chat(
        "long-line",
        QWEN,
        "2025-08-02T14:20:01.5Z",
        ["Here", " is", " a", "".join(big) + "é北🌍 end", " and", " more", "."],
        60.0,
        'description = "qwen2.5:7b chat whose 4th token is a single ~150 KiB line'
        ' (FRM-LONG-LINE)."\n',
        seed=3,
    )


def size_sweep() -> None:
    """One token per size, 1 B to 1 MiB (LAT-SIZE-SWEEP)."""
    sizes = [
        1,
        1023,
        1024,
        1025,
        4095,
        4096,
        4097,
        8191,
        8192,
        8193,
        16383,
        16384,
        16385,
        65536,
        262144,
        1048576,
    ]
    alphabet = "abcdefghijklmnopqrstuvwxyz "
    tokens = [
        "".join(alphabet[(i * 7 + j) % len(alphabet)] for j in range(n))
        for i, n in enumerate(sizes)
    ]
    simple_chat(
        "size-sweep",
        QWEN,
        "2025-08-02T14:25:01.5Z",
        tokens,
        150.0,
        'description = "qwen2.5:7b chat with one token per size: 1 B to 1 MiB around'
        ' 1/4/8/16 KiB (LAT-SIZE-SWEEP)."\n',
        seed=4,
    )


#: every bundled scenario, in the order the files were first written
BUILDERS = (
    seed_deepseek,
    qwen_chat,
    qwen_generate,
    generate_long_context,
    multilingual,
    tool_call,
    thinking,
    injection,
    error_mid_stream,
    long_line,
    size_sweep,
)


def main() -> None:
    for build in BUILDERS:
        build()


if __name__ == "__main__":
    main()
