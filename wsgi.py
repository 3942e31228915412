"""WSGI entry point for gunicorn: `gunicorn wsgi:app`."""

from portal.factory import create_app

app = create_app()
