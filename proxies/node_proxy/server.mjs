// A correct reference proxy on Node 20 with no npm dependencies: node:http + global
// fetch + AbortController. Ollama /api/chat NDJSON in, seed-dialect SSE out
// (contracts.md, "Seed dialect"); same behaviour as proxies/starlette_proxy.
//
//   PORT=8000 OLLAMA_URL=http://127.0.0.1:11434 node proxies/node_proxy/server.mjs
//
// Environment: PORT, OLLAMA_URL or OLLAMA_HOST, OLLAMA_MODEL, HEARTBEAT_SECONDS (15),
// SLOW_CLIENT_SECONDS (30). Options --port and --upstream override PORT / OLLAMA_URL.

import http from "node:http";
import net from "node:net";
import { parseArgs } from "node:util";

const ROUTE = "/api/v1/complete";
const ACCEPTED_TYPE = "application/json";
const MAX_BODY_BYTES = 1024 * 1024;
const ERROR_BODY_LIMIT = 64 * 1024;
const PROBE_MS = 2000;

const HEARTBEAT = ": ping\n\n";
const FINISHED = 'data: {"finished": true}\n\n';
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
  let text = value.trim().replace(/\/+$/, "");
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

// ---- request admission (nothing goes upstream unless all pass) ------------------

function mediaType(value) {
  return value.split(";", 1)[0].trim().toLowerCase(); // RFC 9110 8.3.1
}

// RFC 9110 12.5.1: the most specific matching range decides; q=0 is "not acceptable".
function acceptsEventStream(value) {
  if (value === undefined || !value.trim()) return true;
  const specificity = { "*/*": 0, "text/*": 1, "text/event-stream": 2 };
  let best = null;
  for (const item of value.split(",")) {
    const [range, ...params] = item.split(";");
    const rank = specificity[range.trim().toLowerCase()];
    if (rank === undefined || (best !== null && rank <= best.rank)) continue;
    let q = 1;
    for (const param of params) {
      const [name, v = ""] = param.split("=");
      if (name.trim().toLowerCase() === "q") q = Number(v.trim()) || 0;
    }
    best = { rank, q };
  }
  return best !== null && best.q > 0;
}

function admitHead(req) {
  if (req.method !== "POST") return [405, `method ${req.method} not allowed`, { Allow: "POST" }];
  const type = req.headers["content-type"];
  if (type === undefined || mediaType(type) !== ACCEPTED_TYPE) {
    const problem = type === undefined ? "missing Content-Type" : `Content-Type ${JSON.stringify(type)}`;
    return [415, `${problem}: send ${ACCEPTED_TYPE}`, { "Accept-Post": ACCEPTED_TYPE }];
  }
  if (!acceptsEventStream(req.headers.accept)) {
    return [406, `Accept ${JSON.stringify(req.headers.accept)} does not allow text/event-stream`, {}];
  }
  return null;
}

function parseBody(body) {
  if (body.length > MAX_BODY_BYTES) return [413, `request body larger than ${MAX_BODY_BYTES} bytes`];
  let value;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch (err) {
    return [400, `request body is not valid JSON: ${err.message}`];
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [400, "request body must be a JSON object"];
  if (typeof value.prompt !== "string") return [400, 'request body needs "prompt" as a string'];
  if (value.model !== undefined && value.model !== null && typeof value.model !== "string") {
    return [400, '"model" must be a string when given'];
  }
  return { prompt: value.prompt, model: value.model || config.model };
}

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > MAX_BODY_BYTES) break;
  }
  return Buffer.concat(chunks);
}

function sendJson(res, status, message, headers = {}) {
  const body = JSON.stringify({ error: message });
  res.writeHead(status, { ...headers, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

// ---- NDJSON -> SSE (split on the byte 0x0A, decode whole lines) -----------------

class LineSplitter {
  #pending = [];

  feed(chunk) {
    const lines = [];
    let start = 0;
    let newline;
    while ((newline = chunk.indexOf(0x0a, start)) !== -1) {
      this.#pending.push(chunk.subarray(start, newline));
      lines.push(Buffer.concat(this.#pending));
      this.#pending = [];
      start = newline + 1;
    }
    if (start < chunk.length) this.#pending.push(chunk.subarray(start));
    return lines;
  }

  end() {
    const rest = Buffer.concat(this.#pending);
    this.#pending = [];
    return rest;
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

// The meanings of one complete line: ["token", text] | ["done"] | ["error", text] |
// ["malformed", reason]. Ollama's mid-stream failure is an {"error": ...} line.
function interpret(line) {
  let value;
  try {
    const text = utf8.decode(line);
    if (!text.trim()) return [];
    value = JSON.parse(text);
  } catch (err) {
    return [["malformed", `upstream sent a line that is not JSON (${err.message})`]];
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return [["malformed", "upstream sent a JSON line that is not an object"]];
  }
  if ("error" in value) return [["error", typeof value.error === "string" ? value.error : JSON.stringify(value.error)]];
  const meanings = [];
  const content = value.message?.content;
  if (typeof content === "string" && content) meanings.push(["token", content]);
  if (value.done === true) meanings.push(["done"]);
  return meanings;
}

const tokenEvent = (text) => `data: ${JSON.stringify({ token: text })}\n\n`;
const errorEvent = (text) => `event: error\ndata: ${JSON.stringify({ error: text })}\n\n`;

class Translator {
  #splitter = new LineSplitter();
  over = false;

  feed(chunk) {
    const out = [];
    for (const line of this.#splitter.feed(chunk)) {
      this.#apply(interpret(line), out);
      if (this.over) break;
    }
    return out;
  }

  eof() {
    const rest = this.#splitter.end();
    const out = [];
    if (!this.over && rest.toString("latin1").trim()) {
      const meanings = interpret(rest);
      if (meanings.some(([kind]) => kind === "malformed")) return this.fail("upstream ended mid-line");
      this.#apply(meanings, out);
    }
    return this.over ? out : [...out, ...this.fail("upstream ended without done")];
  }

  broken(reason) {
    return this.fail(`upstream connection failed: ${reason}`);
  }

  fail(text) {
    if (this.over) return [];
    this.over = true;
    return [errorEvent(text)];
  }

  #apply(meanings, out) {
    for (const [kind, text] of meanings) {
      if (this.over) return;
      if (kind === "token") out.push(tokenEvent(text));
      else if (kind === "done") {
        this.over = true;
        out.push(FINISHED);
      } else out.push(...this.fail(text)); // "error" and "malformed"
    }
  }
}

function statusErrorText(status, body) {
  try {
    const value = JSON.parse(body);
    if (typeof value?.error === "string") return `upstream status ${status}: ${value.error}`;
  } catch {
    // not JSON: use the text
  }
  const text = body.trim().slice(0, 2000);
  return `upstream status ${status}${text ? `: ${text}` : ""}`;
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
        model: completion.model,
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
  const path = new URL(req.url ?? "/", "http://proxy").pathname;
  if (path !== ROUTE) return sendJson(res, 404, `no route ${path}; POST ${ROUTE}`);
  const rejection = admitHead(req);
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
