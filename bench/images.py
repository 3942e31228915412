"""Part 3, images: normalise_image on a 12 MP phone JPEG and a 4000×3000 PNG, against a plain decode.

The test pictures are made with Pillow so that they compress like real ones: a photographed document
(paper with a lighting gradient, printed lines, a stamp, sensor noise) saved by a "phone" at quality 92 with
EXIF (camera, orientation), and the same kind of content as a PNG screenshot/scan. Flat colour would
compress to nothing and flatter every number.

Baseline: Image.open + load() of the same bytes (full decode, no draft), measured in the same run.
"""

from __future__ import annotations

import gc
import io
import random
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from bench.server import RESULTS
from bench.stats import summarise

JPEG_SIZE = (4032, 3024)
PNG_SIZE = (4000, 3000)
TARGET_MS = 150.0
TARGET_BYTES = 1_000_000


def _document(size: tuple[int, int], seed: int, noise: float) -> Image.Image:
    """A photographed A4 form: warm paper under uneven light, rows of print, boxes, a red stamp, noise."""
    rng = random.Random(seed)
    width, height = size
    light = Image.linear_gradient("L").rotate(35, expand=False).resize(size, Image.Resampling.BILINEAR)
    paper = Image.merge("RGB", [light.point(lambda v, k=k: 150 + v * 100 // 255 - k) for k in (0, 8, 22)])
    draw = ImageDraw.Draw(paper)
    margin = width // 12
    y = height // 10
    while y < height - height // 10:
        x = margin
        while x < width - margin:
            word = rng.randint(width // 80, width // 18)
            draw.rectangle((x, y, x + word, y + height // 140), fill=(rng.randint(20, 70),) * 3)
            x += word + width // 90
        y += height // 40 + rng.randint(0, height // 120)
    for _ in range(6):
        x0, y0 = rng.randint(margin, width // 2), rng.randint(height // 8, height * 3 // 4)
        draw.rectangle((x0, y0, x0 + width // 3, y0 + height // 9), outline=(40, 40, 40), width=max(2, width // 900))
    cx, cy, r = width * 3 // 4, height * 3 // 4, width // 14
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(200, 30, 30), width=width // 200)
    paper = paper.filter(ImageFilter.GaussianBlur(1.2))  # lens softness: print edges are not razor sharp
    grain = Image.merge("RGB", [Image.effect_noise(size, 18 + 4 * k) for k in range(3)])
    return Image.blend(paper, grain, noise)


def phone_jpeg(size: tuple[int, int] = JPEG_SIZE, orientation: int = 1, seed: int = 1) -> bytes:
    """A phone camera JPEG: quality 92, 4:2:0, EXIF with make, model and orientation."""
    image = _document(size, seed, noise=0.22)  # sensor noise at indoor light: ~3 MB, like a real 12 MP shot
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "BenchPhone", "BP-12MP", orientation
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, subsampling="4:2:0", exif=exif.tobytes())
    return out.getvalue()


def scan_png(size: tuple[int, int] = PNG_SIZE, seed: int = 2) -> bytes:
    """A PNG of the same kind of content (a scan or a screenshot of a photo), default compression."""
    out = io.BytesIO()
    _document(size, seed, noise=0.035).save(out, "PNG")  # a scanner is cleaner than a phone: ~10 MB
    return out.getvalue()


def samples(directory: Path = RESULTS / "images") -> dict[str, bytes]:
    """The test files, generated once and kept under bench/results/images (ignored by git)."""
    directory.mkdir(parents=True, exist_ok=True)
    makers = {
        "phone-4032x3024.jpg": lambda: phone_jpeg(),
        "phone-4032x3024-rotated.jpg": lambda: phone_jpeg(orientation=6, seed=3),
        "scan-4000x3000.png": lambda: scan_png(),
    }
    out = {}
    for name, make in makers.items():
        path = directory / name
        if not path.exists():
            path.write_bytes(make())
        out[name] = path.read_bytes()
    return out


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _time(fn, repetitions: int) -> list[float]:
    fn()  # warm-up: imports, libjpeg tables
    times = []
    for _ in range(repetitions):
        gc.collect()
        began = time.perf_counter()
        fn()
        times.append((time.perf_counter() - began) * 1000)
    return times


def run(*, repetitions: int = 7) -> dict:
    """Per file: normalisation and plain-decode times (median and spread), output size and dimensions."""
    from shared_models.images import normalise_image

    rows = []
    for name, data in samples().items():
        result = normalise_image(data)
        normalise_ms = _time(lambda d=data: normalise_image(d), repetitions)
        decode_ms = _time(lambda d=data: decode(d), repetitions)
        portrait_ms = _time(lambda d=data: normalise_image(d, portrait=True), max(3, repetitions // 2))
        with Image.open(io.BytesIO(data)) as probe:
            source_size = probe.size
        rows.append({
            "file": name,
            "format": "JPEG" if name.endswith(".jpg") else "PNG",
            "source_bytes": len(data),
            "source_size": source_size,
            "normalise_ms": summarise(normalise_ms).as_dict(),
            "portrait_ms": summarise(portrait_ms).as_dict(),
            "decode_ms": summarise(decode_ms).as_dict(),
            "output_bytes": len(result.data),
            "output_size": (result.width, result.height),
        })
    jpegs = [r for r in rows if r["format"] == "JPEG"]
    return {
        "rows": rows,
        "repetitions": repetitions,
        "targets": {
            "jpeg_p50": {"worst": max(r["normalise_ms"]["median"] for r in jpegs), "target": TARGET_MS,
                         "met": all(r["normalise_ms"]["median"] <= TARGET_MS for r in jpegs)},
            "output": {"worst": max(r["output_bytes"] for r in rows), "target": TARGET_BYTES,
                       "met": all(r["output_bytes"] < TARGET_BYTES for r in rows)},
        },
    }
