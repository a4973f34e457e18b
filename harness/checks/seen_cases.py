"""Where the failures of the HDR, FRM and LAT checks were seen in the wild
(harness.checks.seen joins it with harness.checks.seen_end): check id -> its cases,
``()`` when none is known. Every link was found in a public issue, pull request or
article; none is made up."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Seen:
    """One real-world case of a check's failure."""

    what: str
    link: str


GH = "https://github.com/"

SEEN: dict[str, tuple[Seen, ...]] = {
    "HDR-STATUS-200": (),
    "HDR-CONTENT-TYPE": (
        Seen(
            "Ollama streams application/x-ndjson; EventSource-style clients "
            "(react-native-sse) got no events",
            GH + "ollama/ollama/issues/4788",
        ),
        Seen(
            "a gateway refused Ollama's NDJSON stream as non-SSE and the client "
            "never got an answer",
            GH + "decolua/9router/issues/4119",
        ),
    ),
    "HDR-NO-CONTENT-LENGTH": (
        Seen(
            "a proxy forwarded upstream's Content-Length onto text/event-stream; "
            "browsers hung, then reported a network error",
            GH + "braintrustdata/braintrust-proxy/pull/1124",
        ),
        Seen(
            "a streaming proxy sent Content-Length with Transfer-Encoding: chunked; "
            "clients failed to parse it",
            GH + "timoklimmer/powerproxy-aoai/issues/53",
        ),
        Seen(
            "an adapter buffered small SSE responses and added Content-Length: "
            "HTTP/2 PROTOCOL_ERROR",
            GH + "modelcontextprotocol/typescript-sdk/issues/1619",
        ),
    ),
    "HDR-H2-NO-CONN-HEADERS": (
        Seen(
            "NestJS SSE over HTTP/2 sent connection-specific headers; Chrome shows "
            "ERR_HTTP2_PROTOCOL_ERROR",
            GH + "nestjs/nest/issues/17588",
        ),
        Seen(
            "an SSE response's Connection: keep-alive made WebKit drop the stream "
            "over HTTP/2",
            GH + "bartblast/hologram/issues/1262",
        ),
    ),
    "HDR-EARLY-FLUSH": (
        Seen(
            "Caddy held the response headers until the first body byte",
            GH + "caddyserver/caddy/issues/4247",
        ),
        Seen(
            "Starlette's responders withheld the response head until the first "
            "body chunk: headers waited for the model's first token",
            GH + "Boise-State-Development/agentcore-public-stack/pull/1133",
        ),
    ),
    "HDR-CACHE": (
        Seen(
            "a streamed chat arrived all at once; the workaround sets "
            "Cache-Control: no-cache, no-transform",
            GH + "vercel/ai/issues/12233",
        ),
    ),
    "HDR-ACCEL": (
        Seen(
            "Next.js documents X-Accel-Buffering: no for streaming behind nginx",
            GH + "vercel/next.js/pull/60943",
        ),
        Seen(
            "streamed answers arrived all at once behind nginx's default "
            "proxy_buffering",
            GH + "vercel/ai/issues/239",
        ),
    ),
    "HDR-NO-COMPRESSION": (
        Seen(
            "tower-http's CompressionLayer buffered event streams until a size "
            "was reached",
            GH + "tower-rs/tower-http/issues/419",
        ),
        Seen(
            "Starlette's GZip buffered event streams; it now skips text/event-stream",
            GH + "Kludex/starlette/pull/2871",
        ),
    ),
    "HDR-NO-UPSTREAM-LEAK": (
        Seen(
            "a proxy copied upstream's Content-Length header onto its own event stream",
            GH + "braintrustdata/braintrust-proxy/pull/1124",
        ),
    ),
    "FRM-UTF8-VALID": (
        Seen(
            "an AI gateway decoded each upstream chunk lossily: U+FFFD in CJK "
            "and emoji text",
            GH + "api7/aisix/issues/111",
        ),
        Seen(
            "spurious U+FFFD in events: decoder state lost between reads",
            GH + "btubbs/sseclient/issues/38",
        ),
    ),
    "FRM-UTF8-SPLIT": (
        Seen(
            "a gateway's SSE transforms corrupted characters split across "
            "upstream chunks",
            GH + "musistudio/claude-code-router/pull/1672",
        ),
        Seen(
            "sseclient decoded each chunk on its own, breaking characters cut "
            "across chunks",
            GH + "mpetazzoni/sseclient/issues/8",
        ),
    ),
    "FRM-TOKEN-MAPPING": (),
    "FRM-NDJSON-SPLIT": (
        Seen(
            "Ollama sends several JSON lines in one read; a client parsing each "
            "read as one JSON object failed",
            GH + "ollama/ollama/issues/1728",
        ),
        Seen(
            "a client handling Ollama's stream had to cope with several JSON "
            "objects in one chunk",
            GH + "CodingTrain/Bizarro-Devin/pull/87",
        ),
    ),
    "FRM-INJECTION": (
        Seen(
            "a newline in the content was written straight into data:, cutting "
            "the event",
            GH + "Atmosphere/atmosphere/issues/2150",
        ),
        Seen(
            "NestJS wrote event type and id into the stream without removing "
            "CR/LF, so upstream data could inject events",
            GH + "nestjs/nest/pull/16686",
        ),
    ),
    "FRM-TERMINATED": (
        Seen(
            "a gateway closed the stream right after the last data: line, without the blank line; "
            "the final event with finish_reason was lost",
            GH + "openai/openai-node/issues/2725",
        ),
    ),
    "FRM-FIELDS": (
        Seen(
            "a proxy forwarded a backend's error body without a data: prefix; every SSE "
            "parser dropped it and the stream just ended",
            GH + "lemonade-sdk/lemonade/pull/2975",
        ),
        Seen(
            "an error frame written as bare JSON parsed as an unknown field and was discarded",
            GH + "stacklok/mecatl/pull/878",
        ),
    ),
    "FRM-LF-ONLY": (
        Seen(
            "sse-starlette's default CRLF line endings broke a generated client "
            "splitting on a blank LF line",
            GH + "hey-api/hey-api/issues/3054",
        ),
    ),
    "FRM-NO-BOM": (),
    "FRM-LONG-LINE": (
        Seen(
            "a service relaying a chatbot's SSE failed with 'Chunk too big' on one data: line over"
            " 128 KB",
            GH + "ansible/ansible-ai-connect-service/issues/2000",
        ),
        Seen(
            "aiohttp's line reader refused JSON-lines longer than 128 KB: 'Line is too long'",
            GH + "aio-libs/aiohttp/issues/4453",
        ),
    ),
    "LAT-FIRST-TOKEN": (
        Seen(
            "useChat streamed locally but not behind nginx in Docker",
            GH + "vercel/ai/issues/3159",
        ),
        Seen(
            "streamed answers arrived all at once behind nginx",
            GH + "vercel/ai/issues/239",
        ),
    ),
    "LAT-NO-BATCHING": (
        Seen(
            "every event of a streamed chat arrived with the same timestamp",
            GH + "vercel/ai/issues/12233",
        ),
        Seen(
            "Starlette's GZip middleware held about 32 KiB of an event stream",
            GH + "Kludex/starlette/pull/2753",
        ),
    ),
    "LAT-SIZE-SWEEP": (
        Seen(
            "Starlette's GZip middleware released streams 32 KiB at a time",
            GH + "Kludex/starlette/pull/2753",
        ),
    ),
    "LAT-OVERHEAD": (),
}
