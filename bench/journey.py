"""One accountant's deadline-day journey: register → home → the nine steps → submit, as a browser does it.

Every form is fetched first and its CSRF token taken from the page; every POST answers with a redirect that
the browser follows with a GET of the next page (which carries the next token). The journey is a generator
of `Request`s that receives each `Answer`, so the same walk drives Locust (bench/locustfile.py) and the
statement-counting run (bench/wizard_locust.py) without knowing which client executes it.

Profile: employed (在职), no professional qualification, one full-time degree: the rules then require five
images (portrait, the two sides of the ID card, the diploma and the work proof). Two distinct small files
are used: a portrait photo and a document photo.
"""

from __future__ import annotations

import io
import random
import re
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any

from PIL import Image, ImageDraw

from shared_models.rules.identity import check_digit

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PASSWORD = "Kuaiji@2026!"
FORM_STEPS = ("basics", "qualification", "education", "employer", "certificates")
UPLOAD_STEPS = ("photos", "attachments")


@dataclass
class Request:
    method: str
    path: str
    name: str
    fields: dict[str, Any] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes, str]] = field(default_factory=dict)
    upload: bool = False
    expect: Callable[[Answer], str | None] = lambda answer: None  # an error message, or None when fine


@dataclass
class Answer:
    status: int
    text: str
    location: str


@dataclass(frozen=True)
class Think:
    """A pause before the next request (reading and filling in the page)."""

    seconds: float


class JourneyError(Exception):
    """The server did not answer as the journey expected (counted as a failure)."""


@cache
def counties() -> tuple[str, ...]:
    from shared_models.reference import divisions

    return tuple(code for code, d in divisions().items() if d.level == "county")


def id_number(index: int) -> str:
    """A distinct valid 居民身份证 number per index: a Shanxi county, a birth date 1970–1989, GB 11643 check digit."""
    county = counties()[index % len(counties())]
    born = date(1970, 1, 1) + timedelta(days=(index * 7919) % 7300)
    first17 = f"{county}{born:%Y%m%d}{index % 1000:03d}"
    # The sequence and the birth date together are unique up to 7,300,000 indexes: enough for any run.
    return first17 + check_digit(first17)


@cache
def portrait_jpeg() -> bytes:
    return _photo((600, 800), (205, 180, 160), seed=11)


@cache
def document_jpeg() -> bytes:
    return _photo((1024, 768), (235, 232, 220), seed=12)


def _photo(size: tuple[int, int], tone: tuple[int, int, int], seed: int) -> bytes:
    """A small phone-like JPEG (~60–150 KB): toned background, print-like strokes and sensor noise."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, tone)
    draw = ImageDraw.Draw(image)
    for _ in range(120):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        draw.rectangle((x, y, x + rng.randint(20, 160), y + rng.randint(4, 14)), fill=(rng.randint(20, 90),) * 3)
    noise = Image.merge("RGB", [Image.effect_noise(size, 30) for _ in range(3)])
    out = io.BytesIO()
    Image.blend(image, noise, 0.15).save(out, "JPEG", quality=88)
    return out.getvalue()


def answers(index: int) -> dict[str, dict[str, str]]:
    """The form answers of accountant `index` (valid for the rules; varied where it is free)."""
    county = counties()[index % len(counties())]
    return {
        "basics": {
            "country": "中国", "ethnicity": "01", "political_status": "13",
            "phone": f"139{index:08d}"[:11], "email": f"kuaiji{index}@example.com",
            "address": f"山西省某市某区示范路{index % 300 + 1}号", "postal_code": "030006", "region_code": county,
        },
        "qualification": {"title": "无职务", "qualification_level": "无"},
        "education": {
            "fulltime_education": "大学本科", "fulltime_degree": "学士", "fulltime_school": "山西财经大学",
            "fulltime_major": "会计学", "fulltime_graduated_on": "2012-07-01",
            "fulltime_certificate_no": f"1012512012050{index:05d}", "has_parttime": "否",
        },
        "employer": {
            "work_status": "在职", "employer_name": "太原市示例会计服务有限公司",
            "employer_credit_code": "91140105MA0GABCD16", "employer_type": "企业",
            "accounting_post": "会计核算", "employed_since": "2012-08",
        },
        "certificates": {"abacus_level": "无级别", "is_cpa": "否"},
    }


def _token(answer: Answer) -> str:
    match = CSRF_RE.search(answer.text)
    if not match:
        raise JourneyError(f"no csrf_token in the page (status {answer.status})")
    return match.group(1)


def _page(answer: Answer) -> str | None:
    return None if answer.status == 200 else f"expected the page, got {answer.status}"


def _redirect(to: str) -> Callable[[Answer], str | None]:
    def check(answer: Answer) -> str | None:
        if answer.status != 302:
            errors = re.findall(r'class="weui-cell__desc[^"]*error[^"]*">([^<]+)<', answer.text)[:3]
            return f"expected a redirect to {to}, got {answer.status} {' '.join(errors)}".strip()
        if not answer.location.split("?")[0].endswith(to):
            return f"redirected to {answer.location}, expected {to}"
        return None

    return check


Walk = Generator[Request | Think, Answer | None, None]


def journey(index: int, think: Callable[[], float] = lambda: 0.0) -> Walk:
    """register → home → commitment → photos → five form steps → attachments → submit → done."""
    data = answers(index)
    page = yield Request("GET", "/h5/register", "GET register", expect=_page)
    yield Think(think())
    page = yield Request("POST", "/h5/register", "POST register", expect=_redirect("/h5/"), fields={
        "csrf_token": _token(page), "id_type": "居民身份证", "id_number": id_number(index),
        "name": "张" + "伟芳娜敏静丽强磊军洋"[index % 10], "password": PASSWORD, "password_confirm": PASSWORD,
        "email": data["basics"]["email"],
    })
    yield Request("GET", "/h5/", "GET home", expect=_page)
    page = yield Request("GET", "/h5/steps/commitment", "GET commitment", expect=_page)
    yield Think(think())
    yield Request("POST", "/h5/steps/commitment", "POST commitment", expect=_redirect("/h5/steps/photos"),
                  fields={"csrf_token": _token(page), "commitment_agreed": "y", "action": "continue"})
    files = {
        "photos": {"portrait": ("portrait.jpg", portrait_jpeg(), "image/jpeg"),
                   "id_front": ("front.jpg", document_jpeg(), "image/jpeg"),
                   "id_back": ("back.jpg", document_jpeg(), "image/jpeg")},
        "attachments": {"fulltime_diploma": ("diploma.jpg", document_jpeg(), "image/jpeg"),
                        "work_proof": ("work-proof.jpg", document_jpeg(), "image/jpeg")},
    }
    order = ("photos", *FORM_STEPS, "attachments", "submit")
    for slug, following in zip(order, order[1:], strict=False):
        page = yield Request("GET", f"/h5/steps/{slug}", f"GET {slug}", expect=_page)
        yield Think(think())
        fields = {"csrf_token": _token(page), "action": "continue", **data.get(slug, {})}
        yield Request("POST", f"/h5/steps/{slug}", f"POST {slug}" + (" (upload)" if slug in files else ""),
                      fields=fields, files=files.get(slug, {}), upload=slug in files,
                      expect=_redirect(f"/h5/steps/{following}"))
    page = yield Request("GET", "/h5/steps/submit", "GET submit", expect=_page)
    yield Think(think())
    yield Request("POST", "/h5/steps/submit", "POST submit", expect=_redirect("/h5/steps/submit/done"),
                  fields={"csrf_token": _token(page), "final_agreed": "y"})
    yield Request("GET", "/h5/steps/submit/done", "GET done", expect=_page)


def drive(walk: Walk, execute: Callable[[Request], Answer], pause: Callable[[float], None]) -> None:
    """Run a journey: `execute` sends a request and returns the answer; `pause` sleeps. JourneyError when an
    answer is not what the journey expected."""
    answer: Answer | None = None
    try:
        item = next(walk)
        while True:
            if isinstance(item, Think):
                pause(item.seconds)
                item = walk.send(None)
                continue
            answer = execute(item)
            problem = item.expect(answer)
            if problem:
                raise JourneyError(f"{item.name}: {problem}")
            item = walk.send(answer)
    except StopIteration:
        return
