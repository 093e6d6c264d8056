"""Campaign gates: ``POST /api/v1/campaigns/<id>/presend`` starts a run, ``GET /api/v1/runs/<id>`` reports it.

A presend run checks a campaign version against a sample of its workspace's audience (or all of
it, or the recipients named) on a worker, and answers at once with the run (202). The run's
page shows progress, then the verdict and findings; ``callback_url`` gets the result, signed,
when it is done (see preview.api.delivery). An ``Idempotency-Key`` header makes a retried request
return the run the first one started instead of starting another.
"""

from __future__ import annotations

import logging

from flask import request

from preview.api import bp
from preview.api.auth import caller, requires
from preview.api.delivery import refuse_address
from preview.api.errors import ApiError
from preview.api.lookups import stored_version
from preview.api.payload import (
    MAX_ID,
    date,
    field,
    json_object,
    positive_int,
    requested_checks,
    text,
)
from preview.api.run_view import run_json
from preview.api.state import api
from preview.contract.errors import InputError
from preview.extension import db, state
from preview.sampling import STRATEGIES
from preview.store.models import Workspace
from preview.store.runs import create_run, get_run

log = logging.getLogger(__name__)

MAX_SAMPLE = 100_000
MAX_IDS = 1000


def strategies() -> list[str]:
    """The sampling strategies a presend may ask for."""
    return [*STRATEGIES, "all"]


def presend_params(body: dict) -> dict:
    """The run parameters of a presend request body (what the run row keeps)."""
    params: dict = {}
    sample = field(body, "sample", dict) or {}
    strategy = sample.get("strategy", "random")
    if strategy not in strategies():
        raise ApiError("invalid_request", f"'sample.strategy' must be one of: {', '.join(strategies())}.", field="sample.strategy")
    params["sampling"] = {"strategy": strategy}
    params["size"] = positive_int(sample.get("size"), "sample.size", maximum=MAX_SAMPLE) or int(state().config["PREVIEW_SAMPLE_SIZE"])
    seed = sample.get("seed", 0)
    if not isinstance(seed, (int, str)) or isinstance(seed, bool) or len(str(seed)) > 100 or "\x00" in str(seed):
        raise ApiError("invalid_request", "'sample.seed' must be an integer or a short string.", field="sample.seed")
    params["seed"] = seed
    ids = field(body, "recipient_ids", list)
    if ids is not None:
        if not ids or len(ids) > MAX_IDS or any(not isinstance(i, str) or not i for i in ids):
            raise ApiError("invalid_request", f"'recipient_ids' must be 1 to {MAX_IDS} recipient ids (strings).", field="recipient_ids")
        params["recipient_ids"] = list(dict.fromkeys(ids))
    send_date = date(body.get("send_date"), "send_date")
    if send_date:
        params["send_date"] = send_date.isoformat()
    checks = requested_checks(body)
    if checks:
        params["checks"] = checks
    url = field(body, "callback_url", str)
    if url is not None:
        problem = _callback_problem(text(url, "callback_url", max_length=2000))
        if problem:
            raise ApiError("invalid_request", f"'callback_url' cannot be used: {problem}.", field="callback_url")
        params["callback_url"] = url
    return params


def _callback_problem(url: str) -> str | None:
    if not url.startswith(("https://", "http://")):
        return "it must be an absolute https:// URL"
    return refuse_address(url, api().callbacks.allow_private)


def start_presend(workspace: Workspace, slug: str, body: dict, idempotency_key: str | None, actor: str):
    """Create (or find, by idempotency key) the presend run and hand it to the executor."""
    number = positive_int(body.get("version"), "version")
    version = stored_version(workspace, slug, number, field="campaign")
    params = presend_params(body)
    session = db()
    try:
        run, created = create_run(session, version, params, idempotency_key=idempotency_key, created_by=actor)
    except InputError as exc:
        raise ApiError("idempotency_key_reused", f"{exc.message}; use a new Idempotency-Key for a new request.", field="Idempotency-Key") from None
    session.commit()
    if run.status == "queued":
        # Also for a replayed key: if the first submit was lost, this one runs it; a run is
        # claimed atomically, so submitting it twice never executes it twice.
        try:
            state().executor.submit(run.id)
        except Exception as exc:
            log.exception("could not queue run %s", run.id)
            raise ApiError("queue_unavailable", f"Run {run.id} was saved but could not be queued ({type(exc).__name__}); retry with the same Idempotency-Key.") from None
    return run, created


@bp.post("/campaigns/<campaign>/presend")
@requires("presend")
def presend(campaign):
    """Start a campaign gate run; answers 202 with the run (200 with the earlier one for a repeated key)."""
    body = json_object(optional=True)
    key = request.headers.get("Idempotency-Key")
    if key is not None:
        key = text(key, "Idempotency-Key", max_length=200)
    slug = text(campaign, "campaign", max_length=100)
    run, created = start_presend(caller().workspace, slug, body, key, caller().actor)
    view = run_json(db(), run, prefix=api().prefix)
    return {"run": view}, 202 if created else 200, {"Location": view["url"], "Cache-Control": "no-store"}


@bp.get("/runs/<int:run_id>")
@requires("runs:read")
def get_run_view(run_id: int):
    """A run: progress while it runs; verdict, findings and callback deliveries once done."""
    run = get_run(db(), caller().workspace, run_id) if run_id <= MAX_ID else None
    if run is None:
        raise ApiError("run_not_found", f"No run {run_id} in this workspace.", field="run")
    return {"run": run_json(db(), run, with_report=True, prefix=api().prefix)}, 200, {"Cache-Control": "no-store"}
