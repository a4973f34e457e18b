// ollama-js, the official JavaScript client, reading the NDJSON stream it was made for.
import { Ollama } from "ollama";
import { job, recorder } from "./common.mjs";

const j = job();
const rec = recorder(j.timeout_s * 1000);
const base = new URL(j.url).origin;
try {
  rec.start();
  const client = new Ollama({ host: base });
  if (j.endpoint === "generate") {
    const stream = await client.generate({ model: j.model, prompt: j.prompt, stream: true });
    for await (const part of stream) rec.event("chunk", part.response ?? "");
  } else {
    const stream = await client.chat({
      model: j.model,
      messages: [{ role: "user", content: j.prompt }],
      stream: true,
    });
    for await (const part of stream) rec.event("chunk", part.message?.content ?? "");
  }
} catch (err) {
  rec.fail(err.message || String(err));
}
rec.finish();
