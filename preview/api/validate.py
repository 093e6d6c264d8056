"""``POST /api/v1/validate``: check one message synchronously and answer with the report.

The body names a campaign and a recipient, each either sent whole or by id::

    {"campaign": {"source": "<campaign file text>", "filename": "welcome.mjml"}   # or {"id": "welcome", "version": 3}
     "recipient": {...a record of recipient.schema.json...},                      # or "recipient_id": "r-1001"
     "rendered": {"subject": "...", "preheader": "...", "html": "...", "text": "..."},   # optional
     "send_date": "2026-12-10",                                                  # optional
     "checks": {"severity": {"LNK004": "block"}, "disable": ["tone"]}}           # optional

With ``rendered``, those parts are checked as they are (no rendering), and the campaign is
optional. The answer is the check report of findings.schema.json, with its verdict.
"""

from __future__ import annotations

from preview.api import bp, json_codec
from preview.api.auth import caller, requires
from preview.api.errors import ApiError
from preview.api.lookups import (
    for_source,
    for_version,
    inline_record,
    stored_record,
    version_ref,
)
from preview.api.payload import (
    date,
    field,
    json_object,
    positive_int,
    requested_checks,
    text,
)
from preview.api.prepared import PreparedCampaign, rendered_campaign, rendered_message
from preview.api.state import api

RENDERED_PARTS = ("subject", "preheader", "from_name", "html", "text")


def recipient_of(body: dict, workspace, found: dict | None = None) -> dict:
    """The recipient a request names: ``recipient`` (a record) or ``recipient_id``.

    ``found`` is the record of ``recipient_id`` when it was already read with the campaign.
    """
    if body.get("recipient") is not None and body.get("recipient_id") is not None:
        raise ApiError("invalid_request", "Send either 'recipient' (a record) or 'recipient_id', not both.", field="recipient_id")
    if body.get("recipient") is not None:
        return inline_record(field(body, "recipient", dict))
    if body.get("recipient_id") is not None:
        recipient_id = text(body["recipient_id"], "recipient_id")
        return found if found is not None else stored_record(workspace, recipient_id)
    raise ApiError("invalid_request", "Name the recipient: 'recipient' (a whole record) or 'recipient_id' (one already imported).", field="recipient")


def rendered_of(body: dict) -> dict | None:
    """The already-rendered parts, if the request sent them."""
    parts = field(body, "rendered", dict)
    if parts is None:
        return None
    unknown = sorted(set(parts) - set(RENDERED_PARTS))
    if unknown:
        raise ApiError("invalid_request", f"'rendered.{unknown[0]}' is not a part; send {', '.join(RENDERED_PARTS)}.", field=f"rendered.{unknown[0]}")
    for name in RENDERED_PARTS:
        field(parts, name, str, where="rendered.")
    if not parts:
        raise ApiError("invalid_request", "'rendered' has no part; send at least the html or the subject.", field="rendered")
    return parts


def stored_recipient_id(body: dict) -> str | None:
    """The ``recipient_id`` of a request that names a stored recipient (and only that) validly, else
    None: then the campaign lookup reads its record in the same statement. Any fault in these
    fields is left for :func:`recipient_of` to report, after the campaign's, as before."""
    value = body.get("recipient_id")
    if body.get("recipient") is not None or not isinstance(value, str):
        return None
    try:
        return text(value, "recipient_id")
    except ApiError:
        return None


def campaign_of(body: dict, workspace, checks: dict, send_date, rendered: dict | None) -> tuple[PreparedCampaign, dict | None]:
    """The compiled campaign a request names (or one made of its rendered parts), and the stored
    record of its ``recipient_id`` when it was read with the campaign (else None)."""
    spec = field(body, "campaign", dict, required=rendered is None)
    if spec is None:
        # Each rendered message is its own "campaign": not worth a place in the cache.
        return api().prepared.make(rendered_campaign(rendered), checks, send_date), None
    if spec.get("source") is not None and spec.get("id") is not None:
        raise ApiError("invalid_request", "Send either 'campaign.source' or 'campaign.id', not both.", field="campaign.id")
    if spec.get("source") is not None:
        source = field(spec, "source", str, where="campaign.")
        filename = text(spec.get("filename") or "campaign.mjml", "campaign.filename", max_length=300)
        if not filename.endswith((".mjml", ".html")):
            raise ApiError("invalid_request", "'campaign.filename' must end in .mjml or .html (it gives the body format).", field="campaign.filename")
        return for_source(workspace, source, filename, checks, send_date), None
    if spec.get("id") is not None:
        slug = text(spec["id"], "campaign.id", max_length=100)
        number = positive_int(spec.get("version"), "campaign.version")
        version = version_ref(workspace, slug, number, recipient_id=stored_recipient_id(body))
        return for_version(version, checks, send_date), version.record
    raise ApiError("invalid_request", "Name the campaign: 'campaign.source' (the file text) or 'campaign.id' (a saved campaign).", field="campaign")


@bp.post("/validate")
@requires("validate")
def validate():
    """Check one recipient's message of one campaign; the report of findings.schema.json."""
    body = json_object()
    workspace = caller().workspace
    checks = requested_checks(body)
    send_date = date(body.get("send_date"), "send_date")
    rendered = rendered_of(body)
    prepared, found = campaign_of(body, workspace, checks, send_date, rendered)
    recipient = recipient_of(body, workspace, found)
    message = rendered_message(recipient.get("id"), rendered) if rendered is not None else None
    report = prepared.evaluate(recipient, message)
    return json_codec.response(report.to_dict(), 200, {"Cache-Control": "no-store"})
