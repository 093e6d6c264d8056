"""Check settings from a YAML file or flags: severity overrides, disabled checks, options.

The file (``campaign-preview.yaml`` in the working directory, or ``--config FILE``)::

    severity:            # per code, check name or family
      LNK004: block
      accessibility: warn
    disable: [DLV006, images]
    options:
      gmail_clip_bytes: 102000
    rule_dirs: [./my-rules]   # extra phrase/product YAML files (see preview/checks/rules.py)
"""

from __future__ import annotations

from pathlib import Path

import yaml

from preview.checks.registry import CheckSettings
from preview.contract.errors import InputError

DEFAULT_FILE = "campaign-preview.yaml"


def load_check_settings(path: str | Path | None = None, *, severity=(), disable=()) -> CheckSettings:
    """Settings from ``path`` (or the default file when present), then ``severity``/``disable`` flags."""
    data: dict = {}
    if path is None and Path(DEFAULT_FILE).is_file():
        path = DEFAULT_FILE
    if path is not None:
        try:
            data = yaml.safe_load(Path(path).read_text()) or {}
        except FileNotFoundError:
            raise InputError("no such file", location=str(path)) from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise InputError(f"not valid YAML: {getattr(exc, 'problem', exc)}", location=f"{path}:{mark.line + 1 if mark else 1}") from None
        if not isinstance(data, dict):
            raise InputError("expected a mapping with severity, disable and options", location=str(path))
    sev = dict(data.get("severity") or {})
    for item in severity:
        if "=" not in item:
            raise InputError(f"--severity takes CODE=LEVEL, got {item!r}")
        key, level = item.split("=", 1)
        sev[key.strip()] = level.strip()
    disabled = [*(data.get("disable") or []), *disable]
    try:
        return CheckSettings.from_mapping(sev, disabled, data.get("options"), data.get("rule_dirs") or ())
    except ValueError as exc:
        raise InputError(str(exc), location=str(path) if path else None, field="severity") from None
