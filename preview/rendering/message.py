"""What one render of a campaign for one recipient produced."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from preview.rendering.document import Document
from preview.rendering.lineage import Chunk
from preview.rendering.projection import Projection

# Parts of a message, as findings name them (findings.schema.json ``part``).
TEXT_PARTS = ("subject", "preheader", "from_name", "text")


@dataclass(frozen=True)
class RenderError:
    """A template or MJML error of one part; ``line`` is the campaign file line."""

    part: str
    kind: str  # template, mjml, limit, security
    message: str
    line: int | None = None


@dataclass
class PartOutput:
    """The Jinja output of one template part and the chunks that made it."""

    text: str
    chunks: list[Chunk] = field(default_factory=list)

    def chunks_in(self, start: int, end: int) -> list[Chunk]:
        """The chunks that overlap ``[start, end)`` of :attr:`text`."""
        return [c for c in self.chunks if c.start < end and start < c.end]

    @cached_property
    def visible(self) -> Projection:
        """Where visible text sits in this (markup) output; built on first use."""
        return Projection(self.text, markup=True)

    @cached_property
    def plain(self) -> Projection:
        """Where whitespace-normalised text sits in this (plain) output; built on first use."""
        return Projection(self.text, markup=False)

    def is_dynamic(self, start: int, end: int) -> bool:
        return any(c.dynamic for c in self.chunks_in(start, end))


@dataclass
class RenderedMessage:
    """Subject, preheader, from name, HTML and plain text of one recipient's email.

    ``document`` gives the HTML's visible text, links and images (filled from the shared layout).
    ``parts`` keeps the raw Jinja output of each part with its chunks, which is where lineage
    comes from; ``missing`` and ``nulls`` list the variables that rendered as nothing.
    """

    recipient_id: str | None
    subject: str = ""
    preheader: str = ""
    from_name: str = ""
    document: Document | None = None
    text_part: str | None = None  # the campaign's own plain-text part, rendered
    parts: dict[str, PartOutput] = field(default_factory=dict)
    body_values: list[str] = field(default_factory=list)  # slot values, as in the HTML
    body_slot_chunks: list[int] = field(default_factory=list)  # slot -> chunk index of the body
    inlined_dynamic: bool = False  # some recipient values are part of the layout itself
    errors: list[RenderError] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)  # (part, variable)
    nulls: list[tuple[str, str]] = field(default_factory=list)  # (part, field path)
    branch_hits: set = field(default_factory=set)
    elapsed: float = 0.0
    # Work the checks of this recipient share (phrase hits of each part), dropped after them.
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def html(self) -> str:
        return self.document.html if self.document else ""

    @property
    def body_text(self) -> str:
        """The visible text of the HTML."""
        return self.document.text if self.document else ""

    @cached_property
    def text(self) -> str:
        """The plain-text part: the campaign's own, or derived from the HTML."""
        return self.text_part if self.text_part is not None else self.body_text

    def part_text(self, part: str) -> str:
        """The string a finding's ``part`` refers to (visible text for ``html``)."""
        if part == "html":
            return self.body_text
        if part == "text":
            return self.text
        return getattr(self, part, "") or ""

    def is_dynamic(self, part: str, start: int, end: int) -> bool:
        """Whether ``[start, end)`` of ``part`` contains recipient data."""
        if part == "html":
            if self.document is None:
                return False
            return self.inlined_dynamic or self.document.is_dynamic(start, end)
        if part == "text" and self.text_part is None:
            return self.is_dynamic("html", start, end)
        out = self.parts.get(part)
        return bool(out) and out.is_dynamic(start, end)
