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
from preview.sampling import Sample, choose
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


def choose_recipients(session: Session, run: Run, check_run: CheckRun, batch_size: int = 1000) -> tuple[Iterable[dict], int | None, dict]:
    """The records a run checks, how many there will be, and the sampler's report.

    ``params["recipient_ids"]`` names recipients outright; otherwise
    ``params["sampling"]["strategy"]`` picks a strategy of :mod:`preview.sampling` (its other
    keys are the strategy's options), and ``"all"`` streams the whole audience in batches
    without holding it in memory. The report is a :class:`preview.sampling.Sample` for the
    strategies; its per-recipient reasons are read from it by :func:`execute_run`.
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
        return [found[i] for i in ids], len(ids), {"strategy": "ids", "chosen": len(ids)}
    stream = queries.iter_records(session, workspace, batch_size=batch_size)
    if strategy == "all":
        total = queries.count_recipients(session, workspace)
        return stream, total, {"strategy": "all", "population": total, "chosen": total}
    size = params.get("size")
    chosen = choose(
        strategy,
        stream,
        size=200 if size is None else size,
        seed=params.get("seed", 0),
        renderer=check_run.renderer,
        options={**sampling, "send_date": check_run.send_date},
    )
    return chosen, len(chosen), chosen


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
            # The recorder stores findings as they stream, so the report need not hold them.
            check_run = CheckRun(
                campaign, registry=registry_for(params, check_settings), send_date=send_date,
                render_settings=render_settings, keep_findings=False,
            )
            _refuse_broken_templates(check_run)
            records, planned, sample = choose_recipients(session, run, check_run)
            recorder.start(planned=planned)
            run.sampling = sample.to_dict(recipients=False) if isinstance(sample, Sample) else sample
            session.commit()
            reasons = sample.reasons if isinstance(sample, Sample) else {}
            for index, result in enumerate(check_run.iter_results(records), start=1):
                row = recorder.add(result)
                row.reasons = reasons.get(result.recipient.get("id"))
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


def _refuse_broken_templates(check_run: CheckRun) -> None:
    """Fail the run when a part of the campaign does not compile: nobody's email can render,
    so there is nothing to sample or show, and the reason (file, line, error) is what to fix."""
    errors = check_run.renderer.template_errors
    if errors:
        first = errors[0]
        where = f"{check_run.campaign.path}:{first.line}" if first.line else check_run.campaign.path
        raise InputError(f"{first.part}: {first.message}", location=where)
