// The Chromium drivers, run inside a page the harness serves on 127.0.0.1.
// window.runDriver(job) resolves to {events: [[type, data, ms]], error, reconnected, note}
// and never hangs: every driver races the job's timeout.
import { fetchEventSource } from "./fetch-event-source/index.js";

function recorder() {
  const t0 = performance.now();
  const result = { events: [], error: null, reconnected: false, note: "" };
  return {
    result,
    event(type, data) { result.events.push([String(type), String(data), performance.now() - t0]); },
    fail(message) { if (result.error === null) result.error = String(message); },
    note(text) { result.note = result.note ? `${result.note}; ${text}` : String(text); },
  };
}

// The browser's own EventSource (GET only, no custom headers). It reconnects after
// the end of the stream (WHATWG HTML 9.2.3); the second open is recorded and closed.
function eventSource(job, rec) {
  return new Promise((resolve) => {
    const es = new EventSource(job.url);
    let opens = 0;
    es.onopen = () => {
      opens += 1;
      if (opens > 1) { rec.result.reconnected = true; es.close(); resolve(); }
    };
    es.onmessage = (ev) => rec.event(ev.type, ev.data);
    es.addEventListener("error", () => {
      if (es.readyState === EventSource.CLOSED) {
        rec.fail("error event: the browser failed the connection (readyState CLOSED)");
        resolve();
      } else if (opens >= 1) {
        // end of stream: the browser will reconnect; wait for that open (or give up)
        rec.result.reconnected = true;
        es.close();
        resolve();
      }
    });
  });
}

class EndOfStream extends Error {}

// @microsoft/fetch-event-source 2.0.1, as its README shows it (POST, JSON body).
async function fetchEventSourceDriver(job, rec) {
  try {
    await fetchEventSource(job.url, {
      method: job.method,
      headers: Object.fromEntries(job.headers),
      body: job.body ?? undefined,
      openWhenHidden: true,
      onmessage(ev) { rec.event(ev.event || "message", ev.data); },
      onclose() { throw new EndOfStream(); },
      onerror(err) {
        if (!(err instanceof EndOfStream)) {
          rec.fail(err && err.message ? err.message : String(err));
          rec.note("onerror threw to stop its automatic retry");
        }
        throw err;
      },
    });
  } catch (err) {
    if (!(err instanceof EndOfStream)) rec.fail(err && err.message ? err.message : String(err));
  }
}

// The Next.js article's useStream hook logic, written fresh: fetch reader,
// split("\n\n"), startsWith("data: "), JSON.parse with malformed payloads ignored.
async function nextjsHook(job, rec) {
  let ignored = 0;
  try {
    const response = await fetch(job.url, {
      method: job.method,
      headers: Object.fromEntries(job.headers),
      body: job.body ?? undefined,
    });
    if (!response.body) throw new Error("Response body is missing");
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      const segments = buffer.split("\n\n");
      buffer = segments.pop() ?? "";
      for (const segment of segments) {
        if (!segment.startsWith("data: ")) continue;
        const data = segment.slice(6);
        try {
          JSON.parse(data);
          rec.event("message", data);
        } catch {
          ignored += 1; // the hook ignores malformed SSE payloads silently
        }
      }
    }
  } catch (err) {
    rec.fail(err && err.message ? err.message : String(err));
  }
  if (ignored) rec.note(`${ignored} payloads dropped silently as malformed`);
}

const DRIVERS = {
  "chromium-eventsource": eventSource,
  "chromium-fetch-event-source": fetchEventSourceDriver,
  "chromium-nextjs-hook": nextjsHook,
};

window.runDriver = async (job) => {
  const rec = recorder();
  const timeout = new Promise((resolve) =>
    setTimeout(() => {
      rec.fail(`timeout: the stream did not end within ${job.timeout_s} s`);
      resolve();
    }, job.timeout_s * 1000));
  await Promise.race([DRIVERS[job.client](job, rec), timeout]);
  return rec.result;
};
window.driversReady = true;
