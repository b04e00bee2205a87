"""Metadata from front matter, jsonl/parquet rows and HTML -> Document columns."""

from __future__ import annotations

import datetime as dt
import re

# Issuing bodies, as opposed to people: "中共中央办公厅", "国务院", "东莞市人民政府", "人事教育局".
_ORGANISATION = re.compile(
    r"(?:中央|国务院|办公厅|办公室|委员会|人民政府|政府|部|委|局|厅|院|署|会|社|报|所|中心|处)$"
)

# "2012-09-26", "2012/9/26", "2012.9.26", "2012年9月26日", "2012-09-26T08:00:00"
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def normalize_date(value: object) -> str | None:
    """`datetime.date(2012, 9, 26)`, `"2012年9月26日"` -> `"2012-09-26"`; anything else -> None."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    match = _DATE.search(value)
    if match is None:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups())).isoformat()
    except ValueError:
        return None


def as_strings(value: object) -> list[str]:
    """A YAML scalar or list -> a list of non-empty strings, order kept, repeats dropped."""
    items = value if isinstance(value, list) else [value]
    strings = [str(item).strip() for item in items if item is not None and not isinstance(item, (dict, list))]
    return list(dict.fromkeys(s for s in strings if s))


def as_string(value: object) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value).strip() or None


def columns_from_metadata(metadata: dict) -> dict:
    """Map the keys scrapers use to our columns; keys we do not model are returned under `unused`.

    `{"link": "https://…", "categories": ["规范性文件"], "tags": ["党建"], "authors": ["中共中央办公厅"]}`
    -> url, tags `["规范性文件", "党建"]`, authors, and publisher `中共中央办公厅` (authors that are all
    organisations are the issuing body).
    """
    columns: dict = {}
    used = set()

    def take(*keys: str) -> object:
        for key in keys:
            if metadata.get(key) not in (None, "", []):
                used.add(key)
                return metadata[key]
        return None

    columns["title"] = as_string(take("title", "标题"))
    columns["date"] = normalize_date(take("date", "发布日期", "成文日期", "publication_date", "published"))
    columns["url"] = as_string(take("url", "link", "source_url"))
    columns["source"] = as_string(take("source", "site", "来源"))
    columns["doc_number"] = as_string(take("doc_number", "发文字号", "文号"))
    columns["authors"] = as_strings(take("authors", "author", "作者"))
    columns["tags"] = as_strings(
        [
            *as_strings(take("categories", "category", "主题分类")),
            *as_strings(take("tags", "keywords", "主题词")),
        ]
    )
    publisher = as_string(take("publisher", "issuer", "发文机关"))
    if publisher is None and columns["authors"] and all(_ORGANISATION.search(a) for a in columns["authors"]):
        publisher = "、".join(columns["authors"])
    columns["publisher"] = publisher
    unused = {key: value for key, value in metadata.items() if key not in used}
    return {key: value for key, value in columns.items() if value not in (None, [])} | {"unused": unused}
