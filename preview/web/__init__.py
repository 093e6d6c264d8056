"""The web UI: campaigns, previews side by side with their findings, review and dashboards.

One blueprint, ``preview_web``, registered by :class:`preview.extension.Preview` under
``PREVIEW_URL_PREFIX``. Views are split by noun (``auth``, ``users``, ``campaigns``, ``runs``,
``review``, ``dashboard``, ``recipients``); the modules beside them hold what views share and
know nothing of requests (``masking``, ``highlight``, ``compare``, ``chart``, ``grid``...).
Templates live under ``templates/preview/`` so a host app's own templates never shadow ours.
"""

from flask import Blueprint

bp = Blueprint("preview_web", __name__, template_folder="templates", static_folder="static", static_url_path="/static/preview")


@bp.record_once
def _configure(setup_state) -> None:
    from preview import settings
    from preview.web import security

    app = setup_state.app
    secure = settings.load(app.config)["PREVIEW_SESSION_COOKIE_SECURE"]
    security.configure_app(app, secure_cookies=bool(secure))


# The views register their routes on ``bp`` when imported.
from preview.web import (  # noqa: E402
    auth,
    campaigns,
    dashboard,
    recipients,
    review,
    runs,
    users,
)

__all__ = ["auth", "bp", "campaigns", "dashboard", "recipients", "review", "runs", "users"]
