"""What the checks read from an email's HTML, parsed once per *layout* and filled per recipient.

Recipients of one campaign mostly share one layout: the same static HTML with different values
in a few places. The renderer compiles and parses that layout once with placeholders where the
values go (see ``renderer.py``); this module turns the parsed layout into :class:`Layout` (text,
links, images, title, lang, font sizes as *slotted text*), and :class:`Document` fills the slots
for one recipient, lazily, keeping track of which spans came from data.
"""

from __future__ import annotations

import html as htmllib
import re
import secrets
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import lxml.html
from lxml import etree

# A placeholder is ``<PREFIX><n>x``: lowercase letters and digits survive MJML and HTML parsing.
PREFIX = "cpv" + "".join(secrets.choice("abcdefghijklmnopqrstuvw") for _ in range(8))
SLOT = re.compile(PREFIX + r"(\d+)x")

BLOCK_TAGS = frozenset(
    ["p", "div", "td", "th", "tr", "table", "tbody", "thead", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "br", "hr", "center", "section", "article", "header", "footer", "blockquote", "pre", "dl", "dt", "dd", "address", "figure", "figcaption"]
)
SKIP_TAGS = frozenset({"style", "script", "head", "title", "noscript", "template"})
_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u034f\u200b\u200c\u200d\u2060\ufeff]+")
_FONT_SIZE = re.compile(r"font-size\s*:\s*([\d.]+)\s*(px|pt)", re.IGNORECASE)


def placeholder(n: int) -> str:
    """The placeholder text of slot ``n``."""
    return f"{PREFIX}{n}x"


def split_slots(text: str) -> tuple:
    """``"Hi <slot 3>!"`` -> ``("Hi ", 3, "!")``; plain text -> ``(text,)``."""
    if PREFIX not in text:
        return (text,)
    parts: list = []
    last = 0
    for match in SLOT.finditer(text):
        if match.start() > last:
            parts.append(text[last : match.start()])
        parts.append(int(match.group(1)))
        last = match.end()
    if last < len(text):
        parts.append(text[last:])
    return tuple(parts)


def fill(parts: tuple, values: list[str]) -> str:
    """Join slotted ``parts`` with ``values``."""
    if len(parts) == 1 and type(parts[0]) is str:
        return parts[0]
    return "".join(p if type(p) is str else values[p] for p in parts)


def fill_spans(parts: tuple, values: list[str]) -> tuple[str, list[tuple[int, int, int]]]:
    """Like :func:`fill`, also returning ``(start, end, slot)`` of every filled value."""
    out: list[str] = []
    spans = []
    pos = 0
    for p in parts:
        if type(p) is str:
            out.append(p)
            pos += len(p)
        else:
            value = values[p]
            out.append(value)
            spans.append((pos, pos + len(value), p))
            pos += len(value)
    return "".join(out), spans


def is_slotted(parts: tuple | None) -> bool:
    """True when ``parts`` holds at least one slot."""
    return bool(parts) and any(type(p) is int for p in parts)


@dataclass(frozen=True)
class LinkSlots:
    """A link of a layout: href and text as slotted parts."""

    href: tuple | None
    text: tuple
    has_image: bool
    line: int | None

    @cached_property
    def dynamic(self) -> bool:
        return is_slotted(self.href) or is_slotted(self.text)

    def fill(self, values: list[str]) -> Link:
        """The link as a recipient gets it, from the slot values as the reader sees them."""
        # Positional: the cheapest way to build a named tuple, once per link per recipient.
        href = None if self.href is None else fill(self.href, values)
        return Link(href, fill(self.text, values), self.has_image, self.dynamic, self.line)


@dataclass(frozen=True)
class ImageSlots:
    """An image of a layout: src and alt as slotted parts."""

    src: tuple | None
    alt: tuple | None
    width: str | None
    height: str | None
    in_link: bool
    line: int | None

    @cached_property
    def dynamic(self) -> bool:
        return is_slotted(self.src) or is_slotted(self.alt)

    def fill(self, values: list[str]) -> Image:
        """The image as a recipient gets it."""
        src = None if self.src is None else fill(self.src, values)
        alt = None if self.alt is None else fill(self.alt, values)
        return Image(src, alt, self.width, self.height, self.in_link, self.dynamic, self.line)


class Link(NamedTuple):
    """A link as one recipient gets it (a named tuple: links with values are built per recipient)."""

    href: str | None
    text: str
    has_image: bool
    dynamic: bool
    line: int | None = None


class Image(NamedTuple):
    """An image as one recipient gets it; ``alt`` is None when the attribute is missing."""

    src: str | None
    alt: str | None
    width: str | None
    height: str | None
    in_link: bool
    dynamic: bool
    line: int | None = None


class Layout:
    """The parsed structure of one compiled layout, with slots where recipient values go."""

    def __init__(self, html: str):
        self.html_parts = split_slots(html)
        # A value can appear more than once (a title is also the body's aria-label).
        self.html_slots = tuple(p for p in self.html_parts if type(p) is int)
        self.size_static = len(html.encode()) - sum(len(placeholder(p).encode()) for p in self.html_slots)
        self.text: tuple = ("",)
        self.hidden_text: tuple = ("",)
        self.title: tuple | None = None
        self.lang: str | None = None
        self.links: list[LinkSlots] = []
        self.images: list[ImageSlots] = []
        self.font_sizes: list[tuple[float, tuple]] = []  # (px, slotted text of the element)
        self.parse_error: str | None = None
        # Work that readers of the layout do once for every recipient who shares it (the checks'
        # scans of its template text), keyed by whoever does it; it goes when the layout goes.
        self.memo: dict = {}
        if html.strip():
            self._parse(html)
        # Per link and image: the finished object when it holds no slot, else its slots.
        self.link_objects = [s.fill([]) if not s.dynamic else s for s in self.links]
        self.image_objects = [s.fill([]) if not s.dynamic else s for s in self.images]

    def _parse(self, html: str) -> None:
        try:
            root = lxml.html.document_fromstring(html)
        except (etree.ParserError, ValueError) as exc:
            self.parse_error = str(exc)
            return
        self.lang = root.get("lang")
        title = root.find(".//title")
        if title is not None:
            self.title = split_slots(" ".join((title.text_content() or "").split()))
        visible: list[str] = []
        hidden: list[str] = []
        body = root.find("body")
        self._walk(body if body is not None else root, visible, hidden, in_link=False)
        self.text = split_slots(_normalise("".join(visible)))
        self.hidden_text = split_slots(_normalise("".join(hidden)))

    def _walk(self, el, out: list[str], hidden: list[str], in_link: bool) -> None:
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None or tag in SKIP_TAGS:
            return
        style = (el.get("style") or "").replace(" ", "").lower()
        if "display:none" in style:
            hidden.append(_inline(el.text_content() or ""))
            hidden.append("\n")
            return
        block = tag in BLOCK_TAGS
        if block:
            out.append("\n")
        if tag == "a":
            self._link(el)
            in_link = True
        elif tag == "img":
            self._image(el, in_link)
        if style and el.text and el.text.strip():
            match = _FONT_SIZE.search(style)
            if match:
                size = float(match.group(1)) * (4 / 3 if match.group(2).lower() == "pt" else 1)
                self.font_sizes.append((size, split_slots(" ".join(el.text.split()))))
        if el.text:
            out.append(_inline(el.text))
        for child in el:
            self._walk(child, out, hidden, in_link)
            if child.tail:
                out.append(_inline(child.tail))
        if block:
            out.append("\n")

    def _link(self, el) -> None:
        href = el.get("href")
        text = _normalise(el.text_content() or "").replace("\n", " ")
        self.links.append(
            LinkSlots(
                href=None if href is None else split_slots(href.strip()),
                text=split_slots(text),
                has_image=el.find(".//img") is not None,
                line=el.sourceline,
            )
        )

    def _image(self, el, in_link: bool) -> None:
        src, alt = el.get("src"), el.get("alt")
        self.images.append(
            ImageSlots(
                src=None if src is None else split_slots(src.strip()),
                alt=None if alt is None else split_slots(alt),
                width=el.get("width"),
                height=el.get("height"),
                in_link=in_link,
                line=el.sourceline,
            )
        )


def _inline(text: str) -> str:
    """Text of an HTML text node: a line break in the source is a space on screen."""
    return text.replace("\r", " ").replace("\n", " ") if "\n" in text or "\r" in text else text


def _normalise(text: str) -> str:
    lines = (_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


class Document:
    """One recipient's view of a :class:`Layout`: slots filled, computed on first use."""

    def __init__(self, layout: Layout, values: list[str]):
        self.layout = layout
        self.values = values  # as they appear in the HTML (escaped)

    @cached_property
    def text_values(self) -> list[str]:
        """Slot values as a reader sees them (entities decoded)."""
        return [htmllib.unescape(v) if "&" in v else v for v in self.values]

    @cached_property
    def html(self) -> str:
        return fill(self.layout.html_parts, self.values)

    @cached_property
    def size(self) -> int:
        """Size of the HTML in bytes (UTF-8)."""
        values = self.values
        return self.layout.size_static + sum(len(values[p].encode()) for p in self.layout.html_slots)

    @cached_property
    def _text(self) -> tuple[str, list]:
        return fill_spans(self.layout.text, self.text_values)

    @property
    def text(self) -> str:
        """Visible text, one line per block."""
        return self._text[0]

    @property
    def text_spans(self) -> list[tuple[int, int, int]]:
        """``(start, end, slot)`` of the recipient values inside :attr:`text`."""
        return self._text[1]

    @cached_property
    def part_starts(self) -> list[int]:
        """Where each part of the layout's text (template text or a value) starts in :attr:`text`,
        plus the text's length: offsets in the layout's template text move by the values' lengths."""
        values = self.text_values
        pos = 0
        out = []
        for p in self.layout.text:
            out.append(pos)
            pos += len(p) if type(p) is str else len(values[p])
        out.append(pos)
        return out

    @cached_property
    def hidden_text(self) -> str:
        return fill(self.layout.hidden_text, self.text_values)

    @cached_property
    def title(self) -> str | None:
        return None if self.layout.title is None else fill(self.layout.title, self.text_values)

    @property
    def lang(self) -> str | None:
        return self.layout.lang

    @cached_property
    def links(self) -> list[Link]:
        tv = self.text_values
        # Links without recipient values are built once per layout and shared.
        return [s if type(s) is Link else s.fill(tv) for s in self.layout.link_objects]

    @cached_property
    def images(self) -> list[Image]:
        tv = self.text_values
        return [s if type(s) is Image else s.fill(tv) for s in self.layout.image_objects]

    @cached_property
    def font_sizes(self) -> list[tuple[float, str]]:
        """``(px, the first 60 characters of the text)`` of every element with a font size."""
        tv = self.text_values
        return [(size, fill(parts, tv)[:60]) for size, parts in self.layout.font_sizes]

    def is_dynamic(self, start: int, end: int) -> bool:
        """True when text ``[start, end)`` overlaps a recipient value."""
        return any(s < end and start < e for s, e, _ in self.text_spans)

    def slots_in(self, start: int, end: int) -> list[int]:
        """The slots whose values overlap text ``[start, end)``."""
        return [slot for s, e, slot in self.text_spans if s < end and start < e]
