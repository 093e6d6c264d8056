"""What is wrong with a link's address, judged on the address alone: empty, "#", script schemes,
plain http, malformed URLs, mailto: and tel: links; and the host a link's text displays.

These are pure functions of their arguments, memoised where every recipient of a campaign asks
about the same address.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from email_validator import EmailNotValidError, validate_email

# Schemes clients strip or refuse in email: the link is dead (and looks like an attack).
SCRIPT_SCHEMES = frozenset({"javascript", "vbscript", "data"})
# Delimiters of ESP merge tags and template syntax: such an href is an unrendered token.
_TOKEN = re.compile(r"\*\||\[\[|%%|\{\{|\{%|\$\{|<%|::[A-Z_]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_IPV4 = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
# http/https misspelled (hhtp, htps, htttps): a typo, not some app's own scheme.
_HTTP_TYPO = re.compile(r"^h[htps]{2,6}$")
_TEL = re.compile(r"^\+?[0-9().\-\s]+$")
# Link text that is itself a web address: "https://acme.com/x", "www.acme.com", "acme.com".
_URL_TEXT = re.compile(
    r"^(?:https?://)?((?:[a-z0-9-]+\.)+([a-z]{2,24}))(?::\d+)?(?:[/?#]\S*)?/?$", re.IGNORECASE
)
# Endings that make text look like a domain but are file names ("index.html", "Node.js").
_FILE_ENDINGS = frozenset(
    ["html", "htm", "js", "php", "asp", "aspx", "jsp", "pdf", "png", "jpg", "jpeg", "gif", "svg", "webp", "txt", "css", "json", "xml", "csv", "exe", "zip", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "md", "py", "rb"]
)


@lru_cache(maxsize=4096)
def href_problem(href: str | None) -> tuple[str, str] | None:
    """What is wrong with ``href``, as ``(kind, detail)``, or None when it is a usable link.

    Kinds: ``empty``, ``hash``, ``script``, ``http``, ``malformed``, ``mailto``, ``tel``. Hrefs
    that are merge tags or template syntax are not judged (None).
    """
    if href is None:
        return None  # <a name="top">: an anchor, not a link
    href = href.strip()
    if not href:
        return ("empty", "")
    if href == "#":
        return ("hash", "")
    if _TOKEN.search(href):
        return None
    match = _SCHEME.match(href)
    if match is None:
        if href.startswith("#"):
            return None  # an in-page anchor; it works where anchors work
        return ("malformed", "no scheme (http/https), so it points nowhere from an inbox")
    scheme = match.group(1).lower()
    if scheme in SCRIPT_SCHEMES:
        return ("script", scheme)
    if scheme == "mailto":
        problem = mailto_problem(href[len("mailto:") :])
        return ("mailto", problem) if problem else None
    if scheme == "tel":
        problem = tel_problem(href[len("tel:") :])
        return ("tel", problem) if problem else None
    if scheme in ("http", "https"):
        problem = web_url_problem(href)
        if problem:
            return ("malformed", problem)
        return ("http", "") if scheme == "http" else None
    if _HTTP_TYPO.match(scheme):
        return ("malformed", f"misspelled scheme {scheme}:")
    return None  # app links (itms-apps:, whatsapp:, sms:) are a deliberate choice


def web_url_problem(url: str) -> str | None:
    """Why an http(s) URL is malformed, or None."""
    if re.search(r"\s", url):
        return "contains a space"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"unparseable ({exc})"
    if parts.netloc.endswith(":") and parts.path.startswith("//"):
        # "https://a.comhttps://a.com": the second scheme's colon reads as an empty port.
        return "two addresses run together"
    host = parts.hostname
    if not host:
        return "no host name"
    del port  # parsed only to reject a non-numeric port
    if _IPV4.match(host) or host == "localhost" or ":" in host:
        return None  # well-formed; test hosts (localhost, 127.0.0.1) are test-content's TST005
    try:
        ascii_host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return f"invalid host name {host!r}"
    labels = ascii_host.rstrip(".").split(".")
    if len(labels) < 2:
        return f"host {host!r} has no top-level domain"
    if not all(_HOST_LABEL.match(label) for label in labels):
        return f"invalid host name {host!r}"
    if labels[-1].isdigit():
        return f"invalid host name {host!r}"
    return None


def mailto_problem(rest: str) -> str | None:
    """Why the part of a mailto: link after the colon is malformed, or None."""
    to = rest.split("?", 1)[0]
    addresses = [a.strip() for a in unquote(to).split(",") if a.strip()]
    if not addresses:
        return "no address"
    for address in addresses:
        try:
            validate_email(address, check_deliverability=False)
        except EmailNotValidError as exc:
            return f"{address!r}: {exc}"
    return None


def tel_problem(rest: str) -> str | None:
    """Why the number of a tel: link (RFC 3966) is malformed, or None."""
    number = unquote(rest).split(";", 1)[0].strip()
    if not number:
        return "no number"
    if not _TEL.match(number):
        return f"{number!r} has characters other than digits, +, spaces, dots, dashes and brackets"
    if sum(ch.isdigit() for ch in number) < 3:
        return f"{number!r} is too short to be a phone number"
    return None


@lru_cache(maxsize=4096)
def shown_host(text: str) -> str | None:
    """The host a link's text displays when the text is itself a web address, else None."""
    match = _URL_TEXT.match(text.strip())
    if not match or match.group(2).lower() in _FILE_ENDINGS:
        return None
    return match.group(1).lower()


def same_site(a: str, b: str) -> bool:
    """True when hosts ``a`` and ``b`` are one site (equal, or one a subdomain of the other)."""
    a, b = a.lower().removeprefix("www."), b.lower().removeprefix("www.")
    return a == b or a.endswith("." + b) or b.endswith("." + a)
