"""The JSON report: exactly findings.schema.json (schema_version 1), pretty-printed."""

from __future__ import annotations

import json


def render(report, **_) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
