"""Password rules of the spec and password hashing (scrypt; legacy archive digests verified, then replaced)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from functools import lru_cache
from pathlib import Path

MIN_LENGTH = 8
MAX_LENGTH = 128
_DATA = Path(__file__).resolve().parent.parent / "data" / "common_passwords.txt"

# scrypt cost: n=2**15, r=8, p=1 (~50 ms, 32 MiB): OWASP's minimum for scrypt.
_N, _R, _P = 2**15, 8, 1
SCHEME = f"scrypt:{_N}:{_R}:{_P}"
INITIAL_PREFIX = "initial:"


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    with _DATA.open(encoding="utf-8") as fh:
        return frozenset(line.strip().lower() for line in fh if line.strip() and not line.startswith("#"))


def password_errors(password: str, confirm: str | None, id_number: str | None) -> dict[str, str]:
    """Field -> message for every broken rule (empty when the password is acceptable)."""
    errors: dict[str, str] = {}
    if not password:
        errors["password"] = "请填写密码"
    elif len(password) < MIN_LENGTH:
        errors["password"] = f"密码至少{MIN_LENGTH}位"
    elif len(password) > MAX_LENGTH:
        errors["password"] = f"密码不能超过{MAX_LENGTH}位"
    elif any(ord(ch) < 32 or ord(ch) == 127 for ch in password):
        errors["password"] = "密码不能包含控制字符"
    elif password.lower() in common_passwords():
        errors["password"] = "密码过于常见，容易被猜到，请换一个"
    elif id_number and password.upper() == id_number.upper():
        errors["password"] = "密码不能与证件号码相同"
    if confirm is not None:
        if not confirm:
            errors["password_confirm"] = "请再次填写密码"
        elif confirm != password:
            errors["password_confirm"] = "两次填写的密码不一致"
    return errors


def hash_password(password: str) -> str:
    salt = secrets.token_hex(16)
    digest = hashlib.scrypt(password.encode(), salt=salt.encode(), n=_N, r=_R, p=_P, maxmem=64 * 1024 * 1024)
    return f"{SCHEME}${salt}${digest.hex()}"


def verify_password(stored: str, password: str) -> bool:
    """Check a password against our scrypt hash or a legacy archive digest (md5:/sha1: hex)."""
    if not stored:
        return False
    if stored.startswith("scrypt:"):
        try:
            scheme, salt, expected = stored.split("$", 2)
            _, n, r, p = scheme.split(":")
            digest = hashlib.scrypt(
                password.encode(), salt=salt.encode(), n=int(n), r=int(r), p=int(p), maxmem=128 * 1024 * 1024
            )
        except ValueError:
            return False
        return hmac.compare_digest(digest.hex(), expected)
    if stored.startswith(INITIAL_PREFIX):
        # Archive accounts without a legacy digest: the initial password is the ID number's last 6 characters
        # (a trailing check digit x/X is accepted in either case). Login forces a change right after.
        digest = hashlib.sha256(password.upper().encode("utf-8")).hexdigest()
        return hmac.compare_digest(digest, stored[len(INITIAL_PREFIX) :])
    for prefix, algorithm in (("md5:", "md5"), ("sha1:", "sha1")):
        if stored.startswith(prefix):
            digest = hashlib.new(algorithm, password.encode("utf-8")).hexdigest()
            return hmac.compare_digest(digest, stored[len(prefix) :].lower())
    return False


def initial_password_marker(id_number: str) -> str:
    """What an archive account stores before its first login: never the plaintext initial password."""
    return INITIAL_PREFIX + hashlib.sha256(id_number[-6:].upper().encode("utf-8")).hexdigest()


def needs_rehash(stored: str) -> bool:
    """True for legacy digests and for scrypt hashes made with older cost parameters."""
    return not stored.startswith(SCHEME + "$")


# A hash of a random password: verified against when an account does not exist, so that an unknown
# account costs the same time as a wrong password (no account enumeration by timing).
DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
