"""WSGI entry of the statement-counting run: the real app, plus per-request counts in response headers.

Counts SQL statements (SQLAlchemy's before_cursor_execute on every engine), Redis round trips (one per
packed send: a pipeline is one trip) and Redis commands. Run with ONE worker and ONE thread (the counters
are process-wide): `gunicorn --workers 1 --threads 1 bench.wsgi_counting:app`. Benchmark use only: the
production entry is wsgi.py, which carries none of this.
"""

from __future__ import annotations

from redis.connection import AbstractConnection, HiredisRespSerializer, PythonRespSerializer
from sqlalchemy import event
from sqlalchemy.engine import Engine

from portal.factory import create_app

counts = {"sql": 0, "trips": 0, "commands": 0}


@event.listens_for(Engine, "before_cursor_execute")
def _count_sql(*_args, **_kw) -> None:
    counts["sql"] += 1


_send = AbstractConnection.send_packed_command


def _counted_send(self, command, check_health=True):
    counts["trips"] += 1
    return _send(self, command, check_health)


def _counting(pack):
    def counted_pack(self, *args):
        counts["commands"] += 1
        return pack(self, *args)

    return counted_pack


AbstractConnection.send_packed_command = _counted_send  # type: ignore[method-assign]
# Every command, alone or in a pipeline, goes through the serializer's pack() once.
PythonRespSerializer.pack = _counting(PythonRespSerializer.pack)  # type: ignore[method-assign]
HiredisRespSerializer.pack = _counting(HiredisRespSerializer.pack)  # type: ignore[method-assign]

flask_app = create_app()


def app(environ, start_response):
    for key in counts:
        counts[key] = 0

    def counting_start_response(status, headers, exc_info=None):
        # The body is produced after start_response for streamed responses; every wizard page is buffered.
        headers = [*headers, ("X-Bench-SQL", str(counts["sql"])), ("X-Bench-Redis-Trips", str(counts["trips"])),
                   ("X-Bench-Redis-Commands", str(counts["commands"]))]
        return start_response(status, headers, exc_info)

    return flask_app(environ, counting_start_response)
