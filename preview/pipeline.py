"""sample -> render -> check, one recipient at a time, streaming.

:class:`CheckRun` holds what is shared by every recipient of a run (the compiled campaign, the
enabled checks, the check context) so that the CLI, the web UI, the API and batch workers all
check a recipient the same way: ``run.check(recipient)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from preview.checks.context import CheckContext
from preview.checks.model import Finding
from preview.checks.registry import Registry
from preview.checks.render_error import check_crashed
from preview.contract.campaigns import Campaign
from preview.contract.errors import InputError
from preview.rendering.message import RenderedMessage
from preview.rendering.renderer import CampaignRenderer, RenderSettings
from preview.report import Report


@dataclass
class RecipientResult:
    """One recipient's render and every finding on it (template-level ones included)."""

    recipient: dict
    message: RenderedMessage
    findings: list[Finding] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        worst = max((int(f.severity) for f in self.findings), default=0)
        return {3: "block", 2: "warn"}.get(worst, "pass")


class CheckRun:
    """Checks one campaign against any number of recipients."""

    def __init__(
        self,
        campaign: Campaign,
        *,
        registry: Registry | None = None,
        send_date: dt.date | None = None,
        render_settings: RenderSettings | None = None,
        options: dict | None = None,
    ):
        self.campaign = campaign
        self.registry = registry or Registry()
        self.renderer = CampaignRenderer(campaign, render_settings)
        self.send_date = send_date or campaign.send_date or dt.date.today()
        self.checks = self.registry.enabled()
        self.ctx = CheckContext(
            send_date=self.send_date,
            campaign=campaign,
            registry=self.registry,
            unsubscribe_url=self.renderer.settings.unsubscribe_url,
            options=dict(options or self.registry.settings.options),
            rules=self.registry.rules,
        )
        self._crash_reports_off = self.registry.is_disabled(check_crashed.spec)
        for c in self.checks:
            c.start(self.ctx)
        self.report = Report(
            campaign={"name": campaign.name, "template": campaign.path, "send_date": self.send_date.isoformat()}
        )
        self._finished = False

    def check(self, recipient: dict) -> RecipientResult:
        """Render ``recipient``'s email and run every enabled check on it."""
        message = self.renderer.render(recipient, self.send_date)
        findings: list[Finding] = []
        for c in self.checks:
            try:
                findings.extend(c.run(message, recipient, self.ctx) or ())
            except Exception as exc:  # a broken check must not pass an email silently
                if self._crash_reports_off:
                    continue
                findings.append(
                    self.ctx.finding(
                        check_crashed, message, recipient, part="data", check=c.spec.code,
                        detail=f"{type(exc).__name__}: {exc}", text=f"{c.spec.code} {c.spec.name}",
                    )
                )
        for f in findings:
            self.report.add(f)
        self.report.recipients_checked += 1
        return RecipientResult(recipient, message, findings)

    def add_error(self, error: InputError | str, recipient_id: str | None = None) -> None:
        """Record an input that could not be checked (a bad recipient row)."""
        if isinstance(error, InputError):
            self.report.errors.append(error.as_dict(recipient_id))
        else:
            self.report.errors.append({"message": str(error), "recipient_id": recipient_id})

    def finish(self) -> Report:
        """Run the checks that need the whole run; return the report. Safe to call twice."""
        if not self._finished:
            self._finished = True
            for c in self.checks:
                for f in c.finish(self.ctx) or ():
                    self.report.add(f)
        return self.report

    def iter_results(self, recipients: Iterable[dict]) -> Iterator[RecipientResult]:
        """Check each recipient in turn, yielding results as they are ready."""
        for recipient in recipients:
            yield self.check(recipient)


def check_campaign(campaign: Campaign, recipients: Iterable[dict], **kwargs) -> Report:
    """Check ``campaign`` against every recipient and return the finished report."""
    run = CheckRun(campaign, **kwargs)
    for _ in run.iter_results(recipients):
        pass
    return run.finish()
