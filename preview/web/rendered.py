"""Rendering a run's recipients again, for the preview pages.

Renders are deterministic, so the UI does not store HTML: a run recipient's email is rendered
again from the record the run stored, the run's campaign version and its send date. The
:class:`~preview.rendering.CampaignRenderer` of a version is kept (a few, least recently used
first out) so its compiled templates and MJML layouts serve every page of the run.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict

from preview.rendering import CampaignRenderer, RenderedMessage, RenderSettings
from preview.store.campaigns import parse_version
from preview.store.models import Run, RunRecipient

KEEP = 8  # renderers kept per app: one per campaign version being looked at


class RendererCache:
    """Campaign renderers by campaign version id, shared by the requests of one app."""

    def __init__(self, settings: RenderSettings, keep: int = KEEP):
        self.settings = settings
        self.keep = keep
        self._renderers: OrderedDict[int, tuple[CampaignRenderer, threading.Lock]] = OrderedDict()
        self._lock = threading.Lock()

    def _entry(self, run: Run) -> tuple[CampaignRenderer, threading.Lock]:
        version = run.campaign_version
        with self._lock:
            entry = self._renderers.get(version.id)
            if entry is not None:
                self._renderers.move_to_end(version.id)
                return entry
        entry = (CampaignRenderer(parse_version(version), self.settings), threading.Lock())
        with self._lock:
            entry = self._renderers.setdefault(version.id, entry)
            while len(self._renderers) > self.keep:
                self._renderers.popitem(last=False)
        return entry

    def render(self, run: Run, record: dict) -> RenderedMessage:
        """``record``'s email as the run rendered it."""
        renderer, lock = self._entry(run)
        # The renderer's layout cache is a plain dict; one render at a time per renderer.
        with lock:
            return renderer.render(record, send_date(run, renderer))


def send_date(run: Run, renderer: CampaignRenderer | None = None) -> dt.date:
    """The date a run rendered for: its own, else its campaign's, else the day it was created."""
    raw = (run.params or {}).get("send_date")
    if raw:
        return dt.date.fromisoformat(raw)
    campaign = renderer.campaign if renderer else parse_version(run.campaign_version)
    return campaign.send_date or (run.started_at or run.created_at).date()


def render_run_recipient(cache: RendererCache, run: Run, row: RunRecipient) -> RenderedMessage | None:
    """The email of one run recipient, or None when the run did not keep the record."""
    if row.record is None:
        return None
    return cache.render(run, row.record)
