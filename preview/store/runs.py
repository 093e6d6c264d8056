"""Check runs in the store: creating them (idempotently), recording what the pipeline found,
and the queries the dashboards and the API page through.

The pipeline knows nothing of the store; :class:`RunRecorder` sits beside a
:class:`preview.pipeline.CheckRun` and writes each recipient's result as it comes::

    run, _ = create_run(session, version, {"sampling": {"strategy": "random"}, "size": 200})
    recorder = RunRecorder(session, run)
    recorder.start(planned=200)
    for result in check_run.iter_results(sample):
        recorder.add(result)
        session.commit()          # progress is visible to the UI as it goes
    recorder.finish(check_run)
    session.commit()
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from preview.checks.model import Finding as CheckFinding
from preview.contract.errors import InputError
from preview.pipeline import CheckRun, RecipientResult
from preview.report import SCHEMA_VERSION, Report
from preview.store import queries
from preview.store.base import utcnow
from preview.store.models import CampaignVersion, Finding, Run, RunRecipient


def create_run(
    session: Session,
    version: CampaignVersion,
    params: dict | None = None,
    *,
    idempotency_key: str | None = None,
    created_by: str | None = None,
) -> tuple[Run, bool]:
    """A queued run of ``version``; returns ``(run, created)``.

    With an ``idempotency_key`` already used in the workspace, the earlier run comes back
    (``created`` False), even when two requests race; reusing a key for a different request is
    an :class:`InputError`.
    """
    params = dict(params or {})
    workspace_id = version.campaign.workspace_id
    if idempotency_key:
        existing = _by_key(session, workspace_id, idempotency_key)
        if existing is not None:
            return _same_request(existing, version, params, idempotency_key), False
    run = Run(workspace_id=workspace_id, campaign_version_id=version.id, params=params, idempotency_key=idempotency_key, created_by=created_by)
    try:
        with session.begin_nested():
            session.add(run)
    except IntegrityError:
        existing = _by_key(session, workspace_id, idempotency_key) if idempotency_key else None
        if existing is None:
            raise
        return _same_request(existing, version, params, idempotency_key), False
    return run, True


def _by_key(session: Session, workspace_id: int, key: str) -> Run | None:
    return session.scalar(sa.select(Run).where(Run.workspace_id == workspace_id, Run.idempotency_key == key))


def _same_request(run: Run, version: CampaignVersion, params: dict, key: str) -> Run:
    if run.campaign_version_id != version.id or run.params != params:
        raise InputError(f"idempotency key {key!r} was already used for a different run (#{run.id})", field="idempotency_key")
    return run


class RunRecorder:
    """Writes one run's progress, recipients and findings as a :class:`CheckRun` produces them.

    Nothing is committed here; the caller decides how often (every recipient, every batch).
    ``keep_records`` stores each rendered record with the run (see :class:`RunRecipient`).
    """

    def __init__(self, session: Session, run: Run, *, keep_records: bool = True):
        self.session = session
        self.run = run
        self.keep_records = keep_records
        self._position = session.scalar(sa.select(sa.func.count()).where(RunRecipient.run_id == run.id)) or 0

    def start(self, planned: int | None = None) -> None:
        """Mark the run running; ``planned`` is how many recipients it will check, when known."""
        self.run.status = "running"
        self.run.started_at = utcnow()
        self.run.recipients_planned = planned
        self.session.flush()

    def add(self, result: RecipientResult) -> RunRecipient:
        """Store one recipient's result and the findings that are about them.

        Template-level findings (``recipient_id`` None) are stored once, by :meth:`finish`.
        """
        record = result.recipient
        external_id = record["id"]
        recipient_id = queries.recipient_ids(self.session, self.run.workspace_id, [external_id]).get(external_id)
        own = [f for f in result.findings if f.recipient_id is not None]
        row = RunRecipient(
            run_id=self.run.id,
            recipient_id=recipient_id,
            external_id=external_id,
            position=self._position,
            verdict=result.verdict,
            findings_count=len(own),
            record=record if self.keep_records else None,
        )
        self.session.add(row)
        self.session.flush()
        self._position += 1
        self._store(own, {external_id: row.id})
        self.run.recipients_checked += 1
        return row

    def finish(self, check_run: CheckRun) -> Report:
        """Finish ``check_run``, store the template-level findings and those of the run-wide
        checks, and set the run's counts and verdict. Returns the report."""
        before = len(check_run.report.findings)
        report = check_run.finish()
        late = report.findings[before:]
        template = [f for f in report.findings[:before] if f.recipient_id is None]
        wanted = {f.recipient_id for f in late if f.recipient_id is not None}
        ids = dict(
            self.session.execute(
                sa.select(RunRecipient.external_id, RunRecipient.id).where(RunRecipient.run_id == self.run.id, RunRecipient.external_id.in_(wanted))
            ).all()
        ) if wanted else {}
        self._store([*template, *late], ids)
        self.run.errors = [*(self.run.errors or []), *report.errors]
        self.close()
        return report

    def close(self) -> None:
        """Set counts and verdict from the stored findings and mark the run done.

        For runs split over several workers: each adds its recipients, one closes the run.
        """
        counts = finding_counts(self.session, self.run)["severity"]
        self.run.findings_block, self.run.findings_warn, self.run.findings_info = counts["block"], counts["warn"], counts["info"]
        self.run.verdict = "block" if counts["block"] else "warn" if counts["warn"] else "pass"
        self.run.status = "done"
        self.run.finished_at = utcnow()
        self.session.flush()

    def fail(self, error: str) -> None:
        """Mark the run failed with ``error`` (what went wrong, for the UI)."""
        self.run.status = "failed"
        self.run.error = error
        self.run.finished_at = utcnow()
        self.session.flush()

    def _store(self, findings: list[CheckFinding], run_recipient_ids: dict[str, int]) -> None:
        if not findings:
            return
        rows = []
        for f in findings:
            data = f.to_dict()
            rows.append({
                "run_id": self.run.id,
                "run_recipient_id": run_recipient_ids.get(f.recipient_id) if f.recipient_id is not None else None,
                "external_id": f.recipient_id,
                "code": f.code,
                "family": f.family,
                "severity": data["severity"],
                "name": f.name,
                "message": f.message,
                "part": f.part,
                "evidence": data["evidence"],
                "args": data["args"],
                "review_state": "open",
            })
        self.session.execute(sa.insert(Finding.__table__), rows)


def get_run(session: Session, workspace, run_id: int) -> Run | None:
    """Run ``run_id`` if it belongs to ``workspace`` (tenants never see each other's runs)."""
    ws = queries.get_workspace(session, workspace)
    return session.scalar(sa.select(Run).where(Run.id == run_id, Run.workspace_id == ws.id))


def list_runs(session: Session, workspace=None, *, version: CampaignVersion | None = None, status: str | None = None, limit: int = 50, before_id: int | None = None) -> list[Run]:
    """Newest runs first, ``limit`` at a time; pass the last id seen as ``before_id`` for the next page."""
    ws = queries.get_workspace(session, workspace)
    query = sa.select(Run).where(Run.workspace_id == ws.id)
    if version is not None:
        query = query.where(Run.campaign_version_id == version.id)
    if status is not None:
        query = query.where(Run.status == status)
    if before_id is not None:
        query = query.where(Run.id < before_id)
    return list(session.scalars(query.order_by(Run.id.desc()).limit(limit)))


def findings_query(
    run: Run,
    *,
    family: str | None = None,
    severity: str | None = None,
    code: str | None = None,
    recipient: str | None = None,
    review_state: str | None = None,
    template_only: bool = False,
) -> sa.Select:
    """A SELECT of the run's findings, filtered, most severe first (page it with limit/offset)."""
    query = sa.select(Finding).where(Finding.run_id == run.id)
    for column, value in ((Finding.family, family), (Finding.severity, severity), (Finding.code, code), (Finding.external_id, recipient), (Finding.review_state, review_state)):
        if value is not None:
            query = query.where(column == value)
    if template_only:
        query = query.where(Finding.external_id.is_(None))
    rank = sa.case({"block": 0, "warn": 1}, value=Finding.severity, else_=2)
    return query.order_by(rank, Finding.code, Finding.id)


def finding_counts(session: Session, run: Run) -> dict:
    """The run's findings by severity and by family, as :meth:`Report.counts` gives them."""
    by_severity = {"block": 0, "warn": 0, "info": 0}
    by_family: dict[str, int] = {}
    rows = session.execute(
        sa.select(Finding.family, Finding.severity, sa.func.count()).where(Finding.run_id == run.id).group_by(Finding.family, Finding.severity)
    )
    for family, severity, n in rows:
        by_severity[severity] += n
        by_family[family] = by_family.get(family, 0) + n
    return {"severity": by_severity, "family": dict(sorted(by_family.items()))}


def report_dict(session: Session, run: Run) -> dict:
    """The stored run as the check report of findings.schema.json (what ``check --format json``
    prints), with each finding's store ``id`` and ``review_state`` added."""
    version = run.campaign_version
    campaign = {"name": version.campaign.name, "template": version.filename}
    if run.params.get("send_date"):
        campaign["send_date"] = run.params["send_date"]
    return {
        "schema_version": SCHEMA_VERSION,
        "campaign": campaign,
        "verdict": run.verdict or "pass",
        "recipients_checked": run.recipients_checked,
        "counts": finding_counts(session, run),
        "findings": [f.to_dict() for f in session.scalars(findings_query(run))],
        "errors": list(run.errors or []),
    }


def run_recipients_query(run: Run, verdict: str | None = None) -> sa.Select:
    """A SELECT of the recipients a run rendered, in the order it rendered them."""
    query = sa.select(RunRecipient).where(RunRecipient.run_id == run.id)
    if verdict is not None:
        query = query.where(RunRecipient.verdict == verdict)
    return query.order_by(RunRecipient.position)
