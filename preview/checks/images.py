"""``images``: images without alt text, source or size, and images too heavy to send.

Who covers what, with ``accessibility``: IMG001 is about the ``alt`` *attribute* being absent
(clients then show the file name or nothing, and screen readers read the URL); ACC002 is about
links whose only content is images with an *empty* alt, which leaves the link without a name.
An image is reported by one of them, never both.

Sizes: there is no network here, so a size is known only when the template carries the bytes
(a ``data:`` URI) or the deployment lists them (the ``image_sizes`` option, ``{url: bytes}``,
e.g. from its CDN's inventory).
"""

from __future__ import annotations

import base64
import binascii
import re
from functools import lru_cache
from urllib.parse import unquote_to_bytes

from preview.checks.check import check
from preview.checks.elements import attribute_line, element_findings, empty_from_data
from preview.checks.sharing import distinct

_COMMON = {"family": "images", "severity": "warn"}

# 200 KB: a hero image above that takes seconds on a mobile connection and often means an
# unoptimised export; Litmus and Email on Acid advise well under 1 MB for the whole email.
IMAGE_MAX_BYTES = 200_000
_PIXEL = frozenset({"0", "1", "0px", "1px"})


def image_label(image) -> str:
    """How a finding names an image: the file name of its src, or what stands in for it."""
    if not image.src:
        return "[no src]"
    if image.src.startswith("data:"):
        return image.src[:30] + "..."
    name = image.src.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    return name[:80] or image.src[:80]


def tag(image) -> str:
    """The evidence text of an image: a short ``<img src=... alt=...>``."""
    bits = ["<img"]
    if image.src is not None:
        src = image.src if len(image.src) <= 200 else image.src[:197] + "..."
        bits.append(f'src="{src}"')
    if image.alt is not None:
        bits.append(f'alt="{image.alt[:80]}"')
    for name in ("width", "height"):
        if getattr(image, name) is not None:
            bits.append(f'{name}="{getattr(image, name)}"')
    return " ".join(bits) + ">"


def is_pixel(image) -> bool:
    """A 1x1 tracking pixel: invisible, so it needs no alt text."""
    return image.width in _PIXEL and image.height in _PIXEL


@lru_cache(maxsize=1024)
def data_uri_bytes(src: str) -> int | None:
    """Decoded size of a ``data:`` URI in bytes (None when it is not one, or is garbled)."""
    if not src.startswith("data:") or "," not in src:
        return None
    header, payload = src[5:].split(",", 1)
    if header.endswith(";base64"):
        try:
            return len(base64.b64decode("".join(payload.split()), validate=False))
        except (binascii.Error, ValueError):
            return None
    return len(unquote_to_bytes(payload))


def image_finding(ctx, spec_check, message, recipient, img, *, static: bool, **args):
    """A finding about image ``img``: template-level when ``static``, else this recipient's."""
    args.setdefault("image", image_label(img))
    return ctx.finding(
        spec_check, message, None if static else recipient, part="html", text=tag(img),
        line=attribute_line(ctx, "src", img.src), template_level=static, **args,
    )


def image_findings(ctx, message, recipient, spec_check, test, force_dynamic=None, **args) -> list:
    """Findings of ``spec_check`` on every image for which ``test(image)`` is true (a dict of
    extra args, or True); static images are judged once per layout."""

    def judge(images, static):
        for image in images:
            verdict = test(image)
            if verdict:
                extra = verdict if isinstance(verdict, dict) else {}
                yield image_finding(ctx, spec_check, message, recipient, image, static=static, **args, **extra)

    return element_findings(ctx, message, recipient, spec_check, judge, "images", force_dynamic)


@check(
    code="IMG001",
    name="missing-alt",
    summary="An image has no alt attribute.",
    why="Most clients block images until the reader allows them; without alt the reader sees an "
    "empty box (or the file name), and a screen reader reads out the URL. Decorative images "
    'should say so with alt="".',
    bad='<mj-image src="https://cdn.acme-home.com/sale.png" />',
    good='<mj-image src="https://cdn.acme-home.com/sale.png" alt="Winter sale: 30% off throws" />',
    message="Image {image} has no alt attribute",
    **_COMMON,
)
@distinct
def missing_alt(message, recipient, ctx):
    return image_findings(ctx, message, recipient, missing_alt, lambda image: image.alt is None and image.src and not is_pixel(image))


@check(
    code="IMG002",
    name="missing-src",
    summary="An image has no src, or an empty one.",
    why="The reader gets a broken-image icon; an empty src is often an image URL from the "
    "recipient data (a product photo) that this recipient lacks.",
    bad='<img src="{{ recipient.recommendations[0].image_url }}" alt="..."> for a recipient without recommendations',
    good='{% if recipient.recommendations %}<img src="{{ recipient.recommendations[0].image_url }}" alt="...">{% endif %}',
    message="Image {image} has no src",
    **_COMMON,
)
@distinct
def missing_src(message, recipient, ctx):
    from_data = empty_from_data(ctx, "src")
    return image_findings(
        ctx, message, recipient, missing_src,
        lambda image: not (image.src or "").strip() and {"image": f'[no src] alt="{image.alt or ""}"'},
        force_dynamic=lambda image: from_data and image.src is not None and not image.src.strip(),
    )


@check(
    code="IMG003",
    name="missing-width",
    summary="An image has no width attribute.",
    why="Outlook for Windows ignores CSS sizes and shows an image without a width attribute at its "
    "natural size, which breaks the layout. A missing height alone is fine: responsive "
    'images use height="auto", as MJML does.',
    bad='<img src="https://cdn.acme-home.com/hero.jpg" alt="Winter collection" style="max-width:100%">',
    good='<img src="https://cdn.acme-home.com/hero.jpg" alt="Winter collection" width="600" style="max-width:100%;height:auto">',
    message="Image {image} has no width attribute",
    **_COMMON,
)
@distinct
def missing_width(message, recipient, ctx):
    return image_findings(ctx, message, recipient, missing_width, lambda image: not (image.width or "").strip() and image.src)


@check(
    code="IMG004",
    name="image-over-budget",
    summary="An image is heavier than the size budget (option image_max_bytes, default 200 KB).",
    why="Heavy images load slowly on mobile data and may not load at all; an embedded data: image "
    "also counts towards Gmail's 102 KB clipping limit. Sizes are known for data: URIs and for "
    "the URLs listed in the image_sizes option.",
    bad='<img src="data:image/png;base64,iVBORw0KGgo... (350 KB)" alt="Sale">',
    good='<img src="https://cdn.acme-home.com/sale-600w.jpg" alt="Sale" width="600"> (80 KB)',
    message="Image {image} weighs {size:,} bytes, over the budget of {budget:,}",
    **_COMMON,
)
@distinct
def image_over_budget(message, recipient, ctx):
    budget = int(ctx.option("image_max_bytes", IMAGE_MAX_BYTES))
    known = ctx.option("image_sizes", {}) or {}

    def over(image):
        size = (data_uri_bytes(image.src) or known.get(image.src)) if image.src else None
        return size is not None and int(size) > budget and {"size": int(size), "budget": budget}

    return image_findings(ctx, message, recipient, image_over_budget, over)


@check(
    code="IMG005",
    name="embedded-data-image",
    summary="An image is embedded as a data: URI, which Gmail does not display.",
    why="Gmail (and other webmail) strips data: images, so the reader sees nothing there; "
    "the bytes still count towards the 102 KB clipping limit. Host the image and link it.",
    bad='<img src="data:image/png;base64,iVBORw0KGgo..." alt="Logo" width="120">',
    good='<img src="https://cdn.acme-home.com/logo.png" alt="Logo" width="120">',
    message="Image {image} is an embedded data: URI, which Gmail does not display",
    **_COMMON,
)
@distinct
def embedded_data_image(message, recipient, ctx):
    return image_findings(ctx, message, recipient, embedded_data_image, lambda image: image.src and re.match(r"\s*data:", image.src, re.IGNORECASE))


CHECKS = [missing_alt, missing_src, missing_width, image_over_budget, embedded_data_image]
