"""Measure what each layer does to a correct proxy's stream (docs/layers.md).

    .venv/bin/python .ci/measure_layers.py [--bare] [LAYER ...]

Runs the gate once with the reference proxy (proxies/starlette_proxy) through the
given layers (default: every HAProxy, Varnish, Apache and Caddy layer, stock and
-tuned) side by side, and prints a Markdown table: when the head arrived, the first
token's lag, how many of the timed token pairs arrived merged, the Content-Encoding
answered to ``Accept-Encoding: gzip, br``, and the gate's verdicts on the layer.

``--bare``: instead, a plain upstream (tests/harness/test_layers_upstream.py: ten
events 100 ms apart, ``Cache-Control: no-cache`` without ``no-transform``, no
``X-Accel-Buffering``) read through each layer: the Content-Encoding it adds and in
how many bursts the ten events arrive.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.checks.model import Outcome  # noqa: E402
from harness.gate.run import RunConfig, run  # noqa: E402
from harness.layers.kinds import KINDS  # noqa: E402

DEFAULT = [name for name, kind in KINDS.items() if kind.config]
PROXY = f"{sys.executable} -m proxies.starlette_proxy"
URL = "http://127.0.0.1:{port}/api/v1/complete"


def metric(report: object, check: str, layer: str, key: str) -> str:
    for r in report.results:  # type: ignore[attr-defined]
        if (r.check, r.layer) == (check, layer):
            value = r.metrics.get(key)
            return "" if value is None else f"{value}"
    return ""


def bare(layers: tuple[str, ...]) -> int:
    import tempfile

    from tests.harness.test_layers_upstream import observe, upstream

    from harness.layers import open_layer, parse_layer

    print("| layer | Content-Encoding | bursts of 10 events | spread (ms) |")
    print("|---|---|---|---|")
    for layer in layers:
        with (
            tempfile.TemporaryDirectory() as work,
            upstream() as server,
            open_layer(parse_layer(layer), server.port, workdir=Path(work)) as front,
        ):
            seen = observe(
                front.rewrite(server.url(n=10, gap=100)),
                http2=front.http2,
                ca_path=front.ca_path,
            )
        coding = seen.headers.get("content-encoding", "none")
        print(f"| `{layer}` | {coding} | {seen.bursts()} | {seen.spread * 1000:.0f} |")
    return 0


def main() -> int:
    args = sys.argv[1:]
    if args[:1] == ["--bare"]:
        return bare(tuple(args[1:]) or tuple(DEFAULT))
    layers = tuple(args) or tuple(DEFAULT)
    started = time.monotonic()
    report = run(
        RunConfig(proxy_url=URL, proxy_cmd=PROXY, cwd=str(ROOT), layers=layers)
    )
    took = time.monotonic() - started
    print(f"{len(layers)} layers side by side in {took:.0f} s\n")
    print(
        "| layer | head (ms) | first token lag (ms) | merged pairs | "
        "Content-Encoding | verdicts | not OK |"
    )
    print("|---|---|---|---|---|---|---|")
    for layer in layers:
        mine = [r for r in report.results if r.layer == layer]
        counts = Counter(r.outcome.value for r in mine)
        off = ", ".join(
            f"{r.check} {r.outcome.value}"
            for r in mine
            if r.outcome not in (Outcome.OK,) and r.check != "LAT-OVERHEAD"
        )
        compress = report.evidence.get(layer, {}).get("compress")
        coding = ", ".join(compress.obs.header("content-encoding")) if compress else ""
        merged = metric(report, "LAT-NO-BATCHING", layer, "merged_pairs")
        pairs = metric(report, "LAT-NO-BATCHING", layer, "pairs")
        print(
            f"| `{layer}` | {metric(report, 'HDR-EARLY-FLUSH', layer, 'head_after_send_ms')}"
            f" | {metric(report, 'LAT-FIRST-TOKEN', layer, 'first_token_lag_ms')}"
            f" | {merged}/{pairs} | {coding or 'none'}"
            f" | {', '.join(f'{k} {v}' for k, v in sorted(counts.items()))} | {off or '-'} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
