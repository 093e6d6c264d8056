"""The Flask extension: ``Preview(app)`` or ``preview.init_app(app)`` mounts the UI and the API.

State lives in ``app.extensions["preview"]`` (a :class:`PreviewState`), settings are the
``PREVIEW_*`` keys of ``app.config`` (defaults and help in :mod:`preview.settings`; environment
variables override), and nothing is kept on the extension object itself, so one ``Preview`` can
serve several apps (the Flask-SQLAlchemy way).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask, current_app, g
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from preview import settings
from preview.checks.registry import CheckSettings, Registry
from preview.rendering.renderer import RenderSettings
from preview.store.db import engine_from_settings, session_factory


@dataclass
class PreviewState:
    """Everything one app's Campaign Preview needs, built once by :meth:`Preview.init_app`."""

    config: dict
    engine: Engine
    sessions: sessionmaker
    check_settings: CheckSettings
    render_settings: RenderSettings
    executor: object = None
    extra: dict = field(default_factory=dict)

    def registry(self) -> Registry:
        """A check registry with this deployment's settings."""
        return Registry(self.check_settings)


def check_settings_from(config: dict) -> CheckSettings:
    """Check settings from the PREVIEW_CHECK_* and PREVIEW_RULES_DIRS settings."""
    return CheckSettings.from_mapping(
        config.get("PREVIEW_CHECK_SEVERITY") or {},
        config.get("PREVIEW_CHECK_DISABLED") or (),
        config.get("PREVIEW_CHECK_OPTIONS") or {},
        config.get("PREVIEW_RULES_DIRS") or (),
    )


def render_settings_from(config: dict) -> RenderSettings:
    """Render limits from the PREVIEW_RENDER_* settings."""
    return RenderSettings(
        time_limit=float(config["PREVIEW_RENDER_TIME_LIMIT"]),
        max_size=int(config["PREVIEW_RENDER_MAX_SIZE"]),
        layout_cache=int(config["PREVIEW_RENDER_LAYOUT_CACHE"]),
        unsubscribe_url=config["PREVIEW_UNSUBSCRIBE_URL"],
    )


class Preview:
    """The Campaign Preview Flask extension."""

    def __init__(self, app: Flask | None = None):
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Configure ``app``: settings, database, job executor, the UI and the API blueprints."""
        for s in settings.SETTINGS:
            app.config.setdefault(s.name, s.default)
        app.config.update(settings.load(app.config))
        config = {s.name: app.config[s.name] for s in settings.SETTINGS}
        engine = engine_from_settings(app.config, instance_path=app.instance_path)
        sessions = session_factory(engine)
        state = PreviewState(
            config=config,
            engine=engine,
            sessions=sessions,
            check_settings=check_settings_from(config),
            render_settings=render_settings_from(config),
        )
        from preview.jobs import make_executor

        state.executor = make_executor(config, sessions, check_settings=state.check_settings, render_settings=state.render_settings)
        app.extensions["preview"] = state
        prefix = (config.get("PREVIEW_URL_PREFIX") or "").rstrip("/")
        from preview.api import bp as api_bp
        from preview.web import bp as web_bp

        app.register_blueprint(web_bp, url_prefix=prefix or None)
        app.register_blueprint(api_bp, url_prefix=f"{prefix}/api/v1")
        app.teardown_appcontext(_close_session)


def state() -> PreviewState:
    """The Campaign Preview state of the current app."""
    return current_app.extensions["preview"]


def db() -> Session:
    """The database session of the current app context (closed when the context ends)."""
    if "preview_session" not in g:
        g.preview_session = state().sessions()
    return g.preview_session


def _close_session(_exc=None) -> None:
    session = g.pop("preview_session", None)
    if session is not None:
        session.close()
