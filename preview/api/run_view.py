"""How a run looks in the API (``GET /api/v1/runs/<id>``) and in its callback event (no Flask here)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from preview.api.delivery import delivery_log
from preview.store.models import Run
from preview.store.runs import report_dict


def run_path(run: Run, prefix: str = "/api/v1") -> str:
    """The API path of ``run``."""
    return f"{prefix}/runs/{run.id}"


def _time(value) -> str | None:
    return value.isoformat() if value is not None else None


def run_json(session: Session, run: Run, *, with_report: bool = False, prefix: str = "/api/v1") -> dict:
    """``run`` as the API shows it; ``with_report`` adds the findings report once it is done."""
    version = run.campaign_version
    params = run.params or {}
    out = {
        "id": run.id,
        "url": run_path(run, prefix),
        "status": run.status,
        "campaign": {"id": version.campaign.slug, "name": version.campaign.name, "version": version.number},
        "progress": run.progress,
        "recipients_planned": run.recipients_planned,
        "recipients_checked": run.recipients_checked,
        "verdict": run.verdict if run.status == "done" else None,
        "counts": {"block": run.findings_block, "warn": run.findings_warn, "info": run.findings_info},
        "error": run.error,
        "created_at": _time(run.created_at),
        "started_at": _time(run.started_at),
        "finished_at": _time(run.finished_at),
        "callback": None,
    }
    if params.get("callback_url"):
        out["callback"] = {"url": params["callback_url"], "deliveries": delivery_log(session, run)}
    if with_report and run.status == "done":
        out["report"] = report_dict(session, run)
    return out
