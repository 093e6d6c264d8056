"""Campaigns and their saved versions: every save is a new, numbered, immutable version.

A version keeps the campaign file's full text and the name it was parsed as, so that
:func:`parse_version` gives back exactly the :class:`preview.contract.Campaign` the version was
checked as. Saving text identical to the latest version does not make a new one.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from preview.contract.campaigns import Campaign as ParsedCampaign
from preview.contract.campaigns import parse_campaign
from preview.contract.files import read_text
from preview.store import queries
from preview.store.models import Campaign, CampaignVersion

CAMPAIGN_SUFFIXES = (".mjml", ".html")


def slugify(text: str) -> str:
    """``"Newlywed picks (v2).mjml"`` -> ``"newlywed-picks-v2-mjml"``: lowercase, ASCII, dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:100] or "campaign"


def save_version(
    session: Session,
    source: str,
    filename: str,
    workspace=None,
    *,
    slug: str | None = None,
    author: str | None = None,
) -> tuple[CampaignVersion, bool]:
    """Save ``source`` as the next version of campaign ``slug`` (default: from ``filename``).

    The text is parsed first, so a campaign file with broken front matter is refused with an
    :class:`InputError` naming its line. Returns ``(version, created)``; ``created`` is False
    when the text equals the latest version's.
    """
    parsed = parse_campaign(source, filename)
    ws = queries.ensure_workspace(session, workspace)
    slug = slug or slugify(Path(filename).stem)
    campaign = session.scalar(sa.select(Campaign).where(Campaign.workspace_id == ws.id, Campaign.slug == slug))
    if campaign is None:
        campaign = Campaign(workspace_id=ws.id, slug=slug, name=parsed.name[:200])
        session.add(campaign)
        session.flush()
    else:
        campaign.name = parsed.name[:200]
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
    latest = latest_version(session, campaign)
    if latest is not None and latest.sha256 == digest and latest.filename == filename:
        return latest, False
    version = CampaignVersion(
        campaign_id=campaign.id,
        number=(latest.number + 1) if latest else 1,
        filename=filename,
        source=source,
        sha256=digest,
        author=author,
    )
    session.add(version)
    session.flush()
    return version, True


def save_file(session: Session, path: str | Path, workspace=None, *, slug: str | None = None, author: str | None = None) -> tuple[CampaignVersion, bool]:
    """Save the campaign file at ``path`` (see :func:`save_version`)."""
    return save_version(session, read_text(path), Path(path).name, workspace, slug=slug, author=author)


def parse_version(version: CampaignVersion) -> ParsedCampaign:
    """The campaign a version holds, parsed as it was when saved."""
    return parse_campaign(version.source, version.filename)


def get_campaign(session: Session, workspace, slug: str) -> Campaign | None:
    """Campaign ``slug`` of ``workspace``, or None."""
    ws = queries.get_workspace(session, workspace)
    return session.scalar(sa.select(Campaign).where(Campaign.workspace_id == ws.id, Campaign.slug == slug))


def list_campaigns(session: Session, workspace=None) -> list[Campaign]:
    """The campaigns of ``workspace``, by name."""
    ws = queries.get_workspace(session, workspace)
    return list(session.scalars(sa.select(Campaign).where(Campaign.workspace_id == ws.id).order_by(Campaign.name, Campaign.id)))


def latest_version(session: Session, campaign: Campaign) -> CampaignVersion | None:
    """The newest version of ``campaign`` (None before the first save)."""
    return session.scalar(
        sa.select(CampaignVersion).where(CampaignVersion.campaign_id == campaign.id).order_by(CampaignVersion.number.desc()).limit(1)
    )


def get_version(session: Session, workspace, slug: str, number: int | None = None) -> CampaignVersion | None:
    """Version ``number`` (None: the latest) of campaign ``slug``, or None."""
    campaign = get_campaign(session, workspace, slug)
    if campaign is None:
        return None
    if number is None:
        return latest_version(session, campaign)
    return session.scalar(sa.select(CampaignVersion).where(CampaignVersion.campaign_id == campaign.id, CampaignVersion.number == number))
