"""The web UI: campaigns, previews side by side with their findings, review and dashboards."""

from flask import Blueprint

bp = Blueprint("preview_web", __name__, template_folder="templates", static_folder="static", static_url_path="/static/preview")
