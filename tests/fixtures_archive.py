"""Test fixtures of the archive capability (loaded by tests/conftest.py through pytest_plugins)."""
