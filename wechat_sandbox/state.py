"""The sandbox's memory, kept in Redis (keys "sbx:*") so that every gunicorn worker sees the same WeChat."""

from __future__ import annotations

import json
import secrets
import string
from typing import Any

from portal.extensions import redis_store

PREFIX = "sbx:"
CHAT_LIMIT = 200
OPENID_ALPHABET = string.ascii_letters + string.digits + "-_"


def r():
    return redis_store.client


def key(*parts: str) -> str:
    return PREFIX + ":".join(parts)


def reset() -> None:
    """Forget everything (tests, or the phone's 重置 button)."""
    names = list(r().scan_iter(match=PREFIX + "*", count=500))
    if names:
        r().delete(*names)


def count(name: str) -> int:
    return int(r().incr(key("count", name)))


def counters() -> dict[str, int]:
    names = ("token", "send", "oauth_exchange", "menu_create", "wx_post", "ticket")
    return {n: int(r().get(key("count", n)) or 0) for n in names}


def faults() -> dict[str, Any]:
    raw = r().hgetall(key("faults"))
    return {"mode": raw.get("mode") or "", "slow": float(raw.get("slow") or 0)}


def set_faults(mode: str, slow: float) -> None:
    r().hset(key("faults"), mapping={"mode": mode, "slow": str(slow)})


def new_openid() -> str:
    # Real openids are 28 characters starting with "o" (per appid).
    return "o" + "".join(secrets.choice(OPENID_ALPHABET) for _ in range(27))


def set_follower(openid: str, subscribed: bool) -> None:
    r().hset(key("followers"), openid, "1" if subscribed else "0")


def follower(openid: str) -> bool | None:
    """True subscribed, False known but unsubscribed, None never seen by this account."""
    value = r().hget(key("followers"), openid)
    return None if value is None else value == "1"


def phone_openid(create: bool = True) -> str | None:
    """The follower holding the sandbox phone (created and subscribed on first use)."""
    openid = r().get(key("phone"))
    if openid is None and create:
        openid = new_openid()
        set_follower(openid, False)
        r().set(key("phone"), openid)
    return openid


def set_phone_openid(openid: str) -> None:
    r().set(key("phone"), openid)


def chat_append(openid: str, entry: dict[str, Any]) -> None:
    name = key("chat", openid)
    r().rpush(name, json.dumps(entry, ensure_ascii=False))
    r().ltrim(name, -CHAT_LIMIT, -1)


def chat(openid: str) -> list[dict[str, Any]]:
    return [json.loads(item) for item in r().lrange(key("chat", openid), 0, -1)]


def menu() -> dict[str, Any] | None:
    raw = r().get(key("menu"))
    return json.loads(raw) if raw else None


def set_menu(value: dict[str, Any] | None) -> None:
    if value is None:
        r().delete(key("menu"))
    else:
        r().set(key("menu"), json.dumps(value, ensure_ascii=False))
