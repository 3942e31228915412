"""Locust user of the deadline rush: each simulated accountant files one record and leaves.

`make bench` drives it through bench/wizard_locust.py; by hand (against a server you started):
    .venv/bin/locust -f bench/locustfile.py --headless -u 200 -r 20 --host http://127.0.0.1:PORT
`python -m bench.locustfile --host URL --users 200 --out result.json` runs it headless as a library and writes
per-request latencies as JSON (what bench/wizard_locust.py does). Locust is imported first: it monkey-patches
the standard library with gevent, which must happen before anything imports ssl.
Each user walks bench/journey.py once (register → nine steps → submit) with 1–3 s of "thinking" before each
form, then stops. BENCH_ID_OFFSET shifts the ID numbers so that two runs on one database do not collide.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

import gevent
from locust import FastHttpUser, constant, task
from locust.env import Environment
from locust.exception import StopUser
from urllib3 import encode_multipart_formdata

from bench.journey import Answer, JourneyError, Request, drive, journey

THINK = (float(os.environ.get("BENCH_THINK_MIN", "1")), float(os.environ.get("BENCH_THINK_MAX", "3")))
OFFSET = int(os.environ.get("BENCH_ID_OFFSET", "0"))
LIMIT = OFFSET + int(os.environ.get("BENCH_USERS", "200"))
_indexes = itertools.count(OFFSET)
outcome = {"finished": 0, "submitted": 0, "errors": []}


class Accountant(FastHttpUser):
    wait_time = constant(0)
    network_timeout = 120.0
    connection_timeout = 30.0

    def _execute(self, item: Request) -> Answer:
        # A fresh connection per request: the user "thinks" 1–3 s and gunicorn closes idle keep-alive
        # connections after 2 s; reusing one the server just closed is a client-side race, not a server failure.
        headers = {"Connection": "close"}
        kwargs: dict = {"name": item.name, "allow_redirects": False, "catch_response": True, "headers": headers}
        if item.files:
            parts = [*item.fields.items(), *item.files.items()]
            body, content_type = encode_multipart_formdata(parts)
            kwargs["data"] = body
            headers["Content-Type"] = content_type
        elif item.method == "POST":
            kwargs["data"] = item.fields
        with self.client.request(item.method, item.path, **kwargs) as response:
            if response.headers is None:  # no HTTP answer at all (connection refused, reset, timeout)
                response.failure(f"no response: {response.error!r}")
                raise JourneyError(f"{item.name}: no response: {response.error!r}")
            answer = Answer(response.status_code or 0, response.text or "", response.headers.get("Location", ""))
            problem = item.expect(answer)
            if problem:
                response.failure(problem)
            else:
                response.success()
        return answer

    @task
    def file_one_record(self) -> None:
        index = next(_indexes)
        if index >= LIMIT:
            # Locust tops the user count up while spawning when a user stops early; an extra user files
            # nothing (the run is exactly --users accountants) and waits for the end.
            gevent.sleep(3600)
            raise StopUser()
        try:
            drive(journey(index, lambda: random.uniform(*THINK)), self._execute, gevent.sleep)
            outcome["submitted"] += 1
        except JourneyError as exc:
            outcome["errors"].append(str(exc)[:300])
        except Exception as exc:  # noqa: BLE001 - a crashed journey is a failure to report, not to hide
            outcome["errors"].append(f"{type(exc).__name__}: {exc}"[:300])
        finally:
            outcome["finished"] += 1
        raise StopUser()


def locust_main(argv: list[str]) -> None:
    """In the child: run the users, write per-request-name latencies, failures and timing as JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=20)
    parser.add_argument("--timeout", type=float, default=240)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)

    env = Environment(user_classes=[Accountant], host=args.host)
    samples: dict[str, list[float]] = defaultdict(list)
    failures: dict[str, list[str]] = defaultdict(list)

    def on_request(name, response_time, exception=None, **_kw):
        samples[name].append(float(response_time))
        if exception is not None:
            failures[name].append(str(exception)[:300])

    env.events.request.add_listener(on_request)
    runner = env.create_local_runner()
    began = time.monotonic()
    runner.start(args.users, spawn_rate=args.spawn_rate)
    deadline = began + args.timeout
    while outcome["finished"] < args.users and time.monotonic() < deadline:
        gevent.sleep(0.1)
    elapsed = time.monotonic() - began
    runner.quit()
    Path(args.out).write_text(json.dumps({
        "seconds": elapsed, "samples": samples, "failures": failures,
        "finished": outcome["finished"], "submitted": outcome["submitted"],
        "journey_errors": outcome["errors"][:20], "timed_out": outcome["finished"] < args.users,
    }, ensure_ascii=False))


if __name__ == "__main__":
    locust_main(sys.argv[1:])
