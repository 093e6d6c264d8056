"""The JSON API under /api/v1: pre-send validation, verdicts, campaign gates, run status."""

from flask import Blueprint

bp = Blueprint("preview_api", __name__)
