"""Reading legacy archive exports: .xlsx or .csv (UTF-8 with/without BOM, or GBK), English or Chinese headers.

The reader only turns a file into (line number, {column key: text}) pairs; what the values mean is decided
by shared_models.archive with the shared rules. Spreadsheet cells are turned into the text the rules expect
(dates as ISO strings, whole numbers without ".0").
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from shared_models.rules.wizard import FIELDS

# The account columns. Profile columns are the field keys of the spec (and their Chinese labels).
ACCOUNT_ALIASES: dict[str, tuple[str, ...]] = {
    "id_type": ("证件类型", "有效身份证件类型", "身份证件类型"),
    "id_number": ("证件号码", "身份证号", "身份证号码", "账号"),
    "name": ("姓名",),
    "email": ("电子邮箱", "邮箱", "电子邮件"),
    "phone": ("联系电话", "手机号", "手机号码", "电话"),
    "password_hash": ("密码", "密码摘要", "原密码", "登录密码"),
}
REQUIRED_COLUMNS = ("id_number", "name")
# The wizard steps whose answers an archive may carry (not the commitment, photos, uploads or submission).
PROFILE_STEPS = ("basics", "qualification", "education", "employer", "certificates")
ACCOUNT_FIELDS_IN_BASICS = frozenset({"name", "id_type", "id_number", "email", "phone"})


class ArchiveFormatError(ValueError):
    """The file cannot be read as an archive export (type, encoding, missing columns); `message` is Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class ArchiveFile:
    """Data rows with their line numbers in the file (the header is line 1) and the columns not understood."""

    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def profile_keys() -> dict[str, str]:
    """field key -> step, for every importable profile field."""
    out: dict[str, str] = {}
    for step in PROFILE_STEPS:
        for spec in FIELDS.get(step, ()):
            if spec.key not in ACCOUNT_FIELDS_IN_BASICS:
                out.setdefault(spec.key, step)
    return out


def header_map() -> dict[str, str]:
    """Every accepted header (key, Chinese label, alias; compared without spaces) -> column key."""
    mapping: dict[str, str] = {}
    label_counts: dict[str, int] = {}
    specs = [s for step in PROFILE_STEPS for s in FIELDS.get(step, ()) if s.key not in ACCOUNT_FIELDS_IN_BASICS]
    for spec in specs:
        label_counts[spec.label] = label_counts.get(spec.label, 0) + 1
    for spec in specs:
        mapping[spec.key.lower()] = spec.key
        if spec.message_label:
            mapping[_norm(spec.message_label)] = spec.key
        if label_counts[spec.label] == 1:  # 学历/学位 exist twice (全日制/非全日制): only the long names
            mapping.setdefault(_norm(spec.label), spec.key)
    for key, aliases in ACCOUNT_ALIASES.items():
        mapping[key] = key
        for alias in aliases:
            mapping[_norm(alias)] = key
    return mapping


def _norm(header: str) -> str:
    return re.sub(r"[\s*＊:：()（）]", "", header).lower()


def read_archive(path: str | Path) -> ArchiveFile:
    """Read an .xlsx or .csv export; raise ArchiveFormatError when it cannot be an archive file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        records = _csv_records(path.read_bytes())
    elif suffix == ".xlsx":
        records = _xlsx_records(path)
    else:
        raise ArchiveFormatError("仅支持 .xlsx 和 .csv 格式的档案文件")
    return _assemble(records)


def _assemble(records: Iterable[tuple[int, list[str]]]) -> ArchiveFile:
    iterator = iter(records)
    try:
        _, header = next(iterator)
    except StopIteration:
        raise ArchiveFormatError("文件为空，没有表头") from None
    known = header_map()
    keys = [known.get(_norm(h)) if h.strip() else None for h in header]
    out = ArchiveFile(columns=[k for k in keys if k])
    out.ignored_columns = [h.strip() for h, k in zip(header, keys, strict=True) if h.strip() and k is None]
    missing = [ACCOUNT_ALIASES[c][0] for c in REQUIRED_COLUMNS if c not in out.columns]
    if missing:
        raise ArchiveFormatError("缺少必需的列：" + "、".join(missing))
    for line, cells in iterator:
        if not any(c.strip() for c in cells):
            continue  # blank lines (and trailing empty spreadsheet rows) are not records
        row = {k: (cells[i].strip() if i < len(cells) else "") for i, k in enumerate(keys) if k}
        out.rows.append((line, row))
    return out


def _csv_records(data: bytes) -> Iterable[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")  # a superset of GBK and GB2312: what older systems export
        except UnicodeDecodeError:
            raise ArchiveFormatError("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    for cells in reader:
        yield start, cells
        start = reader.line_num + 1


def _xlsx_records(path: Path) -> Iterable[tuple[int, list[str]]]:
    from openpyxl import load_workbook  # only needed for spreadsheets

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types (zipfile, KeyError, InvalidFileException)
        raise ArchiveFormatError("无法读取 Excel 文件，请确认是 .xlsx 格式且未加密") from exc
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [cell_text(v) for v in values]
    finally:
        workbook.close()


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
