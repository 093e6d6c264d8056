"""The web UI's commands: ``preview serve``, ``preview user create|list|password``, and the demo
logins that ``preview demo`` adds.

``serve`` runs the app with gunicorn (the project's production WSGI server), threaded workers;
``--dev`` uses Flask's reloading debug server instead.
"""

from __future__ import annotations

import os
import sys

import click
import sqlalchemy as sa
from gunicorn.app.base import BaseApplication

from preview.contract.errors import InputError
from preview.store.models import ROLES

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def _sessions():
    from preview.store import migrate
    from preview.store.db import engine_from_settings, session_factory

    engine = engine_from_settings()
    migrate.require_current(engine)
    return session_factory(engine)


def _password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=lambda: _cores(), show_default="one per CPU core", type=click.IntRange(1, 64), help="Server processes.")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 256), help="Requests each process serves at once.")
@click.option("--dev", is_flag=True, help="Flask's debug server: reloads on code changes, shows tracebacks. Never in production.")
def serve_cmd(host, port, workers, threads, dev):
    """Serve the web UI and the JSON API.

    On a loopback address the login cookie is sent over plain HTTP too (development); anywhere
    else it is HTTPS-only, so put a TLS proxy in front or set PREVIEW_SESSION_COOKIE_SECURE=false.
    """
    from preview.app import create_app
    from preview.store import migrate
    from preview.store.db import display_url
    from preview.store.models import User

    config = {}
    if host in LOOPBACK and "PREVIEW_SESSION_COOKIE_SECURE" not in os.environ:
        config["PREVIEW_SESSION_COOKIE_SECURE"] = False
    app = create_app(config)
    state = app.extensions["preview"]
    migrate.require_current(state.engine)
    with state.sessions() as session:
        if session.scalar(sa.select(User.id).limit(1)) is None:
            click.echo("warning: no users yet: `preview user create NAME --role admin` makes the first admin (`preview demo` adds the demo logins)", err=True)
    prefix = state.config.get("PREVIEW_URL_PREFIX") or ""
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"Campaign Preview on http://{shown}:{port}{prefix}/ (database {display_url(state.engine.url)})")
    # The checks above opened connections; forked workers must not share them.
    state.engine.dispose()
    if dev:
        app.run(host=host, port=port, debug=True)
        return
    _Gunicorn(app, {"bind": f"{shown}:{port}", "workers": workers, "threads": threads, "worker_class": "gthread", "accesslog": "-"}).run()


def _cores() -> int:
    """The CPU cores this process may run on: one gunicorn worker each, as the GIL lets a process
    use one core for Python (benchmarks/bench_api.py measured -w 2 against -w 1 on two cores).
    Four threads a worker overlap the database and network waits; more only queue longer inside
    the process."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class _Gunicorn(BaseApplication):
    """gunicorn serving an app object we already built (instead of a "module:app" string)."""

    def __init__(self, app, options: dict):
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self):
        """Apply our options to gunicorn's configuration."""
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        """The WSGI app each worker serves."""
        return self.application


@click.group("user")
def user_group():
    """Manage the web UI's users."""


@user_group.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), default=None, help="Default: admin for the first user, else viewer.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin instead of prompting.")
def user_create_cmd(username, role, password_stdin):
    """Create a user of the web UI (the first one is an admin unless --role says otherwise)."""
    from preview.store.models import User
    from preview.store.reviews import audit
    from preview.web.accounts import create_account

    sessions = _sessions()
    password = _password(password_stdin)
    with sessions.begin() as session:
        first = session.scalar(sa.select(User.id).limit(1)) is None
        role = role or ("admin" if first else "viewer")
        user = create_account(session, username, password, role)
        audit(session, "user.create", actor="cli", target=user, detail={"username": username, "role": role})
    click.echo(f"created {username} ({role})")


@user_group.command("list")
def user_list_cmd():
    """List the users with their roles and last logins."""
    from preview.store.models import User

    with _sessions()() as session:
        for user in session.scalars(sa.select(User).order_by(User.username)):
            last = user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "never"
            active = "" if user.is_active else " (deactivated)"
            click.echo(f"{user.username}\t{user.role}{active}\tlast login {last}")


@user_group.command("password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin instead of prompting.")
def user_password_cmd(username, password_stdin):
    """Set a user's password (their open sessions end)."""
    from preview.store.access import get_user
    from preview.store.reviews import audit
    from preview.web.accounts import set_password

    sessions = _sessions()
    password = _password(password_stdin)
    with sessions.begin() as session:
        user = get_user(session, username)
        if user is None:
            raise InputError(f"no user {username!r}", field="username")
        set_password(session, user, password)
        audit(session, "user.password", actor="cli", target=user, detail={"username": username})
    click.echo(f"password of {username} changed")


def with_demo_logins(demo_cmd: click.Command) -> click.Command:
    """``preview demo`` that also creates the documented demo logins (README).

    They are made only in a database without any user, and with ``--if-empty`` only when the demo
    loads now or the recipients already there are the demo's (its campaigns were saved by
    "demo"), so a real deployment never gets them.
    """

    @click.pass_context
    def callback(ctx, **kwargs):
        from sqlalchemy.exc import SQLAlchemyError

        from preview.store.db import engine_from_settings, session_factory
        from preview.store.queries import has_recipients
        from preview.web.accounts import ensure_demo_logins

        sessions = session_factory(engine_from_settings())
        try:
            with sessions() as session:
                had_recipients = has_recipients(session)
        except SQLAlchemyError:  # no schema yet (the demo makes it) or no database: demo says which
            had_recipients = False
        ctx.invoke(demo_cmd, **kwargs)
        with sessions.begin() as session:
            if kwargs.get("if_empty") and had_recipients and not _holds_the_demo(session):
                return
            made = ensure_demo_logins(session)
        if made:
            logins = ", ".join(f"{u}/{p} ({r})" for u, p, r in made)
            click.echo(f"demo logins: {logins}")

    return click.Command(demo_cmd.name, callback=callback, params=demo_cmd.params, help=demo_cmd.help, short_help=demo_cmd.short_help)


def _holds_the_demo(session) -> bool:
    """Whether the database was loaded by ``preview demo`` (its campaigns are saved by "demo")."""
    from preview.store.models import CampaignVersion

    return session.scalar(sa.select(CampaignVersion.id).where(CampaignVersion.author == "demo").limit(1)) is not None


def _demo_with_logins() -> click.Command:
    from preview.store.commands import demo_cmd as store_demo_cmd

    return with_demo_logins(store_demo_cmd)


# What `preview demo` runs: the store's demo, then the demo logins.
demo_cmd = _demo_with_logins()
