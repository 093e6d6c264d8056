"""sample -> render -> check, one recipient at a time, streaming.

:class:`CheckRun` holds what is shared by every recipient of a run (the compiled campaign, the
enabled checks, the check context) so that the CLI, the web UI, the API and batch workers all
check a recipient the same way: ``run.check(recipient)``.
"""

from __future__ import annotations

import datetime as dt
import time
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


@dataclass
class StageTimes:
    """Where a run's CPU time went: rendering, each check (by code), and the checks' finish."""

    render: float = 0.0
    checks: dict = field(default_factory=dict)
    finish: float = 0.0

    def slowest(self, n: int = 10) -> list[tuple[str, float]]:
        """The ``n`` checks that took longest, as ``(code, seconds)``."""
        return sorted(self.checks.items(), key=lambda item: item[1], reverse=True)[:n]


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
        timed: bool = False,
        keep_findings: bool = True,
    ):
        self.campaign = campaign
        # Seconds spent rendering and in each check, when asked (benchmarks, --profile).
        self.times: StageTimes | None = StageTimes() if timed else None
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
        # keep_findings=False: the report counts per-recipient findings without holding them,
        # for runs whose results are stored as they stream (memory then stays flat).
        self.report = Report(
            campaign={"name": campaign.name, "template": campaign.path, "send_date": self.send_date.isoformat()},
            keep_recipient_findings=keep_findings,
        )
        self._finished = False

    def check(self, recipient: dict) -> RecipientResult:
        """Render ``recipient``'s email and run every enabled check on it."""
        times = self.times
        if times is None:
            message = self.renderer.render(recipient, self.send_date)
            findings: list[Finding] = []
            ctx = self.ctx
            for c in self.checks:  # _run_check, inlined: this loop runs 77 times per recipient
                try:
                    found = c.run(message, recipient, ctx)
                    if found:
                        findings.extend(found)
                except Exception as exc:  # a broken check must not pass an email silently
                    self._crashed(c, exc, message, recipient, findings)
        else:
            clock = time.process_time  # CPU time: on a shared machine, wall time measures the neighbours
            started = clock()
            message = self.renderer.render(recipient, self.send_date)
            times.render += clock() - started
            findings = []
            for c in self.checks:
                started = clock()
                self._run_check(c, message, recipient, findings)
                code = c.spec.code
                times.checks[code] = times.checks.get(code, 0.0) + clock() - started
        message.memo.clear()  # the checks' shared work on this recipient: not needed any more
        for f in findings:
            self.report.add(f)
        self.report.recipients_checked += 1
        return RecipientResult(recipient, message, findings)

    def _run_check(self, c, message: RenderedMessage, recipient: dict, findings: list[Finding]) -> None:
        try:
            findings.extend(c.run(message, recipient, self.ctx) or ())
        except Exception as exc:  # a broken check must not pass an email silently
            self._crashed(c, exc, message, recipient, findings)

    def _crashed(self, c, exc: Exception, message: RenderedMessage, recipient: dict, findings: list[Finding]) -> None:
        """Report a check that raised (RND-family ``check-crashed``), unless that is disabled."""
        if self._crash_reports_off:
            return
        findings.append(
            self.ctx.finding(
                check_crashed, message, recipient, part="data", check=c.spec.code,
                detail=f"{type(exc).__name__}: {exc}", text=f"{c.spec.code} {c.spec.name}",
            )
        )

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
            started = time.process_time()
            # Run-wide findings arrive only here, once: keep them even when per-recipient
            # findings are only counted, so a recorder can still store them.
            self.report.keep_recipient_findings = True
            for c in self.checks:
                for f in c.finish(self.ctx) or ():
                    self.report.add(f)
            if self.times is not None:
                self.times.finish += time.process_time() - started
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
