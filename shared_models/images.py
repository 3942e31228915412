"""Image normalisation for photos and attachments (collection-form.md, "Images").

An upload is judged by its content (magic bytes, then a full decode), never by its name: only JPEG and PNG
are accepted. What is stored is always a fresh JPEG: EXIF orientation applied, every metadata block dropped
(EXIF with its GPS position, ICC, XMP, comments), alpha flattened on white, long side at most MAX_SIDE (2048) and
strictly under MAX_STORED_BYTES. The portrait becomes exactly 295×413 px (一寸, centre crop to 3:4-ish).
"""

from __future__ import annotations

import hashlib
import io
import math
import struct
import warnings
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
MAX_STORED_BYTES = 1_000_000  # "under 1 MB" in either reading of MB
# Long side: 2000 px is the target; up to MAX_SIDE is kept as decoded, because resampling 2016 → 2000 px costs
# more than the rest of the pipeline together (a 12 MP photo drafted at 1/2 scale is 2016×1512).
TARGET_SIDE = 2000
MAX_SIDE = 2048
PORTRAIT_SIZE = (295, 413)
# 40 megapixels is above any phone camera in use (48/50 MP sensors save 12 MP by default) and bounds the
# memory a decode may take (~160 MB in RGBA). Pillow warns above MAX_IMAGE_PIXELS and raises above twice it;
# the module-wide limit is set to the same value so that no other code path decodes a bigger image.
MAX_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
QUALITIES = (85, 78, 70, 62, 55)

EMPTY = "文件为空，请重新选择图片"
TOO_LARGE = "图片不能超过15MB"
NOT_IMAGE = "文件内容不是图片，仅支持JPG、PNG格式的图片"
CORRUPT = "图片文件已损坏，请重新拍摄或选择"
BOMB = "图片尺寸过大（像素过多），请压缩或截图后重新上传"

# Formats people send by mistake: a specific message says what the file is.
_OTHER_FORMATS: tuple[tuple[int, bytes, str], ...] = (
    (0, b"GIF8", "GIF"),
    (0, b"BM", "BMP"),
    (0, b"%PDF", "PDF"),
    (0, b"II*\x00", "TIFF"),
    (0, b"MM\x00*", "TIFF"),
    (8, b"WEBP", "WebP"),
    (4, b"ftypheic", "HEIC"),
    (4, b"ftypheix", "HEIC"),
    (4, b"ftypmif1", "HEIF"),
    (4, b"ftypavif", "AVIF"),
)


class ImageError(ValueError):
    """An upload that cannot be accepted; `message` is the Chinese text shown at the slot."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class NormalisedImage:
    data: bytes  # JPEG
    width: int
    height: int
    sha256: str


def sniff(data: bytes) -> str:
    """"JPEG" or "PNG" from the magic bytes, else ImageError naming what the file is."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    for offset, magic, name in _OTHER_FORMATS:
        if data[offset : offset + len(magic)] == magic:
            if name in ("HEIC", "HEIF"):
                raise ImageError("暂不支持HEIC格式（苹果手机默认格式），请在相机设置中选择“兼容性最佳”或截图后上传")
            raise ImageError(f"仅支持JPG、PNG格式的图片，该文件为{name}格式")
    raise ImageError(NOT_IMAGE)


def normalise_image(data: bytes, *, portrait: bool = False) -> NormalisedImage:
    """Validate an upload and return the JPEG to store, or raise ImageError with the message to show."""
    if not data:
        raise ImageError(EMPTY)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImageError(TOO_LARGE)
    image = _decode(data, sniff(data), portrait)
    image = _upright(image)
    image = _flatten(_to_srgb(image))
    if portrait:
        image = ImageOps.fit(image, PORTRAIT_SIZE, method=Image.Resampling.LANCZOS)
    elif max(image.size) > MAX_SIDE:
        image.thumbnail((TARGET_SIDE, TARGET_SIDE), Image.Resampling.LANCZOS, reducing_gap=2.0)
    encoded, (width, height) = _encode(image)
    return NormalisedImage(encoded, width, height, hashlib.sha256(encoded).hexdigest())


def _decode(data: bytes, fmt: str, portrait: bool) -> Image.Image:
    """Open with the sniffed format only, refuse bombs from the header, then decode every pixel."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[fmt])
            width, height = image.size
            if width * height > MAX_PIXELS or width < 1 or height < 1:
                raise ImageError(BOMB)
            if fmt == "JPEG":
                _draft(image, portrait)
            image.load()
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError(BOMB) from None
    except UnidentifiedImageError:
        raise ImageError(CORRUPT) from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, MemoryError):
        # Truncated data ("image file is truncated"), broken chunks or CRCs, impossible headers.
        raise ImageError(CORRUPT) from None
    return image


def _draft(image: Image.Image, portrait: bool) -> None:
    """Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the result is still at least the size we need.

    draft() keeps both sides at least as large as requested, so ask for the final size in the file's own
    orientation (EXIF rotation by 90° swaps the sides)."""
    width, height = image.size
    if portrait:
        target_w, target_h = PORTRAIT_SIZE
        if image.getexif().get(0x0112, 1) in (5, 6, 7, 8):
            target_w, target_h = target_h, target_w
        scale = max(target_w / width, target_h / height)
    else:
        scale = TARGET_SIDE / max(width, height)
    if scale < 0.5:
        image.draft("RGB", (math.ceil(width * scale), math.ceil(height * scale)))


def _upright(image: Image.Image) -> Image.Image:
    """Apply the EXIF orientation (phones store pixels sideways and set a flag); a broken EXIF block is
    ignored rather than refusing a photo whose pixels decoded fine."""
    try:
        return ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError, KeyError, TypeError, struct.error):
        return image


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert colours from an embedded ICC profile (e.g. Display P3) to sRGB before the profile is dropped."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        output = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=output)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # an unusable profile: keep the pixels as they are
    return converted if converted is not None else image


def _flatten(image: Image.Image) -> Image.Image:
    """Any mode → RGB; transparency composited on white (a transparent PNG would otherwise turn black)."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        image = image.convert("I").point(lambda v: v / 256).convert("L")  # 16-bit grey → 8-bit
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode != "RGB":
        return image.convert("RGB")
    return image


def _encode(image: Image.Image) -> tuple[bytes, tuple[int, int]]:
    """A baseline JPEG without any metadata, strictly under MAX_STORED_BYTES: lower the quality first,
    then the size, until it fits (noise-like scans are the only ones that need more than one round)."""
    while True:
        for quality in QUALITIES:
            out = io.BytesIO()
            # No exif=, icc_profile=, comment=: Pillow writes none of them unless asked.
            image.save(out, "JPEG", quality=quality, optimize=False, progressive=False, subsampling="4:2:0")
            if out.tell() < MAX_STORED_BYTES:
                return out.getvalue(), image.size
        size = (max(1, int(image.width * 0.8)), max(1, int(image.height * 0.8)))
        image = image.resize(size, Image.Resampling.LANCZOS)
