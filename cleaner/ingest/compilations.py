"""Split a compilation (several documents pasted into one file under `第X篇：` headings) into parts."""

from __future__ import annotations

import re
from dataclasses import dataclass

# " 第一篇：在市人才工作宣传小组第一次工作会议上的讲话", "第五篇:国家中长期人才发展规划纲要(2024-2024年)"
_PART_HEADING = re.compile(
    r"^[ \t\u3000]*第[一二三四五六七八九十百零〇两\d]+篇[ \t]*[：:][ \t\u3000]*(.*?)\s*$", re.M
)


@dataclass(frozen=True)
class Part:
    position: int  # 1-based k
    title: str | None
    text: str


def split_parts(text: str) -> list[Part] | None:
    """Return the parts of a compilation, or None when the text has no part heading.

    Non-empty text before the first heading is a part of its own, with no title. The heading line is not
    part of the text: its title after the `第X篇：` label goes to the part's `title`.
    """
    headings = list(_PART_HEADING.finditer(text))
    if not headings:
        return None
    chunks: list[tuple[str | None, str]] = []
    preamble = text[: headings[0].start()]
    if preamble.strip():
        chunks.append((None, preamble))
    for heading, following in zip(headings, [*headings[1:], None], strict=True):
        end = following.start() if following else len(text)
        chunks.append((heading.group(1) or None, text[heading.end() : end]))
    return [Part(position=k, title=title, text=body.strip("\n")) for k, (title, body) in enumerate(chunks, 1)]
