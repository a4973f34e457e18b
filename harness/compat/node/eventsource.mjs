// `eventsource` (npm, current major): the WHATWG EventSource for Node. POST goes
// through its documented `fetch` option (the request is otherwise what it sends).
import { EventSource } from "eventsource";
import { job, recorder } from "./common.mjs";

const j = job();
const rec = recorder(j.timeout_s * 1000);
let requests = 0;
rec.start();
const es = new EventSource(j.url, {
  fetch: (url, init) => {
    requests += 1;
    if (requests > 1) {
      rec.result.reconnected = true;
      es.close();
      rec.finish();
      return new Promise(() => {});
    }
    if (j.method === "GET") return fetch(url, init);
    return fetch(url, {
      ...init,
      method: j.method,
      body: j.body,
      headers: { ...init.headers, ...Object.fromEntries(j.headers) },
    });
  },
});
es.onmessage = (ev) => rec.event(ev.type, ev.data);
es.addEventListener("error", (ev) => {
  if (es.readyState === EventSource.CLOSED) {
    rec.fail(`error event: ${ev.message || "connection failed"}${ev.code ? ` (${ev.code})` : ""}`);
    rec.finish();
  }
  // CONNECTING: the stream ended and it will reconnect; the fetch hook above sees it
});
