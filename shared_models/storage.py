"""File storage for uploaded images, behind a small interface so that another backend could replace it.

The local backend keeps files under MEDIA_ROOT, which must lie outside every static folder: files are served
only through the authorised view (/h5/files/<id>). Keys are random (not guessable, no user input in paths),
sharded into two levels of subdirectories, and written atomically (temporary file + os.replace) so that a
crash never leaves a half-written file under a key."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import Protocol, runtime_checkable

# 32 hex characters = 128 random bits, with an extension that says what the bytes are.
KEY_RE = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{32}\.jpg$")


class StorageError(ValueError):
    """An invalid key (e.g. an attempt at path traversal) or a missing file."""


@runtime_checkable
class Storage(Protocol):
    """What the application needs from a file store."""

    def save(self, data: bytes) -> str:
        """Store the bytes under a new random key and return the key."""
        ...

    def open(self, key: str) -> bytes:
        """The bytes stored under key (StorageError when there are none)."""
        ...

    def delete(self, key: str) -> None:
        """Remove the file of key; deleting a missing file is not an error."""
        ...


class LocalStorage:
    """Files in a private directory tree (0700 directories, 0600 files)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        with contextlib.suppress(PermissionError):  # a root made by someone else keeps its mode
            self.root.chmod(0o700)

    def new_key(self) -> str:
        token = secrets.token_hex(16)
        return f"{token[:2]}/{token[2:4]}/{token}.jpg"

    def path_of(self, key: str) -> Path:
        """The file of a key; refuses anything that is not a key this storage made (no ../, no /abs)."""
        if not isinstance(key, str) or not KEY_RE.match(key):
            raise StorageError("invalid storage key")
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise StorageError("invalid storage key")
        return path

    def save(self, data: bytes) -> str:
        key = self.new_key()
        path = self.path_of(key)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")  # created 0600
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return key

    def open(self, key: str) -> bytes:
        path = self.path_of(key)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise StorageError("no file under this key") from None

    def delete(self, key: str) -> None:
        self.path_of(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self.path_of(key).is_file()


def storage_from_settings(
    media_root: str | os.PathLike[str], static_dirs: tuple[str | os.PathLike[str], ...] = ()
) -> LocalStorage:
    """The storage configured by MEDIA_ROOT (the only backend so far).

    Refuses a MEDIA_ROOT inside one of `static_dirs` (the app's static folders): files would be public."""
    if not media_root:
        raise ValueError("MEDIA_ROOT is not set")
    root = Path(media_root).resolve()
    for static in static_dirs:
        if root.is_relative_to(Path(static).resolve()):
            raise ValueError(f"MEDIA_ROOT {root} lies inside the static folder {static}")
    return LocalStorage(root)
