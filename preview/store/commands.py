"""The store's commands: ``preview db upgrade|downgrade|current``, ``preview import``, ``preview demo``.

Each opens the database the settings name (``DATABASE_URL``, else ``PREVIEW_DATABASE_URL``, else
``instance/preview.sqlite``) and runs one transaction: it lands whole or not at all.
"""

from __future__ import annotations

import functools
import importlib.util
import time
from pathlib import Path

import click

import preview
from preview import settings
from preview.contract.errors import InputError

REPO_ROOT = Path(preview.__file__).resolve().parents[1]
DEMO_GENERATOR = REPO_ROOT / "fixtures" / "demo_audience.py"
DEMO_SEED = 7


def _engine():
    from preview.store.db import engine_from_settings

    return engine_from_settings()


def database_errors(command):
    """Turn "cannot connect" and "bad URL" into one line naming the database, not a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from sqlalchemy.exc import ArgumentError, OperationalError

        try:
            return command(*args, **kwargs)
        except (OperationalError, ArgumentError) as exc:
            from preview.store.db import database_url, display_url

            where = display_url(database_url()) if not isinstance(exc, ArgumentError) else None
            detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise InputError(f"database error: {detail}", location=where) from None

    return wrapper


@click.group("db")
def db_group():
    """Create and migrate the database."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
@database_errors
def upgrade_cmd(revision):
    """Migrate the database up to REVISION (default: the newest)."""
    _migrate("upgrade", revision)


@db_group.command("downgrade")
@click.argument("revision", default="-1")
@database_errors
def downgrade_cmd(revision):
    """Migrate the database down to REVISION (default: one step; 'base' removes every table)."""
    _migrate("downgrade", revision)


def _migrate(direction: str, revision: str) -> None:
    """Run ``migrate.upgrade`` or ``migrate.downgrade`` to ``revision``, then say where the database is."""
    from preview.store import migrate
    from preview.store.db import display_url

    engine = _engine()
    getattr(migrate, direction)(engine, revision)
    click.echo(f"{display_url(engine.url)} is at revision {migrate.current(engine) or 'base (empty)'}")


@db_group.command("current")
@database_errors
def current_cmd():
    """Show the database URL, its revision and the code's newest revision."""
    from preview.store import migrate
    from preview.store.db import display_url

    engine = _engine()
    at, head = migrate.current(engine), migrate.head()
    state = "up to date" if at == head else "run `preview db upgrade`"
    click.echo(f"database: {display_url(engine.url)}\nrevision: {at or 'none (no schema yet)'}\nhead:     {head} ({state})")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--workspace", "-w", default=None, help="Workspace to import into (created when new); default: PREVIEW_DEFAULT_WORKSPACE.")
@click.option("--replace", is_flag=True, help="The file becomes the whole audience: recipients it does not list are deleted.")
@database_errors
def import_cmd(file, workspace, replace):
    """Import recipients from FILE (.jsonl, .json or .csv) into the store.

    A recipient whose id is already stored is updated. One bad row anywhere stops the import
    with its file:line and field, and nothing is kept.
    """
    from preview.store import migrate
    from preview.store.db import session_factory
    from preview.store.importer import import_file

    engine = _engine()
    migrate.require_current(engine)
    started = time.perf_counter()
    with session_factory(engine).begin() as session:
        result = import_file(session, file, workspace, replace=replace, batch_size=settings.get("PREVIEW_IMPORT_BATCH_SIZE"))
    elapsed = time.perf_counter() - started
    removed = f", {result.deleted:,} removed" if replace else ""
    click.echo(
        f"imported {result.rows:,} recipients into workspace {result.workspace!r} "
        f"({result.inserted:,} new, {result.updated:,} updated{removed}) in {elapsed:.1f}s "
        f"({result.rows / max(elapsed, 1e-9):,.0f} rows/s)"
    )


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has recipients.")
@click.option("--size", type=click.IntRange(min=1), default=None, help="Recipients to generate; default: PREVIEW_DEMO_SIZE.")
@database_errors
def demo_cmd(if_empty, size):
    """Create the database and load the demo audience and the campaigns in templates/."""
    from preview.store import migrate
    from preview.store.db import display_url, session_factory
    from preview.store.queries import has_recipients

    engine = _engine()
    migrate.upgrade(engine)
    sessions = session_factory(engine)
    if if_empty:
        with sessions() as session:
            if has_recipients(session):
                click.echo(f"{display_url(engine.url)} already has recipients; nothing to do")
                return
    size = size or settings.get("PREVIEW_DEMO_SIZE")
    records = load_demo_audience(size)
    with sessions.begin() as session:
        result, saved, skipped = load_demo(session, records)
    click.echo(f"demo: {result.rows:,} recipients ({result.inserted:,} new, {result.updated:,} updated), {len(saved)} campaigns added")
    for path, error in skipped:
        click.echo(f"warning: skipped {path.name}: {error}", err=True)


def load_demo_audience(size: int, path: Path = DEMO_GENERATOR) -> list[dict]:
    """``generate(size, seed=7)`` from the demo generator file, or :class:`InputError` if it is missing."""
    if not path.is_file():
        raise InputError(f"the demo audience generator is missing (expected {path} with generate(n, seed))", location=str(path))
    spec = importlib.util.spec_from_file_location("preview_demo_audience", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not callable(getattr(module, "generate", None)):
        raise InputError("has no generate(n, seed) function", location=str(path))
    return list(module.generate(size, seed=DEMO_SEED))


def load_demo(session, records: list[dict], templates: Path = REPO_ROOT / "templates"):
    """Import ``records`` and every campaign file in ``templates`` not stored yet.

    Returns ``(import result, versions saved, [(path, error)] of campaign files skipped)``: a
    broken example campaign is reported, not allowed to stop the demo.
    """
    from preview.store.campaigns import CAMPAIGN_SUFFIXES, get_campaign, save_file, slugify
    from preview.store.importer import import_records
    from preview.store.queries import ensure_workspace

    result = import_records(session, records, source=str(DEMO_GENERATOR))
    workspace = ensure_workspace(session)
    saved, skipped = [], []
    files = sorted(p for p in templates.glob("*") if p.suffix.lower() in CAMPAIGN_SUFFIXES) if templates.is_dir() else []
    for path in files:
        if get_campaign(session, workspace, slugify(path.stem)) is not None:
            continue
        try:
            with session.begin_nested():
                version, _ = save_file(session, path, workspace, author="demo")
        except InputError as exc:
            skipped.append((path, exc))
            continue
        saved.append(version)
    return result, saved, skipped
