"""Test fixtures of the review capability (loaded by tests/conftest.py through pytest_plugins)."""
