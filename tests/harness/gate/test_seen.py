"""``seen:`` (harness.checks.seen): every check has real-world cases or says it has
none, and they show in ``sse-harness checks`` and docs/checks.md."""

from __future__ import annotations

import re

from harness.checks import CATALOGUE, seen_cases, seen_end
from harness.checks.doc import render_markdown
from harness.checks.seen import NONE_KNOWN, SEEN, seen_line
from harness.cli import main

LINK = re.compile(r"https://github\.com/[\w.-]+/[\w.-]+/(issues|pull)/\d+")


def test_every_check_has_an_entry_and_nothing_else_does() -> None:
    assert set(SEEN) == {c.id for c in CATALOGUE}
    assert not set(seen_cases.SEEN) & set(seen_end.SEEN)


def test_every_case_is_an_account_and_a_github_issue_or_pull_request() -> None:
    for check, cases in SEEN.items():
        for case in cases:
            assert LINK.fullmatch(case.link), (check, case.link)
            assert len(case.what) > 20 and not case.what.endswith("."), (
                check,
                case.what,
            )
        assert len({c.link for c in cases}) == len(cases), check


def test_checks_and_markdown_show_seen_for_every_check(capsys):
    assert main(["checks"]) == 0
    lines = capsys.readouterr().out.splitlines()
    seen = [line.strip() for line in lines if line.lstrip().startswith("seen: ")]
    assert seen == [f"seen: {seen_line(c.id)}" for c in CATALOGUE]
    markdown = render_markdown()
    assert markdown.count("- **Seen:** ") == len(CATALOGUE)
    assert f"- **Seen:** {NONE_KNOWN}" in markdown
    assert (
        "([nestjs/nest#17588](https://github.com/nestjs/nest/issues/17588))" in markdown
    )
