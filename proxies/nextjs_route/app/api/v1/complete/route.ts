// The seed article's design (shared/seeds/004, "Server Route Handler"), written fresh:
// a Next.js App Router route handler that asks Ollama's /api/chat with stream: true and
// pipes the NDJSON through a ReadableStream that emits one SSE event per token.
// Seed dialect: data: {"token": …} per token, data: {"finished": true} at the end.
import type { NextRequest } from "next/server";

export const runtime = "nodejs"; // long generations; the seed's Configuration Template
export const dynamic = "force-dynamic";

const OLLAMA_URL = process.env.OLLAMA_URL ?? "http://127.0.0.1:11434";
const MODEL = process.env.OLLAMA_MODEL ?? "qwen2.5:7b";

const SSE_HEADERS = {
  "Content-Type": "text/event-stream",
  "Cache-Control": "no-cache, no-transform",
  Connection: "keep-alive",
  "X-Accel-Buffering": "no",
};

function event(value: unknown): Uint8Array {
  return new TextEncoder().encode(`data: ${JSON.stringify(value)}\n\n`);
}

export async function POST(req: NextRequest): Promise<Response> {
  let prompt: string;
  try {
    const body = (await req.json()) as { prompt?: unknown };
    if (typeof body.prompt !== "string") throw new Error("prompt");
    prompt = body.prompt;
  } catch {
    return Response.json({ error: "expected {\"prompt\": string}" }, { status: 400 });
  }
  const upstream = await fetch(`${OLLAMA_URL}/api/chat`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      model: MODEL,
      messages: [{ role: "user", content: prompt }],
      stream: true,
    }),
    signal: req.signal,
  }).catch(() => null);
  if (!upstream || !upstream.ok || !upstream.body) {
    return Response.json({ error: "Upstream model service unavailable" }, { status: 502 });
  }
  const reader = upstream.body.getReader();
  const decoder = new TextDecoder("utf-8");
  let pending = "";

  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      // one upstream read per pull: backpressure reaches Ollama (seed Pitfall 5)
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        return;
      }
      pending += decoder.decode(value, { stream: true });
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.trim()) continue;
        let chunk: { message?: { content?: string }; done?: boolean; error?: string };
        try {
          chunk = JSON.parse(line);
        } catch {
          continue; // the seed ignores malformed fragments
        }
        if (chunk.error) controller.enqueue(event({ error: chunk.error }));
        if (chunk.message?.content) controller.enqueue(event({ token: chunk.message.content }));
        if (chunk.done) controller.enqueue(event({ finished: true }));
      }
    },
    cancel() {
      void reader.cancel(); // the client left: stop reading Ollama
    },
  });
  return new Response(stream, { headers: SSE_HEADERS });
}
