"""Campaigns compiled once per process and checked for one recipient at a time (validate, verdict).

A pre-send call checks one message, many times a second, against a handful of campaign versions.
:class:`PreparedCampaign` keeps what is the same for every call of one version (the compiled
templates and MJML layouts of its renderer, the enabled checks and their per-campaign memo,
``ctx.cache``) and makes only the per-recipient part fresh: a new check context state, the render,
the checks. :class:`Prepared` holds them in a bounded LRU keyed by campaign version, check
settings and send date, with the check registries they share.
"""

from __future__ import annotations

import datetime as dt
import json
import threading

from preview.api.lru import LRU
from preview.checks.check import Check
from preview.checks.context import CheckContext
from preview.checks.registry import CheckSettings
from preview.checks.render_error import check_crashed
from preview.contract.campaigns import Campaign
from preview.execution import registry_for
from preview.rendering.document import Document, Layout
from preview.rendering.message import RenderedMessage
from preview.rendering.renderer import CampaignRenderer, RenderSettings
from preview.report import Report


class PreparedCampaign:
    """One campaign, compiled, with the checks a deployment runs on it, for one send date."""

    def __init__(self, campaign: Campaign, registry, send_date: dt.date, render_settings: RenderSettings | None = None):
        self.campaign = campaign
        self.registry = registry
        self.send_date = send_date
        self.renderer = CampaignRenderer(campaign, render_settings)
        self.checks = registry.enabled()
        # Only a run-wide check has start or finish; calling the no-op ones of the other
        # seventy-odd on every call of a hot endpoint is pure overhead.
        self._starting = [c for c in self.checks if type(c).start is not Check.start]
        self._finishing = [c for c in self.checks if type(c).finish is not Check.finish]
        self._crash_reports_off = registry.is_disabled(check_crashed.spec)
        self.options = dict(registry.settings.options)
        self._memo: dict = {}  # ctx.cache: judgments of the template's static parts, shared by every call
        # The renderer's layout cache and the memo are plain dicts: one call at a time per campaign.
        self.lock = threading.Lock()

    def _context(self) -> CheckContext:
        return CheckContext(
            send_date=self.send_date,
            campaign=self.campaign,
            registry=self.registry,
            unsubscribe_url=self.renderer.settings.unsubscribe_url,
            options=self.options,
            rules=self.registry.rules,
            state={},
            cache=self._memo,
        )

    def evaluate(self, recipient: dict, message: RenderedMessage | None = None) -> Report:
        """The report of one recipient's email: rendered here, or ``message`` as given (already rendered)."""
        with self.lock:
            ctx = self._context()
            for c in self._starting:
                c.start(ctx)
            if message is None:
                message = self.renderer.render(recipient, self.send_date)
            report = Report(campaign={"name": self.campaign.name, "template": self.campaign.path, "send_date": self.send_date.isoformat()})
            found: list = []
            for c in self.checks:
                try:
                    findings = c.run(message, recipient, ctx)
                    if findings:
                        found.extend(findings)
                except Exception as exc:  # a broken check must not pass an email silently
                    self._crashed(c, exc, ctx, message, recipient, found)
            for c in self._finishing:
                found.extend(c.finish(ctx) or ())
            for f in found:
                report.add(f)
            report.recipients_checked = 1
            return report

    def _crashed(self, c, exc: Exception, ctx: CheckContext, message: RenderedMessage, recipient: dict, found: list) -> None:
        """Report a check that raised (``check-crashed``), unless the settings disable that check."""
        if self._crash_reports_off:
            return
        found.append(
            ctx.finding(
                check_crashed, message, recipient, part="data", check=c.spec.code,
                detail=f"{type(exc).__name__}: {exc}", text=f"{c.spec.code} {c.spec.name}",
            )
        )


def rendered_message(recipient_id: str | None, parts: dict) -> RenderedMessage:
    """A message made of parts the caller rendered (subject, preheader, from_name, html, text).

    Nothing here came from a template, so there is no lineage: every finding on it is about the
    message as given.
    """
    html = parts.get("html") or ""
    message = RenderedMessage(
        recipient_id=recipient_id,
        subject=" ".join((parts.get("subject") or "").split()),
        preheader=" ".join((parts.get("preheader") or "").split()),
        from_name=" ".join((parts.get("from_name") or "").split()),
        document=Document(Layout(html), []),
        text_part=parts.get("text"),
    )
    return message


def rendered_campaign(parts: dict) -> Campaign:
    """The campaign checks see when the caller sent only rendered parts: the parts themselves."""
    return Campaign(
        path="rendered.html",
        name=str(parts.get("name") or "rendered message"),
        format="html",
        body=parts.get("html") or "",
        subject=parts.get("subject"),
        preheader=parts.get("preheader"),
        from_name=parts.get("from_name"),
        text=parts.get("text"),
    )


def date_key(send_date: dt.date | None) -> str:
    """A cache key of a request's send date. Without one the campaign's own date (or today's)
    applies; today is in the key so that a process running past midnight does not judge
    tomorrow's sends with yesterday's date."""
    return send_date.isoformat() if send_date else f"default:{dt.date.today().isoformat()}"


def checks_key(checks: dict | None) -> str:
    """A stable key of a request's check overrides ({} for none)."""
    return json.dumps(checks or {}, sort_keys=True, separators=(",", ":"))


class Prepared:
    """The process's compiled campaigns (bounded LRU) and the check registries they use."""

    def __init__(self, check_settings: CheckSettings, render_settings: RenderSettings | None, size: int = 64):
        self.check_settings = check_settings
        self.render_settings = render_settings
        self.campaigns = LRU(size)
        self.registries = LRU(16)
        self.compiles = 0  # campaigns compiled so far (the cache's misses), for tests and metrics

    def registry(self, checks: dict | None):
        """The registry of the deployment's check settings plus a request's overrides."""
        key = checks_key(checks)
        return self.registries.get_or_make(key, lambda: registry_for({"checks": checks or {}}, self.check_settings))

    def make(self, campaign: Campaign, checks: dict | None, send_date: dt.date | None) -> PreparedCampaign:
        """A prepared campaign that is not kept (for one-off campaigns)."""
        return PreparedCampaign(campaign, self.registry(checks), send_date or campaign.send_date or dt.date.today(), self.render_settings)

    def get(self, key: tuple, load_campaign, checks: dict | None, send_date: dt.date | None) -> PreparedCampaign:
        """The prepared campaign for ``key`` (a campaign identity) with these overrides and date.

        ``load_campaign()`` is called only on a miss, so a cached version is never parsed again.
        """
        def make():
            self.compiles += 1
            return self.make(load_campaign(), checks, send_date)

        return self.campaigns.get_or_make((*key, checks_key(checks), date_key(send_date)), make)
