"""MJML compilation with mjml-python (the Rust MRML engine), and where an MJML error is.

MRML reports some errors with a character span (``at position 16:26``) and some with none; for
those we find the first unbalanced ``<mj-*>`` tag ourselves, so every error can name a line.
Includes are refused: a campaign is one file, and a template must not read the server's disk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from mjml import mjml2html

_POSITION = re.compile(r"at position (\d+):(\d+)")
_TAG = re.compile(r"<(/?)(mjml|mj-[a-z-]+)\b[^>]*?(/?)>", re.IGNORECASE)


@dataclass
class MjmlError(Exception):
    """MJML that failed to compile; ``offset`` is a character offset into the source, if known."""

    message: str
    offset: int | None = None

    def __str__(self) -> str:
        return self.message


def _refuse_include(path: str) -> str:
    raise ValueError(f"mj-include is not allowed in a campaign ({path!r})")


def compile_mjml(source: str) -> str:
    """HTML for MJML ``source``, or :class:`MjmlError` with the offset of the problem."""
    try:
        return mjml2html(source, include_loader=_refuse_include)
    except BaseException as exc:
        # A Rust panic inside MRML reaches Python as pyo3's PanicException, which derives from
        # BaseException: one recipient's odd value must not end the whole run.
        if not isinstance(exc, (ValueError, RuntimeError)) and type(exc).__name__ != "PanicException":
            raise
        message = str(exc)
        if type(exc).__name__ == "PanicException":
            message = f"the MJML engine failed on this input ({message})"
        match = _POSITION.search(message)
        offset = locate_unbalanced(source)
        if match:
            # MRML counts bytes of UTF-8; we count characters. A tag left open or closed twice
            # earlier is the real cause even when MRML only notices it further on.
            reported = len(source.encode()[: int(match.group(1))].decode("utf-8", errors="ignore"))
            offset = reported if offset is None else min(offset, reported)
        clean = _POSITION.sub("", message).replace(" in root template", "").strip()
        raise MjmlError(f"MJML: {clean}", offset) from None


_PLAIN_ASCII = re.compile(r"[ !-\[\]-~]*")  # printable ASCII but the backslash


def attribute_safe(value: str) -> bool:
    """Whether MRML copies ``value`` into an HTML attribute unchanged.

    MRML writes attribute values with Rust's debug escaping: a backslash doubles, and line
    breaks, no-break spaces, combining marks and other invisible characters become ``\\u{..}``.
    Text content is copied as it is. Which characters Rust escapes follows its own Unicode
    tables, so non-ASCII characters are tried on MRML itself, once each.
    """
    if _PLAIN_ASCII.fullmatch(value):
        return True
    return all(_PLAIN_ASCII.fullmatch(c) or (not c.isascii() and _kept_in_attribute(c)) for c in value)


@lru_cache(maxsize=4096)
def _kept_in_attribute(char: str) -> bool:
    probe = f'<mjml><mj-body><mj-section><mj-column><mj-image src="https://x.invalid/a.png" alt="{char}"/></mj-column></mj-section></mj-body></mjml>'
    try:
        return f'alt="{char}"' in compile_mjml(probe)
    except MjmlError:
        return False


def locate_unbalanced(source: str) -> int | None:
    """Offset of the first MJML tag that is not closed properly, or None if all balance."""
    stack: list[tuple[str, int]] = []
    for match in _TAG.finditer(source):
        closing, name, selfclosing = match.group(1), match.group(2).lower(), match.group(3)
        if selfclosing:  # MRML has no void elements: <mj-image> must be closed or self-closed
            continue
        if not closing:
            stack.append((name, match.start()))
            continue
        if not stack:
            return match.start()
        if stack[-1][0] != name:
            if any(open_name == name for open_name, _ in stack):
                return stack[-1][1]  # it closes an outer tag: the tag above was left open
            return match.start()  # it closes nothing: a stray closing tag
        stack.pop()
    if stack:
        return stack[-1][1]
    end = source.lower().rfind("</mjml>")
    if end >= 0 and source[end + 7 :].strip():
        return end + 7 + (len(source[end + 7 :]) - len(source[end + 7 :].lstrip()))
    return None
