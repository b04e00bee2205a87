"""HTML page -> document: the main text by trafilatura, title and metadata where the page states them."""

from __future__ import annotations

import re

import lxml.html

from cleaner.documents import Document
from cleaner.ingest.metadata import normalize_date


def html_to_document(html: str, *, id: str, source_file: str) -> Document:
    """Extract the body text of a page; scripts, styles and navigation are dropped.

    trafilatura guesses a date even from a copyright year (`© 2020` -> `2020-01-01`), so its date is kept
    only when the page itself contains that date.
    """
    import trafilatura  # here, not at the top: 0.15 s of imports that a corpus without HTML never needs

    extracted = trafilatura.bare_extraction(
        _untangle_tables(html),
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
    )
    if extracted is not None and extracted.text:
        date = normalize_date(extracted.date)
        if date and not _page_states(html, date):
            date = None
        return Document(
            id=id,
            text=extracted.text,
            source_file=source_file,
            title=_without_site_name(extracted.title),
            date=date,
            url=extracted.url or None,
            source=extracted.sitename or None,
            authors=[a.strip() for a in (extracted.author or "").split(";") if a.strip()],
            tags=[*extracted.categories, *extracted.tags],
        )
    return Document(id=id, text=_body_text(html), source_file=source_file)


# A metadata key cell: "索 引 号：", "发文机关:", "标　　题：".
_KEY_CELL = re.compile(r"[^：:]{1,8}[：:]")
# Cells with these inside hold page blocks, not data: the table is there for layout.
_BLOCKS = {
    "p",
    "div",
    "table",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "section",
    "article",
}
# "国务院关于…的决定_中国政府网", "标题 - 人民网", "标题|新华网": the page title ends with the site's name.
_SITE_SUFFIX = re.compile(r"^(?P<title>.{5,}?)\s*(?:_|\||\s[-–]\s)\s*[^_|]{1,20}$")


def _untangle_tables(html: str) -> str:
    """Rewrite the tables trafilatura would misread, innermost first.

    A key/value table (a government page's metadata block) becomes one `<p>key：value</p>` per pair, so the
    furniture step can read it; a layout table becomes plain blocks, so the body's paragraphs are not glued
    into one cell with the navigation. Data tables (numbers in cells) are left as tables.
    """
    try:
        root = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return html
    for table in reversed(list(root.iter("table"))):
        cells = list(table.iter("td", "th"))
        if sum(1 for cell in cells if _KEY_CELL.fullmatch(_squeezed(cell))) >= 2:
            table.getparent().replace(table, _key_value_block(table))
        elif _is_layout(table, cells):
            for element in (table, *table.iter("thead", "tbody", "tfoot", "tr", "td", "th")):
                element.tag = "div"
    return lxml.html.tostring(root, encoding="unicode")


def _squeezed(element) -> str:
    return "".join(element.text_content().split())


def _is_layout(table, cells) -> bool:
    one_column = all(len(row.findall("td")) + len(row.findall("th")) <= 1 for row in table.iter("tr"))
    holds_blocks = any(d.tag in _BLOCKS for cell in cells for d in cell.iterdescendants())
    return one_column or holds_blocks or any(len(_squeezed(cell)) > 100 for cell in cells)


def _key_value_block(table):
    block = lxml.html.Element("div")
    block.tail = table.tail
    for row in table.iter("tr"):
        cells = [cell for cell in row if cell.tag in ("td", "th")]
        position = 0
        while position < len(cells):
            text = _squeezed(cells[position])
            if _KEY_CELL.fullmatch(text) and position + 1 < len(cells):
                text += cells[position + 1].text_content().strip()
                position += 1
            if text:
                lxml.html.etree.SubElement(block, "p").text = text
            position += 1
    return block


def _without_site_name(title: str | None) -> str | None:
    if not title:
        return None
    match = _SITE_SUFFIX.match(title.strip())
    return match.group("title") if match else title.strip()


def _page_states(html: str, date: str) -> bool:
    year, month, day = date.split("-")
    forms = (
        date,
        f"{year}/{month}/{day}",
        f"{year}年{int(month)}月{int(day)}日",
        f"{year}年{month}月{day}日",
    )
    return any(form in html for form in forms)


def _body_text(html: str) -> str:
    """Fallback for pages trafilatura finds no main text in (very short pages): every text node of the body."""
    try:
        root = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return ""
    for element in root.xpath("//script|//style|//noscript|//template"):
        element.drop_tree()
    body = root.find("body")
    return "\n".join(line.strip() for line in (body if body is not None else root).itertext() if line.strip())
