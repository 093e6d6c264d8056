"""``create_app`` for the standalone server: configure, then ``Preview().init_app``."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask

from preview.extension import Preview


def create_app(test_config: dict | None = None) -> Flask:
    """The standalone Campaign Preview app; ``test_config`` overrides settings (tests)."""
    app = Flask("preview", instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_prefixed_env()  # FLASK_SECRET_KEY etc.
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    Preview(app)
    return app


def _instance_secret(instance: Path) -> str:
    """A secret key kept in the instance folder, made once, so sessions survive restarts."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
