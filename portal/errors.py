"""Chinese error pages (HTML for people, JSON for API-style requests) and the CSRF failure page."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

MESSAGES: dict[int, tuple[str, str]] = {
    400: ("请求有误", "提交的内容无法处理，请返回上一页检查后重试。"),
    403: ("无权访问", "您没有权限查看此页面。如需帮助，请联系所在地财政部门。"),
    404: ("页面不存在", "您访问的页面不存在或已被移除，请从首页重新进入。"),
    405: ("请求方式不正确", "请从页面上的按钮或链接进入。"),
    413: ("文件过大", "上传的内容超过了允许的大小，请压缩图片后重新上传（单张不超过15MB）。"),
    429: ("操作过于频繁", "请稍后再试。"),
    500: ("系统繁忙", "服务器暂时无法完成请求，您已保存的内容不会丢失，请稍后再试。"),
    503: ("服务暂不可用", "系统维护中，请稍后再试。"),
}


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def render_error(code: int, detail: str | None = None):
    title, text = MESSAGES.get(code, MESSAGES[500])
    if _wants_json():
        return jsonify(error=title, message=detail or text), code
    return render_template("errors/error.html", code=code, title=title, text=detail or text), code


def register_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_err: CSRFError):
        return render_error(400, "页面已过期或来源不明（安全校验未通过），请刷新页面后重新提交。")

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        if err.code is None or err.code < 400:
            return err
        return render_error(err.code)

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(500)
