"""Test fixtures of the wx capability (loaded by tests/conftest.py through pytest_plugins)."""
