"""Signing in and out, roles, sessions that end when a password or role changes, user admin."""

import sqlalchemy as sa
from werkzeug.security import check_password_hash

from preview.store.models import AuditLog, User
from preview.web import accounts
from tests.web.conftest import PASSWORD, csrf_token, login, post


def _audit(app, action):
    with app.extensions["preview"].sessions() as session:
        return session.scalars(sa.select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)).all()


def test_every_page_needs_a_login(app, users):
    client = app.test_client()
    for path in ("/", "/campaigns", "/dashboard", "/recipients", "/runs/1", "/users", "/audit"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/login?next=" in response.headers["Location"]


def test_login_with_the_right_password_signs_in_and_is_logged(app, users):
    client = app.test_client()
    response = login(client, "rita")
    assert response.status_code == 302 and response.headers["Location"].endswith("/campaigns")
    assert client.get("/campaigns").status_code == 200
    entries = _audit(app, "user.login")
    assert [e.actor for e in entries] == ["rita"]


def test_wrong_password_or_unknown_user_is_refused_the_same_way(app, users):
    client = app.test_client()
    wrong = login(client, "rita", "not the password")
    unknown = login(client, "nobody", PASSWORD)
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "Wrong username or password." in response.get_data(as_text=True)
    assert client.get("/campaigns").status_code == 302
    assert [e.target_id for e in _audit(app, "user.login_failed")] == ["rita", "nobody"]


def test_too_many_failures_lock_the_username_for_a_while(app, users):
    app.extensions["preview"].config["PREVIEW_LOGIN_ATTEMPTS"] = 3
    client = app.test_client()
    for _ in range(3):
        assert login(client, "vic", "guess").status_code == 401
    response = login(client, "vic")  # even the right password
    assert response.status_code == 429
    assert "Too many failed logins" in response.get_data(as_text=True)
    assert login(app.test_client(), "rita").status_code == 302  # other users are not locked


def test_login_goes_back_to_the_page_asked_for_but_never_off_site(app, users):
    client = app.test_client()
    token = csrf_token(client, "/login?next=/dashboard")
    response = client.post("/login", data={"username": "vic", "password": PASSWORD, "csrf_token": token, "next": "/dashboard"})
    assert response.headers["Location"].endswith("/dashboard")
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)", "/\\evil.example"):
        other = app.test_client()
        token = csrf_token(other)
        response = other.post("/login", data={"username": "vic", "password": PASSWORD, "csrf_token": token, "next": target})
        assert response.headers["Location"].endswith("/campaigns"), target


def test_logout_is_a_post_and_ends_the_session(as_user):
    client = as_user("vic")
    assert client.get("/logout").status_code == 405
    response = post(client, "/logout")
    assert response.status_code == 302
    assert client.get("/campaigns").status_code == 302


def test_roles_decide_what_a_user_may_do(app, users, as_user):
    viewer, reviewer, admin = as_user("vic"), as_user("rita"), as_user("ada")
    assert viewer.get("/audit").status_code == 403
    assert reviewer.get("/audit").status_code == 200
    assert reviewer.get("/users").status_code == 403
    assert admin.get("/users").status_code == 200
    assert viewer.get("/campaigns/new").status_code == 403
    assert reviewer.get("/campaigns/new").status_code == 200
    page = viewer.get("/campaigns").get_data(as_text=True)
    assert "New campaign" not in page and "Audit log" not in page and "Users" not in page


def test_admin_creates_users_with_a_strong_hash_and_the_action_is_audited(app, as_user):
    admin = as_user("ada")
    response = post(admin, "/users", {"username": "mo", "password": "long enough pw", "role": "reviewer"}, page="/users")
    assert response.status_code == 302
    with app.extensions["preview"].sessions() as session:
        user = session.scalar(sa.select(User).where(User.username == "mo"))
        assert user.role == "reviewer"
        assert user.password_hash.startswith("scrypt:")
        assert check_password_hash(user.password_hash, "long enough pw")
    assert login(app.test_client(), "mo", "long enough pw").status_code == 302
    assert [e.detail["username"] for e in _audit(app, "user.create")] == ["mo"]


def test_weak_passwords_and_bad_names_are_refused(app, as_user):
    admin = as_user("ada")
    response = post(admin, "/users", {"username": "mo", "password": "short", "role": "viewer"}, page="/users", follow_redirects=True)
    assert "at least 8 characters" in response.get_data(as_text=True)
    response = post(admin, "/users", {"username": "no spaces", "password": "long enough pw", "role": "viewer"}, page="/users", follow_redirects=True)
    assert "a username is" in response.get_data(as_text=True)
    with app.extensions["preview"].sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(User)) == 3


def _user_id(app, name):
    with app.extensions["preview"].sessions() as session:
        return session.scalar(sa.select(User.id).where(User.username == name))


def test_changing_a_role_or_deactivating_ends_that_users_sessions(app, as_user):
    admin, rita = as_user("ada"), as_user("rita")
    assert rita.get("/audit").status_code == 200
    post(admin, f"/users/{_user_id(app, 'rita')}", {"role": "viewer"}, page="/users")
    assert rita.get("/audit").status_code == 302  # signed out, must log in again
    rita = as_user("rita")
    assert rita.get("/audit").status_code == 403  # now a viewer
    post(admin, f"/users/{_user_id(app, 'rita')}", {"active": "0"}, page="/users")
    assert rita.get("/campaigns").status_code == 302
    assert login(app.test_client(), "rita").status_code == 401


def test_an_admin_cannot_demote_or_deactivate_themselves(app, as_user):
    admin = as_user("ada")
    assert post(admin, f"/users/{_user_id(app, 'ada')}", {"role": "viewer"}, page="/users").status_code == 400
    assert post(admin, f"/users/{_user_id(app, 'ada')}", {"active": "0"}, page="/users").status_code == 400


def test_changing_your_own_password_keeps_this_session_and_ends_others(app, as_user):
    here, elsewhere = as_user("vic"), as_user("vic")
    response = post(here, "/account", {"current": PASSWORD, "password": "a new long password", "confirm": "a new long password"}, page="/account")
    assert response.status_code == 302
    assert here.get("/campaigns").status_code == 200
    assert elsewhere.get("/campaigns").status_code == 302
    assert login(app.test_client(), "vic", "a new long password").status_code == 302


def test_changing_your_password_needs_the_current_one(as_user):
    client = as_user("vic")
    response = post(client, "/account", {"current": "wrong", "password": "a new long password", "confirm": "a new long password"}, page="/account")
    assert "The current password is wrong." in response.get_data(as_text=True)


def test_demo_logins_are_made_only_in_a_database_without_users(app):
    state = app.extensions["preview"]
    with state.sessions.begin() as session:
        made = accounts.ensure_demo_logins(session)
    assert [(u, r) for u, _, r in made] == [("demo", "reviewer"), ("admin", "admin"), ("viewer", "viewer")]
    assert login(app.test_client(), "demo", "demo").status_code == 302
    with state.sessions.begin() as session:
        assert accounts.ensure_demo_logins(session) == []


def test_roles_rank_viewer_reviewer_admin():
    user = User(username="x", password_hash="", role="reviewer", is_active=True)
    assert accounts.has_role(user, "viewer") and accounts.has_role(user, "reviewer") and not accounts.has_role(user, "admin")
    user.is_active = False
    assert not accounts.has_role(user, "viewer")
    assert not accounts.has_role(None, "viewer")
