"""Execute a stored run: choose its recipients, render and check them, record the results.

This is what a job does, wherever it runs (a thread of the web server, a local worker process,
a Celery worker): it opens its own session, reads everything it needs from the run row, and
commits progress as it goes so the UI and the API can report it. Nothing here imports Flask.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from preview.checks.registry import CheckSettings, Registry
from preview.contract.errors import InputError
from preview.pipeline import CheckRun
from preview.rendering.renderer import RenderSettings
from preview.report import Report
from preview.sampling import choose
from preview.store import queries
from preview.store.campaigns import parse_version
from preview.store.models import Run, Workspace
from preview.store.runs import RunRecorder

log = logging.getLogger(__name__)

# Called with (session, run, report) after a run finishes (e.g. to deliver a webhook).
FinishedHook = Callable[[Session, Run, Report | None], None]


def registry_for(params: dict, base: CheckSettings | None = None, *, entry_points: bool = True) -> Registry:
    """The check registry a run uses: the deployment's settings, then the run's own overrides."""
    base = base or CheckSettings()
    checks = params.get("checks") or {}
    severity = {**{k: str(v) for k, v in base.severity.items()}, **(checks.get("severity") or {})}
    disabled = [*base.disabled, *(checks.get("disable") or [])]
    settings = CheckSettings.from_mapping(severity, disabled, {**base.options, **(checks.get("options") or {})}, base.rule_dirs)
    return Registry(settings, entry_points=entry_points)


def choose_recipients(session: Session, run: Run, check_run: CheckRun, batch_size: int = 1000) -> tuple[Iterable[dict], int | None]:
    """The records a run checks and how many there will be.

    ``params["recipient_ids"]`` names recipients outright; otherwise
    ``params["sampling"]["strategy"]`` picks a strategy of :mod:`preview.sampling`, and
    ``"all"`` streams the whole audience in batches without holding it in memory.
    """
    params = run.params or {}
    sampling = params.get("sampling") or {}
    strategy = sampling.get("strategy", "random")
    workspace = session.get(Workspace, run.workspace_id)
    ids = params.get("recipient_ids")
    if ids:
        found = queries.get_records(session, workspace, ids)
        missing = [i for i in ids if i not in found]
        if missing:
            raise InputError(f"no recipient with id {missing[0]!r} in this workspace", field="recipient_ids")
        return [found[i] for i in ids], len(ids)
    stream = queries.iter_records(session, workspace, batch_size=batch_size)
    if strategy == "all":
        return stream, queries.count_recipients(session, workspace)
    chosen = choose(
        strategy, stream, size=int(params.get("size") or 200), seed=params.get("seed", 0), renderer=check_run.renderer, options=sampling
    )
    return chosen, len(chosen)


def execute_run(
    sessions: sessionmaker,
    run_id: int,
    *,
    check_settings: CheckSettings | None = None,
    render_settings: RenderSettings | None = None,
    commit_every: int = 25,
    on_finished: Iterable[FinishedHook] = (),
) -> Report | None:
    """Run ``run_id`` if it is still queued; returns its report (None if it was not queued).

    A run is claimed by switching it from ``queued`` to ``running`` in one UPDATE, so a job that
    is delivered twice (a retry, two workers) executes once. Failures mark the run ``failed``
    with the reason and never leave it half-recorded as done.
    """
    with sessions() as session:
        claimed = session.execute(
            sa.update(Run).where(Run.id == run_id, Run.status == "queued").values(status="running")
        ).rowcount
        session.commit()
        if not claimed:
            return None
        run = session.get(Run, run_id)
        recorder = RunRecorder(session, run)
        report = None
        try:
            params = run.params or {}
            campaign = parse_version(run.campaign_version)
            send_date = dt.date.fromisoformat(params["send_date"]) if params.get("send_date") else None
            check_run = CheckRun(campaign, registry=registry_for(params, check_settings), send_date=send_date, render_settings=render_settings)
            records, planned = choose_recipients(session, run, check_run)
            recorder.start(planned=planned)
            session.commit()
            for index, result in enumerate(check_run.iter_results(records), start=1):
                recorder.add(result)
                if index % commit_every == 0:
                    session.commit()
            report = recorder.finish(check_run)
            session.commit()
        except Exception as exc:  # recorded on the run for the UI/API; the worker stays up
            session.rollback()
            run = session.get(Run, run_id)
            recorder = RunRecorder(session, run)
            recorder.fail(str(exc) if isinstance(exc, InputError) else f"{type(exc).__name__}: {exc}")
            session.commit()
            log.exception("run %s failed", run_id)
        for hook in on_finished:
            try:
                hook(session, run, report)
            except Exception:  # a failing notification must not fail the run
                log.exception("after-run hook %r failed for run %s", hook, run_id)
        return report
