"""Sandboxed Jinja2 rendering, MJML compilation, data lineage and branch coverage."""

from preview.rendering.document import Document, Image, Link
from preview.rendering.instrument import Branch
from preview.rendering.message import RenderedMessage, RenderError
from preview.rendering.renderer import CampaignRenderer, RenderSettings

__all__ = [
    "Branch",
    "CampaignRenderer",
    "Document",
    "Image",
    "Link",
    "RenderError",
    "RenderSettings",
    "RenderedMessage",
]
