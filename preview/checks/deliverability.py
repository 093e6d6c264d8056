"""``deliverability``: what gets an email clipped, truncated, or scored as spam before anyone
reads it: HTML size (Gmail clips), the subject line, the preheader, spam-trigger phrasing
(``rules/spam_phrases.yaml``) and emails that are mostly images.

Thresholds are options (``PREVIEW_CHECK_OPTIONS`` / the settings file's ``options:``):

=========================== ========= ================================================================
option                      default   why
=========================== ========= ================================================================
``gmail_clip_bytes``        102000    Gmail hides everything after about 102 KB of HTML behind
                                      "[Message clipped]" (with the unsubscribe link and the open
                                      pixel); counted in bytes, with margin below 102 KiB.
``subject_max_chars``       60        Mailchimp's advice (60 characters, about 9 words); mobile
                                      inboxes show 30-40 and Gmail on desktop about 70.
``image_only_text_chars``   400       SpamAssassin's HTML_IMAGE_ONLY rules score HTML with images
                                      and under 400 bytes of text the highest.
``image_only_words_per_image`` 10     fewer words than this per image reads as an image-only email.
=========================== ========= ================================================================
"""

from __future__ import annotations

import re
from functools import lru_cache

from preview.checks.check import check
from preview.checks.images import is_pixel
from preview.checks.layout_text import SLOT_MARK, Placer, slot_order, static_finding
from preview.checks.sharing import per_layout, per_rules, per_run, same_for_everyone, whole_finding

_COMMON = {"family": "deliverability", "severity": "warn"}

GMAIL_CLIP_BYTES = 102_000
SUBJECT_MAX_CHARS = 60
IMAGE_ONLY_TEXT_CHARS = 400
IMAGE_ONLY_WORDS_PER_IMAGE = 10
_WORD = re.compile(r"\w[\w'’-]*")
_PREVIEW_WORD = re.compile(r"[^\W\d_]{2,}")
# Three or more capitalised words in a row: "BLACK FRIDAY SALE".
_SHOUT = re.compile(r"\b[A-Z]{3,}(?:[^\w\n]+[A-Z]{3,}){2,}\b")


def _is_template(source: str | None) -> bool:
    """True when a front-matter string holds Jinja, so its output can differ per recipient."""
    return bool(source) and ("{{" in source or "{%" in source)


# -- size -------------------------------------------------------------------------------------


@check(
    code="DLV001",
    name="gmail-clipping",
    summary="The HTML is over Gmail's clipping limit (option gmail_clip_bytes, default 102,000 bytes).",
    why="Gmail cuts messages over about 102 KB and shows '[Message clipped] View entire message': "
    "the footer with the unsubscribe link and the open-tracking pixel are lost. ESP link tracking "
    "makes the HTML larger still.",
    bad="an MJML newsletter with 40 product blocks and inline styles: 131,072 bytes of HTML",
    good="the same newsletter with 12 products and a 'see all' link: 48,000 bytes",
    message="The HTML is {size:,} bytes, over Gmail's clipping limit of {limit:,}",
    **_COMMON,
)
def gmail_clipping(message, recipient, ctx):
    if message.document is None:
        return
    limit = int(ctx.option("gmail_clip_bytes", GMAIL_CLIP_BYTES))
    size = message.document.size
    if size <= limit:
        return
    static = message.document.layout.size_static
    if static > limit and same_for_everyone(message):
        # Over the limit without any value: the template's finding, with the template's size.
        yield per_layout(ctx, message, "deliverability.clip", lambda: ctx.finding(
            gmail_clipping, message, None, part="html", text=f"{static:,} bytes of HTML", template_level=True,
            size=static, limit=limit,
        ))
    else:
        yield ctx.finding(gmail_clipping, message, recipient, part="html", text=f"{size:,} bytes of HTML", template_level=False, size=size, limit=limit)


# -- subject ----------------------------------------------------------------------------------


@check(
    code="DLV002",
    name="empty-subject",
    summary="The email has no subject, or its subject renders empty.",
    why="An email without a subject shows as '(no subject)', looks like spam or a mistake, and is "
    "scored by filters (SpamAssassin MISSING_SUBJECT/EMPTY_SUBJECT).",
    bad='subject: "{{ recipient.attributes.offer_title }}" for a recipient without offer_title',
    good="subject: \"{{ recipient.attributes.offer_title | default('Your winter offer', true) }}\"",
    message="{detail}",
    **_COMMON,
)
def empty_subject(message, recipient, ctx):
    source = getattr(ctx.campaign, "subject", None)
    if source is None:
        yield per_run(ctx, "deliverability.no_subject", lambda: ctx.template_finding(
            empty_subject, part="subject", detail="The campaign has no subject",
        ))
    elif not message.subject.strip() and not any(e.part == "subject" for e in message.errors):
        yield ctx.finding(
            empty_subject, message, recipient, part="subject", text="", line=ctx.campaign.field_line("subject"),
            template_level=not _is_template(source), detail="The subject renders empty",
        )


@check(
    code="DLV003",
    name="long-subject",
    summary="The subject is longer than the inbox shows (option subject_max_chars, default 60).",
    why="Inboxes cut long subjects (mobile after 30-40 characters, Gmail on desktop after about "
    "70); the words that matter are lost and open rates drop. Mailchimp advises at most 60 "
    "characters. A long first name can push a personalized subject over.",
    bad="subject: Ana, our biggest winter collection ever is finally here with throws, lamps and ceramics",
    good="subject: Ana, the winter collection is here",
    message="The subject is {length} characters, over {limit}",
    **_COMMON,
)
def long_subject(message, recipient, ctx):
    limit = int(ctx.option("subject_max_chars", SUBJECT_MAX_CHARS))
    subject = message.subject
    if len(subject) > limit:
        yield ctx.finding(long_subject, message, recipient, part="subject", start=0, end=len(subject), length=len(subject), limit=limit)


@lru_cache(maxsize=4096)
def caps_span(subject: str) -> tuple[int, int] | None:
    """Where ``subject`` shouts: the whole subject when most letters are capitals, or the first
    run of three capitalised words; None when it does not."""
    cased = [c for c in subject if c.isupper() or c.islower()]
    if len(cased) >= 8 and sum(c.isupper() for c in cased) >= 0.6 * len(cased):
        return (0, len(subject))
    match = _SHOUT.search(subject)
    return (match.start(), match.end()) if match else None


@check(
    code="DLV004",
    name="all-caps-subject",
    summary="The subject is written in capitals (most of its letters, or three capitalised words in a row).",
    why="Capitals read as shouting and are a classic spam-filter signal (SpamAssassin SUBJ_ALL_CAPS).",
    bad="subject: BLACK FRIDAY: 50% OFF EVERYTHING",
    good="subject: Black Friday: 50% off everything",
    message="The subject shouts in capitals: {shout!r}",
    **_COMMON,
)
def all_caps_subject(message, recipient, ctx):
    span = caps_span(message.subject)
    if span:
        yield ctx.finding(all_caps_subject, message, recipient, part="subject", start=span[0], end=span[1], shout=message.subject[span[0] : span[1]])


# -- preheader --------------------------------------------------------------------------------


def has_preview_text(message) -> bool:
    """True when the HTML carries hidden preview text with words in it (mj-preview, or a
    display:none block); a hidden menu icon is not a preheader."""
    hidden = message.document.hidden_text if message.document else ""
    return bool(hidden and _PREVIEW_WORD.search(hidden))


@check(
    code="DLV005",
    name="missing-preheader",
    summary="No preheader: no front-matter preheader and no hidden preview text in the HTML.",
    why="Without a preheader the inbox shows the first text of the email instead ('View in "
    "browser', 'Having trouble reading this email?'), wasting the line that sells the open.",
    bad="<mjml><mj-body>...</mj-body></mjml> with no preheader",
    good='preheader: "Warm throws, soft lighting and new ceramics", or <mj-preview>Warm throws ...</mj-preview>',
    message="{detail}",
    **_COMMON,
)
def missing_preheader(message, recipient, ctx):
    if message.document is None or has_preview_text(message):
        return
    source = getattr(ctx.campaign, "preheader", None)
    if source is None:
        body = getattr(ctx.campaign, "body", "") or ""
        # No mj-preview and no hidden block anywhere in the template: nobody gets a preheader.
        anywhere = "mj-preview" in body or re.search(r"display\s*:\s*none", body, re.IGNORECASE)
        yield whole_finding(ctx, missing_preheader, message, recipient, "deliverability.no_preheader",
                            shared=same_for_everyone(message) or not anywhere, part="preheader",
                            detail="The email has no preheader")
    elif not message.preheader.strip() and not any(e.part == "preheader" for e in message.errors):
        yield ctx.finding(
            missing_preheader, message, recipient, part="preheader", text="", line=ctx.campaign.field_line("preheader"),
            template_level=not _is_template(source), detail="The preheader renders empty",
        )


# -- spam phrasing ----------------------------------------------------------------------------


class SpamRules:
    """The phrases and the regular expressions (``patterns:``) of ``rules/spam_phrases.yaml``."""

    def __init__(self, rules):
        self.phrases = rules.phrases("spam_phrases")
        self.patterns = [
            (entry, re.compile(pattern))
            for entry in rules.entries("spam_phrases")
            for pattern in entry.get("patterns") or ()
        ]

    def __bool__(self) -> bool:
        return bool(self.phrases) or bool(self.patterns)


def spam_rules(ctx) -> SpamRules:
    """The :class:`SpamRules` of the run's rule files, compiled once per registry (so that the
    memo of :func:`phrase_matches` serves every run)."""
    return per_rules(ctx, SpamRules)


@lru_cache(maxsize=8192)
def phrase_matches(spam: SpamRules, text: str) -> tuple:
    """Every spam match in ``text``, in order: ``(rule_id, reason, start, end, matched)``."""
    found = [(m.rule["id"], m.rule.get("reason", ""), m.start, m.end, m.text) for m in spam.phrases.finditer(text)]
    for entry, pattern in spam.patterns:
        found.extend((entry["id"], entry.get("reason", ""), m.start(), m.end(), m.group(0)) for m in pattern.finditer(text))
    return tuple(sorted(found, key=lambda m: m[2]))


def _spam_finding(ctx, message, recipient, part, start, end, rule_id, reason, matched):
    """A DLV006 finding; the text's lineage decides whether it is the template's or the recipient's."""
    return ctx.finding(spam_phrasing, message, recipient, part=part, start=start, end=end, phrase=matched,
                       reason=reason, rule=rule_id)


@check(
    code="DLV006",
    name="spam-phrasing",
    summary="Spam-trigger phrasing in the subject, preheader or body (rules/spam_phrases.yaml).",
    why="Content filters add up points for phrases spammers use ('act now', '100% free', "
    "'winner', '$$$', '!!!'); a few of them, above all in the subject, can send an honest "
    "email to the junk folder.",
    bad="subject: ACT NOW!!! You're a WINNER, 100% free gift inside",
    good="subject: Your winter gift is waiting, Ana",
    message='Spam-trigger phrasing in the {part}: "{phrase}" ({reason})',
    **_COMMON,
)
def spam_phrasing(message, recipient, ctx):
    phrases = spam_rules(ctx)
    if not phrases:
        return
    for part in ("subject", "preheader"):
        yield from _first_per_rule(ctx, message, recipient, part, phrase_matches(phrases, message.part_text(part)))
    if message.text_part is not None:
        yield from _text_part_spam(message, recipient, ctx, phrases)
    if message.document is not None:
        yield from _body_spam(message, recipient, ctx, phrases)


def _body_spam(message, recipient, ctx, spam):
    """Spam phrases of the visible text: the layout's static text is scanned once per layout
    (template findings), and per recipient only the recipient's own values are. A phrase that
    runs across static text and a value is not seen; that trade keeps per-recipient work tiny."""
    document = message.document
    if message.inlined_dynamic:
        yield from _first_per_rule(ctx, message, recipient, "html", phrase_matches(spam, message.body_text))
        return

    def plan():
        # The first match of each rule in the static text, at its offset in the layout's skeleton
        # with the number of values before it: a Placer moves it to each recipient's text.
        found, seen, offset, before = [], set(), 0, 0
        for piece in document.layout.text:
            if type(piece) is not str:
                offset, before = offset + len(SLOT_MARK), before + 1
                continue
            for rule_id, reason, start, end, matched in phrase_matches(spam, piece):
                if rule_id not in seen:
                    seen.add(rule_id)
                    found.append((rule_id, reason, offset + start, offset + end, matched, before))
            offset += len(piece)
        return slot_order(document.layout), found

    order, static = per_layout(ctx, message, "deliverability.spam", plan)
    place = Placer(order, document)
    for rule_id, reason, start, end, matched, before in static:
        yield static_finding(ctx, spam_phrasing, message, "html", place(start, before), place(end, before), matched,
                             phrase=matched, reason=reason, rule=rule_id)
    values = document.text_values
    for span_start, _, slot in document.text_spans:
        shifted = [(r, why, span_start + a, span_start + b, m) for r, why, a, b, m in phrase_matches(spam, values[slot])]
        yield from _first_per_rule(ctx, message, recipient, "html", shifted)


def _text_part_spam(message, recipient, ctx, spam):
    """Spam phrases of the campaign's own plain-text part, chunk by chunk: template chunks are
    memoised by their text (and their findings built once), recipient values scanned as they come."""
    output = message.parts.get("text")
    if output is None:
        yield from _first_per_rule(ctx, message, recipient, "text", phrase_matches(spam, message.text_part))
        return
    seen = set()
    for chunk in output.chunks:
        text = output.text[chunk.start : chunk.end]
        for rule_id, reason, start, end, matched in phrase_matches(spam, text):
            if rule_id in seen:
                continue
            seen.add(rule_id)
            if chunk.dynamic:
                yield _spam_finding(ctx, message, recipient, "text", chunk.start + start, chunk.start + end, rule_id, reason, matched)
                continue
            # Template text: one finding, placed where this recipient's text has it.
            yield static_finding(ctx, spam_phrasing, message, "text", chunk.start + start, chunk.start + end, matched,
                                 phrase=matched, reason=reason, rule=rule_id)


def _first_per_rule(ctx, message, recipient, part, matches):
    """A finding for the first match of each rule in ``matches``."""
    seen = set()
    for rule_id, reason, start, end, matched in matches:
        if rule_id not in seen:
            seen.add(rule_id)
            yield _spam_finding(ctx, message, recipient, part, start, end, rule_id, reason, matched)


# -- images versus text -----------------------------------------------------------------------


@check(
    code="DLV007",
    name="image-only",
    summary="The email is mostly images: little visible text (under image_only_text_chars, default "
    "400) and few words per image (under image_only_words_per_image, default 10).",
    why="Filters cannot read images, so an email whose message is in pictures scores as spam "
    "(SpamAssassin HTML_IMAGE_ONLY, HTML_IMAGE_RATIO); with images blocked, as many clients do by "
    "default, the reader sees an empty email.",
    bad='<mj-image src="https://cdn.acme-home.com/whole-offer.png" /> and a one-line footer',
    good="the offer written as text, with an image beside it",
    message="Mostly images: {images} images and {chars} characters ({words} words) of text",
    **_COMMON,
)
def image_only(message, recipient, ctx):
    if message.document is None:
        return
    text = message.body_text
    limit = int(ctx.option("image_only_text_chars", IMAGE_ONLY_TEXT_CHARS))
    if len(text) >= limit:
        return
    document = message.document
    images = per_layout(ctx, message, "deliverability.images", lambda: sum(1 for image in document.layout.images if not is_pixel(image)))
    # Words of the static text once per layout, plus the recipient's own values.
    static_words = per_layout(ctx, message, "deliverability.words", lambda: sum(len(_WORD.findall(p)) for p in document.layout.text if type(p) is str))
    values = document.text_values
    words = static_words + sum(len(_WORD.findall(values[slot])) for _, _, slot in document.text_spans)
    if not images or words >= images * float(ctx.option("image_only_words_per_image", IMAGE_ONLY_WORDS_PER_IMAGE)):
        return
    args = {"images": images, "chars": len(text), "words": words}
    shared = same_for_everyone(message) and not document.text_spans
    yield whole_finding(ctx, image_only, message, recipient, ("deliverability.image_only", document.layout),
                        shared=shared, part="html", text=text[:200], **args)


CHECKS = [gmail_clipping, empty_subject, long_subject, all_caps_subject, missing_preheader, spam_phrasing, image_only]
