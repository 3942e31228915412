"""Helpers of the browser tests: named steps that leave evidence, screenshots, the accessibility smoke,
test images made with Pillow and valid identity numbers.

Every page the journey visits goes through `Recorder.visit(page, name)`: it runs the accessibility smoke
and writes a full-page screenshot to test-artifacts/screenshots/. A failing `with rec.step("name"):`
leaves test-artifacts/failures/<name>.png and <name>.html behind, so a red run shows what the page was.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from shared_models.rules.identity import check_digit

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
FAILURES = ARTIFACTS / "failures"
FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")

WECHAT_UA = (
    "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 "
    "Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MicroMessenger/8.0.47.2560(0x28002F30) "
    "WeChat/arm64 Weixin NetType/WIFI Language/zh_CN"
)
PHONE = {"viewport": {"width": 375, "height": 667}, "user_agent": WECHAT_UA, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 1, "locale": "zh-CN"}
DESKTOP = {"viewport": {"width": 1280, "height": 800}, "device_scale_factor": 1, "locale": "zh-CN"}
MIN_FONT_PX = 14


def slug(name: str) -> str:
    """A file-name-safe form of a step name (keeps Chinese characters, replaces the rest)."""
    return re.sub(r"[^\w-]+", "-", name).strip("-").lower() or "step"


# ---------------------------------------------------------------------------------------------------------
# Accessibility smoke: one script evaluated in the page, returning human-readable problems.
# ---------------------------------------------------------------------------------------------------------
A11Y_SCRIPT = """
([minPx, deviceWidth]) => {
  const problems = [];
  const visible = (el) => {
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || s.display === 'none') return false;
    const r = el.getBoundingClientRect();
    // 1×1 px clipped boxes are the "visually hidden" pattern: present for assistive tech only.
    return r.width > 1 && r.height > 1;
  };
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.name ? '[name=' + el.name + ']' : '') + (el.className && typeof el.className === 'string'
      ? '.' + el.className.trim().split(/\\s+/).slice(0, 2).join('.') : '');
  // 1. every visible control has a label
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type)) continue;
    // WeUI hides real checkboxes/radios/file inputs behind styled labels: judge the control's label anyway.
    const styledAway = ['checkbox', 'radio', 'file'].includes(el.type);
    if (!styledAway && !visible(el)) continue;
    if (styledAway && el.closest('[hidden]')) continue;
    if (styledAway && !visible(el) && !visible(el.parentElement)) continue;
    const byFor = el.id && document.querySelector('label[for="' + CSS.escape(el.id) + '"]');
    const labelled = byFor || el.closest('label') || (el.getAttribute('aria-label') || '').trim() ||
      (el.getAttribute('aria-labelledby') || '').trim();
    if (!labelled) problems.push('no label: ' + describe(el));
  }
  // 2. the error summary links to fields that exist
  for (const a of document.querySelectorAll('[data-error-summary] a[href^="#"]')) {
    const id = decodeURIComponent(a.getAttribute('href').slice(1));
    if (!document.getElementById(id)) problems.push('error summary links to missing #' + id);
  }
  // 3. nothing overflows the device width. Not innerWidth alone: a mobile browser widens its layout
  // viewport (zooming the page out) to fit content that is too wide, which would hide the overflow.
  const width = Math.min(window.innerWidth, deviceWidth);
  if (document.documentElement.scrollWidth > width) {
    problems.push('page scrolls sideways: scrollWidth ' + document.documentElement.scrollWidth + ' > ' + width);
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT);
  for (let el = walker.currentNode; el; el = walker.nextNode()) {
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.right > width + 0.5 && !el.closest('.skip-link')) {
      // content inside a horizontally scrolling container is allowed to be wider than the screen
      let p = el.parentElement, scrolls = false;
      for (; p && p !== document.body; p = p.parentElement) {
        const ox = getComputedStyle(p).overflowX;
        if (ox === 'auto' || ox === 'scroll' || ox === 'hidden') { scrolls = true; break; }
      }
      if (!scrolls) problems.push('overflows the width (' + Math.round(r.right) + ' > ' + width + '): ' + describe(el));
    }
  }
  // 4. every visible image loaded (a broken thumbnail is a broken page)
  for (const img of document.images) {
    if (visible(img) && img.complete && img.naturalWidth === 0) problems.push('image did not load: ' + img.src);
  }
  // 5. text is at least minPx
  const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let t = texts.nextNode(); t; t = texts.nextNode()) {
    if (!t.textContent.trim()) continue;
    const el = t.parentElement;
    if (!el || seen.has(el) || !visible(el) || el.closest('script, style, noscript, .skip-link')) continue;
    seen.add(el);
    const px = parseFloat(getComputedStyle(el).fontSize);
    if (px < minPx) problems.push('text ' + px + 'px < ' + minPx + 'px: ' + describe(el) + ' "' +
      t.textContent.trim().slice(0, 20) + '"');
  }
  return problems.slice(0, 30);
}
"""


def a11y_problems(page) -> list[str]:
    """The accessibility smoke's findings on the current page (empty list: fine)."""
    return page.evaluate(A11Y_SCRIPT, [MIN_FONT_PX, page.viewport_size["width"]])


@dataclass
class Recorder:
    """Numbered screenshots of every visited page, the a11y smoke after each, and named failing steps."""

    prefix: str
    count: int = 0
    visited: list[str] = field(default_factory=list)
    findings: dict[str, list[str]] = field(default_factory=dict)

    def visit(self, page, name: str, *, check: bool = True) -> Path:
        """After a navigation: write the screenshot of the page, then run the accessibility smoke on it.

        Findings are collected rather than raised at once, so that one run reports every page's problems
        (and still leaves every screenshot); `assert_accessible()` at the end of the journey fails on them.
        """
        page.wait_for_load_state("load")
        # Thumbnails are lazy: load them all (as scrolling would) so the full-page screenshot shows them.
        page.evaluate("() => document.querySelectorAll('img[loading=lazy]').forEach(i => { i.loading = 'eager'; })")
        page.wait_for_function("() => Array.from(document.images).every(i => i.complete)")
        self.count += 1
        path = SCREENSHOTS / f"{self.prefix}-{self.count:02d}-{slug(name)}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
        self.visited.append(path.name)
        if check:
            problems = a11y_problems(page)
            if problems:
                self.findings[f"{path.stem} ({page.url})"] = problems
        return path

    def assert_accessible(self) -> None:
        assert_accessible(self)

    @contextmanager
    def step(self, name: str, page) -> Iterator[None]:
        """A named part of the journey; on failure its screenshot and HTML are left in test-artifacts/failures."""
        try:
            yield
        except BaseException:
            save_failure(page, f"{self.prefix}-{name}")
            raise


def assert_accessible(*recorders: Recorder) -> None:
    """Fail with every page's accessibility findings of the given recorders (one report for the run)."""
    report = [f"{where}:\n    " + "\n    ".join(items) for rec in recorders for where, items in rec.findings.items()]
    joined = "\n  ".join(report)
    assert not report, f"accessibility smoke found problems on {len(report)} page(s):\n  {joined}"


def save_failure(page, name: str) -> None:
    FAILURES.mkdir(parents=True, exist_ok=True)
    base = FAILURES / slug(name)
    try:
        page.screenshot(path=str(base.with_suffix(".png")), full_page=True)
        base.with_suffix(".html").write_text(page.content(), encoding="utf-8")
    except Exception as exc:  # noqa: BLE001 - evidence is best effort; the original failure is re-raised
        base.with_suffix(".txt").write_text(f"could not capture the page: {exc!r}\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------------------------
# Test data
# ---------------------------------------------------------------------------------------------------------
def id_number(area: str = "140105", birth: str = "19900307", seq: str = "123") -> str:
    """A valid 居民身份证 number (GB 11643 check digit) for the given area, birth date and sequence."""
    first17 = f"{area}{birth}{seq}"
    return first17 + check_digit(first17)


def _font(size: int):
    return ImageFont.truetype(str(FONT), size) if FONT.exists() else ImageFont.load_default()


def document_image(path: Path, title: str, size=(1200, 850), color=(236, 242, 250), fmt="JPEG") -> Path:
    """A clear certificate-like image with a Chinese title (what an accountant would photograph)."""
    img = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(img)
    w, h = size
    draw.rectangle([20, 20, w - 20, h - 20], outline=(180, 30, 30), width=8)
    draw.text((w // 8, h // 3), title, fill=(30, 30, 30), font=_font(max(24, h // 10)))
    draw.text((w // 8, h // 2), "测试用样张 仅供自动化测试", fill=(90, 90, 90), font=_font(max(16, h // 22)))
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, fmt, **({"quality": 90} if fmt == "JPEG" else {}))
    return path


def portrait_image(path: Path) -> Path:
    """A 一寸-like head-and-shoulders PNG (blue background)."""
    img = Image.new("RGB", (600, 800), (67, 142, 219))
    draw = ImageDraw.Draw(img)
    draw.ellipse([200, 140, 400, 380], fill=(240, 205, 175))
    draw.rectangle([130, 420, 470, 800], fill=(40, 40, 60))
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, "PNG")
    return path


def large_phone_photo(path: Path) -> Path:
    """A 4032×3024 JPEG as a phone takes it: several MB, EXIF orientation 6 (rotate 90° to view)."""
    import random

    rng = random.Random(7)  # fixed seed: the same bytes each run
    base = Image.new("RGB", (4032, 3024), (210, 220, 235))
    draw = ImageDraw.Draw(base)
    draw.rectangle([80, 80, 3952, 2944], outline=(160, 20, 20), width=30)
    draw.text((500, 1100), "毕业证书", fill=(20, 20, 20), font=_font(360))
    noise = Image.frombytes("RGB", (1008, 756), rng.randbytes(1008 * 756 * 3)).resize((4032, 3024))
    img = Image.blend(base, noise, 0.35)
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 CW
    exif[0x010F] = "TestPhone"  # Make: metadata the server must strip
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, "JPEG", quality=92, exif=exif.tobytes())
    return path


def jpeg_bytes(size=(400, 300)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 200, 200)).save(buf, "JPEG")
    return buf.getvalue()
