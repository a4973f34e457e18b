"""How to fix a finding on common stacks (pure data): one entry per topic, one line per
stack. harness.checks.fixes maps each check to its topic; docs/checks.md renders them.
"""

from __future__ import annotations

STACKS = (
    "Next.js route handler",
    "Starlette/FastAPI",
    "Express/Hono",
    "nginx",
)

#: topic -> one line per stack, in STACKS order
HOWTO: dict[str, tuple[str, str, str, str]] = {
    "headers": (
        'Return `new Response(stream, {headers: {"Content-Type": "text/event-stream", '
        '"Cache-Control": "no-cache, no-transform", "X-Accel-Buffering": "no"}})`; '
        "never spread the upstream `res.headers` into it.",
        '`StreamingResponse(gen(), media_type="text/event-stream", headers={...})`, '
        "or sse-starlette's `EventSourceResponse(gen(), headers={...})`; build the "
        "headers yourself, do not pass `upstream.headers` on.",
        "Express: `res.writeHead(200, {...})` with the three fields; Hono: "
        "`streamSSE(c, …)` and `c.header(…)`; copy no upstream field.",
        "`proxy_hide_header Content-Type;` … for upstream fields if nginx fronts "
        'Ollama directly; `add_header Cache-Control "no-cache, no-transform";`.',
    ),
    "flush": (
        "Return the `Response` at once and start the upstream read inside the "
        "stream's `start()`/`pull()`; `export const dynamic = 'force-dynamic'`; "
        "`controller.enqueue(enc.encode(': ok\\n\\n'))` first pushes the head through "
        "a layer that waits for body bytes.",
        "Return the `StreamingResponse`/`EventSourceResponse` as soon as the upstream "
        "connection is up; do not await the first chunk before returning; "
        '`yield ": ok\\n\\n"` first pushes the head through a layer that waits for body '
        "bytes.",
        "Express: `res.flushHeaders()` right after `writeHead`, then "
        "`res.write(': ok\\n\\n')` for a layer that waits for body bytes; Hono: "
        "`streamSSE` sends the head when the callback starts.",
        "`proxy_buffering off;` (or honour `X-Accel-Buffering: no`); with `http2` "
        "before nginx 1.23.0 the head still waits for the first body bytes "
        "(ticket #1743): upgrade, or have the proxy send a comment at once.",
    ),
    "framing": (
        "Per token `controller.enqueue(enc.encode(`data: ${JSON.stringify(obj)}"
        "\\n\\n`))`: JSON-encode the text, one event per token.",
        '`yield f"data: {json.dumps(obj)}\\n\\n"`; with sse-starlette `yield '
        '{"data": json.dumps(obj)}` (it splits newlines into data lines).',
        "Express: `res.write(`data: ${JSON.stringify(obj)}\\n\\n`)`; Hono: "
        "`stream.writeSSE({data: JSON.stringify(obj)})`.",
        "Nothing to configure: the application frames the events.",
    ),
    "lines": (
        "Decode with `new TextDecoder()` and `decode(chunk, {stream: true})`, keep "
        "the text after the last `\\n` for the next read, parse whole lines only.",
        "`async for line in upstream.aiter_lines()` (httpx) parses whole lines "
        "across reads; never `json.loads` a raw chunk.",
        "Pipe the body through `readline`/a line splitter that keeps the remainder "
        "(e.g. `TextDecoderStream` + split on `\\n`).",
        "Nothing to configure.",
    ),
    "latency": (
        "Enqueue each event as it is read; turn off compression for the route "
        "(`compress: false` in next.config.js or a custom server).",
        "Yield per token; keep `GZipMiddleware` off the SSE route; no "
        "`await response.aread()` before streaming.",
        "Express: no `compression()` on the route (or `res.flush()` after each "
        "write); Hono: no `compress()` middleware on the route.",
        "`proxy_buffering off; proxy_cache off; gzip off;` in the location "
        "(or `X-Accel-Buffering: no` from the app).",
    ),
    "ending": (
        "Send the completion event only after upstream's `done: true`; on an upstream "
        '`{"error"}` line or read error enqueue `event: error` and `close()`; enqueue '
        "nothing after the completion.",
        "In the generator `try/except httpx.HTTPError`: yield an `event: error`; yield "
        "the completion only for upstream's `done: true`, then `return`.",
        "Same logic in the read loop; `res.end()` (Hono: `stream.close()`) right "
        "after the completion or the error event.",
        "`proxy_read_timeout` above the heartbeat interval so nginx does not cut a "
        "live stream; nothing else.",
    ),
    "down": (
        "`await fetch(upstream)` inside `try` before `return new Response(stream)`; "
        'on failure `return Response.json({error: "upstream unavailable"}, '
        "{status: 502})`.",
        "Open upstream (`client.send(req, stream=True)`) before returning the "
        "response; `except httpx.ConnectError: return JSONResponse(..., 502)` "
        "(504 on `ConnectTimeout`).",
        "Await the upstream request before `writeHead`; on error "
        "`res.status(502).json({...})` (Hono: `c.json({...}, 502)`).",
        "`proxy_connect_timeout 5s;` and `error_page 502 503 504 = @json;` with "
        "`location @json { default_type application/json; return 502 "
        '\'{"error":"upstream unavailable"}\'; }`.',
    ),
    "cancel": (
        "`fetch(upstream, {signal: request.signal})`, and abort in the stream's "
        "`cancel()`.",
        "sse-starlette cancels the generator on disconnect; close the httpx "
        "response in `finally` (`async with client.stream(...)`).",
        "Express: `req.on('close', () => ac.abort())`; Hono: "
        "`stream.onAbort(() => ac.abort())`.",
        "Leave `proxy_ignore_client_abort off;` (the default).",
    ),
    "backpressure": (
        "Pull-based `ReadableStream({pull})`: read upstream only when the client "
        "asks for more.",
        "A generator is backpressured by `send`; add a send timeout and give up "
        "on a client that stalls.",
        "Respect `res.write()` returning false: wait for `'drain'` before the next "
        "upstream read.",
        "`proxy_buffering off;` and a `send_timeout`.",
    ),
    "request": (
        "Check `request.headers.get('content-type')` case-insensitively; 415 with "
        "`Accept-Post: application/json`, 400 on a JSON parse error, export only "
        "`POST` (405 with `Allow` comes free); errors as `Response.json`.",
        "Check the media type of `request.headers['content-type']`; "
        "`JSONResponse(..., 415, headers={'Accept-Post': 'application/json'})`; "
        "FastAPI: map `RequestValidationError` to 400; `methods=['POST']` gives 405.",
        "Express: an explicit type check before `express.json()`, `app.all(path, …)` "
        "answering 405 with `Allow: POST`; Hono: `c.req.header('content-type')`.",
        "Leave it to the application (`limit_except POST` answers 403, not 405).",
    ),
    "heartbeat": (
        "A timer that enqueues `: ping\\n\\n` after 15 s without a write, cleared "
        "in the stream's `cancel()` and on close.",
        "sse-starlette: `EventSourceResponse(gen(), ping=15)` (a comment); by hand: "
        "a task writing `: ping\\n\\n` after 15 s of silence.",
        "Express: `setInterval(() => res.write(': ping\\n\\n'), 15000)`; Hono: the "
        "same with `stream.write`; clear it on close.",
        "`proxy_read_timeout` above the heartbeat interval (e.g. 60s) and "
        "`proxy_buffering off;`.",
    ),
    "h2": (
        "Set no `Connection`/`Keep-Alive`/`Transfer-Encoding` yourself; the runtime "
        "frames HTTP/2.",
        "Set none of those fields; the server (Hypercorn, uvicorn behind a proxy) "
        "frames the response.",
        "Drop `res.setHeader('Connection', 'keep-alive')` and friends.",
        "nginx removes them over HTTP/2; do not `add_header Connection`.",
    ),
}
