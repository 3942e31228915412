"""Local file storage: random sharded keys, private permissions, atomic writes, no path traversal."""

import os
import stat

import pytest

from shared_models.storage import KEY_RE, LocalStorage, Storage, StorageError, storage_from_settings


@pytest.fixture
def store(tmp_path):
    return LocalStorage(tmp_path / "media")


def test_save_open_delete(store):
    key = store.save(b"\xff\xd8\xffdata")
    assert KEY_RE.match(key)
    assert store.open(key) == b"\xff\xd8\xffdata"
    assert store.exists(key)
    store.delete(key)
    assert not store.exists(key)
    store.delete(key)  # deleting twice is fine
    with pytest.raises(StorageError):
        store.open(key)


def test_keys_are_random_and_sharded(store):
    keys = {store.save(b"x") for _ in range(50)}
    assert len(keys) == 50
    for key in keys:
        first, second, name = key.split("/")
        assert name.startswith(first + second) and len(name) == 36


def test_root_directories_and_files_are_private(tmp_path):
    store = LocalStorage(tmp_path / "a" / "media")
    key = store.save(b"secret")
    assert stat.S_IMODE(os.stat(store.root).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(store.path_of(key).parent).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(store.path_of(key)).st_mode) == 0o600


def test_no_temporary_files_are_left_behind(store):
    store.save(b"1" * 100_000)
    leftovers = [p for p in store.root.rglob("*") if p.name.startswith(".tmp-")]
    assert leftovers == []


def test_a_failed_write_leaves_neither_file_nor_temporary(store, monkeypatch):
    # A full disk cannot be caused for real in a test: make os.replace fail instead.
    def fail(*args):
        raise OSError("No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        store.save(b"data")
    assert [p for p in store.root.rglob("*") if p.is_file()] == []


@pytest.mark.parametrize(
    "key",
    ["../etc/passwd", "ab/cd/../../../x.jpg", "/etc/passwd", "ab/cd/" + "0" * 32 + ".jpg/../../x",
     "AB/CD/" + "A" * 32 + ".jpg", "ab/cd/" + "0" * 31 + ".jpg", "ab\\cd\\" + "0" * 32 + ".jpg", "", None],
)
def test_keys_with_traversal_or_of_another_shape_are_refused(store, key):
    with pytest.raises(StorageError):
        store.path_of(key)
    with pytest.raises(StorageError):
        store.open(key)
    with pytest.raises(StorageError):
        store.delete(key)


def test_local_storage_satisfies_the_protocol(store):
    assert isinstance(store, Storage)


def test_storage_from_settings(tmp_path):
    assert storage_from_settings(tmp_path / "m").root == (tmp_path / "m").resolve()
    with pytest.raises(ValueError):
        storage_from_settings("")
    with pytest.raises(ValueError, match="static"):
        storage_from_settings(tmp_path / "static" / "media", static_dirs=(tmp_path / "static",))
