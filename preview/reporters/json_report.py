"""The JSON report: exactly findings.schema.json (schema_version 1), pretty-printed.

Fields are only ever added, never renamed or removed: ESPs and CI scripts parse this.
"""

from __future__ import annotations

import json


def render(report, **_) -> str:
    """``report`` as the JSON document of findings.schema.json."""
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
