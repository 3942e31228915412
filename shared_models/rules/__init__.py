"""The rules of collection-form.md as pure functions. Messages are the Chinese texts users read."""
