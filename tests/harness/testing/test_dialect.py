"""harness.testing: the public helpers hold without pytest; check_dialect catches a
dialect that misreads, and passes one that does not."""

from __future__ import annotations

import subprocess
import sys

import pytest

from harness.testing.dialect import check_dialect
from harness.testing.evidence import DONE, sse_token
from harness.testing.vectors import ALL

SAMPLE = sse_token("Hel") + sse_token("lo") + DONE
DIALECTS = {
    "ok_dialect": (
        "import json\n"
        "def classify(event):\n"
        "    obj = json.loads(event.data) if event.data.startswith('{') else {}\n"
        "    if obj.get('finished'): return [('done', '')]\n"
        "    return [('token', obj['token'])] if 'token' in obj else []\n"
    ),
    "index_dialect": "def classify(event):\n    return [('token', event.data[99])]\n",
    "bad_kind_dialect": "def classify(event):\n    return [('tokens', event.data)]\n",
    "never_done_dialect": (
        "import json\n"
        "def classify(event):\n"
        "    obj = json.loads(event.data) if event.data.startswith('{') else {}\n"
        "    return [('token', obj['token'])] if 'token' in obj else []\n"
    ),
}


@pytest.fixture(autouse=True)
def dialect_modules(tmp_path, monkeypatch):
    for name, text in DIALECTS.items():
        (tmp_path / f"{name}.py").write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))


def test_the_builtin_dialects_and_a_good_custom_one_pass():
    check_dialect("token-json", SAMPLE, ["Hel", "lo"])
    check_dialect("seed", SAMPLE, ["Hel", "lo"])  # the old name still loads
    assert check_dialect("ok_dialect:classify", SAMPLE, ["Hel", "lo"]).name


@pytest.mark.parametrize(
    ("spec", "sample", "tokens", "message"),
    [
        ("nosuch_module:classify", None, None, "cannot load it"),
        ("index_dialect:classify", None, None, "raised IndexError"),
        ("bad_kind_dialect:classify", None, None, "'tokens' is not a valid Kind"),
        ("ok_dialect:classify", SAMPLE, ["Hello"], "read the tokens ['Hel', 'lo']"),
        ("never_done_dialect:classify", SAMPLE, ["Hel", "lo"], "no completion"),
    ],
)
def test_a_dialect_that_misreads_is_a_clear_assertion(spec, sample, tokens, message):
    with pytest.raises(AssertionError, match=None) as caught:
        check_dialect(spec, sample, tokens)
    assert message in str(caught.value)


def test_the_vectors_are_data_every_parser_is_scored_on():
    names = [name for name, _, _ in ALL]
    assert len(names) == len(set(names)) > 50
    assert all(isinstance(stream, bytes) for _, stream, _ in ALL)


def test_harness_testing_imports_no_pytest():
    code = (
        "import sys, harness.testing.dialect, harness.testing.evidence; "
        "print('pytest' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
