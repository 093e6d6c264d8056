"""The real templates of the shared corpus, each checked once per test session for one ordinary
recipient; the families' corpus tests read the same runs instead of rendering all 25 each."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from tests.conftest import make, recipient, run_checks


@cache
def corpus_run(path: Path) -> tuple:
    """``(source, report, results)`` of corpus template ``path`` checked for recipient ``r1``."""
    source = path.read_text(encoding="utf-8")
    report, results = run_checks(make(source, path.name), [recipient("r1")])
    return source, report, results


def family_findings(report, family: str, prefix: str) -> list:
    """The findings of ``family`` in ``report``, once it is clear none of its checks (codes
    starting with ``prefix``) crashed on the template."""
    crashed = [f for f in report.findings if f.code == "RND009" and f.args.get("check", "").startswith(prefix)]
    assert not crashed, crashed
    return [f for f in report.findings if f.family == family]
