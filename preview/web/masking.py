"""Masking recipient PII for the UI: e-mail as ``a***@d***.com``, names as initials.

Everything the UI shows about a recipient goes through a :class:`Masker` built for that
recipient: the inbox line, the render, the plain text, finding evidence and lineage lines. A
masker either masks (the default) or passes text through (a reviewer revealed the recipient).
Text masking only knows the recipient's *own* values, which is what matters: "Hi Ana" shows as
"Hi A." while the rest of the email reads as sent.
"""

from __future__ import annotations

import re
from functools import cached_property
from urllib.parse import quote

# Fields of recipient.schema.json that name or reach a person; attributes are free-form, so
# only the name-like ones that templates use for greetings are masked.
NAME_FIELDS = ("first_name", "last_name")
NAME_ATTRIBUTES = ("preferred_name", "full_name", "nickname", "middle_name")
# A one-letter "name" would mask every such letter in the email; initials are already short.
MIN_NAME_LENGTH = 2


def mask_email(email: str | None) -> str:
    """``"ana.lima@mail.acme.com"`` -> ``"a***@m***.com"`` (first letters and the top-level domain)."""
    if not email:
        return ""
    local, _, domain = email.rpartition("@")
    if not local:  # not an address at all: keep one letter, hide the rest
        return email[:1] + "***"
    host, dot, tld = domain.rpartition(".")
    if not host:
        return f"{local[:1]}***@{domain[:1]}***"
    return f"{local[:1]}***@{host[:1]}***{dot}{tld}"


def mask_name(name: str | None) -> str:
    """``"Ana Lima"`` -> ``"A. L."``: the initial of each word."""
    if not name:
        return ""
    return " ".join(f"{word[:1]}." for word in str(name).split())


class Masker:
    """Masks one recipient's e-mail and names wherever they appear in a text.

    ``reveal=True`` makes every method return its input unchanged (a reviewer asked to see the
    recipient, and that was logged).
    """

    def __init__(self, record: dict | None, *, reveal: bool = False):
        self.record = record or {}
        self.reveal = reveal

    @cached_property
    def _replacements(self) -> dict[str, str]:
        """``{value as it may appear: its masked form}`` for this recipient's PII."""
        out: dict[str, str] = {}
        email = self.record.get("email")
        if isinstance(email, str) and email:
            masked = mask_email(email)
            out[email] = masked
            out[quote(email, safe="")] = quote(masked, safe="")  # in query strings: ana%40x.org
        attributes = self.record.get("attributes") or {}
        names = [self.record.get(f) for f in NAME_FIELDS] + [attributes.get(a) for a in NAME_ATTRIBUTES]
        for name in names:
            if not isinstance(name, str):
                continue
            name = " ".join(name.split())
            if len(name) < MIN_NAME_LENGTH:
                continue
            out.setdefault(name, mask_name(name))
            for word in name.split():  # "Ana" alone in a greeting, "Lima" alone in a sign-off
                if len(word) >= MIN_NAME_LENGTH:
                    out.setdefault(word, mask_name(word))
        return out

    @cached_property
    def _pattern(self) -> re.Pattern | None:
        if not self._replacements:
            return None
        # Longest first, so a full name or an address wins over the words inside it; lookarounds
        # instead of \b because names may start or end with non-word characters (O'Brien-).
        alternatives = sorted(self._replacements, key=len, reverse=True)
        body = "|".join(re.escape(a) for a in alternatives)
        return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)

    def text(self, text: str | None) -> str:
        """``text`` with this recipient's e-mail and names masked."""
        if not text or self.reveal or self._pattern is None:
            return text or ""
        lookup = {k.casefold(): v for k, v in self._replacements.items()}
        return self._pattern.sub(lambda m: lookup.get(m.group(0).casefold(), "***"), text)

    def email(self) -> str:
        """The recipient's e-mail, masked unless revealed."""
        email = self.record.get("email") or ""
        return email if self.reveal else mask_email(email)

    def name(self) -> str:
        """The recipient's full name, masked unless revealed."""
        parts = [self.record.get(f) for f in NAME_FIELDS]
        full = " ".join(p for p in parts if isinstance(p, str) and p.strip())
        return full if self.reveal else mask_name(full)
