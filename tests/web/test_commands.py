"""`preview user create|list|password`, the demo logins of `preview demo`, `preview serve` checks."""

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from werkzeug.security import check_password_hash

from preview.cli import main
from preview.store.commands import DEMO_GENERATOR
from preview.store.db import make_engine, session_factory
from preview.store.models import AuditLog, User


def _run(url, *args, input=None):
    env = {"DATABASE_URL": url, "FLASK_SECRET_KEY": "test"}
    return CliRunner().invoke(main, list(args), env=env, input=input, catch_exceptions=False)


def _users(url):
    engine = make_engine(url)
    with session_factory(engine)() as session:
        users = {u.username: (u.role, u.password_hash) for u in session.scalars(sa.select(User))}
        actions = session.scalars(sa.select(AuditLog.action)).all()
    engine.dispose()
    return users, actions


def test_user_create_makes_the_first_admin_then_viewers(db_url, engine):
    result = _run(db_url, "user", "create", "alice", "--password-stdin", input="a long password\n")
    assert result.exit_code == 0, result.output
    assert "created alice (admin)" in result.output
    assert "created bob (viewer)" in _run(db_url, "user", "create", "bob", "--password-stdin", input="another password\n").output
    assert "created cy (reviewer)" in _run(db_url, "user", "create", "cy", "--role", "reviewer", "--password-stdin", input="third password!\n").output
    users, actions = _users(db_url)
    assert {name: role for name, (role, _) in users.items()} == {"alice": "admin", "bob": "viewer", "cy": "reviewer"}
    assert check_password_hash(users["alice"][1], "a long password") and users["alice"][1].startswith("scrypt:")
    assert actions.count("user.create") == 3
    listing = _run(db_url, "user", "list").output
    assert "alice\tadmin\tlast login never" in listing


def test_user_create_prompts_for_the_password_twice(db_url, engine):
    result = _run(db_url, "user", "create", "alice", input="a long password\na long password\n")
    assert result.exit_code == 0 and "Repeat for confirmation" in result.output


def test_user_create_refuses_weak_passwords_and_duplicates(db_url, engine):
    result = _run(db_url, "user", "create", "alice", "--password-stdin", input="short\n")
    assert result.exit_code == 2 and "at least 8 characters" in result.stderr
    _run(db_url, "user", "create", "alice", "--password-stdin", input="a long password\n")
    result = _run(db_url, "user", "create", "alice", "--password-stdin", input="a long password\n")
    assert result.exit_code == 2 and "already exists" in result.stderr


def test_user_password_sets_a_new_password(db_url, engine):
    _run(db_url, "user", "create", "alice", "--password-stdin", input="a long password\n")
    result = _run(db_url, "user", "password", "alice", "--password-stdin", input="a newer password\n")
    assert result.exit_code == 0
    users, _ = _users(db_url)
    assert check_password_hash(users["alice"][1], "a newer password")
    assert _run(db_url, "user", "password", "nobody", "--password-stdin", input="a newer password\n").exit_code == 2


def test_user_commands_ask_for_a_migrated_database(empty_db_url):
    result = _run(empty_db_url, "user", "create", "alice", "--password-stdin", input="a long password\n")
    assert result.exit_code == 2 and "preview db upgrade" in result.stderr


@pytest.mark.skipif(not DEMO_GENERATOR.is_file(), reason="fixtures/demo_audience.py is not there")
def test_demo_adds_the_documented_logins_to_a_fresh_database_only(empty_db_url):
    result = _run(empty_db_url, "demo", "--size", "15")
    assert result.exit_code == 0, result.output
    assert "demo logins: demo/demo (reviewer), admin/admin (admin), viewer/viewer (viewer)" in result.output
    users, _ = _users(empty_db_url)
    assert {name: role for name, (role, _) in users.items()} == {"demo": "reviewer", "admin": "admin", "viewer": "viewer"}
    again = _run(empty_db_url, "demo", "--if-empty")
    assert "nothing to do" in again.output and "demo logins" not in again.output


@pytest.mark.skipif(not DEMO_GENERATOR.is_file(), reason="fixtures/demo_audience.py is not there")
def test_demo_never_adds_logins_where_users_exist(empty_db_url):
    _run(empty_db_url, "db", "upgrade")
    _run(empty_db_url, "user", "create", "alice", "--password-stdin", input="a long password\n")
    result = _run(empty_db_url, "demo", "--size", "5")
    assert result.exit_code == 0 and "demo logins" not in result.output
    users, _ = _users(empty_db_url)
    assert set(users) == {"alice"}


def test_serve_refuses_a_database_without_the_schema(empty_db_url):
    result = _run(empty_db_url, "serve", "--port", "5999")
    assert result.exit_code == 2 and "preview db upgrade" in result.stderr


@pytest.mark.skipif(not DEMO_GENERATOR.is_file(), reason="fixtures/demo_audience.py is not there")
def test_an_older_demo_database_without_users_gets_the_logins(empty_db_url):
    _run(empty_db_url, "demo", "--size", "5")
    engine = make_engine(empty_db_url)
    with engine.begin() as connection:
        connection.execute(sa.delete(User))  # as a demo database made before there were logins
    engine.dispose()
    result = _run(empty_db_url, "demo", "--if-empty")
    assert "nothing to do" in result.output and "demo logins: demo/demo" in result.output


def test_demo_if_empty_leaves_a_real_audience_without_logins(empty_db_url, tmp_path):
    _run(empty_db_url, "db", "upgrade")
    path = tmp_path / "people.jsonl"
    path.write_text('{"id": "a", "email": "a@x.org"}\n')
    assert _run(empty_db_url, "import", str(path)).exit_code == 0
    result = _run(empty_db_url, "demo", "--if-empty")
    assert "nothing to do" in result.output and "demo logins" not in result.output
    users, _ = _users(empty_db_url)
    assert users == {}
