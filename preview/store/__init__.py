"""The store: recipients, campaigns and runs in SQLite or PostgreSQL (SQLAlchemy 2 + Alembic).

``db`` connects, ``models`` declares the tables, ``migrate`` runs the migrations, and the query
modules (``importer``, ``queries``, ``campaigns``, ``runs``, ``access``) are what the CLI, the web
UI and the API call. Nothing here imports Flask.
"""
