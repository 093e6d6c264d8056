"""The ``PREVIEW_*`` settings: every one with its default and one line of help, in one table.

The CLI reads them with :func:`load` (defaults, then a mapping such as a Flask config, then the
environment); the Flask extension does the same with ``app.config`` as the mapping. An
environment variable of the same name always wins, so a deployment can change any setting
without touching code. Values from the environment are converted to the type of the default
(``PREVIEW_SQL_ECHO=true``, ``PREVIEW_DEMO_SIZE=500``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass

from preview.contract.errors import InputError


@dataclass(frozen=True)
class Setting:
    """One ``PREVIEW_*`` setting: its name, default value and one line of help."""

    name: str
    default: object
    help: str

    def parse(self, raw: str):
        """``raw`` (text from the environment) as the type of the default, or :class:`InputError`."""
        kind = type(self.default)
        if kind is bool:
            low = raw.strip().lower()
            if low in _TRUE:
                return True
            if low in _FALSE:
                return False
            raise InputError(f"expected true or false, got {raw!r}", location="environment", field=self.name)
        if kind in (int, float):
            try:
                return kind(raw.strip())
            except ValueError:
                raise InputError(f"expected a number, got {raw!r}", location="environment", field=self.name) from None
        if kind in (dict, list, tuple):
            # Structured settings come from the environment as JSON: '{"LNK001": "block"}'.
            try:
                value = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise InputError(f"expected JSON ({exc.msg})", location="environment", field=self.name) from None
            if not isinstance(value, dict if kind is dict else list):
                raise InputError(f"expected a JSON {'object' if kind is dict else 'array'}", location="environment", field=self.name)
            return value
        return raw


_TRUE = {"1", "true", "yes", "on", "y", "t"}
_FALSE = {"0", "false", "no", "off", "n", "f", ""}

SETTINGS: tuple[Setting, ...] = (
    Setting("PREVIEW_DATABASE_URL", "", "SQLAlchemy URL of the store; DATABASE_URL wins; empty: SQLite file instance/preview.sqlite."),
    Setting("PREVIEW_SQL_ECHO", False, "Log every SQL statement (debugging)."),
    Setting("PREVIEW_DEFAULT_WORKSPACE", "default", "Workspace (tenant) used when a command or request names none."),
    Setting("PREVIEW_IMPORT_BATCH_SIZE", 1000, "Recipients written per bulk insert during an import."),
    Setting("PREVIEW_STREAM_BATCH_SIZE", 1000, "Recipients read per query when streaming an audience."),
    Setting("PREVIEW_DEMO_SIZE", 3000, "Recipients `preview demo` generates."),
    Setting("PREVIEW_SAMPLE_SIZE", 200, "Recipients a run renders when the request names no sample size."),
    Setting("PREVIEW_RENDER_TIME_LIMIT", 2.0, "Seconds one part of one recipient's email may take to render."),
    Setting("PREVIEW_RENDER_MAX_SIZE", 2_000_000, "Characters of output one rendered part may have."),
    Setting("PREVIEW_RENDER_LAYOUT_CACHE", 256, "Compiled MJML layouts kept in memory per campaign."),
    Setting("PREVIEW_UNSUBSCRIBE_URL", "https://unsubscribe.invalid/{recipient_id}", "Unsubscribe link templates see; {recipient_id} is filled in."),
    Setting("PREVIEW_URL_PREFIX", "", "Path the UI is mounted under (the API goes under <prefix>/api/v1), e.g. /preview."),
    Setting("PREVIEW_PAGE_SIZE", 24, "Renders per page of a run's preview grid (each is a lazily loaded iframe)."),
    Setting("PREVIEW_SESSION_COOKIE_SECURE", True, "Send the login cookie over HTTPS only; `preview serve` on a loopback address turns it off for plain-HTTP development."),
    Setting("PREVIEW_REVEAL_MINUTES", 15, "Minutes a reviewer's reveal of one recipient's e-mail and names lasts (every reveal is in the audit log)."),
    Setting("PREVIEW_LOGIN_ATTEMPTS", 10, "Failed logins one username may have in 15 minutes before further attempts are refused."),
    Setting("PREVIEW_CHECK_SEVERITY", {}, "Severity overrides by check code, name or family, e.g. {\"LNK004\": \"block\"}."),
    Setting("PREVIEW_CHECK_DISABLED", [], "Checks switched off, by code, name or family."),
    Setting("PREVIEW_CHECK_OPTIONS", {}, "Check options, e.g. {\"gmail_clip_bytes\": 102000}."),
    Setting("PREVIEW_RULES_DIRS", [], "Extra folders of rule YAML files (phrases, products) that extend the built-ins."),
    Setting("PREVIEW_BROKER_URL", "", "Celery broker for presend runs, e.g. redis://127.0.0.1:6379/0; empty: local worker processes."),
    Setting("PREVIEW_WORKERS", 2, "Local worker processes that execute runs when no broker is set (`preview worker -c` for Celery)."),
    Setting("PREVIEW_REDIS_URL", "", "Redis shared by every server process for verdicts, rate-limit counters and webhook replays; empty: per process."),
    Setting("PREVIEW_API_MAX_BODY", 1_048_576, "Largest API request body in bytes; larger ones get 413."),
    Setting("PREVIEW_API_RATE_LIMIT", "600/minute", "Requests one API token may make, e.g. 600/minute or 20/second; empty: no limit."),
    Setting("PREVIEW_API_CAMPAIGN_CACHE", 64, "Compiled campaign versions each server process keeps for validate and verdict."),
    Setting("PREVIEW_API_VERDICT_CACHE", 10_000, "Verdicts each server process keeps (per campaign version, recipient record and settings)."),
    Setting("PREVIEW_API_VERDICT_MAX_AGE", 300, "Seconds a verdict may be cached by the caller (Cache-Control max-age; Braze's :cache_max_age)."),
    Setting("PREVIEW_WEBHOOK_SECRET", "", "Master secret of webhook signatures (each workspace gets its own derived key); empty: the app's SECRET_KEY."),
    Setting("PREVIEW_WEBHOOK_TOLERANCE", 300, "Seconds an inbound webhook's signed timestamp may differ from now."),
    Setting("PREVIEW_WEBHOOK_MAX_ATTEMPTS", 6, "Tries of one callback delivery before it is given up."),
    Setting("PREVIEW_WEBHOOK_RETRY_BASE", 2.0, "Seconds before the first callback retry; doubled each time, with jitter, capped at an hour."),
    Setting("PREVIEW_WEBHOOK_TIMEOUT", 10.0, "Seconds a callback receiver has to answer one delivery."),
    Setting("PREVIEW_WEBHOOK_ALLOW_PRIVATE", False, "Allow callbacks to loopback and private addresses (tests, on-premise receivers)."),
)

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def defaults() -> dict:
    """Every setting at its default value."""
    return {s.name: s.default for s in SETTINGS}


def from_env(environ: Mapping[str, str] | None = None) -> dict:
    """The settings the environment sets, converted to their types."""
    environ = os.environ if environ is None else environ
    return {s.name: s.parse(environ[s.name]) for s in SETTINGS if s.name in environ}


def load(config: Mapping | None = None, environ: Mapping[str, str] | None = None) -> dict:
    """All settings: defaults, overridden by ``config``'s ``PREVIEW_*`` keys, overridden by the environment."""
    out = defaults()
    if config:
        out.update({k: v for k, v in config.items() if k in BY_NAME})
    out.update(from_env(environ))
    return out


def get(name: str, config: Mapping | None = None, environ: Mapping[str, str] | None = None):
    """One setting's value, resolved as :func:`load` does."""
    if name not in BY_NAME:
        raise KeyError(f"unknown setting {name!r}")
    return load(config, environ)[name]


def describe() -> str:
    """The settings table as Markdown, for the README and ``--help`` texts."""
    rows = ["| setting | default | what it does |", "| --- | --- | --- |"]
    rows += [f"| `{s.name}` | `{s.default!r}` | {s.help} |" for s in SETTINGS]
    return "\n".join(rows) + "\n"
