// react-native-sse 1.2.x in Node, as the reporter used it: POST, no connection
// delay (timeoutBeforeConnection 0), no polling after the end (pollingInterval 0), over
// the `xmlhttprequest` polyfill, which fills responseText while the body streams.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { job, recorder } from "./common.mjs";

const require = createRequire(import.meta.url);
const j = job();
const rec = recorder(j.timeout_s * 1000);

const Base = require("xmlhttprequest").XMLHttpRequest;
let opened = 0;
function XMLHttpRequest() {
  const xhr = new Base();
  opened += 1;
  if (opened > 1) rec.result.reconnected = true;
  let noted = false;
  xhr.addEventListener("readystatechange", () => {
    if (!noted && xhr.readyState >= 2) {
      noted = true;
      // xmlhttprequest 1.8.0's open() resets its headers to its defaults (Accept: */*),
      // and setRequestHeader appends: say what really went out
      const accept = xhr.getRequestHeader("Accept");
      if (accept !== "text/event-stream") rec.note(`the polyfill sent Accept: ${accept}`);
    }
    if (xhr.readyState === 4) setImmediate(() => rec.finish());
  });
  return xhr;
}
// react-native-sse reads the constants from the class (the polyfill sets them per instance)
Object.assign(XMLHttpRequest, { UNSENT: 0, OPENED: 1, HEADERS_RECEIVED: 2, LOADING: 3, DONE: 4 });
globalThis.XMLHttpRequest = XMLHttpRequest;

// the package's index.js is CommonJS requiring an ES module: load the module itself
const path = require.resolve("react-native-sse/src/EventSource.js");
const source = readFileSync(path, "utf8");
const { default: EventSource } = await import(
  "data:text/javascript;base64," + Buffer.from(source).toString("base64")
);

rec.start();
const es = new EventSource(j.url, {
  method: j.method,
  // the library sets Accept: text/event-stream itself
  headers: Object.fromEntries(j.headers.filter(([k]) => k.toLowerCase() !== "accept")),
  body: j.body ?? undefined,
  timeoutBeforeConnection: 0,
  pollingInterval: 0,
});
es.addEventListener("message", (ev) => rec.event(ev.type, ev.data));
es.addEventListener("error", (ev) => {
  rec.fail(
    ev.xhrStatus ? `error event: HTTP ${ev.xhrStatus} ${String(ev.message || "").slice(0, 80)}`
      : `error event: ${ev.message || ev.type}`,
  );
  es.close();
  rec.finish();
});
