"""Outbound callbacks: a finished presend run's result, POSTed signed to the URL the caller gave.

What a receiver gets (one JSON event per run, the same ``id`` on every retry so it can drop
duplicates)::

    POST <callback_url>
    Content-Type: application/json
    Preview-Signature: t=1767225600,v1=5f2b...      (see preview.api.signing)
    Preview-Event-Id: run-42.finished
    Preview-Delivery-Attempt: 1

    {"id": "run-42.finished", "type": "run.finished", "created": 1767225600,
     "data": {"run": {...as GET /api/v1/runs/42...}, "report": {...findings.schema.json...}}}

A 2xx answer ends it. No answer, a timeout, 408, 429 or a 5xx is retried with exponential
backoff and jitter, up to ``max_attempts`` tries; any other 4xx means the receiver refuses this
event, and retrying would not change that. Every attempt is written to the audit log (action
``callback.delivery``), which is the delivery log ``GET /api/v1/runs/<id>`` shows. Nothing here
imports Flask: workers deliver.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import random
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

import httpx
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from preview.api import signing
from preview.store.models import AuditLog, Run, Workspace
from preview.store.runs import report_dict

log = logging.getLogger(__name__)

ACTION = "callback.delivery"
RETRYABLE = frozenset({408, 425, 429})
MAX_DELAY = 3600.0
USER_AGENT = "campaign-preview-webhooks/1"


@dataclass(frozen=True)
class CallbackSettings:
    """How callbacks are signed and retried (the PREVIEW_WEBHOOK_* settings); picklable for workers."""

    master_secret: str
    max_attempts: int = 6
    retry_base: float = 2.0
    timeout: float = 10.0
    allow_private: bool = False

    @classmethod
    def from_config(cls, config: Mapping) -> CallbackSettings:
        """From a Flask config: PREVIEW_WEBHOOK_SECRET, else the app's SECRET_KEY."""
        return cls(
            master_secret=str(config.get("PREVIEW_WEBHOOK_SECRET") or config.get("SECRET_KEY") or ""),
            max_attempts=max(1, int(config.get("PREVIEW_WEBHOOK_MAX_ATTEMPTS", 6))),
            retry_base=float(config.get("PREVIEW_WEBHOOK_RETRY_BASE", 2.0)),
            timeout=float(config.get("PREVIEW_WEBHOOK_TIMEOUT", 10.0)),
            allow_private=bool(config.get("PREVIEW_WEBHOOK_ALLOW_PRIVATE", False)),
        )


@dataclass(frozen=True)
class Attempt:
    """The outcome of one delivery attempt; ``retry_in`` is None when no retry follows."""

    attempt: int
    url: str
    ok: bool
    status: int | None = None
    error: str | None = None
    duration_ms: float = 0.0
    retry_in: float | None = None


def backoff(attempt: int, base: float, *, rng: random.Random | None = None) -> float:
    """Seconds to wait after failed try ``attempt`` (1-based): ``base * 2**(attempt-1)``, capped,
    half of it jittered so that many failed deliveries do not all come back at once."""
    delay = min(MAX_DELAY, base * (2 ** (attempt - 1)))
    return delay / 2 + (rng or random).uniform(0, delay / 2)


def refuse_address(url: str, allow_private: bool) -> str | None:
    """Why ``url`` may not be called back (a private or loopback address), or None.

    Callback URLs come from API clients; without this check a client could make the server
    POST into its own network (SSRF). Every address the host resolves to is checked.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "the callback URL must be an absolute http(s) URL"
    if allow_private:
        return None
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80), proto=socket.IPPROTO_TCP)
    except OSError as exc:
        return f"cannot resolve {parts.hostname}: {exc.strerror or exc}"
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return f"{parts.hostname} resolves to {address}, a private or loopback address (PREVIEW_WEBHOOK_ALLOW_PRIVATE allows it)"
    return None


def event_id(run: Run) -> str:
    """The id of a run's finished event, the same on every retry."""
    return f"run-{run.id}.finished"


def run_event(session: Session, run: Run) -> dict:
    """The event a receiver gets for a finished (done or failed) run."""
    from preview.api.run_view import run_json  # run_view reads this module's delivery log

    data = {"run": run_json(session, run)}
    if run.status == "done":
        data["report"] = report_dict(session, run)
    return {"id": event_id(run), "type": f"run.{'finished' if run.status == 'done' else 'failed'}", "created": int(time.time()), "data": data}


def deliver_once(session: Session, run: Run, settings: CallbackSettings, attempt: int, *, client: httpx.Client | None = None) -> Attempt:
    """Try to deliver ``run``'s event once and log the attempt (the caller commits)."""
    url = (run.params or {}).get("callback_url")
    started = time.perf_counter()
    refused = refuse_address(url or "", settings.allow_private)
    status = None
    error = refused
    if refused is None:
        workspace = session.get(Workspace, run.workspace_id)
        body = json.dumps(run_event(session, run), separators=(",", ":"), default=str).encode("utf-8")
        secret = signing.workspace_secret(settings.master_secret, workspace.slug)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            signing.HEADER: signing.sign(secret, body),
            "Preview-Event-Id": event_id(run),
            "Preview-Delivery-Attempt": str(attempt),
        }
        try:
            http = client or httpx.Client(timeout=settings.timeout, follow_redirects=False)
            try:
                response = http.post(url, content=body, headers=headers)
            finally:
                if client is None:
                    http.close()
            status = response.status_code
            if not 200 <= status < 300:
                error = f"receiver answered {status}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
    ok = error is None
    retryable = refused is None and not ok and (status is None or status >= 500 or status in RETRYABLE)
    retry_in = backoff(attempt, settings.retry_base) if retryable and attempt < settings.max_attempts else None
    result = Attempt(attempt, url or "", ok, status, error, round((time.perf_counter() - started) * 1000, 1), retry_in)
    session.add(AuditLog(workspace_id=run.workspace_id, actor="webhooks", action=ACTION, target_type="run", target_id=str(run.id), detail=asdict(result)))
    session.flush()
    if not ok:
        log.warning("callback of run %s, attempt %s: %s%s", run.id, attempt, error, f"; retry in {retry_in:.1f} s" if retry_in else "; giving up")
    return result


def deliver(sessions: sessionmaker, run_id: int, settings: CallbackSettings, *, attempt: int = 1, sleep: Callable[[float], None] = time.sleep) -> Attempt | None:
    """Deliver run ``run_id``'s event, retrying in this thread until it lands or is given up.

    For executors without a scheduler of their own (threads, local processes); Celery schedules
    each retry as a task instead (see preview.jobs.celery_app).
    """
    result = None
    while True:
        with sessions() as session:
            run = session.get(Run, run_id)
            if run is None or not (run.params or {}).get("callback_url"):
                return result
            result = deliver_once(session, run, settings, attempt)
            session.commit()
        if result.retry_in is None:
            return result
        sleep(result.retry_in)
        attempt += 1


def delivery_log(session: Session, run: Run) -> list[dict]:
    """Every delivery attempt of ``run``'s callback, oldest first."""
    rows = session.scalars(
        sa.select(AuditLog).where(AuditLog.action == ACTION, AuditLog.target_type == "run", AuditLog.target_id == str(run.id)).order_by(AuditLog.id)
    )
    out = []
    for row in rows:
        entry = {k: v for k, v in (row.detail or {}).items() if k != "url"}
        entry["at"] = row.created_at.isoformat()
        out.append(entry)
    return out
