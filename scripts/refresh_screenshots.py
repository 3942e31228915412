"""Copy the last browser run's screenshots into the committed set: docs/screenshots/ and the guide's pictures.

    .venv/bin/python -m pytest -m browser tests/browser   # a green run writes test-artifacts/screenshots/
    .venv/bin/python scripts/refresh_screenshots.py

docs/screenshots/ gets every journey-*.png and guide-*.png of the run (full pages; the old journey-*/guide-*
files are removed first so that a renamed page leaves nothing stale; other files there are left alone).
h5_wizard/static/guide/ gets exactly the pictures the 操作指南 uses (h5_wizard.guide.IMAGES), taken from the
WeChat journey and cut to the top of the page as a phone shows it, so the guide shows the pages as they are.
Refuses to run when a run left failures behind or a picture the guide needs is missing.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from h5_wizard.guide import IMAGE_DIR, IMAGES  # noqa: E402 - after the path set-up above

SOURCE = ROOT / "test-artifacts" / "screenshots"
FAILURES = ROOT / "test-artifacts" / "failures"
DOCS = ROOT / "docs" / "screenshots"
GUIDE_SOURCE_PREFIX = "journey-wx"  # the guide shows the phone (WeChat) journey
PHONE_WIDTH, PHONE_HEIGHT, MAX_GUIDE_HEIGHT = 375, 667, 1000
NUMBERED = re.compile(r"^(?P<prefix>[a-z-]+?)-(?P<no>\d{2})-(?P<name>.+)\.png$")


def guide_sources(files: list[Path]) -> dict[str, Path]:
    """name -> the first screenshot of the WeChat journey with that page name."""
    found: dict[str, Path] = {}
    for path in sorted(files):
        match = NUMBERED.match(path.name)
        if match and match["prefix"] == GUIDE_SOURCE_PREFIX:
            found.setdefault(match["name"], path)
    return found


def phone_screen(source: Path, target: Path) -> None:
    """The top of the page as a tall phone shows it (375 px wide, at most 1000 px high), optimised.

    The sandbox's phone page (wechat-*) is cut to the phone itself (one 667 px screen), without the
    sandbox's control panel that it stacks under the phone on narrow screens."""
    limit = PHONE_HEIGHT if target.stem.startswith("wechat-") else MAX_GUIDE_HEIGHT
    with Image.open(source) as img:
        width, height = img.size
        if width != PHONE_WIDTH:
            raise SystemExit(f"{source.name}: {width} px wide, expected a {PHONE_WIDTH} px phone screenshot")
        img.crop((0, 0, width, min(height, limit))).convert("RGB").save(target, "PNG", optimize=True)


def main() -> int:
    if FAILURES.exists() and any(FAILURES.iterdir()):
        print(f"the last run left failures in {FAILURES.relative_to(ROOT)}: refresh from a green run", file=sys.stderr)
        return 1
    files = sorted(SOURCE.glob("*.png")) if SOURCE.exists() else []
    if not files:
        print(f"no screenshots in {SOURCE.relative_to(ROOT)}: run the browser tests first", file=sys.stderr)
        return 1
    sources = guide_sources(files)
    missing = sorted(set(IMAGES) - set(sources))
    if missing:
        print("the guide needs screenshots the run did not take: " + ", ".join(missing), file=sys.stderr)
        return 1

    DOCS.mkdir(parents=True, exist_ok=True)
    for old in [*DOCS.glob("journey-*.png"), *DOCS.glob("guide-*.png")]:
        old.unlink()
    copied = 0
    for path in files:
        if path.name.startswith(("journey-", "guide-")):
            shutil.copyfile(path, DOCS / path.name)
            copied += 1

    IMAGE_DIR.mkdir(parents=True, exist_ok=True)
    for old in IMAGE_DIR.glob("*.png"):
        if old.stem not in IMAGES:
            old.unlink()
    for name in IMAGES:
        phone_screen(sources[name], IMAGE_DIR / f"{name}.png")
    print(f"{copied} screenshots → {DOCS.relative_to(ROOT)}; {len(IMAGES)} guide pictures → "
          f"{IMAGE_DIR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
