"""Where the failures of the END, CANCEL, REQ and IDLE checks were seen in the wild
(harness.checks.seen joins it with harness.checks.seen_cases): check id -> its cases,
``()`` when none is known. Every link was found in a public issue, pull request or
article; none is made up."""

from __future__ import annotations

from harness.checks.seen_cases import GH, Seen

SEEN: dict[str, tuple[Seen, ...]] = {
    "END-DONE": (
        Seen(
            "a translating proxy swallowed [DONE] without emitting the completion events; the "
            "client reported the stream closed before completion",
            GH + "router-for-me/CLIProxyAPI/issues/1085",
        ),
        Seen(
            "a client hung forever when the proxy's stream ended without a terminal event",
            GH + "earendil-works/pi/issues/8996",
        ),
    ),
    "END-UPSTREAM-ERROR-LINE": (
        Seen(
            "LiteLLM swallowed an Ollama streaming error and gave clients an empty 200",
            GH + "BerriAI/litellm/pull/1750",
        ),
    ),
    "END-UPSTREAM-TRUNCATED": (
        Seen(
            "LiteLLM turned an upstream reset mid-stream into finish_reason stop and [DONE]",
            GH + "BerriAI/litellm/issues/33404",
        ),
        Seen(
            "a proxy ended a truncated upstream stream with a clean end_turn",
            GH + "ranxianglei/billion-context/pull/239",
        ),
    ),
    "END-TRUNCATED-EXPLICIT": (
        Seen(
            "Ollama's cloud proxy gave a clean 200 with a partial body and no terminal chunk when "
            "upstream was cut",
            GH + "ollama/ollama/pull/18469",
        ),
        Seen(
            "a proxy's stream cut before the terminal event reached the client with no completion "
            "or error event",
            GH + "ranxianglei/billion-context/issues/721",
        ),
    ),
    "END-NOTHING-AFTER-DONE": (
        Seen(
            "a proxy wrote its merged last chunk twice: content after the finish reason",
            GH + "ranxianglei/billion-context/issues/429",
        ),
    ),
    "END-UPSTREAM-STATUS": (
        Seen(
            "LiteLLM swallowed the error when Ollama could not load a model: "
            "clients got an empty 200",
            GH + "BerriAI/litellm/pull/1750",
        ),
        Seen(
            "a proxy forwarded a backend's error status as a 200 event stream the client "
            "saw end empty",
            GH + "lemonade-sdk/lemonade/pull/2975",
        ),
    ),
    "END-UPSTREAM-DOWN": (
        Seen(
            "with Ollama not running, LiteLLM's async stream ended without an error",
            GH + "BerriAI/litellm/issues/8868",
        ),
        Seen(
            "an HTTP proxy hung forever when its target could not be resolved",
            GH + "eclipse-vertx/vertx-http-proxy/issues/4",
        ),
    ),
    "END-UPSTREAM-DOWN-STATUS": (
        Seen(
            "a proxy answered 200 with a lone error event when upstream was unreachable; clients "
            "could not retry",
            GH + "headroomlabs-ai/headroom/pull/3083",
        ),
    ),
    "END-GARBAGE": (
        Seen(
            "a proxy silently swallowed JSON parse errors mid-stream, truncating responses without"
            " an error",
            GH + "castari/castari-proxy/issues/1",
        ),
    ),
    "CANCEL-MID-STREAM": (
        Seen(
            "LiteLLM kept the upstream request running after the client disconnected",
            GH + "BerriAI/litellm/issues/13774",
        ),
        Seen(
            "request.signal was never aborted on the Vercel Node runtime",
            GH + "vercel/next.js/issues/77786",
        ),
    ),
    "CANCEL-BEFORE-FIRST-TOKEN": (
        Seen(
            "LiteLLM did not cancel upstream when the client left before the "
            "first token",
            GH + "BerriAI/litellm/pull/31499",
        ),
    ),
    "CANCEL-SLOW-READER": (
        Seen(
            "a client that stopped reading left the server generating until its "
            "send hung",
            GH + "sysid/sse-starlette/issues/89",
        ),
        Seen(
            "sse-starlette's ping to a frozen client blocked forever; it now uses "
            "a send timeout",
            GH + "sysid/sse-starlette/pull/208",
        ),
    ),
    "REQ-415-WRONG-TYPE": (
        Seen(
            "request validation answered an unsupported Content-Type with 400 instead of 415",
            GH + "swagger-api/swagger-node/issues/477",
        ),
    ),
    "REQ-415-ACCEPT-POST": (),
    "REQ-415-MISSING-TYPE": (
        Seen(
            "an API answered a request without Content-Type: application/json with a 500",
            GH + "directus/v8-archive/issues/196",
        ),
    ),
    "REQ-TYPE-PARAMS": (
        Seen(
            "Content-Type: application/json; charset=utf-8 (OkHttp's default) got 415",
            GH + "aws/chalice/issues/306",
        ),
    ),
    "REQ-400-MALFORMED": (
        Seen(
            "an API gateway answered an invalid JSON payload with 500 instead of 400",
            GH + "wso2/product-apim/issues/4916",
        ),
    ),
    "REQ-406-ACCEPT": (),
    "REQ-ERROR-BODY": (),
    "REQ-METHOD": (),
    "IDLE-HEARTBEAT": (
        Seen(
            "EventSource behind Cloudflare ended with a 524 after 100 s of silence",
            GH + "burningmantech/ranger-ims-server/issues/1364",
        ),
        Seen(
            "a gateway's keep-alive pings never reached the client while the "
            "model thought: Cloudflare 524",
            GH + "QuantumNous/new-api/issues/971",
        ),
    ),
    "IDLE-HEARTBEAT-MID": (
        Seen(
            "minutes of silence while a tool call was withheld mid-stream made "
            "clients with idle timeouts abort and retry",
            GH + "antirez/ds4/pull/1006",
        ),
        Seen(
            "remote clients dropped a turn during a silent pause mid-stream",
            GH + "NousResearch/hermes-agent/pull/112207",
        ),
    ),
    "IDLE-HEARTBEAT-INVISIBLE": (
        Seen(
            "a server turned its SSE keep-alives off because OpenAI's client did "
            "not handle them",
            GH + "ai-dynamo/dynamo/pull/408",
        ),
        Seen(
            "fetch-event-source fired onmessage for comment-only blocks",
            GH + "Azure/fetch-event-source/issues/15",
        ),
    ),
}
