"""Composition root of the service. `create_app` lives in portal.factory (flask --app portal.factory)."""
