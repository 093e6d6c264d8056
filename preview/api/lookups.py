"""Finding what a request names, in the caller's workspace only, and the compiled campaign for it.

Every lookup takes the caller's workspace; a campaign, recipient or run of another workspace is
answered exactly like one that does not exist, so a token cannot even learn that it exists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import sqlalchemy as sa

from preview.api.connection import connection
from preview.api.errors import ApiError
from preview.api.prepared import PreparedCampaign
from preview.api.state import api
from preview.contract.campaigns import parse_campaign
from preview.contract.errors import InputError
from preview.contract.recipients import validate_recipient
from preview.extension import db
from preview.store import campaigns
from preview.store.models import Campaign, CampaignVersion, Recipient, Workspace


@dataclass(frozen=True)
class VersionRef:
    """Which saved version a request means, without its (large) source text.

    ``record`` is the record of the recipient :func:`version_ref` was asked about, read in the
    same statement (None when not asked, or when there is no such recipient).
    """

    id: int
    number: int
    record: dict | None = None


# Built once, run on every validate and verdict call: the newest (or a given) version's id and
# number, never its source, which is only read when the version is not compiled yet. They run as
# Core statements on the request's connection (preview.api.connection).
_VERSION_QUERY = (
    sa.select(CampaignVersion.id, CampaignVersion.number)
    .join(Campaign, Campaign.id == CampaignVersion.campaign_id)
    .where(Campaign.workspace_id == sa.bindparam("workspace_id"), Campaign.slug == sa.bindparam("slug"))
    .order_by(CampaignVersion.number.desc())
    .limit(1)
)
_RECORD_QUERY = sa.select(Recipient.record).where(Recipient.workspace_id == sa.bindparam("workspace_id"), Recipient.external_id == sa.bindparam("external_id"))
# A version and a record in one statement: one round trip instead of two (on PostgreSQL each
# costs ~40 µs of this process's CPU and as much of the database's, on the same cores).
_WITH_RECORD = _VERSION_QUERY.add_columns(_RECORD_QUERY.scalar_subquery().label("record"))
_QUERIES = {
    (False, False): _VERSION_QUERY,
    (True, False): _VERSION_QUERY.where(CampaignVersion.number == sa.bindparam("number")),
    (False, True): _WITH_RECORD,
    (True, True): _WITH_RECORD.where(CampaignVersion.number == sa.bindparam("number")),
}


def version_ref(workspace: Workspace, slug: str, number: int | None = None, *, field: str = "campaign.id", recipient_id: str | None = None) -> VersionRef:
    """The id and number of version ``number`` (None: the latest) of campaign ``slug`` of ``workspace``,
    and the record of recipient ``recipient_id`` of ``workspace`` when one is named."""
    params = {"workspace_id": workspace.id, "slug": slug}
    if number is not None:
        params["number"] = number
    if recipient_id is not None:
        params["external_id"] = recipient_id
    row = connection().execute(_QUERIES[number is not None, recipient_id is not None], params).first()
    if row is None:
        raise _no_campaign(slug, number, field)
    return VersionRef(row.id, row.number, row.record if recipient_id is not None else None)


def _no_campaign(slug: str, number: int | None, field: str) -> ApiError:
    which = f"version {number} of campaign {slug!r}" if number else f"campaign {slug!r}"
    return ApiError("campaign_not_found", f"No {which} in this workspace; save it with the web UI first, or send the file text as campaign.source.", field=field)


def stored_version(workspace: Workspace, slug: str, number: int | None = None, *, field: str = "campaign.id") -> CampaignVersion:
    """Version ``number`` (None: the latest) of campaign ``slug`` of ``workspace``."""
    version = campaigns.get_version(db(), workspace, slug, number)
    if version is None:
        raise _no_campaign(slug, number, field)
    return version


def stored_record(workspace: Workspace, recipient_id: str, *, field: str = "recipient_id") -> dict:
    """The record of recipient ``recipient_id`` of ``workspace``."""
    record = connection().scalar(_RECORD_QUERY, {"workspace_id": workspace.id, "external_id": recipient_id})
    if record is None:
        raise ApiError("recipient_not_found", f"No recipient {recipient_id!r} in this workspace; import it first, or send the whole record as 'recipient'.", field=field)
    return record


def inline_record(value, path: str = "recipient") -> dict:
    """A recipient record sent in the request, validated against recipient.schema.json."""
    try:
        return validate_recipient(value)
    except InputError as exc:
        where = f"{path}.{exc.field}" if exc.field else path
        raise ApiError("invalid_recipient", f"The recipient record is not valid: {exc.message}.", field=where) from None


def for_version(version: CampaignVersion | VersionRef, checks: dict, send_date: dt.date | None) -> PreparedCampaign:
    """The compiled campaign of a stored version (compiled once per process; its text read then)."""

    def load():
        full = version if isinstance(version, CampaignVersion) else db().get(CampaignVersion, version.id)
        return campaigns.parse_version(full)

    return api().prepared.get(("version", version.id), load, checks, send_date)


def for_source(workspace: Workspace, source: str, filename: str, checks: dict, send_date: dt.date | None) -> PreparedCampaign:
    """The compiled campaign of file text sent in the request (compiled once per distinct text)."""
    digest = hashlib.sha256(f"{filename}\0{source}".encode()).hexdigest()

    def load():
        try:
            return parse_campaign(source, filename)
        except InputError as exc:
            raise ApiError("invalid_campaign", f"The campaign file cannot be used: {exc}.", field="campaign.source") from None

    return api().prepared.get(("source", workspace.id, digest), load, checks, send_date)
