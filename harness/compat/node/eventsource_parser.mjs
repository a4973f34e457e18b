// `eventsource-parser` over Node's fetch reader: what most SDKs do (POST, stream the
// body through TextDecoderStream into the parser, dispatch onEvent).
import { createParser } from "eventsource-parser";
import { job, recorder, requestInit } from "./common.mjs";

const j = job();
const rec = recorder(j.timeout_s * 1000);
try {
  rec.start();
  const response = await fetch(j.url, requestInit(j));
  if (!response.ok) rec.fail(`HTTP ${response.status}`);
  const parser = createParser({
    onEvent: (ev) => rec.event(ev.event || "message", ev.data),
    onError: (err) => rec.fail(`parse error: ${err.message}`),
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(value);
  }
} catch (err) {
  rec.fail(err.message || String(err));
}
rec.finish();
