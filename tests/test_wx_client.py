"""The API client against the sandbox: one shared token, bounded retries, clear errors, timeouts."""

from __future__ import annotations

import threading

import pytest

from wx_gateway.client import (
    GatewayClient,
    WeChatBusy,
    WeChatQuotaExceeded,
    WeChatTokenRejected,
    WeChatUnavailable,
    menu_get,
)


def new_client(live, **overrides) -> GatewayClient:
    return GatewayClient.from_config({**live.app.config, **overrides}, live.app.extensions["redis"])


def test_token_is_fetched_once_and_shared(live_server):
    first, second = new_client(live_server), new_client(live_server)
    assert menu_get(first) is None  # no menu yet (46003 → None)
    assert menu_get(second) is None
    assert live_server.counters()["token"] == 1
    ttl = live_server.app.extensions["redis"].ttl(first.access_token_key)
    assert 7200 - 300 - 5 <= ttl <= 7200 - 300  # stored with the safety margin


def test_eight_cold_clients_fetch_one_token(live_server):
    clients = [new_client(live_server) for _ in range(8)]
    barrier = threading.Barrier(8)
    tokens, errors = [], []

    def work(client):
        try:
            barrier.wait(timeout=5)
            tokens.append(client.access_token)
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert not errors
    assert len(tokens) == 8 and len(set(tokens)) == 1
    assert live_server.counters()["token"] == 1


def test_always_40001_gives_two_fetches_and_a_clear_error(live_server):
    live_server.faults("40001")
    client = new_client(live_server)
    with pytest.raises(WeChatTokenRejected) as info:
        menu_get(client)
    assert info.value.errcode == 40001
    assert live_server.counters()["token"] == 2  # the cold fetch + one forced refresh, no more


def test_refused_token_is_refreshed_once_then_the_call_succeeds(live_server):
    client = new_client(live_server)
    redis = live_server.app.extensions["redis"]
    redis.set(client.access_token_key, "a-token-wechat-never-issued", ex=600)
    assert menu_get(client) is None
    assert live_server.counters()["token"] == 1
    assert redis.get(client.access_token_key) != "a-token-wechat-never-issued"


def test_busy_and_quota_are_clear_transient_errors(live_server):
    client = new_client(live_server)
    client.access_token  # noqa: B018 - warm the token
    live_server.faults("busy")
    with pytest.raises(WeChatBusy) as busy:
        menu_get(client)
    assert busy.value.transient and busy.value.errcode == -1
    live_server.faults("quota")
    with pytest.raises(WeChatQuotaExceeded) as quota:
        menu_get(client)
    assert quota.value.transient and quota.value.errcode == 45009


def test_slow_wechat_times_out(live_server):
    client = new_client(live_server, WECHAT_HTTP_TIMEOUT=0.3)
    live_server.faults("", slow=1.0)
    with pytest.raises(WeChatUnavailable):
        client.access_token  # noqa: B018 - the token call itself has a timeout too
    live_server.faults("")


def test_connection_refused_is_unavailable(live_server):
    client = new_client(live_server, WECHAT_API_BASE="http://127.0.0.1:9/sandbox/api", WECHAT_HTTP_TIMEOUT=1)
    with pytest.raises(WeChatUnavailable):
        menu_get(client)


def test_jsapi_config_is_signed_and_ticket_cached(live_server):
    client = new_client(live_server)
    config = client.jsapi_config(live_server.url + "/h5/#top")
    again = client.jsapi_config(live_server.url + "/h5/")
    assert config["appId"] == live_server.app.config["WECHAT_APPID"] and len(config["signature"]) == 40
    assert again["signature"] and live_server.counters()["ticket"] == 1
