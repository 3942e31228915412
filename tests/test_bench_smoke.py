"""The benchmark harness's pieces that need no timing: statistics, generated data, request building, the
report. No assertion here is about speed (benchmarks are `make bench`, never unit tests)."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from openpyxl import Workbook
from PIL import Image

from bench import gateway, journey, report, review_scale
from bench.stats import LatencyRun, percentile, ratio, summarise
from shared_models.rules.identity import IdentityError, check_digit


def test_percentile_interpolates_like_numpy():
    values = [1.0, 2.0, 3.0, 4.0]
    assert percentile(values, 0) == 1.0
    assert percentile(values, 100) == 4.0
    assert percentile(values, 50) == 2.5
    assert percentile(values, 95) == pytest.approx(3.85)
    assert percentile([7.0], 99) == 7.0


def test_percentile_refuses_empty_and_out_of_range():
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_summarise_gives_median_and_spread():
    s = summarise([10, 12, 11, 30, 9])
    assert (s.median, s.low, s.high, s.n) == (11, 9, 30, 5)
    assert s.fmt(0) == "11 (9–30)"
    assert summarise([5]).fmt(1, " ms") == "5.0 ms"
    assert s.as_dict()["q1"] == 10


def test_latency_run_rates_and_percentiles_in_ms():
    run = LatencyRun(requests=4, errors=0, seconds=2.0, latencies=(0.001, 0.002, 0.003, 0.004))
    assert run.rps == 2.0
    assert run.p(50) == pytest.approx(2.5)
    assert ratio(3.0, 6.0) == 0.5
    assert ratio(1.0, 0.0) != ratio(1.0, 0.0)  # NaN without a baseline


def test_wizard_id_numbers_are_distinct_valid_and_from_shanxi():
    from shared_models.rules.identity import validate_id_number

    numbers = [journey.id_number(i) for i in range(200)]
    assert len(set(numbers)) == 200
    for number in numbers:
        assert number[:2] == "14"
        assert number[-1] == check_digit(number[:17])
        try:
            validate_id_number("居民身份证", number)
        except IdentityError as exc:  # pragma: no cover - the message says which number failed
            pytest.fail(f"{number}: {exc.message}")


def test_wizard_answers_pass_the_shared_rules():
    from datetime import date

    from shared_models.rules.wizard import Applicant, validate_step

    applicant = Applicant(id_type="居民身份证", id_number=journey.id_number(7), name="张伟",
                          email="kuaiji7@example.com", today=date(2026, 11, 28))
    answers = journey.answers(7)
    for step, data in answers.items():
        result = validate_step(step, data, applicant, answers)
        assert result.errors == {}, (step, result.errors)


def test_journey_follows_the_server_and_stops_on_a_wrong_answer():
    token = '<input name="csrf_token" type="hidden" value="tok">'
    seen = []

    def server(item):
        seen.append(item.name)
        if item.method == "GET":
            return journey.Answer(200, token, "")
        following = {"POST register": "/h5/", "POST commitment": "/h5/steps/photos"}
        return journey.Answer(302, "", following.get(item.name, "/elsewhere"))

    with pytest.raises(journey.JourneyError, match="POST photos"):
        journey.drive(journey.journey(1), server, lambda _s: None)
    assert seen[:5] == ["GET register", "POST register", "GET home", "GET commitment", "POST commitment"]


def test_small_journey_images_are_real_jpegs():
    for data in (journey.portrait_jpeg(), journey.document_jpeg()):
        assert Image.open(io.BytesIO(data)).format == "JPEG"
        assert 20_000 < len(data) < 400_000


def test_gateway_requests_are_signed_and_unique():
    raw = gateway.build_requests("click", 3) + gateway.build_requests("text_aes", 2)
    assert len(set(raw)) == 5
    first = raw[0].decode()
    assert first.startswith("POST /wx?signature=")
    assert "<Event><![CDATA[CLICK]]></Event>" in first and "Content-Length:" in first
    assert "encrypt_type=aes" in raw[-1].decode() and "<Encrypt>" in raw[-1].decode()
    times = {re.search(r"<CreateTime>(\d+)</CreateTime>", r.decode()).group(1) for r in raw[:3]}
    assert len(times) == 3


def test_review_rows_are_spread_and_consistent():
    accounts, applications, submissions = review_scale.generate_rows(400, seed=3)
    assert len(accounts) == len(applications) == 400
    statuses = {a["status"] for a in applications}
    assert statuses == {"submitted", "approved", "rejected", "draft"}
    assert len({a["region_code"] for a in applications if a["region_code"]}) > 20
    assert len(submissions) == sum(1 for a in applications if a["status"] != "draft")
    for app in applications:
        assert (app["submitted_at"] is None) == (app["status"] == "draft")
        assert (app["decided_at"] is not None) == (app["status"] in ("approved", "rejected"))
    assert submissions[0]["snapshot"]["account"]["id_number"] == accounts[submissions[0]["application_id"] - 1][
        "id_number"]


def test_count_rows_reads_a_write_only_workbook():
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("x")
    for i in range(1234):
        sheet.append([i, "张三"])
    out = io.BytesIO()
    workbook.save(out)
    assert review_scale.count_rows(out.getvalue()) == 1233
    with pytest.raises(zipfile.BadZipFile):
        review_scale.count_rows(b"not a workbook")


def _results() -> dict:
    summary = summarise([10.0, 11.0, 12.0]).as_dict()
    row = {"rps": summary, "p50": summary, "p99": summary, "ratio": summary, "errors": 0, "requests": 30}
    return {
        "meta": {"command": "make bench", "started": "2026-11-28 08:00 UTC", "seconds": 500.0,
                 "load_before": "0.1", "load_after": "1.0", "machine": {"CPU": "test, 2 cores"}},
        "gateway": {"rows": [{**row, "kind": "baseline", "label": "baseline", "concurrency": 32},
                             {**row, "kind": "click", "label": "CLICK event (plain)", "concurrency": 32}],
                    "targets": {"ratio": {"worst": 0.4, "met": False}, "p99_at_32": {"worst": 60.0, "met": False},
                                "errors": {"total": 0, "met": True}},
                    "backend": "PostgreSQL + Redis", "repetitions": 3, "seconds": 1.5},
        "images": {"rows": [{"file": "a.jpg", "format": "JPEG", "source_bytes": 3_000_000,
                             "source_size": (4032, 3024), "normalise_ms": summary, "portrait_ms": summary,
                             "decode_ms": summary, "output_bytes": 300_000, "output_size": (2016, 1512)}],
                   "repetitions": 7,
                   "targets": {"jpeg_p50": {"worst": 11.0, "met": True}, "output": {"worst": 300_000, "met": True}}},
        "skipped": {"wizard": "PostgreSQL was not available"},
    }


def test_report_has_every_section_and_verdict():
    text = report.render(_results())
    for heading in ("# Performance", "## Machine", "## Targets", "## 1. WeChat gateway", "## 3. Image normalisation",
                    "## wizard"):
        assert heading in text
    assert "missed ❌" in text and "met ✅" in text
    assert "| 11.00 (10.00–12.00) |" in text  # p50 ms: median (min–max)
    assert "Why the ratio target is missed" in text
    assert "PostgreSQL was not available" in text
