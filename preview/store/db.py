"""Where the store is and how to connect: the database URL, the engine and the session factory."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from preview import settings

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_INSTANCE = REPO_ROOT / "instance"


def database_url(config: Mapping | None = None, environ: Mapping[str, str] | None = None, instance_path: str | Path | None = None) -> str:
    """The URL of the store: ``DATABASE_URL``, else ``PREVIEW_DATABASE_URL``, else a SQLite file.

    The SQLite file is ``<instance_path>/preview.sqlite`` (the repository's ``instance/`` unless
    the Flask app passes its own instance path); the folder is created when missing.
    """
    environ = os.environ if environ is None else environ
    url = environ.get("DATABASE_URL") or settings.get("PREVIEW_DATABASE_URL", config, environ)
    if url:
        return normalize_url(url)
    folder = Path(instance_path) if instance_path else DEFAULT_INSTANCE
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'preview.sqlite'}"


def normalize_url(url: str) -> str:
    """Point PostgreSQL URLs at the psycopg 3 driver (the one we depend on).

    Hosting platforms hand out ``postgres://`` and ``postgresql://`` URLs, which SQLAlchemy maps
    to psycopg2; we ship psycopg 3.
    """
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str | URL, *, echo: bool = False, **kwargs) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    url = make_url(normalize_url(str(url)) if isinstance(url, str) else url)
    if url.get_backend_name() == "sqlite":
        kwargs.setdefault("connect_args", {}).setdefault("timeout", 30)
    engine = sa.create_engine(url, echo=echo, **kwargs)
    if url.get_backend_name() == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the web UI read while an import or a run writes; foreign keys are off by default
    # in SQLite and our ON DELETE rules depend on them; NORMAL sync is safe with WAL.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to ``engine``; objects stay readable after commit (the UI renders them then)."""
    return sessionmaker(engine, expire_on_commit=False)


def engine_from_settings(config: Mapping | None = None, environ: Mapping[str, str] | None = None, instance_path=None) -> Engine:
    """The engine the settings describe (what the CLI and the Flask extension use)."""
    return make_engine(
        database_url(config, environ, instance_path),
        echo=bool(settings.get("PREVIEW_SQL_ECHO", config, environ)),
    )


def display_url(url: str | URL) -> str:
    """``url`` with the password hidden, for messages."""
    return make_url(str(url)).render_as_string(hide_password=True)
