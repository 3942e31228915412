"""The nine wizard steps in mobile order (slugs are URL paths: /h5/steps/<slug>)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    number: int


STEPS: tuple[Step, ...] = (
    Step("commitment", "阅读并勾选承诺", 1),
    Step("photos", "证件照片", 2),
    Step("basics", "基础信息", 3),
    Step("qualification", "专业技术资格", 4),
    Step("education", "学历信息", 5),
    Step("employer", "工作单位", 6),
    Step("certificates", "其他证书", 7),
    Step("attachments", "证件相关附件", 8),
    Step("submit", "确认并提交", 9),
)
SLUGS: tuple[str, ...] = tuple(s.slug for s in STEPS)
BY_SLUG: dict[str, Step] = {s.slug: s for s in STEPS}
TOTAL = len(STEPS)


def next_slug(slug: str) -> str | None:
    index = SLUGS.index(slug)
    return SLUGS[index + 1] if index + 1 < TOTAL else None


def previous_slug(slug: str) -> str | None:
    index = SLUGS.index(slug)
    return SLUGS[index - 1] if index > 0 else None
