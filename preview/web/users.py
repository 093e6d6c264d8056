"""Users: the admin's list (create, change role, deactivate, reset a password) and your own password."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for

from preview.contract.errors import InputError
from preview.extension import db
from preview.store.models import ROLES, User
from preview.store.reviews import audit
from preview.web import accounts, bp
from preview.web.auth import actor, current_user, remember, require


@bp.route("/users")
@require("admin")
def user_list():
    """Every user with their role and last login."""
    users = db().scalars(sa.select(User).order_by(User.username)).all()
    return render_template("preview/users.html", users=users, roles=ROLES)


@bp.route("/users", methods=["POST"])
@require("admin")
def user_create():
    """Create a user with a role and an initial password."""
    store = db()
    try:
        user = accounts.create_account(store, request.form.get("username", "").strip(), request.form.get("password", ""), request.form.get("role", "viewer"))
    except InputError as exc:
        flash(f"Not created: {exc.message}", "error")
        return redirect(url_for("preview_web.user_list"))
    audit(store, "user.create", actor=actor(), user=current_user(), target=user, detail={"username": user.username, "role": user.role})
    store.commit()
    flash(f"Created {user.username} ({user.role}).", "info")
    return redirect(url_for("preview_web.user_list"))


@bp.route("/users/<int:user_id>", methods=["POST"])
@require("admin")
def user_update(user_id: int):
    """Change a user's role or active flag, or set a new password."""
    store = db()
    user = store.get(User, user_id) or abort(404)
    me = current_user()
    changes: dict = {}
    role = request.form.get("role")
    if role and role != user.role:
        if role not in ROLES:
            abort(400, description=f"unknown role {role!r}")
        if user.id == me.id:
            abort(400, description="You cannot change your own role (ask another admin).")
        changes["role"] = [user.role, role]
        user.role = role
    if "active" in request.form:
        active = request.form["active"] == "1"
        if user.id == me.id and not active:
            abort(400, description="You cannot deactivate yourself.")
        if active != user.is_active:
            changes["active"] = [user.is_active, active]
            user.is_active = active
    password = request.form.get("password")
    if password:
        try:
            accounts.set_password(store, user, password)
        except InputError as exc:
            flash(f"Not changed: {exc.message}", "error")
            return redirect(url_for("preview_web.user_list"))
        changes["password"] = "reset"
    if changes:
        audit(store, "user.update", actor=actor(), user=me, target=user, detail={"username": user.username, **changes})
        store.commit()
        flash(f"Updated {user.username}.", "info")
    return redirect(url_for("preview_web.user_list"))


@bp.route("/account", methods=["GET", "POST"])
def account():
    """Change your own password (the current one is asked for again)."""
    me = current_user()
    if request.method == "POST":
        store = db()
        if accounts.authenticate(store, me.username, request.form.get("current", "")) is None:
            flash("The current password is wrong.", "error")
        elif request.form.get("password") != request.form.get("confirm"):
            flash("The new passwords differ.", "error")
        else:
            try:
                accounts.set_password(store, me, request.form.get("password", ""))
            except InputError as exc:
                flash(f"Not changed: {exc.message}", "error")
            else:
                audit(store, "user.password", actor=me.username, user=me, target=me)
                store.commit()
                remember(me)  # the session fingerprint includes the hash: stay signed in here
                flash("Password changed.", "info")
                return redirect(url_for("preview_web.account"))
    return render_template("preview/account.html")
