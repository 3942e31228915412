"""menu.json: loading, placeholder expansion, validation by WeChat's rules, and the diff against WeChat.

Rules (custom menu API): 1–3 top buttons, 1–5 sub buttons each; name ≤ 16 bytes (top) / ≤ 60 bytes (sub);
key ≤ 128 bytes; url ≤ 1024 bytes; a button with sub_button has no type. Plus this service's own rules:
keys unique, every view URL under PUBLIC_BASE_URL is a route of this app.
https://developers.weixin.qq.com/doc/offiaccount/Custom_Menus/Creating_Custom-Defined_Menu.html
"""

from __future__ import annotations

import copy
import difflib
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import RequestRedirect

MENU_PATH = Path(__file__).resolve().parent.parent / "menu.json"
TYPES_NEEDING_KEY = {"click", "scancode_push", "scancode_waitmsg", "pic_sysphoto", "pic_photo_or_album",
                     "pic_weixin", "location_select"}
TYPES = TYPES_NEEDING_KEY | {"view", "media_id", "article_id", "article_view_limited", "miniprogram"}
LIMITS = {"top_count": 3, "sub_count": 5, "top_name": 16, "sub_name": 60, "key": 128, "url": 1024}


def load(path: Path | None = None) -> dict[str, Any]:
    with (path or MENU_PATH).open(encoding="utf-8") as fh:
        return json.load(fh)


def expand(menu: dict[str, Any], public_base_url: str) -> dict[str, Any]:
    """Replace {PUBLIC_BASE_URL} in every url with the deployment's base URL."""
    result = copy.deepcopy(menu)
    base = public_base_url.rstrip("/")
    for button in _walk(result):
        if isinstance(button.get("url"), str):
            button["url"] = button["url"].replace("{PUBLIC_BASE_URL}", base)
    return result


def _walk(menu: dict[str, Any]):
    for top in menu.get("button") or []:
        if isinstance(top, dict):
            yield top
            for sub in top.get("sub_button") or []:
                if isinstance(sub, dict):
                    yield sub


def _bytes(value: Any) -> int:
    return len(str(value).encode("utf-8"))


def validate(menu: Any, app: Flask) -> list[str]:
    """Every rule broken, as Chinese messages naming the button; [] when the menu can be published."""
    if not isinstance(menu, dict) or not isinstance(menu.get("button"), list):
        return ["菜单格式错误：顶层必须是包含 button 列表的对象"]
    tops = menu["button"]
    errors: list[str] = []
    if not 1 <= len(tops) <= LIMITS["top_count"]:
        errors.append(f"一级菜单须为 1–3 个，现有 {len(tops)} 个")
    keys: dict[str, str] = {}
    for i, top in enumerate(tops, 1):
        if not isinstance(top, dict):
            errors.append(f"第 {i} 个一级菜单格式错误")
            continue
        label = f"“{top.get('name') or f'第{i}个一级菜单'}”"
        errors += _check_name(top, label, LIMITS["top_name"])
        subs = top.get("sub_button")
        if subs:
            if top.get("type"):
                errors.append(f"按钮{label}：含二级菜单的一级菜单不能设置 type")
            if not isinstance(subs, list) or not 1 <= len(subs) <= LIMITS["sub_count"]:
                errors.append(f"按钮{label}：二级菜单须为 1–5 个，现有 {len(subs)} 个")
                continue
            for j, sub in enumerate(subs, 1):
                if not isinstance(sub, dict):
                    errors.append(f"按钮{label}的第 {j} 个二级菜单格式错误")
                    continue
                sub_label = f"“{top.get('name')} › {sub.get('name') or f'第{j}个'}”"
                errors += _check_name(sub, sub_label, LIMITS["sub_name"])
                errors += _check_action(sub, sub_label, keys, app)
        else:
            errors += _check_action(top, label, keys, app)
    return errors


def _check_name(button: dict, label: str, limit: int) -> list[str]:
    name = button.get("name")
    if not isinstance(name, str) or not name.strip():
        return [f"按钮{label}：缺少名称"]
    if _bytes(name) > limit:
        return [f"按钮{label}：名称超过 {limit} 字节（现为 {_bytes(name)} 字节）"]
    return []


def _check_action(button: dict, label: str, keys: dict[str, str], app: Flask) -> list[str]:
    kind = button.get("type")
    if kind not in TYPES:
        return [f"按钮{label}：类型“{kind}”不是微信允许的菜单类型"]
    errors: list[str] = []
    if kind in TYPES_NEEDING_KEY:
        key = button.get("key")
        if not isinstance(key, str) or not key:
            errors.append(f"按钮{label}：{kind} 类型必须设置 key")
        elif _bytes(key) > LIMITS["key"]:
            errors.append(f"按钮{label}：key 超过 128 字节")
        elif key in keys:
            errors.append(f"按钮{label}：key “{key}” 与按钮{keys[key]}重复")
        else:
            keys[key] = label
    if kind in ("view", "miniprogram"):
        errors += _check_url(button.get("url"), label, app)
    if kind == "miniprogram" and not (button.get("appid") and button.get("pagepath")):
        errors.append(f"按钮{label}：小程序按钮必须设置 appid 和 pagepath")
    if kind in ("media_id", "article_id", "article_view_limited"):
        field = "article_id" if kind == "article_id" else "media_id"
        if not button.get(field):
            errors.append(f"按钮{label}：{kind} 类型必须设置 {field}")
    return errors


def _check_url(url: Any, label: str, app: Flask) -> list[str]:
    if not isinstance(url, str) or not url:
        return [f"按钮{label}：view 类型必须设置 url"]
    if _bytes(url) > LIMITS["url"]:
        return [f"按钮{label}：链接超过 1024 字节"]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return [f"按钮{label}：链接“{url}”不是 http(s) 地址"]
    base = urlsplit(app.config["PUBLIC_BASE_URL"])
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return []  # an outside page (e.g. a government site): not ours to check
    if not route_exists(app, parts.path or "/"):
        return [f"按钮{label}：链接“{url}”不是本系统的页面（路径 {parts.path} 没有对应的路由）"]
    return []


def route_exists(app: Flask, path: str) -> bool:
    """True when `path` is a GET route of this app (a redirect to the canonical slash form counts)."""
    adapter = app.url_map.bind("menu.invalid", url_scheme="https")
    try:
        adapter.match(path, method="GET")
    except RequestRedirect:
        return True
    except MethodNotAllowed:
        return False
    except HTTPException:
        return False
    return True


def normalise(menu: dict[str, Any] | None) -> dict[str, Any]:
    """Comparable form: WeChat's menu/get answer adds empty sub_button lists to leaf buttons."""
    if not menu:
        return {"button": []}
    buttons = []
    for top in menu.get("button") or []:
        item = {k: v for k, v in top.items() if k != "sub_button"}
        subs = top.get("sub_button") or []
        if isinstance(subs, dict):  # some WeChat answers nest {"list": [...]}
            subs = subs.get("list") or []
        if subs:
            item["sub_button"] = [{k: v for k, v in s.items() if k != "sub_button"} for s in subs]
        buttons.append(item)
    return {"button": buttons}


def diff(published: dict[str, Any] | None, wanted: dict[str, Any]) -> list[str]:
    """Unified diff lines, empty when WeChat already has this menu."""
    def dump(menu: dict[str, Any]) -> list[str]:
        return json.dumps(normalise(menu), ensure_ascii=False, indent=2, sort_keys=True).splitlines()

    return list(difflib.unified_diff(dump(published or {}), dump(wanted), "微信当前菜单", "menu.json", lineterm=""))
