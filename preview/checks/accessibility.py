"""``accessibility``: what makes an email hard to read with a screen reader or on a small screen:
no language, image links without a name, tiny text, vague link text, no title.

Who covers what, with ``images``: a missing ``alt`` attribute is IMG001's; ACC002 is about a link
whose only content is images that all have an *empty* alt, which leaves the link with no name at
all (a screen reader says "link" and nothing else). The same image is never reported by both.
"""

from __future__ import annotations

import re
from functools import lru_cache

import lxml.html
from lxml import etree

from preview.checks.check import check
from preview.checks.links import link_finding, link_findings
from preview.checks.sharing import distinct, per_layout, per_run, whole_finding
from preview.rendering.document import fill, is_slotted, placeholder, split_slots

_COMMON = {"family": "accessibility", "severity": "info"}

# 12px: Apple Mail on iOS enlarges text under 13px by itself, and below 12px text is hard to
# read for many (WCAG sets no minimum, but 1.4.4 asks that text can be read and resized). MJML's
# default is 13px, and 12px is the usual floor for footers, so under 12px is what gets flagged.
MIN_FONT_PX = 12
# Sizes of 0-1px are hiding tricks (whitespace control, hidden preview text), not reading text.
_HIDING_PX = 2
_LANG_TAG = re.compile(r"^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{1,8})*$")
# Template source that fills a title or an alt from a variable. A value that renders as "" leaves
# no slot in the shared layout, so only the template source tells that it came from data.
_TEMPLATED_TITLE = re.compile(r"<(?:mj-)?title\b[^>]*>[^<]*(?:\{\{|\{%)", re.IGNORECASE)
_TEMPLATED_ALT = re.compile(r"""\balt\s*=\s*(?:"[^"]*(?:\{\{|\{%)|'[^']*(?:\{\{|\{%))""", re.IGNORECASE)


def templated(ctx, name: str, pattern: re.Pattern) -> bool:
    """Whether the campaign body fills ``name`` (a title, an alt) from a variable; once per run."""
    return per_run(ctx, ("accessibility.templated", name),
                   lambda: bool(pattern.search(getattr(ctx.campaign, "body", "") or "")))


# -- language and title ---------------------------------------------------------------------


def lang_problem(lang: str | None) -> str | None:
    """Why the ``lang`` of the HTML does not help a screen reader, or None."""
    if lang is None or not lang.strip():
        return "The HTML has no lang attribute"
    if lang.strip().lower() == "und":
        return 'The HTML has lang="und" (undetermined), which MJML writes when <mjml> has no lang'
    if not _LANG_TAG.match(lang.strip()):
        return f"The HTML lang {lang!r} is not a language tag such as en or en-GB"
    return None


@check(
    code="ACC001",
    name="missing-lang",
    summary='The HTML has no usable lang attribute (missing, empty, "und" or not a language tag).',
    why="Screen readers pick their voice and pronunciation from lang; without it an English email "
    "may be read with the listener's default voice, or a French one with English rules.",
    bad="<mjml>  (MJML then writes lang=\"und\")",
    good='<mjml lang="en">',
    message="{detail}",
    **_COMMON,
)
def missing_lang(message, recipient, ctx):
    if message.document is None:
        return
    problem = lang_problem(message.document.lang)
    if problem is None:
        return
    lang = message.document.lang
    yield whole_finding(ctx, missing_lang, message, recipient, ("accessibility.lang", lang),
                        shared=not message.inlined_dynamic, part="html", text=f"lang={lang!r}", detail=problem)


@check(
    code="ACC005",
    name="missing-title",
    summary="The HTML has no <title>, or an empty one.",
    why="Screen readers announce the title when the email opens in a browser or a webmail tab "
    "('view in browser'); an empty title leaves the reader with the file name or nothing.",
    bad="<mj-head></mj-head>  (MJML writes an empty <title>)",
    good="<mj-head><mj-title>Winter collection</mj-title></mj-head>",
    message="{detail}",
    **_COMMON,
)
def missing_title(message, recipient, ctx):
    if message.document is None or (message.document.title or "").strip():
        return
    detail = "The HTML has no <title>" if message.document.title is None else "The HTML <title> is empty"
    from_data = (message.inlined_dynamic or is_slotted(message.document.layout.title)
                 or templated(ctx, "title", _TEMPLATED_TITLE))
    yield whole_finding(ctx, missing_title, message, recipient, ("accessibility.title", detail), shared=not from_data,
                        part="html", text="<title></title>", detail=detail)


# -- image links without a name --------------------------------------------------------------


def nameless_image_links(layout) -> list[tuple]:
    """The links of a layout that hold images and no text, and whose images all have an alt
    attribute: ``(href, text, alts)`` as slotted parts, to be filled per recipient.

    Parsed from the layout with placeholders in place of values, once per layout.
    """
    skeleton = "".join(p if type(p) is str else placeholder(p) for p in layout.html_parts)
    if not skeleton.strip():
        return []
    try:
        root = lxml.html.document_fromstring(skeleton)
    except (etree.ParserError, ValueError):
        return []
    found = []
    for a in root.iter("a"):
        images = list(a.iter("img"))
        if not images or a.get("href") is None or (a.get("aria-label") or a.get("title") or "").strip():
            continue
        if any(img.get("alt") is None for img in images):
            continue  # IMG001 reports the missing alt
        if _hidden(a):
            continue
        text = split_slots(" ".join((a.text_content() or "").split()))
        found.append((split_slots(a.get("href").strip()), text, tuple(split_slots(img.get("alt")) for img in images)))
    return found


def _hidden(el) -> bool:
    while el is not None:
        if "display:none" in (el.get("style") or "").replace(" ", "").lower():
            return True
        el = el.getparent()
    return False


@check(
    code="ACC002",
    name="nameless-image-link",
    summary='A link holds only images whose alt is empty, so the link has no name.',
    why='alt="" tells a screen reader to skip an image; when that image is all a link holds, the '
    'reader announces just "link" (or reads out the URL). Give the image alt text saying where '
    "the link goes, or the link an aria-label.",
    bad='<a href="https://www.facebook.com/acmehome"><img src="fb.png" alt=""></a>',
    good='<a href="https://www.facebook.com/acmehome"><img src="fb.png" alt="Acme Home on Facebook"></a>',
    message="Image link to {href} has no name: its images all have an empty alt",
    **_COMMON,
)
@distinct
def nameless_image_link(message, recipient, ctx):
    document = message.document
    if document is None:
        return
    from_data = templated(ctx, "alt", _TEMPLATED_ALT)

    def finding(href, alts, static):
        evidence = f'<a href="{href[:200]}">' + "".join('<img alt="">' for _ in alts) + "</a>"
        return ctx.finding(nameless_image_link, message, None if static else recipient, part="html", text=evidence, template_level=static, href=href)

    def nameless(href, text, alts, values):
        if fill(text, values).strip() or any(fill(alt, values).strip() for alt in alts):
            return None
        return fill(href, values)

    def plan():
        # Links with no recipient value are judged once per layout; the rest per recipient.
        static, dynamic = [], []
        for href, text, alts in nameless_image_links(document.layout):
            if from_data or is_slotted(href) or is_slotted(text) or any(is_slotted(alt) for alt in alts):
                dynamic.append((href, text, alts))
            elif (target := nameless(href, text, alts, [])) is not None:
                static.append(finding(target, alts, True))
        return static, dynamic

    if message.inlined_dynamic:
        static, dynamic = [], nameless_image_links(document.layout)
    else:
        static, dynamic = per_layout(ctx, message, "accessibility.image_links", plan)
    yield from static
    values = document.text_values
    for href, text, alts in dynamic:
        target = nameless(href, text, alts, values)
        if target is not None:
            yield finding(target, alts, False)


# -- font sizes -------------------------------------------------------------------------------


@check(
    code="ACC003",
    name="tiny-font",
    summary="Text is set smaller than the minimum (option min_font_px, default 12px).",
    why="Small print is hard to read on a phone and for anyone with low vision; iOS Mail enlarges "
    "text under 13px on its own and breaks layouts doing so. Footers are where legal text ends "
    "up unreadable.",
    bad='<mj-text font-size="10px">You receive this email because ...</mj-text>',
    good='<mj-text font-size="12px">You receive this email because ...</mj-text>',
    message="Text at {size}px, under {minimum}px: {snippet!r}",
    **_COMMON,
)
@distinct
def tiny_font(message, recipient, ctx):
    document = message.document
    if document is None:
        return
    minimum = float(ctx.option("min_font_px", MIN_FONT_PX))

    def small(size):
        return _HIDING_PX <= size < minimum

    def finding(size, snippet, static):
        return ctx.finding(tiny_font, message, None if static else recipient, part="html", text=snippet,
                           template_level=static, size=f"{size:g}", snippet=snippet, minimum=f"{minimum:g}")

    if message.inlined_dynamic:
        for size, snippet in document.font_sizes:
            if small(size):
                yield finding(size, snippet, False)
        return

    def plan():
        # Text with no recipient value is judged once per layout, for the template.
        static, dynamic = [], []
        for size, parts in document.layout.font_sizes:
            if not small(size):
                continue
            if isinstance(parts, tuple) and is_slotted(parts):
                dynamic.append((size, parts))
            else:
                static.append(finding(size, parts if isinstance(parts, str) else fill(parts, [])[:60], True))
        return static, dynamic

    static, dynamic = per_layout(ctx, message, "accessibility.fonts", plan)
    yield from static
    for size, parts in dynamic:
        yield finding(size, fill(parts, document.text_values)[:60], False)


# -- vague link text --------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def vague_text(phrases, text: str) -> str | None:
    """The vague phrase when it is the *whole* link text (punctuation and arrows aside), else None."""
    for match in phrases.finditer(text):
        if not re.search(r"\w", text[: match.start]) and not re.search(r"\w", text[match.end :]):
            return match.text
    return None


@check(
    code="ACC004",
    name="vague-link-text",
    summary='A link says only "click here", "here", "read more", "learn more" or the like.',
    why="Screen-reader users jump from link to link, hearing only the link text; 'read more' "
    "three times says nothing about where each goes (WCAG 2.4.4). Search engines and spam "
    "filters read link text too.",
    bad='<a href="https://blog.acme-home.com/lamps">Read more</a>',
    good='<a href="https://blog.acme-home.com/lamps">Read more about our lamps</a>',
    message="Link text {label} says nothing about where it goes",
    **_COMMON,
)
@distinct
def vague_link_text(message, recipient, ctx):
    phrases = ctx.rules.phrases("vague_link_text")

    def judge(links, static):
        for link in links:
            if link.text and link.href is not None and vague_text(phrases, link.text):
                yield link_finding(ctx, vague_link_text, message, recipient, link, static=static)

    return link_findings(ctx, message, recipient, vague_link_text, judge)


CHECKS = [missing_lang, nameless_image_link, tiny_font, vague_link_text, missing_title]
