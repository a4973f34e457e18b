"""The Starlette reference proxy with several of its deliberate defects at once:
``python -m tests.harness.gate.two_defects NAME,NAME --port P --upstream U``.

Each defect of proxies/starlette_proxy/defects.py flips switches of one Behaviour;
here the switches of every named defect are flipped together, so a test can gate a
proxy with two MUST failures, then one with one of them fixed and another added.
"""

from __future__ import annotations

import sys
from dataclasses import fields, replace

from proxies.starlette_proxy import __main__ as proxy, app, defects


def combined(names: list[str]) -> defects.Behaviour:
    """CORRECT with every switch each named defect changes."""
    merged = defects.CORRECT
    for name in names:
        wrong = defects.DEFECTS[name].behaviour
        changed = {
            f.name: getattr(wrong, f.name)
            for f in fields(wrong)
            if getattr(wrong, f.name) != getattr(defects.CORRECT, f.name)
        }
        merged = replace(merged, **changed)
    return merged


def main() -> int:
    behaviour = combined(sys.argv[1].split(","))
    app.behaviour_for = lambda defect: behaviour  # type: ignore[attr-defined]
    return proxy.main(sys.argv[2:])


if __name__ == "__main__":
    raise SystemExit(main())
