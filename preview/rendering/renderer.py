"""Render one campaign for one recipient at a time, sharing every step that is the same for all.

Per recipient, Jinja2 renders each part inside the sandbox while a tracker records lineage. The
body's output is split into static chunks (template text) and dynamic chunks (recipient values).
Static chunks plus a placeholder per value form the *layout key*: the MJML compile and the HTML
parse happen once per distinct layout (usually a handful per campaign), and each recipient's
values are filled into the shared result. A value is only filled in where MJML copies it verbatim
(text, and href/src/alt/title attributes); anywhere else it becomes part of the layout key, which
keeps the output identical to compiling each recipient's MJML directly.
"""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re
import time
import traceback
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import quote

from jinja2 import TemplateSyntaxError
from jinja2.sandbox import SecurityError

from preview.contract.campaigns import Campaign
from preview.rendering.document import PREFIX, Document, Layout, placeholder
from preview.rendering.environment import PreviewEnvironment
from preview.rendering.instrument import Branch, instrument
from preview.rendering.lineage import Chunk, RenderLimitExceeded, Tracker
from preview.rendering.message import PartOutput, RenderedMessage, RenderError
from preview.rendering.mjml import MjmlError, attribute_safe, compile_mjml
from preview.rendering.record import RecordView

# Attributes of mj-* tags whose values MJML copies verbatim into the HTML.
_VERBATIM_ATTRS = frozenset({"href", "src", "alt", "title"})
_OPEN_TAG = re.compile(r"<(mj-[a-z-]+|mjml)\b[^>]*$", re.IGNORECASE | re.DOTALL)
_ATTR_BEFORE = re.compile(r"([a-zA-Z-]+)\s*=\s*[\"'][^\"']*$")
# Whitespace the visible-text normalisation would change (see document._normalise).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_ODD_SPACE = re.compile(r"[\t\n\r\f\v\u00a0\u034f\u200b\u200c\u200d\u2060\ufeff]|  ")


@dataclass(frozen=True)
class RenderSettings:
    """Limits and defaults of rendering (the PREVIEW_RENDER_* settings)."""

    time_limit: float = 2.0  # seconds per part of one recipient
    max_size: int = 2_000_000  # characters of output per part
    layout_cache: int = 256  # compiled layouts kept
    unsubscribe_url: str = "https://unsubscribe.invalid/{recipient_id}"


@dataclass
class _Compiled:
    part: str
    template: object | None
    branches: list[Branch]
    line_offset: int
    error: RenderError | None = None
    globals: dict = field(default_factory=dict)  # the template's globals, merged into each render
    constant: PartOutput | None = None  # the output of a part without any Jinja, shared by all


@dataclass
class _LayoutEntry:
    layout: Layout | None
    unsafe: frozenset = frozenset()  # slots MJML interprets: inline them and try again
    error: RenderError | None = None
    attr_slots: frozenset = frozenset()  # slots inside attributes, where MJML escapes some characters


class CampaignRenderer:
    """Renders one :class:`Campaign`; reuse it for every recipient of a run."""

    def __init__(self, campaign: Campaign, settings: RenderSettings | None = None):
        self.campaign = campaign
        self.settings = settings or RenderSettings()
        self._text_env = PreviewEnvironment(autoescape=False, max_size=self.settings.max_size)
        self._html_env = PreviewEnvironment(autoescape=True, max_size=self.settings.max_size)
        self._layouts: OrderedDict = OrderedDict()
        self._campaign_context = campaign.as_context()  # read-only in the sandbox: share it
        self._source_pos: dict[str, int] = {}
        self.layout_compiles = 0
        self.parts: dict[str, _Compiled] = {}
        for name in ("subject", "preheader", "from_name", "text"):
            source = getattr(campaign, name)
            if source is not None:
                line = campaign.field_line(name) + (1 if "\n" in source else 0)
                self.parts[name] = self._compile(name, source, self._text_env, line)
        self.parts["body"] = self._compile("body", campaign.body, self._html_env, campaign.body_line)

    # -- compiling -------------------------------------------------------------------------

    def _compile(self, part: str, source: str, env: PreviewEnvironment, line_offset: int) -> _Compiled:
        try:
            ast = env.parse(source, name=part, filename=f"<{part}>")
            branches = instrument(ast, source)
            ast.set_environment(env)
            code = env.compile(ast, name=part, filename=f"<{part}>")
            template = env.load_code(code)
        except TemplateSyntaxError as exc:
            line = line_offset + (exc.lineno or 1) - 1
            return _Compiled(part, None, [], line_offset, RenderError(_finding_part(part), "template", f"template syntax error: {exc.message}", line))
        compiled = _Compiled(part, template, branches, line_offset, globals=dict(template.globals))
        if not any(marker in source for marker in ("{{", "{%", "{#")):
            # "Acme Home" is "Acme Home" for everyone: render it once.
            compiled.constant = PartOutput(source, [Chunk(0, len(source), False, (), ())] if source else [])
        return compiled

    @property
    def template_errors(self) -> list[RenderError]:
        """Errors that stop a part from rendering for anyone (syntax errors)."""
        return [c.error for c in self.parts.values() if c.error]

    @property
    def branches(self) -> list[tuple[str, Branch]]:
        """Every branch of every part, as ``(part, branch)``; lines are campaign file lines."""
        out = []
        for name, compiled in self.parts.items():
            for b in compiled.branches:
                line = compiled.line_offset + b.line - 1
                out.append((name, Branch(b.id, b.arm, b.kind, line, b.label)))
        return out

    # -- rendering -------------------------------------------------------------------------

    def render(self, recipient: dict, send_date: dt.date | None = None, **extra) -> RenderedMessage:
        """Render every part of the campaign for ``recipient``; never raises for template faults."""
        started = time.perf_counter()
        rid = recipient.get("id")
        msg = RenderedMessage(recipient_id=rid)
        context = {
            "campaign": self._campaign_context,
            "send_date": send_date or self.campaign.send_date or dt.date.today(),
            "unsubscribe_url": self.settings.unsubscribe_url.format(recipient_id=quote(str(rid or ""), safe="")),
            **extra,
        }
        for name, compiled in self.parts.items():
            if compiled.error:
                msg.errors.append(compiled.error)
                continue
            if compiled.constant is not None:
                output = compiled.constant
                pieces = [(output.text, False)] if output.text else []
            else:
                output, pieces = self._run(compiled, recipient, context, msg)
                if output is None:
                    continue
            msg.parts[name] = output
            if name == "body":
                self._body(msg, output, pieces)
            elif name == "text":
                msg.text_part = output.text
            else:
                setattr(msg, name, " ".join(output.text.split()))
        msg.elapsed = time.perf_counter() - started
        return msg

    def _run(self, compiled: _Compiled, recipient: dict, context: dict, msg: RenderedMessage):
        tracker = Tracker(self.settings.time_limit, self.settings.max_size)
        # Globals merged in here so Jinja can use this dict as the context as it is (shared).
        variables = {**compiled.globals, **context, "recipient": RecordView(recipient, "", tracker)}
        token = tracker.activate()
        chunks: list[Chunk] = []
        pieces: list[tuple[str, bool]] = []
        pos = 0
        max_size = self.settings.max_size
        reads = tracker.reads
        try:
            ctx = compiled.template.new_context(variables, shared=True)
            # The hot loop of every render: one pass per output piece, kept lean. Loops and
            # branches check the clock in their hooks; here only the size is checked.
            for piece in compiled.template.root_render_func(ctx):
                dynamic = tracker.dynamic
                if dynamic:
                    tracker.dynamic = False
                if not piece:
                    tracker.consumed += len(reads)
                    reads.clear()
                    continue
                end = pos + len(piece)
                if reads:
                    taken = tuple(dict.fromkeys(reads))
                    tracker.consumed += len(reads)
                    reads.clear()
                else:
                    taken = ()
                chunks.append(Chunk(pos, end, dynamic, tracker.scope, taken))
                pieces.append((piece, dynamic))
                pos = end
                if pos > max_size:
                    raise RenderLimitExceeded(f"output passed the limit of {max_size:,} characters")
        except RenderLimitExceeded as exc:
            msg.errors.append(RenderError(_finding_part(compiled.part), "limit", str(exc), self._runtime_line(compiled, exc)))
            return None, None
        except RecursionError as exc:
            message = "recursion too deep (a macro that calls itself without end?)"
            msg.errors.append(RenderError(_finding_part(compiled.part), "limit", message, self._runtime_line(compiled, exc)))
            return None, None
        except (OverflowError, MemoryError) as exc:  # the sandbox's range cap, or a huge number
            msg.errors.append(RenderError(_finding_part(compiled.part), "limit", f"{type(exc).__name__}: {exc}", self._runtime_line(compiled, exc)))
            return None, None
        except SecurityError as exc:
            msg.errors.append(RenderError(_finding_part(compiled.part), "security", f"blocked by the sandbox: {exc}", self._runtime_line(compiled, exc)))
            return None, None
        except Exception as exc:  # a template fault of this recipient must not stop the run
            message = f"{type(exc).__name__}: {exc}"
            msg.errors.append(RenderError(_finding_part(compiled.part), "template", message, self._runtime_line(compiled, exc)))
            return None, None
        finally:
            tracker.deactivate(token)
        part = compiled.part
        msg.missing.extend((part, m) for m in dict.fromkeys(tracker.missing))
        msg.nulls.extend((part, n) for n in dict.fromkeys(tracker.nulls))
        msg.branch_hits.update((part, bid, arm) for bid, arm in tracker.hits)
        return PartOutput("".join(p for p, _ in pieces), chunks), pieces

    def _runtime_line(self, compiled: _Compiled, exc: BaseException) -> int | None:
        """The campaign line a runtime error happened on, from Jinja's rewritten traceback."""
        filename = f"<{compiled.part}>"
        line = None
        for frame, lineno in traceback.walk_tb(exc.__traceback__):
            if frame.f_code.co_filename == filename:
                # Generated Python line -> template line, via the code's debug_info.
                line = compiled.template.get_corresponding_lineno(lineno)
        return None if line is None else compiled.line_offset + line - 1

    # -- body: layout sharing --------------------------------------------------------------

    def _body(self, msg: RenderedMessage, output: PartOutput, pieces: list[tuple[str, bool]]) -> None:
        key: list = []
        values: list[str] = []
        slot_chunks: list[int] = []
        for index, (piece, dynamic) in enumerate(pieces):
            if dynamic and _fillable(piece):
                key.append(len(values))
                values.append(piece)
                slot_chunks.append(index)
            else:
                if dynamic:
                    msg.inlined_dynamic = True
                key.append(piece)
        entry = self._layout(tuple(key), values, output)
        for attempt in range(2):
            # Values MJML would interpret, or would escape in an attribute, become part of the
            # layout itself; the second time round, every value does.
            inline = set(entry.unsafe)
            inline.update(n for n in entry.attr_slots if not attribute_safe(values[n]))
            if not inline:
                break
            msg.inlined_dynamic = True
            key = [values[k] if type(k) is int and (attempt or k in inline) else k for k in key]
            entry = self._layout(tuple(key), values, output)
        if entry.error:
            msg.errors.append(entry.error)
            return
        msg.body_values = values
        msg.body_slot_chunks = slot_chunks
        msg.document = Document(entry.layout, values)

    def _layout(self, key: tuple, values: list[str], output: PartOutput) -> _LayoutEntry:
        entry = self._layouts.get(key)
        if entry is not None:
            self._layouts.move_to_end(key)
            return entry
        entry = self._build_layout(key, values, output)
        if entry.error is None:  # errors can depend on values; do not cache them
            self._layouts[key] = entry
            if len(self._layouts) > self.settings.layout_cache:
                self._layouts.popitem(last=False)
        return entry

    def _build_layout(self, key: tuple, values: list[str], output: PartOutput) -> _LayoutEntry:
        self.layout_compiles += 1
        skeleton = "".join(placeholder(k) if type(k) is int else k for k in key)
        slots = [k for k in key if type(k) is int]
        if self.campaign.format != "mjml":
            return _LayoutEntry(Layout(skeleton))
        where = {n: _slot_position(skeleton, placeholder(n)) for n in slots}
        unsafe = {n for n, position in where.items() if position is None}
        if unsafe:
            return _LayoutEntry(None, frozenset(unsafe))
        attr_slots = frozenset(n for n, position in where.items() if position == "attr")
        try:
            html = compile_mjml(skeleton)
        except MjmlError:
            html = None
        if html is not None:
            lost = {n for n in slots if placeholder(n) not in html}
            if lost:
                return _LayoutEntry(None, frozenset(lost))
            return _LayoutEntry(Layout(html), attr_slots=attr_slots)
        # The layout failed: compile the real output to report the recipient's actual error.
        try:
            compile_mjml(output.text)
        except MjmlError as exc:
            return _LayoutEntry(None, error=RenderError("html", "mjml", exc.message, self._output_line(output, exc.offset)))
        return _LayoutEntry(None, frozenset(slots))  # placeholders upset MJML: inline everything

    def _output_line(self, output: PartOutput, offset: int | None) -> int | None:
        """The campaign line of character ``offset`` of the body's Jinja output."""
        if offset is None:
            return None
        compiled = self.parts["body"]
        source = self.campaign.body
        best = None
        for chunk in output.chunks:
            if chunk.dynamic:
                continue
            if chunk.start > offset:
                break
            best = chunk
        if best is None:
            return compiled.line_offset
        text = output.text[best.start : best.end]
        where = self._source_pos.get(text)
        if where is None:
            where = source.find(text)
            self._source_pos[text] = where
        if where < 0:
            return compiled.line_offset
        inside = min(offset, best.end) - best.start
        return compiled.line_offset + source.count("\n", 0, where + inside)


def _finding_part(part: str) -> str:
    return "html" if part == "body" else part


def _fillable(piece: str) -> bool:
    """A value that can be filled into a shared layout and give exactly what compiling it would.

    No markup, no edge whitespace (MJML trims some), no placeholder look-alike, and visible text
    the text normalisation leaves alone (no line breaks, tabs, double or no-break spaces): MJML
    turns a line break in a title into ``\\n``, and the visible text collapses the others.
    Values repeat across recipients (names, links), so answers are memoised.
    """
    return _fillable_text(str.__str__(piece))  # escaped output is Markup: use the plain str


@lru_cache(maxsize=8192)
def _fillable_text(piece: str) -> bool:
    if "<" in piece or ">" in piece or piece != piece.strip() or PREFIX in piece:
        return False
    if _CONTROL.search(piece):  # MRML refuses most control characters outright
        return False
    visible = htmllib.unescape(piece) if "&" in piece else piece
    return visible == visible.strip() and _ODD_SPACE.search(visible) is None


def _slot_position(skeleton: str, token: str) -> str | None:
    """Where ``token`` sits: ``text``, ``attr`` (a verbatim attribute or the title, which MJML
    also writes into an attribute), or None when MJML interprets some occurrence of it."""
    position = "text"
    start = 0
    while True:
        index = skeleton.find(token, start)
        if index < 0:
            return position
        before = skeleton[max(0, index - 2000) : index]
        tag = _OPEN_TAG.search(before[before.rfind("<") :] if "<" in before else "")
        if tag and before.rfind(">") < before.rfind("<"):
            attr = _ATTR_BEFORE.search(before[before.rfind("<") :])
            if attr is None or attr.group(1).lower() not in _VERBATIM_ATTRS:
                return None
            position = "attr"
        if _inside_head(skeleton, index):
            return None
        if skeleton.rfind("<mj-title", 0, index) > skeleton.rfind("</mj-title>", 0, index):
            position = "attr"  # the title is also the body's aria-label
        start = index + len(token)


def _inside_head(skeleton: str, index: int) -> bool:
    """Values in mj-head (styles, attributes) are interpreted by MJML, except title and preview."""
    head_open = skeleton.rfind("<mj-head", 0, index)
    if head_open < 0 or skeleton.rfind("</mj-head>", 0, index) > head_open:
        return False
    for tag in ("mj-title", "mj-preview"):
        if skeleton.rfind(f"<{tag}", 0, index) > skeleton.rfind(f"</{tag}>", 0, index):
            return False
    return True
