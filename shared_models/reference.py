"""Reference dictionaries loaded once from the data files in shared_models/data/."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
PROVINCE_CODE = "140000"


def load_json(name: str) -> Any:
    with (DATA_DIR / name).open(encoding="utf-8") as fh:
        return json.load(fh)


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str  # province | city | county
    city_code: str  # the city it belongs to (PROVINCE_CODE for the province itself)

    @property
    def picker_label(self) -> str:
        """What the region picker shows: 省直 for the province, 市直 for a city itself."""
        if self.level == "province":
            return "省直"
        if self.level == "city":
            return "市直"
        return self.name


@lru_cache(maxsize=1)
def divisions() -> dict[str, Division]:
    raw = load_json("shanxi_divisions.json")
    out = {PROVINCE_CODE: Division(PROVINCE_CODE, raw["province"]["name"], "province", PROVINCE_CODE)}
    for city in raw["cities"]:
        out[city["code"]] = Division(city["code"], city["name"], "city", city["code"])
        for county in city["counties"]:
            out[county["code"]] = Division(county["code"], county["name"], "county", city["code"])
    return out


def cities() -> list[Division]:
    return [d for d in divisions().values() if d.level == "city"]


def counties_of(city_code: str) -> list[Division]:
    return [d for d in divisions().values() if d.level == "county" and d.city_code == city_code]


def division(code: str | None) -> Division | None:
    return divisions().get(code or "")


def region_full_name(code: str | None) -> str:
    """山西省 / 山西省太原市（市直） / 山西省太原市小店区."""
    d = division(code)
    if d is None:
        return ""
    province = divisions()[PROVINCE_CODE].name
    if d.level == "province":
        return f"{province}（省直）"
    if d.level == "city":
        return f"{province}{d.name}（市直）"
    return f"{province}{divisions()[d.city_code].name}{d.name}"


def in_jurisdiction(region_code: str | None, jurisdiction: str) -> bool:
    """A reviewer of `jurisdiction` sees an application of `region_code` when it lies inside it."""
    target, scope = division(region_code), division(jurisdiction)
    if target is None or scope is None:
        return False
    if scope.level == "province":
        return True
    if scope.level == "city":
        return target.city_code == scope.code
    return target.code == scope.code


@lru_cache(maxsize=1)
def ethnic_groups() -> dict[str, str]:
    """code -> name: the 56 groups of GB/T 3304, then 97 其他 and 98 外国血统中国籍人士."""
    raw = load_json("ethnic_groups.json")
    out = {g["code"]: g["name"] for g in raw["ethnic_groups"]}
    out.update({g["code"]: g["name"] for g in raw["supplementary_codes_not_in_gb3304_1991"]["codes"]})
    return out


@lru_cache(maxsize=1)
def political_statuses() -> dict[str, str]:
    """code -> name (GB/T 4762, 13 codes)."""
    return {p["code"]: p["name"] for p in load_json("political_status.json")["political_status"]}
