"""Part 4, the review desk at scale: 100,000 applications, queue pages and the export, SQLite and PostgreSQL.

Data: accounts, applications and their submission snapshots (what the queue, the search and the export
read), bulk-inserted in seconds (executemany on SQLite, COPY on PostgreSQL). The spread is realistic: every
county of Shanxi weighted towards Taiyuan, ~45 % waiting (待审核), ~35 % approved, ~12 % rejected, the rest
drafts; submissions over the last 60 days, heavier towards the deadline. Sections and image files are not
generated: none of the measured pages reads them.

Measured over HTTP as a logged-in province reviewer (the widest jurisdiction, so the largest counts): the
queue's first page, a filtered page (one city, a date range, page 3), a search by full ID number, and a deep
page; baseline: /healthz/live on the same server. The export of every row (status=all) is timed to its last
byte, and the workers' peak resident memory (VmHWM, reset just before) is read from /proc.
"""

from __future__ import annotations

import io
import json
import random
import re
import time
import zipfile
from datetime import UTC, datetime, timedelta
from functools import cache

import requests

from bench.journey import answers as journey_answers
from bench.journey import counties, id_number
from bench.server import Backend, Server, prepare_backend
from bench.stats import percentile, summarise

ROWS = 100_000
REVIEWER, REVIEWER_PASSWORD = "bench-admin", "Shenhe#Bench2026"
TARGET_PAGE_MS = 50.0
TARGET_EXPORT_MB = 200.0
NAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华"


@cache
def _weighted_counties() -> tuple[str, ...]:
    """Counties with Taiyuan's six districts five times as likely (the capital has most accountants)."""
    return tuple(c for c in counties() for _ in range(5 if c.startswith("1401") else 1))


def _status(rng: random.Random) -> str:
    roll = rng.random()
    return "submitted" if roll < 0.45 else "approved" if roll < 0.80 else "rejected" if roll < 0.92 else "draft"


def _snapshot(i: int, name: str, number: str, email: str, county: str) -> dict:
    data = journey_answers(i)
    data["basics"]["region_code"] = county
    if i % 3 == 0:
        data["qualification"] = {
            "title": "会计师", "title_appointed_on": "2018-09-01", "qualification_level": "中级",
            "qualification_type": "会计", "qualification_method": "考试",
            "qualification_cert_no": f"Z2017{i:06d}", "qualification_obtained_on": "2017-12-20",
        }
    return {
        "account": {"name": name, "id_type": "居民身份证", "id_number": number, "email": email},
        "answers": {"commitment": {"commitment_agreed": True}, "photos": {}, **data, "attachments": {}},
        "attachments": {"portrait": [3 * i], "id_front": [3 * i + 1], "id_back": [3 * i + 2]},
    }


@cache
def _rows(n: int) -> tuple[list[dict], list[dict], list[dict]]:
    return generate_rows(n)


def generate_rows(n: int = ROWS, seed: int = 8) -> tuple[list[dict], list[dict], list[dict]]:
    """(accounts, applications, submissions) as plain dicts, ids 1..n."""
    from shared_models.reference import division
    from shared_models.rules.passwords import hash_password

    rng = random.Random(seed)
    password_hash = hash_password("Kuaiji@2026!")  # one hash for all: nobody logs in as them
    now = datetime.now(UTC).replace(microsecond=0)
    accounts, applications, submissions = [], [], []
    for i in range(1, n + 1):
        number, county = id_number(i), rng.choice(_weighted_counties())
        name = rng.choice(NAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        email = f"kj{i}@example.com"
        created = now - timedelta(days=90, seconds=rng.randrange(86400 * 30))
        accounts.append({"id": i, "id_type": "居民身份证", "id_number": number, "name": name, "email": email,
                         "phone": f"139{i:08d}", "password_hash": password_hash, "session_version": 1,
                         "must_change_password": False, "origin": "register", "wx_openid": None,
                         "created_at": created})
        state = _status(rng)
        # Triangular towards "now": the deadline rush.
        submitted = now - timedelta(seconds=int(86400 * 60 * (1 - rng.triangular(0, 1, 1)))) if state != "draft" \
            else None
        decided = submitted + timedelta(hours=rng.randint(2, 240)) if state in ("approved", "rejected") else None
        if decided is not None and decided > now:
            decided = now
        applications.append({
            "id": i, "account_id": i, "status": state,
            "region_code": county if submitted else None,
            "city_code": division(county).city_code if submitted else None,
            "submitted_at": submitted, "first_submitted_at": submitted, "decided_at": decided,
            "created_at": created, "updated_at": decided or submitted or created, "version": 1,
        })
        if submitted is not None:
            submissions.append({"id": len(submissions) + 1, "application_id": i, "number": 1,
                                "snapshot": _snapshot(i, name, number, email, county), "submitted_at": submitted})
    return accounts, applications, submissions


def bulk_insert(backend: Backend, n: int = ROWS) -> dict[str, float]:
    """Generate (once per process: both backends get the same rows) and insert; seconds of each phase."""
    began = time.perf_counter()
    accounts, applications, submissions = _rows(n)
    generated = time.perf_counter()
    tables = (("accounts", accounts), ("applications", applications), ("submissions", submissions))
    if backend.kind == "postgresql":
        _copy_postgres(backend, tables)
    else:
        _executemany_sqlite(backend, tables)
    return {"generate_s": generated - began, "insert_s": time.perf_counter() - generated,
            "submissions": len(submissions)}


def _executemany_sqlite(backend: Backend, tables) -> None:
    """sqlite3's executemany on the raw connection, values in SQLAlchemy's SQLite storage formats (ISO text
    datetimes in UTC, JSON text, 0/1), one transaction, no fsync while loading."""
    engine = backend.engine()
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        for name, rows in tables:
            columns = list(rows[0])
            sql = f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608
            cursor.executemany(sql, ([_sqlite_value(row[c]) for c in columns] for row in rows))
        raw.commit()
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
        engine.dispose()


def _sqlite_value(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return int(value)
    return value


def _copy_postgres(backend: Backend, tables) -> None:
    import psycopg

    dsn = backend.database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        for name, rows in tables:
            columns = list(rows[0])
            with cur.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v
                                    for v in (row[c] for c in columns)])
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))")  # noqa: S608
        conn.commit()
        conn.autocommit = True
        cur.execute("VACUUM ANALYZE")


def create_reviewer(backend: Backend) -> None:
    from sqlalchemy.orm import Session

    from shared_models.reviewers import create_reviewer as create
    from shared_models.reviewers import validate_reviewer

    engine = backend.engine()
    with Session(engine) as session:
        create(session, validate_reviewer(REVIEWER, "性能测试管理员", "admin", "140000"), REVIEWER_PASSWORD)
        session.commit()
    engine.dispose()


def login(base_url: str) -> requests.Session:
    session = requests.Session()
    page = session.get(base_url + "/review/login", timeout=30)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    done = session.post(base_url + "/review/login", timeout=30, allow_redirects=False,
                        data={"csrf_token": token, "username": REVIEWER, "password": REVIEWER_PASSWORD})
    if done.status_code != 302:
        raise RuntimeError(f"reviewer login failed: {done.status_code}")
    return session


def pages(backend: Backend) -> dict[str, str]:
    """The measured URLs (paths), built from the data: a real city, dates inside the spread, a real ID."""
    from shared_models.reference import division

    taiyuan_county = next(c for c in counties() if c.startswith("1401"))
    today = datetime.now(UTC).date()
    return {
        "baseline GET /healthz/live": "/healthz/live",
        "queue, first page (待审核)": "/review/",
        "filtered: city + dates, page 3": f"/review/?status=all&region={division(taiyuan_county).city_code}"
                                          f"&from={today - timedelta(days=20)}&to={today}&page=3",
        "search by full ID number": f"/review/?status=all&q={id_number(4242)}",
        "deep page (page 1000, 待审核)": "/review/?page=1000",
    }


def time_pages(session: requests.Session, base_url: str, urls: dict[str, str], *, batches: int = 3,
               per_batch: int = 10) -> dict[str, dict]:
    """p50 per batch of requests, the median and spread over batches; batches interleave the URLs."""
    per_url: dict[str, list[float]] = {name: [] for name in urls}
    for path in urls.values():
        session.get(base_url + path, timeout=60)  # warm-up: templates, statement caches, OS page cache
    for _ in range(batches):
        for name, path in urls.items():
            times = []
            for _ in range(per_batch):
                began = time.perf_counter()
                response = session.get(base_url + path, timeout=60)
                times.append((time.perf_counter() - began) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"{path} answered {response.status_code}")
            per_url[name].append(percentile(times, 50))
    return {name: summarise(values).as_dict() for name, values in per_url.items()}


def export(session: requests.Session, server: Server, query: str) -> dict[str, float]:
    """Download an export; seconds to the last byte, bytes, rows (read back), the workers' peak RSS during it."""
    idle = max(server.rss_mb().values())
    server.reset_peak_rss()
    began = time.perf_counter()
    body = io.BytesIO()
    with session.get(f"{server.base_url}/review/export.xlsx?{query}", stream=True, timeout=900) as response:
        if response.status_code != 200:
            raise RuntimeError(f"export answered {response.status_code}")
        for chunk in response.iter_content(256 * 1024):
            body.write(chunk)
    seconds = time.perf_counter() - began
    peak = max(server.peak_rss_mb().values())
    return {"seconds": seconds, "bytes": body.tell(), "peak_mb": peak, "idle_mb": idle,
            "rows": count_rows(body.getvalue())}


def count_rows(data: bytes) -> int:
    """Rows in the first sheet of an exported workbook (header excluded), counted in the sheet's XML stream
    (openpyxl's write-only sheets carry no dimension, and loading 100,000 rows back would take minutes)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        name = next(n for n in sorted(archive.namelist()) if n.startswith("xl/worksheets/sheet"))
        count, tail = 0, b""
        with archive.open(name) as sheet:
            while chunk := sheet.read(1 << 20):
                # The 4 carried bytes are shorter than a match, so a match spanning two reads counts once.
                block = tail + chunk
                count += block.count(b"<row ") + block.count(b"<row>")
                tail = block[-4:]
    return count - 1


ALL_ROWS = ("all rows", "status=all")
ONE_COUNTY = ("one county (小店区, all statuses)", "status=all&region=140105")


def run_backend(kind: str, *, rows: int = ROWS, scope: tuple[str, str] = ALL_ROWS, export_repetitions: int = 1) -> dict:
    """Fresh database, bulk insert, server; page timings, then the export (timed and memory-measured)."""
    backend = prepare_backend(kind, f"review-{kind}")
    try:
        inserted = bulk_insert(backend, rows)
        create_reviewer(backend)
        with Server(backend) as server:
            session = login(server.base_url)
            timings = time_pages(session, server.base_url, pages(backend))
            exports = [export(session, server, scope[1]) for _ in range(export_repetitions)]
    finally:
        backend.close()
    summary = {key: summarise(e[key] for e in exports).as_dict() for key in ("seconds", "bytes", "peak_mb", "idle_mb")}
    return {
        "label": backend.label, "rows": rows, **inserted, "pages": timings,
        "export": {**summary, "scope": scope[0], "rows": exports[0]["rows"]},
    }


def run(kinds: list[str], *, rows: int = ROWS, full_export: bool = False) -> dict:
    """Both backends; the full export on PostgreSQL (and on SQLite with full_export), one county otherwise:
    a full export costs ~1.5 ms of CPU per row, and make bench must stay under 10 minutes."""
    backends = {}
    for kind in kinds:
        scope = ALL_ROWS if kind == kinds[-1] or full_export else ONE_COUNTY
        backends[kind] = run_backend(kind, rows=rows, scope=scope)
    results = {"rows": rows, "backends": backends}
    page_medians = [p["median"] for b in backends.values() for name, p in b["pages"].items()
                    if not name.startswith(("baseline", "deep"))]
    peaks = [b["export"]["peak_mb"]["median"] for b in backends.values()]
    results["targets"] = {
        "page_p50": {"worst": max(page_medians), "target": TARGET_PAGE_MS, "met": max(page_medians) < TARGET_PAGE_MS},
        "export_memory": {"worst": max(peaks), "target": TARGET_EXPORT_MB, "met": max(peaks) < TARGET_EXPORT_MB},
    }
    return results
