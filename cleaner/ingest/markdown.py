"""YAML front matter and Markdown syntax -> metadata and plain text, content kept."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

# `---` on the first line, the YAML, then `---` or `...` on a line of its own.
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


@dataclass
class FrontMatter:
    metadata: dict = field(default_factory=dict)
    body: str = ""
    error: str | None = None


def has_front_matter(text: str) -> bool:
    return _FRONT_MATTER.match(text) is not None


def split_front_matter(text: str) -> FrontMatter:
    """Parse the front matter with `yaml.safe_load` only: raw files are hostile.

    A block that is not valid YAML, or not a mapping, is reported in `error`; the body is kept.
    """
    match = _FRONT_MATTER.match(text)
    if match is None:
        return FrontMatter(body=text)
    body = text[match.end() :]
    try:
        metadata = yaml.safe_load(match.group(1))
    except yaml.YAMLError as error:
        return FrontMatter(body=body, error=f"front matter is not valid YAML: {' '.join(str(error).split())}")
    if metadata is None:
        return FrontMatter(body=body)
    if not isinstance(metadata, dict):
        return FrontMatter(body=body, error=f"front matter is a {type(metadata).__name__}, not a mapping")
    return FrontMatter(metadata=metadata, body=body)


# Line-level Markdown, each with an example it matches.
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$")  # "### 一、充分认识…"
_CALLOUT = re.compile(r"^\[!\w+\][+-]?\s*")  # "[!NOTE] 相关通知" once the "> " is gone
_QUOTE = re.compile(r"^\s{0,3}>\s?")  # "> （中办发〔2012〕22号 2012年9月26日）"
_RULE = re.compile(r"^\s{0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$")  # "---", "* * *"
_BULLET = re.compile(r"^(\s*)[-+*]\s+(?=\S)")  # "- 党建", not "****" (no space after the first *)
# Inline, content kept: "**中共中央办公厅印发…**", "__强调__"; never masks such as "****年引进5**人" or
# "**.*万人": the markers may not touch another "*", and a mask's "**" follows a digit.
_STRONG = re.compile(r"(?<![*_\d])(\*\*|__)(?=[^\s*_.])([^*_\n]+?)(?<=[^\s*_\d.])\1(?![*_])")
_IMAGE = re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)")  # "![图1](a.png)"
_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)")  # "[全文](https://…)"
_CODE = re.compile(r"`([^`\n]+)`")


def markdown_to_text(markdown: str) -> str:
    """Drop Markdown syntax, keep every word of content.

    `### 一、充分认识…` -> `一、充分认识…`; `> [!NOTE] 相关通知` -> `相关通知`;
    `> **中共中央办公厅印发…**` -> `中共中央办公厅印发…`; `---` -> (removed).
    """
    lines = []
    for line in markdown.splitlines():
        while _QUOTE.match(line):
            line = _QUOTE.sub("", line, count=1)
        line = _CALLOUT.sub("", line)
        if _RULE.match(line):
            continue
        heading = _HEADING.match(line)
        if heading:
            line = heading.group(1)
        line = _BULLET.sub(r"\1", line)
        line = _IMAGE.sub(r"\1", line)
        line = _LINK.sub(r"\1", line)
        line = _CODE.sub(r"\1", line)
        line = _STRONG.sub(r"\2", line)
        lines.append(line)
    return "\n".join(lines)
