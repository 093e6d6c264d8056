"""``preview token create|list|revoke|secret``: API tokens and the webhook signing secrets."""

from __future__ import annotations

import datetime as dt

import click

from preview.contract.errors import InputError
from preview.store.commands import database_errors


def _sessions():
    from preview.store import migrate
    from preview.store.db import engine_from_settings, session_factory

    engine = engine_from_settings()
    migrate.require_current(engine)
    return session_factory(engine)


@click.group("token")
def token_group():
    """API tokens (bearer tokens of /api/v1) and webhook signing secrets."""


@token_group.command("create")
@click.option("--workspace", "-w", help="Workspace the token belongs to (default: PREVIEW_DEFAULT_WORKSPACE).")
@click.option("--name", "-n", required=True, help="What the token is for, e.g. 'braze-production'.")
@click.option("--scope", "scopes", multiple=True, metavar="SCOPE", help="Grant SCOPE (repeatable; default: all): validate, verdict, presend, runs:read.")
@click.option("--expires-in", type=click.IntRange(min=1), metavar="DAYS", help="Expire after DAYS days (default: never).")
@database_errors
def create_cmd(workspace, name, scopes, expires_in):
    """Make an API token and print it. It is shown once: only its hash is kept."""
    from preview.api.auth import DEFAULT_SCOPES, SCOPES
    from preview.store.access import issue_token
    from preview.store.base import utcnow

    unknown = [s for s in scopes if s not in SCOPES]
    if unknown:
        raise InputError(f"{unknown[0]!r} is not a scope; use: {', '.join(SCOPES)}", location="--scope")
    expires = utcnow() + dt.timedelta(days=expires_in) if expires_in else None
    with _sessions().begin() as session:
        token, row = issue_token(session, name, workspace, scopes=scopes or DEFAULT_SCOPES, expires_at=expires)
        click.echo(token)
        click.echo(f"prefix {row.prefix}, scopes {', '.join(row.scopes)}" + (f", expires {expires:%Y-%m-%d}" if expires else ""), err=True)


@token_group.command("list")
@click.option("--workspace", "-w", help="Only this workspace's tokens.")
@database_errors
def list_cmd(workspace):
    """List tokens (never their values): prefix, name, workspace, scopes, last use, state."""
    import sqlalchemy as sa

    from preview.store import queries
    from preview.store.access import token_state
    from preview.store.base import utcnow
    from preview.store.models import ApiToken, Workspace

    with _sessions()() as session:
        query = sa.select(ApiToken, Workspace.slug).join(Workspace, Workspace.id == ApiToken.workspace_id).order_by(ApiToken.id)
        if workspace:
            query = query.where(ApiToken.workspace_id == queries.get_workspace(session, workspace).id)
        now = utcnow()
        for token, slug in session.execute(query):
            state = token_state(token, now)
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            click.echo(f"{token.prefix}  {state:7}  {slug}  {token.name}  [{', '.join(token.scopes or [])}]  last used {used}")


@token_group.command("revoke")
@click.argument("prefix")
@database_errors
def revoke_cmd(prefix):
    """Revoke the token whose prefix is PREFIX (as `token list` shows it); it stops working at once."""
    import sqlalchemy as sa

    from preview.store.access import revoke_token
    from preview.store.models import ApiToken

    with _sessions().begin() as session:
        rows = list(session.scalars(sa.select(ApiToken).where(ApiToken.prefix == prefix)))
        if not rows:
            raise InputError(f"no token has the prefix {prefix!r} (`preview token list` shows them)")
        if len(rows) > 1:
            raise InputError(f"{len(rows)} tokens have the prefix {prefix!r}; revoke them from the web UI")
        revoke_token(session, rows[0])
        click.echo(f"revoked {prefix} ({rows[0].name})")


@token_group.command("secret")
@click.option("--workspace", "-w", help="Workspace (default: PREVIEW_DEFAULT_WORKSPACE).")
def secret_cmd(workspace):
    """Print the workspace's webhook signing secret: it signs our callbacks and must sign inbound events."""
    from preview import settings
    from preview.api.signing import workspace_secret
    from preview.app import create_app

    app = create_app()
    master = app.config.get("PREVIEW_WEBHOOK_SECRET") or app.config.get("SECRET_KEY")
    slug = workspace or settings.get("PREVIEW_DEFAULT_WORKSPACE")
    click.echo(workspace_secret(str(master), slug))
