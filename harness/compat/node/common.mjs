// Shared by the driver scripts: read the job (argv[2], JSON), record what the library
// hands the application, print ONE result line and exit. A driver always ends: on the
// end of the stream, on its own timeout, or on an uncaught error.
export const PREFIX = "@@sse-harness-result ";

export function job() {
  return JSON.parse(process.argv[2]);
}

export function recorder(timeoutMs) {
  let t0 = performance.now();
  const result = { events: [], error: null, reconnected: false, note: "" };
  let done = false;
  const rec = {
    result,
    // call right before the request: first-token times count from there
    start() {
      t0 = performance.now();
    },
    event(type, data) {
      result.events.push([String(type), String(data), performance.now() - t0]);
    },
    fail(message) {
      if (result.error === null) result.error = String(message);
    },
    note(text) {
      result.note = result.note ? `${result.note}; ${text}` : String(text);
    },
    finish() {
      if (done) return;
      done = true;
      process.stdout.write(PREFIX + JSON.stringify(result) + "\n", () => process.exit(0));
    },
  };
  setTimeout(() => {
    rec.fail(`timeout: the stream did not end within ${timeoutMs / 1000} s`);
    rec.finish();
  }, timeoutMs).unref?.();
  // keep the process alive until finish() even if the library drops every handle
  const keepAlive = setInterval(() => {}, 1000);
  process.on("exit", () => clearInterval(keepAlive));
  process.on("uncaughtException", (err) => {
    rec.fail(`uncaught: ${err && err.message ? err.message : err}`);
    rec.finish();
  });
  process.on("unhandledRejection", (err) => {
    rec.fail(`unhandled rejection: ${err && err.message ? err.message : err}`);
    rec.finish();
  });
  return rec;
}

export function requestInit(j) {
  const init = { method: j.method, headers: Object.fromEntries(j.headers) };
  if (j.body !== null) init.body = j.body;
  return init;
}
