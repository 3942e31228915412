"""Image normalisation: content sniffing, refusals with their own messages, EXIF, metadata, size limits."""

from __future__ import annotations

import hashlib
import io
import os
import struct
import zlib

import pytest
from PIL import Image, ImageCms

from shared_models import images
from shared_models.images import MAX_STORED_BYTES, ImageError, normalise_image

RED = (255, 0, 0)
GREEN = (0, 255, 0)


def is_colour(pixel, colour) -> bool:
    return all(abs(a - b) < 60 for a, b in zip(pixel, colour, strict=True))


def jpeg(image: Image.Image, **kwargs) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", **kwargs)
    return out.getvalue()


def png(image: Image.Image, **kwargs) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", **kwargs)
    return out.getvalue()


def noise(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    bands = len(mode)
    return Image.frombytes(mode, size, os.urandom(size[0] * size[1] * bands))


def markers(data: bytes) -> list[int]:
    """The JPEG marker segments before the image data (APPn, COM, DQT, SOF, ...)."""
    found, pos = [], 2
    while pos < len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        found.append(marker)
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            break
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        pos += 2 + length
    return found


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png_header_only(width: int, height: int) -> bytes:
    """A small file whose IHDR announces width×height 1-bit pixels (a decompression bomb's header)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def phone_photo() -> bytes:
    """A 4032×3024 camera JPEG of several MB, stored sideways with EXIF orientation 6 and a red corner."""
    base = noise((504, 378)).resize((4032, 3024), Image.Resampling.BICUBIC)
    base.paste(RED, (0, 0, 600, 600))  # top-left of the stored pixels
    base.paste(GREEN, (0, 3024 - 600, 600, 3024))  # bottom-left of the stored pixels
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    exif[0x010F] = "TestPhone"
    exif[0x8825] = {1: "N", 2: (37.0, 52.0, 0.0)}  # GPS position
    data = jpeg(base, quality=92, exif=exif.tobytes())
    assert len(data) > 2_500_000
    return data


def test_big_rotated_phone_photo_is_stored_upright_and_under_1_mb(phone_photo):
    result = normalise_image(phone_photo)
    assert len(result.data) < MAX_STORED_BYTES
    stored = Image.open(io.BytesIO(result.data))
    assert stored.format == "JPEG"
    assert (result.width, result.height) == stored.size
    assert stored.height > stored.width  # 4032×3024 sideways → portrait orientation
    assert max(stored.size) <= images.MAX_SIDE
    # Rotating 90° clockwise moves the stored top-left corner to the top-right, the bottom-left to the top-left.
    rgb = stored.convert("RGB")
    assert is_colour(rgb.getpixel((stored.width - 30, 30)), RED)
    assert is_colour(rgb.getpixel((30, 30)), GREEN)
    assert not stored.getexif()
    assert result.sha256 == hashlib.sha256(result.data).hexdigest()


def test_all_metadata_is_stripped():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    exif = Image.Exif()
    exif[0x010F] = "Maker"
    exif[0x0112] = 1
    source = jpeg(noise((400, 300)), exif=exif.tobytes(), icc_profile=profile, comment=b"secret comment")
    xmp = b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>secret</x:xmpmeta>"
    source = source[:2] + b"\xff\xe1" + struct.pack(">H", len(xmp) + 2) + xmp + source[2:]
    assert {0xE1, 0xE2, 0xFE} <= set(markers(source))
    result = normalise_image(source)
    found = markers(result.data)
    assert not {0xE1, 0xE2, 0xFE} & set(found)  # no EXIF/XMP (APP1), ICC (APP2), comment (COM)
    assert all(m == 0xE0 or not 0xE0 <= m <= 0xEF for m in found)  # only the JFIF APP0
    assert b"secret" not in result.data and b"Maker" not in result.data
    assert "icc_profile" not in Image.open(io.BytesIO(result.data)).info


def test_rgba_png_becomes_jpeg_on_white():
    image = Image.new("RGBA", (300, 200), (0, 0, 0, 0))
    image.paste((0, 0, 255, 255), (0, 0, 100, 200))
    result = normalise_image(png(image))
    stored = Image.open(io.BytesIO(result.data))
    assert stored.format == "JPEG" and stored.mode == "RGB"
    assert all(v > 245 for v in stored.getpixel((250, 100)))  # transparent → white, not black
    assert stored.getpixel((50, 100))[2] > 200


@pytest.mark.parametrize("mode", ["P", "LA", "L", "CMYK", "I;16"])
def test_other_modes_become_rgb(mode):
    if mode == "P":
        image = Image.new("P", (120, 80), 0)  # index 0 (black) transparent, index 1 red on the right
        image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
        image.paste(1, (60, 0, 120, 80))
        data = png(image, transparency=0)
    elif mode == "CMYK":
        data = jpeg(Image.new("CMYK", (120, 80), (0, 255, 255, 0)))
    else:
        data = png(Image.new(mode, (120, 80), 128 if mode != "LA" else (128, 255)))
    stored = Image.open(io.BytesIO(normalise_image(data).data))
    assert stored.mode == "RGB" and stored.size == (120, 80)
    if mode == "P":
        assert all(v > 245 for v in stored.getpixel((10, 10)))  # transparent black → white
        r, g, b = stored.getpixel((100, 10))
        assert r > 200 and g < 60 and b < 60
    if mode == "CMYK":
        r, g, b = stored.getpixel((10, 10))
        assert r > 200 and g < 80 and b < 80


def test_noise_that_does_not_compress_still_ends_under_1_mb():
    data = png(noise((2000, 2000)))
    assert len(data) > 10_000_000
    result = normalise_image(data)
    assert len(result.data) < MAX_STORED_BYTES
    # Quality alone is not enough for noise: the size was reduced too, and the reported size follows it.
    assert Image.open(io.BytesIO(result.data)).size == (result.width, result.height)


def test_big_png_is_downscaled():
    result = normalise_image(png(Image.new("RGB", (5000, 2500), (10, 120, 30))))
    assert (result.width, result.height) == (2000, 1000)


def test_portrait_is_exactly_295_by_413(phone_photo):
    result = normalise_image(phone_photo, portrait=True)
    assert (result.width, result.height) == (295, 413)
    assert Image.open(io.BytesIO(result.data)).size == (295, 413)


def test_portrait_is_a_centre_crop():
    image = Image.new("RGB", (1200, 600), (255, 255, 255))
    image.paste((0, 0, 0), (550, 250, 650, 350))  # a black square in the centre
    stored = Image.open(io.BytesIO(normalise_image(png(image), portrait=True).data))
    assert stored.size == (295, 413)
    assert max(stored.getpixel((147, 206))) < 40
    assert min(stored.getpixel((5, 5))) > 230


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "文件为空，请重新选择图片"),
        ("这不是图片，只是改了扩展名的文本文件\n".encode() * 20, "文件内容不是图片，仅支持JPG、PNG格式的图片"),
        (b"GIF89a" + b"\x00" * 100, "仅支持JPG、PNG格式的图片，该文件为GIF格式"),
        (b"%PDF-1.7\n" + b"\x00" * 100, "仅支持JPG、PNG格式的图片，该文件为PDF格式"),
        (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 100,
         "暂不支持HEIC格式（苹果手机默认格式），请在相机设置中选择“兼容性最佳”或截图后上传"),
    ],
)
def test_refusals_with_their_own_message(data, message):
    with pytest.raises(ImageError) as exc:
        normalise_image(data)
    assert exc.value.message == message


@pytest.mark.parametrize(("fmt", "name"), [("GIF", "GIF"), ("WEBP", "WebP"), ("BMP", "BMP"), ("TIFF", "TIFF")])
def test_real_images_of_other_formats_are_refused(fmt, name):
    out = io.BytesIO()
    Image.new("RGB", (50, 50), RED).save(out, fmt)
    with pytest.raises(ImageError) as exc:
        normalise_image(out.getvalue())
    assert exc.value.message == f"仅支持JPG、PNG格式的图片，该文件为{name}格式"


def test_truncated_jpeg_is_corrupt():
    data = jpeg(noise((800, 600)), quality=90)
    with pytest.raises(ImageError) as exc:
        normalise_image(data[: len(data) // 2])
    assert exc.value.message == "图片文件已损坏，请重新拍摄或选择"


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xd8\xff\xe0" + b"\x00" * 50,  # JPEG magic, nothing behind it
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 50,  # PNG magic, no chunks
    ],
)
def test_magic_bytes_alone_are_corrupt(data):
    with pytest.raises(ImageError) as exc:
        normalise_image(data)
    assert exc.value.message == images.CORRUPT


def test_png_with_broken_pixel_data_is_corrupt():
    data = bytearray(png(noise((200, 200))))
    idat = data.index(b"IDAT")
    data[idat + 100 : idat + 200] = b"\x00" * 100  # CRC mismatch / broken deflate stream
    with pytest.raises(ImageError) as exc:
        normalise_image(bytes(data))
    assert exc.value.message == images.CORRUPT


@pytest.mark.parametrize("size", [(20000, 20000), (8000, 6000), (100000, 1000)])
def test_decompression_bombs_are_refused_from_the_header(size):
    data = png_header_only(*size)
    assert len(data) < 200
    with pytest.raises(ImageError) as exc:
        normalise_image(data)
    assert exc.value.message == "图片尺寸过大（像素过多），请压缩或截图后重新上传"


def test_uploads_over_15_mb_are_refused():
    data = b"\xff\xd8\xff" + b"\x00" * (15 * 1024 * 1024)
    with pytest.raises(ImageError) as exc:
        normalise_image(data)
    assert exc.value.message == "图片不能超过15MB"


def test_image_error_is_a_value_error_with_message():
    error = ImageError("文件为空")
    assert isinstance(error, ValueError) and error.message == "文件为空" and str(error) == "文件为空"
