"""``compliance``: the legal minimum of a marketing email (CAN-SPAM, CASL, GDPR/PECR, and the
Gmail/Yahoo bulk-sender rules of 2024).

* a working way to unsubscribe in the body: a link to the server's unsubscribe URL, or a link
  whose text or URL says unsubscribe / opt out / manage preferences in one of the languages of
  ``rules/unsubscribe_phrases.yaml``;
* a physical postal address (``rules/postal_address.yaml``: US, UK, Canadian and EU street
  patterns, PO boxes, ZIP codes and postcodes);
* ``List-Unsubscribe`` header data, when the campaign says which headers it sends (front matter
  ``headers:``, a mapping of header name to value). Without ``headers:`` the server does not know
  them (the ESP adds its own), so nothing is said;
* no marketing to a recipient whose ``preferences.marketing_consent`` is false.

A campaign with ``transactional: true`` in its front matter (receipts, password resets) is a
service message: the law exempts it from all of this, and so do these checks.

What the body *lacks* is reported once for the template when no recipient data chose what the
body contains (see :func:`same_for_everyone`) or when the template source has it nowhere, and
per recipient otherwise (an unsubscribe link inside an ``{% if %}`` that this recipient missed).
"""

from __future__ import annotations

import re
from functools import lru_cache

from preview.checks.check import check
from preview.checks.elements import filled, split_elements
from preview.checks.hrefs import href_problem
from preview.checks.links import is_server_unsubscribe
from preview.checks.sharing import per_layout, per_run, same_for_everyone, whole_finding

_COMMON = {"family": "compliance", "severity": "block"}
_HREF_WORD = re.compile(r"[a-z]+(?:[-_][a-z]+)*")
_JINJA_UNSUBSCRIBE = re.compile(r"\{\{\s*unsubscribe_url\s*\}\}")


def is_marketing(campaign) -> bool:
    """False for a campaign marked ``transactional: true`` in its front matter."""
    front = getattr(campaign, "front", None) or {}
    return front.get("transactional") is not True


def absence_finding(ctx, spec_check, message, recipient, *, anywhere: bool = True, **args):
    """A finding about something the body lacks, built once for the template when the lack is
    everyone's: the body is the same for everyone, or the template has it nowhere (``anywhere``
    False, judged on the template source). Otherwise it is this recipient's."""
    shared = not anywhere or same_for_everyone(message)
    return whole_finding(ctx, spec_check, message, recipient, ("compliance.absent", spec_check.spec.code),
                         shared=shared, part="html", **args)


def in_source(ctx, name: str, test) -> bool:
    """Whether the template source (body and plain-text part) passes ``test``; once per run."""
    campaign = ctx.campaign
    return per_run(ctx, ("compliance.in_source", name), lambda: bool(
        test((getattr(campaign, "body", "") or "") + "\n" + (getattr(campaign, "text", "") or ""))
    ))


# -- unsubscribe --------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _says_unsubscribe(phrases, text: str) -> bool:
    return phrases.search(text) is not None


@lru_cache(maxsize=8192)
def _href_says_unsubscribe(words: frozenset, href: str) -> bool:
    for token in _HREF_WORD.findall(href.lower()):
        if token in words or any(part in words for part in re.split(r"[-_]", token)):
            return True
    return False


def unsubscribe_links(message, ctx) -> list:
    """The links of ``message`` that are its way to unsubscribe (static ones judged once per layout)."""
    if message.document is None:
        return []
    phrases = ctx.rules.phrases("unsubscribe_phrases")
    words = per_run(ctx, "compliance.href_words", lambda: frozenset(
        w.lower() for e in ctx.rules.entries("unsubscribe_phrases") for w in e.get("href_words", ())
    ))

    def says_unsubscribe(link) -> bool:
        href = link.href or ""
        return (
            is_server_unsubscribe(ctx, href)
            or bool(link.text and _says_unsubscribe(phrases, link.text))
            or bool(href and _href_says_unsubscribe(words, href))
        )

    if message.inlined_dynamic:
        return [link for link in message.document.links if says_unsubscribe(link)]

    def plan():
        static, dynamic = split_elements(message, "links")
        return [link for link in static if says_unsubscribe(link)], dynamic

    static, dynamic = per_layout(ctx, message, "compliance.unsubscribe", plan)
    return static + [link for link in filled(message.document, "links", dynamic) if says_unsubscribe(link)]


def works(ctx, link) -> bool:
    """True when an unsubscribe link can be followed (plain http counts: it still works)."""
    if is_server_unsubscribe(ctx, link.href):
        return True
    problem = href_problem(link.href)
    return problem is None or problem[0] == "http"


@check(
    code="CMP001",
    name="no-unsubscribe-link",
    summary="The email has no unsubscribe link.",
    why="CAN-SPAM, CASL and GDPR/PECR require a clear way to opt out of marketing email; without "
    "one, people press 'report spam' instead, which hurts delivery for everyone.",
    bad="<mj-text>Acme Home, 12 Market Street, Springfield, IL 62701</mj-text> and no unsubscribe link",
    good='<mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a> from these emails.</mj-text>',
    message="No unsubscribe link in the email",
    **_COMMON,
)
def no_unsubscribe_link(message, recipient, ctx):
    if message.document is None or not is_marketing(ctx.campaign):
        return
    if not unsubscribe_links(message, ctx):
        anywhere = in_source(ctx, "unsubscribe", lambda source: "unsubscribe_url" in source or ctx.rules.phrases("unsubscribe_phrases").search(source) is not None)
        yield absence_finding(ctx, no_unsubscribe_link, message, recipient, anywhere=anywhere)


@check(
    code="CMP002",
    name="broken-unsubscribe-link",
    summary='The unsubscribe link goes nowhere: its href is empty, "#", script or malformed.',
    why="An opt-out that does not work is no opt-out: the law asks for a working mechanism, and "
    'template placeholders ("#") are easy to ship by mistake.',
    bad='<a href="#">Unsubscribe</a>',
    good='<a href="{{ unsubscribe_url }}">Unsubscribe</a>',
    message="The unsubscribe link {label} does not work: {href!r}",
    **_COMMON,
)
def broken_unsubscribe_link(message, recipient, ctx):
    if message.document is None or not is_marketing(ctx.campaign):
        return
    links = unsubscribe_links(message, ctx)
    if links and not any(works(ctx, link) for link in links):
        link = links[0]
        text = f'<a href="{link.href or ""}">{link.text[:80]}</a>'
        yield whole_finding(ctx, broken_unsubscribe_link, message, recipient, "compliance.broken_unsubscribe",
                            shared=not link.dynamic and same_for_everyone(message), part="html", text=text,
                            label=repr(link.text), href=link.href or "")


# -- postal address -----------------------------------------------------------------------------


def address_patterns(ctx) -> tuple:
    """The compiled patterns of ``rules/postal_address.yaml``."""
    return per_run(ctx, "compliance.address_patterns", lambda: tuple(
        re.compile(e["pattern"]) for e in ctx.rules.entries("postal_address") if e.get("pattern")
    ))


@lru_cache(maxsize=4096)
def has_address(text: str, patterns: tuple) -> bool:
    """True when ``text`` holds something that looks like a postal address."""
    return any(p.search(text) for p in patterns)


def body_has_address(message, ctx) -> bool:
    """Whether the email shows a postal address. The layout's static text is searched once per
    run; per recipient only the recipient's own values (and an own plain-text part) are."""
    patterns = address_patterns(ctx)
    document = message.document
    if message.inlined_dynamic:
        found = has_address(message.body_text, patterns)
    else:
        # Values only add text: an address in the static text is there for every recipient.
        static = per_layout(ctx, message, "compliance.address", lambda: has_address("\x00".join(p for p in document.layout.text if type(p) is str), patterns))
        values = document.text_values
        found = static or any(has_address(values[slot], patterns) for _, _, slot in document.text_spans)
    return found or bool(message.text_part and text_part_has_address(message, patterns))


def text_part_has_address(message, patterns) -> bool:
    """Whether the campaign's own plain-text part shows an address; its template chunks are
    memoised by their text, so a personalized text part costs little per recipient."""
    output = message.parts.get("text")
    if output is None:
        return has_address(message.text_part, patterns)
    return any(has_address(output.text[c.start : c.end], patterns) for c in output.chunks)


@check(
    code="CMP003",
    name="no-postal-address",
    summary="The email shows no physical postal address of the sender.",
    why="CAN-SPAM requires a valid postal address (a street address or a PO box) in every "
    "commercial email, and CASL and EU e-commerce rules ask for the sender's address too.",
    bad="<mj-text>© Acme Home. All rights reserved.</mj-text>",
    good="<mj-text>Acme Home, 12 Market Street, Springfield, IL 62701, USA</mj-text>",
    message="No physical postal address in the email",
    **_COMMON,
)
def no_postal_address(message, recipient, ctx):
    if message.document is None or not is_marketing(ctx.campaign):
        return
    if not body_has_address(message, ctx):
        anywhere = in_source(ctx, "address", lambda source: has_address(source, address_patterns(ctx)))
        yield absence_finding(ctx, no_postal_address, message, recipient, anywhere=anywhere)


# -- List-Unsubscribe header data ---------------------------------------------------------------


def header(headers: dict, name: str):
    """Header ``name`` of ``headers``, matched without regard to case (None when absent)."""
    for key, value in headers.items():
        if str(key).lower() == name.lower():
            return value
    return None


def list_unsubscribe_problem(headers: dict, unsubscribe_url: str) -> str | None:
    """Why the List-Unsubscribe data of ``headers`` falls short of RFC 2369/8058, or None."""
    value = str(header(headers, "List-Unsubscribe") or "")
    value = _JINJA_UNSUBSCRIBE.sub(lambda _: unsubscribe_url, value)
    uris = [u.strip() for u in re.findall(r"<([^<>]*)>", value)]
    if not uris:
        return "its URIs must be in angle brackets, e.g. <https://...>, <mailto:...>"
    https = [u for u in uris if u.lower().startswith("https:") or "{{" in u]
    if not https:
        return "there is no https: URI, so one-click unsubscribe (RFC 8058) is impossible"
    post = " ".join(str(header(headers, "List-Unsubscribe-Post") or "").split())
    if post.lower() != "list-unsubscribe=one-click":
        return "List-Unsubscribe-Post: List-Unsubscribe=One-Click is missing"
    return None


def _headers(ctx) -> dict | None:
    front = getattr(ctx.campaign, "front", None) or {}
    headers = front.get("headers")
    return headers if isinstance(headers, dict) else None


@check(
    code="CMP004",
    name="missing-list-unsubscribe",
    summary="The campaign lists the headers it sends, and List-Unsubscribe is not among them.",
    why="Gmail and Yahoo require List-Unsubscribe from bulk senders since February 2024 and show "
    "an unsubscribe button from it; without it, mail is throttled or sent to spam.",
    bad="headers:\n  Reply-To: help@acme-home.com",
    good="headers:\n  List-Unsubscribe: <{{ unsubscribe_url }}>, <mailto:unsubscribe@acme-home.com>\n"
    "  List-Unsubscribe-Post: List-Unsubscribe=One-Click",
    message="The campaign's headers have no List-Unsubscribe",
    **_COMMON,
)
def missing_list_unsubscribe(message, recipient, ctx):
    headers = _headers(ctx)
    if headers is None or not is_marketing(ctx.campaign) or header(headers, "List-Unsubscribe"):
        return
    yield per_run(ctx, "compliance.missing_list_unsubscribe", lambda: ctx.template_finding(
        missing_list_unsubscribe, part="template", line=ctx.campaign.field_line("headers"),
        text="headers: " + ", ".join(map(str, headers)),
    ))


@check(
    code="CMP005",
    name="list-unsubscribe-not-one-click",
    summary="List-Unsubscribe is malformed or does not allow one-click unsubscribe (RFC 8058).",
    why="Gmail and Yahoo ask bulk senders for an https List-Unsubscribe URI plus "
    "'List-Unsubscribe-Post: List-Unsubscribe=One-Click'; a value without <angle brackets> is "
    "ignored by every client.",
    bad="headers:\n  List-Unsubscribe: mailto:unsubscribe@acme-home.com",
    good="headers:\n  List-Unsubscribe: <{{ unsubscribe_url }}>, <mailto:unsubscribe@acme-home.com>\n"
    "  List-Unsubscribe-Post: List-Unsubscribe=One-Click",
    message="List-Unsubscribe falls short: {detail}",
    family="compliance",
    severity="warn",
)
def list_unsubscribe_not_one_click(message, recipient, ctx):
    headers = _headers(ctx)
    if headers is None or not is_marketing(ctx.campaign) or not header(headers, "List-Unsubscribe"):
        return
    def build():
        problem = list_unsubscribe_problem(headers, ctx.unsubscribe_url)
        return problem and ctx.template_finding(
            list_unsubscribe_not_one_click, part="template", line=ctx.campaign.field_line("headers"),
            text=f"List-Unsubscribe: {header(headers, 'List-Unsubscribe')}", detail=problem,
        )

    finding = per_run(ctx, "compliance.list_unsubscribe_problem", build)
    if finding:
        yield finding


# -- consent ------------------------------------------------------------------------------------


@check(
    code="CMP006",
    name="no-marketing-consent",
    summary="A marketing email would reach a recipient whose marketing_consent is false.",
    why="Sending marketing to someone who withdrew consent breaks GDPR/PECR and CAN-SPAM's opt-out "
    "rule and brings complaints; the list export should have excluded them.",
    bad='{"id": "r7", "preferences": {"marketing_consent": false}} in the audience of a promotion',
    good='{"id": "r7", "preferences": {"marketing_consent": true}}, or a campaign marked transactional: true',
    message="Recipient {rid} withdrew marketing consent (preferences.marketing_consent is false)",
    scope="recipient",
    **_COMMON,
)
def no_marketing_consent(message, recipient, ctx):
    preferences = recipient.get("preferences") or {}
    if preferences.get("marketing_consent") is False and is_marketing(ctx.campaign):
        yield ctx.finding(
            no_marketing_consent, message, recipient, part="data", text="preferences.marketing_consent: false",
            data=["preferences.marketing_consent: false"], template_level=False, rid=recipient.get("id"),
        )


CHECKS = [no_unsubscribe_link, broken_unsubscribe_link, no_postal_address, missing_list_unsubscribe, list_unsubscribe_not_one_click, no_marketing_consent]
