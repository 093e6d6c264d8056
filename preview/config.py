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
KEYS = ("severity", "disable", "options", "rule_dirs")


def load_check_settings(path: str | Path | None = None, *, severity=(), disable=()) -> CheckSettings:
    """Settings from ``path`` (or the default file when present), then ``severity``/``disable`` flags."""
    data: dict = {}
    if path is None and Path(DEFAULT_FILE).is_file():
        path = DEFAULT_FILE
    if path is not None:
        data = _read(Path(path))
    where = str(path) if path else None
    sev = _mapping(data, "severity", where)
    for item in severity:
        if "=" not in item:
            raise InputError(f"--severity takes CODE=LEVEL, got {item!r}")
        key, level = item.split("=", 1)
        sev[key.strip()] = _level(level.strip(), "--severity", key.strip())
    for key, level in list(sev.items()):
        sev[key] = _level(level, where, f"severity.{key}")
    disabled = [*_names(data, "disable", where), *disable]
    options = _mapping(data, "options", where)
    rule_dirs = _names(data, "rule_dirs", where)
    return CheckSettings.from_mapping(sev, disabled, options, rule_dirs)


def unknown_settings(settings: CheckSettings, registry) -> list[str]:
    """Keys of ``settings.severity`` and ``settings.disabled`` that name no check, name or family.

    A typo there (``LNK01``) would otherwise silently change nothing.
    """
    known = check_names(registry)
    return [key for key in [*settings.severity, *sorted(settings.disabled)] if key not in known]


def check_names(registry) -> set[str]:
    """Every name a setting may give a check by: its code, its name and its family."""
    return {name for c in registry.all for name in (c.spec.code, c.spec.name, c.spec.family)}


def _read(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise InputError("no such file", location=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the settings file: {exc}", location=str(path)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"not valid YAML: {getattr(exc, 'problem', exc)}", location=f"{path}:{mark.line + 1 if mark else 1}") from None
    if not isinstance(data, dict):
        raise InputError("expected a mapping with severity, disable, options and rule_dirs", location=str(path))
    unknown = [str(k) for k in data if k not in KEYS]
    if unknown:
        raise InputError(f"unknown setting {unknown[0]!r}; use {', '.join(KEYS)}", location=str(path), field=unknown[0])
    return data


def _mapping(data: dict, key: str, where: str | None) -> dict:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise InputError(f"expected a mapping, got {type(value).__name__}", location=where, field=key)
    return {str(k): v for k, v in value.items()}


def _names(data: dict, key: str, where: str | None) -> list[str]:
    value = data.get(key) or []
    if isinstance(value, str):  # `disable: LNK001` means the one check, not six letters
        value = [value]
    if not isinstance(value, list):
        raise InputError(f"expected a list, got {type(value).__name__}", location=where, field=key)
    return [str(v) for v in value]


def _level(level, where: str | None, field: str) -> str:
    if str(level).lower() not in ("block", "warn", "info"):
        raise InputError(f"unknown severity {level!r}; use block, warn or info", location=where, field=field)
    return str(level).lower()
