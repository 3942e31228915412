"""Test fixtures of the wizard capability (loaded by tests/conftest.py through pytest_plugins)."""
