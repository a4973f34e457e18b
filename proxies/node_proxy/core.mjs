// The pure core of the Node reference proxy: request admission and the NDJSON -> SSE
// translation of the seed dialect (proxies/README.md). No I/O here; server.mjs moves bytes.

export const ACCEPTED_TYPE = "application/json";
export const MAX_BODY_BYTES = 1024 * 1024;
export const HEARTBEAT = ": ping\n\n"; // a comment: WHATWG HTML 9.2.7 "every 15 seconds or so"
export const FINISHED = 'data: {"finished": true}\n\n';

// ---- request admission (nothing goes upstream unless all pass) ------------------

export function mediaType(value) {
  return value.split(";", 1)[0].trim().toLowerCase(); // RFC 9110 8.3.1
}

// RFC 9110 12.5.1: the most specific matching range decides; q=0 is "not acceptable".
export function acceptsEventStream(value) {
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

export function admitHead(method, headers) {
  if (method !== "POST") return [405, `method ${method} not allowed`, { Allow: "POST" }];
  const type = headers["content-type"];
  if (type === undefined || mediaType(type) !== ACCEPTED_TYPE) {
    const problem = type === undefined ? "missing Content-Type" : `Content-Type ${JSON.stringify(type)}`;
    return [415, `${problem}: send ${ACCEPTED_TYPE}`, { "Accept-Post": ACCEPTED_TYPE }];
  }
  if (!acceptsEventStream(headers.accept)) {
    return [406, `Accept ${JSON.stringify(headers.accept)} does not allow text/event-stream`, {}];
  }
  return null;
}

// GET /api/v1/complete?prompt=… (the browser's EventSource can only GET). The target
// URI includes the query (RFC 9110 7.1): without `prompt` the route stays POST-only.
export function admitGet(query, headers) {
  const prompt = query.get("prompt");
  if (prompt === null) return [405, "method GET not allowed without ?prompt=", { Allow: "POST" }];
  if (!acceptsEventStream(headers.accept)) {
    return [406, `Accept ${JSON.stringify(headers.accept)} does not allow text/event-stream`, {}];
  }
  return { prompt, model: query.get("model") || null };
}

export function parseBody(body) {
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
  return { prompt: value.prompt, model: value.model || null };
}

// ---- NDJSON -> SSE (split on the byte 0x0A, decode whole lines) -----------------

export class LineSplitter {
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
export function interpret(line) {
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

export const tokenEvent = (text) => `data: ${JSON.stringify({ token: text })}\n\n`;
export const errorEvent = (text) => `event: error\ndata: ${JSON.stringify({ error: text })}\n\n`;

export class Translator {
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

export function statusErrorText(status, body) {
  try {
    const value = JSON.parse(body);
    if (typeof value?.error === "string") return `upstream status ${status}: ${value.error}`;
  } catch {
    // not JSON: use the text
  }
  const text = body.trim().slice(0, 2000);
  return `upstream status ${status}${text ? `: ${text}` : ""}`;
}
