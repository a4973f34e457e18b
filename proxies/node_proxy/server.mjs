// A correct reference proxy on Node 20 with no npm dependencies: node:http + global
// fetch + AbortController. Ollama /api/chat NDJSON in, seed-dialect SSE out
// (proxies/README.md); same behaviour as proxies/starlette_proxy.
// The pure part (admission, NDJSON -> SSE) is core.mjs; this file is the I/O.
//
//   PORT=8000 OLLAMA_URL=http://127.0.0.1:11434 node proxies/node_proxy/server.mjs
//
// Environment: PORT, OLLAMA_URL or OLLAMA_HOST, OLLAMA_MODEL, HEARTBEAT_SECONDS (15),
// SLOW_CLIENT_SECONDS (30). Options --port and --upstream override PORT / OLLAMA_URL.

import http from "node:http";
import net from "node:net";
import { parseArgs } from "node:util";

import { HEARTBEAT, MAX_BODY_BYTES, Translator, admitGet, admitHead, parseBody, statusErrorText } from "./core.mjs";

const ROUTE = "/api/v1/complete";
const ERROR_BODY_LIMIT = 64 * 1024;
const PROBE_MS = 2000;

const STREAM_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
  // nginx proxy_buffering: "no" allows unbuffered responses for HTTP streaming.
  "X-Accel-Buffering": "no",
};

// ---- configuration ------------------------------------------------------------

function fail(message) {
  process.stderr.write(`server.mjs: error: ${message}\n`);
  process.exit(2);
}

function seconds(text, name) {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) fail(`${name} must be a positive number, got ${JSON.stringify(text)}`);
  return value;
}

function normaliseUpstream(value) {
  let text = value.trim();
  const bare = !text.includes("://");
  if (bare) text = `http://${text}`;
  let url;
  try {
    url = new URL(text);
  } catch {
    fail(`upstream must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
  if (!["http:", "https:"].includes(url.protocol) || !url.hostname) fail(`bad upstream ${JSON.stringify(value)}`);
  if (bare && !url.port) url.port = "11434"; // Ollama's OLLAMA_HOST convention
  return url;
}

function loadConfig() {
  let options;
  try {
    ({ values: options } = parseArgs({ options: { port: { type: "string" }, upstream: { type: "string" } } }));
  } catch (err) {
    fail(err.message);
  }
  const env = process.env;
  const portText = options.port ?? env.PORT ?? "8000";
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT must be in 0..65535, got ${JSON.stringify(portText)}`);
  const upstream = normaliseUpstream(options.upstream || env.OLLAMA_URL || env.OLLAMA_HOST || "http://127.0.0.1:11434");
  return {
    port,
    upstream,
    base: upstream.href.replace(/\/+$/, ""),
    model: env.OLLAMA_MODEL || "qwen2.5:7b",
    heartbeatMs: seconds(env.HEARTBEAT_SECONDS ?? "15", "HEARTBEAT_SECONDS") * 1000,
    slowClientMs: seconds(env.SLOW_CLIENT_SECONDS ?? "30", "SLOW_CLIENT_SECONDS") * 1000,
  };
}

const config = loadConfig();

// ---- HTTP plumbing ----------------------------------------------------------------

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    // Past the limit keep draining (breaking out would destroy the socket before
    // the 413 could be sent) but stop keeping.
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(chunks);
}

function sendJson(res, status, message, headers = {}) {
  const body = JSON.stringify({ error: message });
  res.writeHead(status, { ...headers, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

function describe(err) {
  const cause = err?.cause ? ` (${err.cause.code ?? err.cause.message ?? err.cause})` : "";
  return `${err?.name ?? "Error"}: ${err?.message ?? err}${cause}`;
}

// ---- I/O ----------------------------------------------------------------------------

class ClientStalled extends Error {}

// END-UPSTREAM-DOWN: fetch only resolves with Ollama's headers (its first token), so
// a quick TCP probe decides between a 502 and committing to 200 with early headers.
function probe(url, ms) {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error(`no connection within ${ms} ms`), { status: 504 }));
    }, ms);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    });
    socket.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

// One SSE response: writes respect backpressure (await 'drain', give up after
// slowClientMs); a heartbeat comment goes out after heartbeatMs of silence.
class Output {
  #timer = null;

  constructor(res, abort) {
    this.res = res;
    this.abort = abort;
  }

  open() {
    this.res.socket?.setNoDelay(true);
    this.res.writeHead(200, STREAM_HEADERS);
    this.res.flushHeaders();
    this.#arm();
  }

  #arm() {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      if (!this.res.writableNeedDrain && !this.res.destroyed) this.res.write(HEARTBEAT);
      this.#arm();
    }, config.heartbeatMs);
  }

  async write(chunks) {
    for (const chunk of chunks) {
      if (this.res.destroyed) return;
      this.#arm();
      if (!this.res.write(chunk)) await this.#drained();
    }
  }

  #drained() {
    const res = this.res;
    return new Promise((resolve, reject) => {
      const settle = (error) => {
        clearTimeout(timer);
        res.off("drain", onDrain);
        res.off("close", onDrain);
        if (error) reject(error);
        else resolve();
      };
      const onDrain = () => settle(null);
      const timer = setTimeout(
        () => settle(new ClientStalled(`client took no data for ${config.slowClientMs / 1000} s`)),
        config.slowClientMs,
      );
      res.once("drain", onDrain);
      res.once("close", onDrain);
    });
  }

  close() {
    clearTimeout(this.#timer);
    if (!this.res.destroyed) this.res.end();
  }

  dispose() {
    clearTimeout(this.#timer);
  }
}

async function readLimited(body, limit) {
  const reader = body.getReader();
  const chunks = [];
  let size = 0;
  while (size < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(Buffer.from(value));
    size += value.length;
  }
  await reader.cancel().catch(() => {});
  return Buffer.concat(chunks).subarray(0, limit).toString("utf-8");
}

async function pump(response, translator, output) {
  if (!response.ok) {
    const text = await readLimited(response.body, ERROR_BODY_LIMIT);
    return output.write(translator.fail(statusErrorText(response.status, text)));
  }
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    await output.write(translator.feed(Buffer.from(value.buffer, value.byteOffset, value.byteLength)));
    if (translator.over) return;
  }
  await output.write(translator.eof());
}

async function stream(req, res, completion) {
  const abort = new AbortController();
  res.on("close", () => {
    // CANCEL-*: the client left before the end: cancel upstream at once.
    if (!res.writableFinished) abort.abort();
  });
  try {
    await probe(config.upstream, PROBE_MS);
  } catch (err) {
    if (!abort.signal.aborted) sendJson(res, err.status ?? 502, `cannot reach upstream ${config.base}: ${describe(err)}`);
    return;
  }
  if (abort.signal.aborted) return;
  const output = new Output(res, abort);
  output.open();
  const translator = new Translator();
  try {
    const response = await fetch(`${config.base}/api/chat`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/x-ndjson" },
      body: JSON.stringify({
        model: completion.model || config.model,
        messages: [{ role: "user", content: completion.prompt }],
        stream: true,
      }),
      signal: abort.signal,
    });
    await pump(response, translator, output);
  } catch (err) {
    if (err instanceof ClientStalled) {
      process.stderr.write(`giving up the stream: ${err.message}\n`);
      abort.abort();
      output.dispose();
      res.destroy();
      return;
    }
    if (abort.signal.aborted) return output.dispose();
    await output.write(translator.broken(describe(err))).catch(() => {});
  } finally {
    abort.abort(); // the answer is over: drop whatever upstream still has
  }
  output.close();
}

async function handle(req, res) {
  const url = new URL(req.url ?? "/", "http://proxy");
  const path = url.pathname;
  if (path !== ROUTE) return sendJson(res, 404, `no route ${path}; POST ${ROUTE}`);
  if (req.method === "GET") {
    const admitted = admitGet(url.searchParams, req.headers);
    if (Array.isArray(admitted)) return sendJson(res, ...admitted);
    return stream(req, res, admitted);
  }
  const rejection = admitHead(req.method, req.headers);
  if (rejection !== null) return sendJson(res, ...rejection);
  const completion = parseBody(await readBody(req));
  if (Array.isArray(completion)) return sendJson(res, ...completion);
  return stream(req, res, completion);
}

const server = http.createServer({ noDelay: true }, (req, res) => {
  handle(req, res).catch((err) => {
    process.stderr.write(`internal error: ${err?.stack ?? err}\n`);
    if (!res.headersSent) sendJson(res, 500, `internal error: ${err?.name ?? "Error"}`);
    else res.destroy();
  });
});
server.listen(config.port, "127.0.0.1", () => {
  process.stderr.write(`proxy on http://127.0.0.1:${server.address().port}${ROUTE} -> ${config.base}\n`);
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
