"""WeChat's checks on menu/create and the error code each broken rule gets (40016–40027, 40054/40055).
https://developers.weixin.qq.com/doc/offiaccount/Custom_Menus/Creating_Custom-Defined_Menu.html
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

KEY_TYPES = {"click", "scancode_push", "scancode_waitmsg", "pic_sysphoto", "pic_photo_or_album", "pic_weixin",
             "location_select"}
TYPES = KEY_TYPES | {"view", "media_id", "article_id", "article_view_limited", "miniprogram"}

# (top-level code, sub-button code) per rule
CODES = {
    "type": (40017, 40024, "invalid button type", "invalid sub button type"),
    "name": (40018, 40025, "invalid button name size", "invalid sub button name size"),
    "key": (40019, 40026, "invalid button key size", "invalid sub button key size"),
    "url": (40020, 40027, "invalid button url size", "invalid sub button url size"),
    "domain": (40055, 40054, "invalid button url domain", "invalid sub button url domain"),
}


def _size(value: Any) -> int:
    return len(str(value or "").encode("utf-8"))


def menu_errcode(data: dict[str, Any]) -> tuple[int, str] | None:
    buttons = data.get("button")
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
        return 40016, "invalid button size"
    for top in buttons:
        if not isinstance(top, dict):
            return 47001, "data format error"
        subs = top.get("sub_button")
        if subs:
            if not isinstance(subs, list) or len(subs) > 5:
                return 40023, "invalid sub button size"
            if not 1 <= _size(top.get("name")) <= 16:
                return 40018, "invalid button name size"
            for sub in subs:
                if not isinstance(sub, dict) or isinstance(sub.get("sub_button"), list) and sub["sub_button"]:
                    return 40022, "invalid sub menu level"
                problem = _leaf(sub, 60)
                if problem:
                    return CODES[problem][1], CODES[problem][3]
        else:
            problem = _leaf(top, 16)
            if problem:
                return CODES[problem][0], CODES[problem][2]
    return None


def _leaf(button: dict[str, Any], name_limit: int) -> str | None:
    kind = button.get("type")
    if kind not in TYPES:
        return "type"
    if not 1 <= _size(button.get("name")) <= name_limit:
        return "name"
    if kind in KEY_TYPES and not 1 <= _size(button.get("key")) <= 128:
        return "key"
    if kind in ("view", "miniprogram"):
        url = str(button.get("url") or "")
        if not 1 <= _size(url) <= 1024:
            return "url"
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return "domain"
    return None
