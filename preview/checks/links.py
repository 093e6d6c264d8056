"""``links``: broken, empty, insecure or misleading links, in the manner of a pre-send checklist.

Every recipient of a campaign mostly gets the same links, so the judgement of one href is a pure
function, memoised (:mod:`preview.checks.hrefs`), and the finding about a link that holds no
recipient data is built once per layout and reported once, for the template.

The server's own unsubscribe URL (``ctx.unsubscribe_url``, e.g.
``https://unsubscribe.invalid/{recipient_id}``) is valid by definition: production replaces it
with the ESP's own link. Hrefs that are an ESP merge tag (``*|UNSUB|*``, ``[[PERMALINK]]``) are
the ``personalization-gap`` family's business and are not judged as URLs here.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

from preview.checks.check import check
from preview.checks.elements import attribute_line, element_findings, empty_from_data, source_line
from preview.checks.evidence import describe_entry
from preview.checks.hrefs import href_problem, same_site, shown_host
from preview.checks.sharing import distinct

_COMMON = {"family": "links", "severity": "warn"}

# `?uid={{ recipient.id }}` in a template href: a parameter whose value comes from data.
_TEMPLATE_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_PERSONAL_PARAM = re.compile(r"[?&;]([^=&#?\s{}]+)=\{\{(.*?)\}\}")
_PATH_IN_EXPR = re.compile(r"\brecipient((?:\.[A-Za-z_]\w*|\[\d+\])+)")


# -- facts about a run shared with the other classic QA families ------------------------------


def is_server_unsubscribe(ctx, href: str | None) -> bool:
    """True when ``href`` is the server's own per-recipient unsubscribe URL."""
    if not href or not ctx.unsubscribe_url:
        return False
    pattern = ctx.cache.get("links.unsubscribe_re")
    if pattern is None:
        pieces = re.split(r"\{[^{}]*\}", ctx.unsubscribe_url)
        pattern = re.compile("^" + r"[^\s]*".join(re.escape(p) for p in pieces) + "$")
        ctx.cache["links.unsubscribe_re"] = pattern
    return bool(pattern.match(href.strip()))


def link_findings(ctx, message, recipient, spec_check, judge, force_dynamic=None) -> list:
    """:func:`element_findings` over the message's links."""
    return element_findings(ctx, message, recipient, spec_check, judge, "links", force_dynamic)


def label(link) -> str:
    """How a finding names a link: its text, or what it holds when it has none."""
    if link.text:
        return '"' + (link.text if len(link.text) <= 60 else link.text[:57] + "...") + '"'
    return "[image]" if link.has_image else "[no text]"


def anchor(link) -> str:
    """The evidence text of a link: a short ``<a href="...">text</a>``."""
    href = "" if link.href is None else f' href="{link.href if len(link.href) <= 200 else link.href[:197] + "..."}"'
    return f"<a{href}>{link.text[:80]}</a>"


def link_finding(ctx, spec_check, message, recipient, link, *, static: bool, **args):
    """A finding about ``link``: template-level when ``static``, else this recipient's."""
    args.setdefault("label", label(link))
    args.setdefault("href", link.href or "")
    return ctx.finding(
        spec_check, message, None if static else recipient, part="html", text=anchor(link),
        line=attribute_line(ctx, "href", link.href), template_level=static, **args,
    )


def problem_findings(ctx, message, recipient, spec_check, kind: str, arg: str | None = None, force_dynamic=None):
    """:func:`link_findings` of the links whose href has problem ``kind`` (see
    :func:`~preview.checks.hrefs.href_problem`), with its detail as the finding's ``arg``."""

    def judge(links, static):
        for link in links:
            if is_server_unsubscribe(ctx, link.href):
                continue
            problem = href_problem(link.href)
            if problem and problem[0] == kind:
                extra = {arg: problem[1]} if arg else {}
                yield link_finding(ctx, spec_check, message, recipient, link, static=static, **extra)

    return link_findings(ctx, message, recipient, spec_check, judge, force_dynamic)


# -- checks -----------------------------------------------------------------------------------


@check(
    code="LNK001",
    name="empty-href",
    summary="A link has an empty href, so clicking it does nothing (or reloads the webmail).",
    why="An empty href is usually a variable that rendered as nothing or a link the designer never "
    "filled in; the reader clicks the call to action and nothing happens.",
    bad='<a href="">Shop the sale</a>, or <a href="{{ recipient.attributes.offer_url }}"> for a recipient without one',
    good='<a href="https://www.acme-home.com/sale">Shop the sale</a>',
    message="Link {label} has an empty href",
    **_COMMON,
)
@distinct
def empty_href(message, recipient, ctx):
    from_data = empty_from_data(ctx, "href")
    return problem_findings(ctx, message, recipient, empty_href, "empty",
                            force_dynamic=lambda link: from_data and not (link.href or "").strip())


@check(
    code="LNK002",
    name="hash-href",
    summary='A link points to "#", a placeholder that goes nowhere.',
    why='"#" is what templates ship with before the real URL is pasted in; in an email it opens '
    "nothing, or the top of the webmail page.",
    bad='<mj-button href="#">Reserve your tickets</mj-button>',
    good='<mj-button href="https://tickets.example.org/expo">Reserve your tickets</mj-button>',
    message='Link {label} points to "#", which goes nowhere',
    **_COMMON,
)
@distinct
def hash_href(message, recipient, ctx):
    return problem_findings(ctx, message, recipient, hash_href, "hash")


@check(
    code="LNK003",
    name="script-href",
    summary="A link uses javascript:, vbscript: or data:, which email clients strip or block.",
    why="No email client runs scripts; such links are removed or flagged as dangerous, and "
    "spam filters score them as phishing.",
    bad='<a href="javascript:openOffer()">See the offer</a>',
    good='<a href="https://www.acme-home.com/offer">See the offer</a>',
    message="Link {label} uses {scheme}:, which email clients strip or block",
    **_COMMON,
)
@distinct
def script_href(message, recipient, ctx):
    return problem_findings(ctx, message, recipient, script_href, "script", "scheme")


@check(
    code="LNK004",
    name="insecure-http",
    summary="A link uses plain http: instead of https:.",
    why="Browsers warn on plain http pages, the link can be tampered with on the way, and "
    "mixed http links hurt sender reputation; every mainstream site serves https.",
    bad='<a href="http://www.acme-home.com/winter">Winter collection</a>',
    good='<a href="https://www.acme-home.com/winter">Winter collection</a>',
    message="Link {label} uses plain http: {href}",
    **_COMMON,
)
@distinct
def insecure_http(message, recipient, ctx):
    def judge(links, static):
        # One finding per address: a footer often repeats one http:// home page a dozen times.
        by_href: dict[str, list] = {}
        for link in links:
            problem = None if is_server_unsubscribe(ctx, link.href) else href_problem(link.href)
            if problem and problem[0] == "http":
                by_href.setdefault(link.href, []).append(link)
        for group in by_href.values():
            first = next((link for link in group if link.text), group[0])
            more = f" (and {len(group) - 1} more links)" if len(group) > 1 else ""
            yield link_finding(ctx, insecure_http, message, recipient, first, static=static, label=label(first) + more)

    return link_findings(ctx, message, recipient, insecure_http, judge)


@check(
    code="LNK005",
    name="malformed-url",
    summary="A link's URL is malformed: no scheme, no or an invalid host, spaces, two URLs run together.",
    why="A malformed URL opens an error page or nothing at all; copy-paste slips (a relative "
    "path, 'https://a.comhttps://a.com', 'htps://') are easy to miss by eye.",
    bad='<a href="www.acme-home.com/winter">Winter</a> or <a href="https://acme-home.comhttps://acme-home.com">',
    good='<a href="https://www.acme-home.com/winter">Winter</a>',
    message="Link {label} has a malformed URL ({detail}): {href}",
    **_COMMON,
)
@distinct
def malformed_url(message, recipient, ctx):
    return problem_findings(ctx, message, recipient, malformed_url, "malformed", "detail")


@check(
    code="LNK006",
    name="malformed-mailto",
    summary="A mailto: link has no address or an invalid one.",
    why="The reader's mail program opens with a broken or empty To: line, so the reply that the "
    "email asked for never arrives.",
    bad='<a href="mailto:help@acme-home">Write to us</a>',
    good='<a href="mailto:help@acme-home.com?subject=Order%20question">Write to us</a>',
    message="Link {label} has a malformed mailto: ({detail})",
    **_COMMON,
)
@distinct
def malformed_mailto(message, recipient, ctx):
    return problem_findings(ctx, message, recipient, malformed_mailto, "mailto", "detail")


@check(
    code="LNK007",
    name="malformed-tel",
    summary="A tel: link has no number, letters, or too few digits.",
    why="Phones dial only digits (RFC 3966); 'tel:1-800-FLOWERS' or 'tel:' does nothing on tap.",
    bad='<a href="tel:1-800-ACME">Call us</a>',
    good='<a href="tel:+1-800-555-0199">Call us</a>',
    message="Link {label} has a malformed tel: number ({detail})",
    **_COMMON,
)
@distinct
def malformed_tel(message, recipient, ctx):
    return problem_findings(ctx, message, recipient, malformed_tel, "tel", "detail")


@check(
    code="LNK008",
    name="text-url-mismatch",
    summary="The link text is a web address on one site and the link goes to another.",
    why="Showing one address and opening another is the classic phishing look: spam filters "
    "score it, and careful readers will not click.",
    bad='<a href="https://promo.example-partner.com/x">www.acme-home.com</a>',
    good='<a href="https://www.acme-home.com/winter">www.acme-home.com</a>',
    message="Link text shows {shown} but the link goes to {target}",
    **_COMMON,
)
@distinct
def text_url_mismatch(message, recipient, ctx):
    def judge(links, static):
        for link in links:
            shown = shown_host(link.text) if link.text else None
            if not shown or not link.href or is_server_unsubscribe(ctx, link.href):
                continue
            try:
                target = urlsplit(link.href.strip()).hostname
            except ValueError:
                continue
            if target and not same_site(shown, target):
                yield link_finding(ctx, text_url_mismatch, message, recipient, link, static=static, shown=shown, target=target)

    return link_findings(ctx, message, recipient, text_url_mismatch, judge)


@check(
    code="LNK009",
    name="empty-url-parameter",
    summary="A URL parameter filled from recipient data rendered empty (?uid=&ref=).",
    why="Tracking, login and offer links carry the recipient's id or code; empty, the link opens "
    "someone else's session, a generic page or an error, and attribution is lost.",
    bad='<a href="https://www.acme-home.com/offer?uid={{ recipient.attributes.loyalty_id }}"> for a recipient without loyalty_id',
    good='<a href="https://www.acme-home.com/offer?uid={{ recipient.id }}">',
    message="URL parameter {param}= is empty in link {label}: {{{{ {source} }}}} rendered nothing for this recipient",
    scope="recipient",
    **_COMMON,
)
def empty_url_parameter(message, recipient, ctx):
    params = personalized_params(ctx)
    if not params or message.document is None:
        return
    for link in message.document.links:
        if not link.href or "?" not in link.href or is_server_unsubscribe(ctx, link.href):
            continue
        query = link.href.split("?", 1)[1].split("#", 1)[0]
        for name, value in parse_qsl(query, keep_blank_values=True):
            if value or name not in params:
                continue
            expression = params[name]
            data = gap_lines(message, recipient, expression) or [f"{name}= is filled from {{{{ {expression} }}}}"]
            yield ctx.finding(
                empty_url_parameter, message, recipient, part="html", text=anchor(link), line=source_line(ctx, f"{name}={{{{"),
                data=data, template_level=False, label=label(link), href=link.href, param=name, source=expression,
            )


def personalized_params(ctx) -> dict[str, str]:
    """URL parameters whose value the template fills from a variable: ``{name: expression}``."""
    params = ctx.cache.get("links.personalized_params")
    if params is None:
        params = {}
        body = getattr(ctx.campaign, "body", "") or ""
        for match in _TEMPLATE_HREF.finditer(body):
            href = match.group(1) if match.group(1) is not None else match.group(2)
            for name, expression in _PERSONAL_PARAM.findall(href):
                params.setdefault(name, " ".join(expression.split()))
        ctx.cache["links.personalized_params"] = params
    return params


def gap_lines(message, recipient: dict, expression: str) -> list[str]:
    """Lines about the recipient fields of ``expression`` that rendered as nothing."""
    wanted = {m.group(1).lstrip(".") for m in _PATH_IN_EXPR.finditer(expression)}
    lines = []
    for _, path in [*message.missing, *message.nulls]:
        path = path.removeprefix("recipient.")
        if path in wanted:
            line = describe_entry(recipient, path)
            if line not in lines:
                lines.append(line)
    return lines


CHECKS = [empty_href, hash_href, script_href, insecure_http, malformed_url, malformed_mailto, malformed_tel, text_url_mismatch, empty_url_parameter]
