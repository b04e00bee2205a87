"""HTML page -> document: the main text by trafilatura, title and metadata where the page states them."""

from __future__ import annotations

import lxml.html
import trafilatura

from cleaner.documents import Document
from cleaner.ingest.metadata import normalize_date


def html_to_document(html: str, *, id: str, source_file: str) -> Document:
    """Extract the body text of a page; scripts, styles and navigation are dropped.

    trafilatura guesses a date even from a copyright year (`© 2020` -> `2020-01-01`), so its date is kept
    only when the page itself contains that date.
    """
    extracted = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=True, deduplicate=False
    )
    if extracted is not None and extracted.text:
        date = normalize_date(extracted.date)
        if date and not _page_states(html, date):
            date = None
        return Document(
            id=id,
            text=extracted.text,
            source_file=source_file,
            title=extracted.title or None,
            date=date,
            url=extracted.url or None,
            source=extracted.sitename or None,
            authors=[a.strip() for a in (extracted.author or "").split(";") if a.strip()],
            tags=[*extracted.categories, *extracted.tags],
        )
    return Document(id=id, text=_body_text(html), source_file=source_file)


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
