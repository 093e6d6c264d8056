"""WSGI entry point: ``gunicorn wsgi:app``."""

from preview.app import create_app

app = create_app()
