"""Placeholders: the marks that speech templates and anonymised copies put where numbers and names were.

Every variant (`****`, `**.*`, `xx.x`, `5**`, `***电子集团`, `□□项`, `○○亿元`, `到～年底`) becomes one canonical
mask, `××`, so the drafts of one speech compare equal and the `placeholders` column can count what was
hidden.

Some sites also print `xxx` for the character 习, a censorship artefact that is not a placeholder:
`restore_censored` puts 习 back from a small table before `mask_placeholders` runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cleaner.documents import Edit

STEP = "placeholders"
MASK = "××"  # two U+00D7 MULTIPLICATION SIGN

MARKS = "*＊×xX□○"
# Marks that are also symbols or numerals: a lone `□` or `○` beside a space or a line's end is a box to
# tick or a bullet (`□ 同意`, `○ 加强…`), and `○` beside a Chinese numeral is its zero (`二○一○年`).
_SYMBOL_MARKS = "□○"
_CHINESE_NUMERALS = "〇○零一二三四五六七八九十"
# What follows a masked count: `***人`, `****万元`, `**%`. Years and dates are not counts.
COUNT_UNITS = "人名个位项次件家所套条则台户元万亿千百%‰"
DATE_UNITS = "年月日"


@dataclass(frozen=True)
class CensoredWord:
    """A word whose 习 some sites print as `xxx` (either case); `censored` spells it with a literal `xxx`."""

    censored: str
    restored: str


# The documented table of censorship artefacts. Each entry needs a test; keep it to forms that cannot be
# a masked name or count once the context check below has passed.
CENSORED_WORDS: tuple[CensoredWord, ...] = (
    CensoredWord("学xxxxxx近平", "学习习近平"),
    CensoredWord("学xxx", "学习"),
    CensoredWord("xxx近平", "习近平"),
)


def _censored_pattern(word: CensoredWord) -> str:
    pattern = re.escape(word.censored).replace("xxx", "[xX]{3}")
    if word.censored.startswith("xxx"):
        pattern = "(?<![xX])" + pattern
    if word.censored.endswith("xxx"):
        pattern += "(?![xX])"
    return pattern


# "组织学xxx省委", "xxx近平同志": longest entry first, so 学xxxxxx近平 is not read as 学xxx + xxx近平.
_CENSORED = re.compile(
    "|".join(_censored_pattern(w) for w in sorted(CENSORED_WORDS, key=lambda w: -len(w.censored)))
)
_CENSORED_BY_FORM = {w.censored: w for w in CENSORED_WORDS}

# "3×4", "1.5*2": digits joined by single marks are a product, not a mask.
_PRODUCT = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[*＊×xX][0-9]+(?:\.[0-9]+)?)+")
# What gets masked, either
# - a run of marks, digits and decimal points: "****", "**.*", "xx.x", "5**", "□□", "3×4"; or
# - "到～年底", "～年，全市": a lone ～ before 年 stands for the year; "3～5年" is a range.
# That is `[0-9*＊×xX□○]+(?:\.[0-9*＊×xX□○]+)*|(?<![0-9*＊×xX□○.])～(?=年)`, written to start with one character
# class (which `re` scans for fast; it tries a leading `+` or an alternation at every position): after the
# first character, `(?<=～)` and `(?<!～)` pick the alternative that character began.
_PLACEHOLDER = re.compile(
    r"[0-9*＊×xX□○～]"
    r"(?:(?<=～)(?<![0-9*＊×xX□○.]～)(?=年)"
    r"|(?<!～)[0-9*＊×xX□○]*(?:\.[0-9*＊×xX□○]+)*)"
)
# "https://x.com/a", "www.xxx.cn", "xx@qq.com", "xxx.com.cn": an x inside an address is a letter.
_ADDRESS = re.compile(
    r"(?:https?://|www\.)[!-~]+"
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+"
    r"|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|cn|net|org|gov|edu|info)\b"
)
# Every address holds one of these. `in` finds them far faster than `re` scans for `_ADDRESS`, which starts
# with alternatives and so is tried at every position.
_ADDRESS_PARTS = ("://", "www.", "@", ".com", ".cn", ".net", ".org", ".gov", ".edu", ".info")
# "> **中共中央办公厅印发《…》**": Markdown bold opened after a space, a line start or a quote marker.
# `(?<![^\s>]\*\*)` after the opening `**` is `(?<![^\s>])` before it, but the pattern starts with a literal.
_EMPHASIS = re.compile(r"\*\*(?<![^\s>]\*\*)(?=[^\s*])[^*\n]*?[^\s*]\*\*(?!\*)")
# "X光", "X射线", "x轴": a lone x here is the Latin letter of a term.
_LETTER_TERMS = ("光", "射线", "轴")
# The canonical mask standing alone: "××", not the "×" of "3×4" nor a longer run "×××". `(?<!×××)` after
# the mask is `(?<!×)` before it, but the pattern starts with a literal, which `re` scans for fast.
_CANONICAL = re.compile(r"××(?<!×××)(?!×)")


def restore_censored(text: str) -> tuple[str, list[Edit]]:
    """Restore 习 where a site printed `xxx` for it, from the table `CENSORED_WORDS`.

    The restored word must fit its context: an `xxx` followed by a count unit, a digit or a mark is a masked
    count and stays for `mask_placeholders`.

    >>> restore_censored("组织学xxx省委关于人才工作的方针")[0]
    '组织学习省委关于人才工作的方针'
    >>> restore_censored("留学xxx人")[0]
    '留学xxx人'
    """
    # Every entry holds an x. Most texts have none, and `in` finds that far faster than `_CENSORED` (which
    # starts with alternatives, so `re` tries it at every position).
    if "x" not in text and "X" not in text:
        return text, []
    edits: list[Edit] = []

    def restore(match: re.Match[str]) -> str:
        censored = match[0]
        word = _CENSORED_BY_FORM[censored.lower()]
        following = text[match.end() : match.end() + 1]
        if (
            word.censored.endswith("xxx")
            and following
            and following in COUNT_UNITS + DATE_UNITS + MARKS + "0123456789."
        ):
            return censored
        context = text[max(0, match.start() - 2) : match.end() + 2]
        edits.append(
            Edit(
                step=STEP,
                rule="censorship_restore",
                before=censored,
                after=word.restored,
                note=f"习 printed as xxx: {context}",
            )
        )
        return word.restored

    return _CENSORED.sub(restore, text), edits


def mask_placeholders(text: str) -> tuple[str, list[Edit]]:
    """Replace every mark standing for a number, a name or a year by the canonical mask `××`.

    A partly masked number is masked whole. Products (`3×4`), Latin words and addresses containing x,
    Markdown bold and `XX` inside Latin text are left alone, and so is `××` itself.

    >>> mask_placeholders("全市共有人员**.*万名，每万人口的人才数达到5**人，到～年底")[0]
    '全市共有人员××万名，每万人口的人才数达到××人，到××年底'
    """
    return _mask(text, MARKS + "～")


def mask_squares_and_circles(text: str) -> tuple[str, list[Edit]]:
    """`mask_placeholders` for the masks written with `□` or `○` (`□□项`, `○○○○年`) alone, run before the
    line steps: to them `○` is a Chinese zero (`二○一○年` is a date line) and `□` a bullet, so they would
    read the same line apart before it is masked and together after. The other masks wait for the hard
    wraps to be rejoined (`学x` / `xx`).

    >>> mask_squares_and_circles("提出了□□项重大举措，全市**人")[0]
    '提出了××项重大举措，全市**人'
    """
    if not any(mark in text for mark in _SYMBOL_MARKS):
        return text, []
    return _mask(text, _SYMBOL_MARKS)


def _mask(text: str, marks: str) -> tuple[str, list[Edit]]:
    """Mask the placeholders that hold one of `marks`."""
    # Found only once a run would otherwise be masked: most texts have none, and `_ADDRESS` is slow to scan.
    protected: list[tuple[int, int]] | None = None
    edits: list[Edit] = []

    def mask(match: re.Match[str]) -> str:
        nonlocal protected
        found = match[0]
        if not any(c in marks for c in found):
            return found
        if found == "～":
            edits.append(
                Edit(
                    step=STEP,
                    rule="placeholder_mask",
                    before="～年",
                    after=MASK + "年",
                    note="～ stands for a year",
                )
            )
            return MASK
        start, end = match.span()
        # Both tests only read the original text, so their order changes nothing.
        if not _stands_for_something(text, start, end):
            return found
        if protected is None:
            protected = _protected_spans(text)
        if any(start < stop and begin < end for begin, stop in protected):
            return found
        edits.append(
            Edit(
                step=STEP,
                rule="placeholder_mask",
                before=found,
                after=MASK,
                note=_what_it_stands_for(found),
            )
        )
        return MASK

    return _PLACEHOLDER.sub(mask, text), edits


def count_masks(text: str) -> int:
    """The number of canonical masks in `text`, its `placeholders` column.

    >>> count_masks("到××年，高层次人才达××人；3×4")
    2
    """
    return len(_CANONICAL.findall(text))


def _protected_spans(text: str) -> list[tuple[int, int]]:
    """Where marks are never masked: addresses, and the `**` of Markdown bold."""
    protected = []
    if any(map(text.__contains__, _ADDRESS_PARTS)):
        protected += [m.span() for m in _ADDRESS.finditer(text)]
    for m in _EMPHASIS.finditer(text):
        protected += [(m.start(), m.start() + 2), (m.end() - 2, m.end())]
    return protected


def _stands_for_something(text: str, start: int, end: int) -> bool:
    """Whether the run of marks and digits text[start:end] is a placeholder to mask."""
    run = text[start:end]
    if run == MASK or not any(c in MARKS for c in run):
        return False
    if _is_latin(text[start - 1 : start]) or _is_latin(text[end : end + 1]):
        return False
    if any(c in _SYMBOL_MARKS for c in run) and _is_symbol_or_numeral(text, start, end):
        return False
    if _PRODUCT.fullmatch(run) or (len(run) == 1 and _spaced_product(text, start, end)):
        return False
    if any(c in "xX" for c in run):
        if len(run) == 1 and text.startswith(_LETTER_TERMS, end):
            return False
        left, right = _context(text, start, -1), _context(text, end, 1)
        if "latin" in (left, right) and "cjk" not in (left, right):
            return False
    return True


def _is_symbol_or_numeral(text: str, start: int, end: int) -> bool:
    """Whether the run text[start:end], which holds a `□` or `○`, is a symbol or a number rather than a
    mask: a lone mark beside a space or a line's end (`□ 同意`, `○加强…`), or `○` beside a Chinese numeral
    (`二○一○年`, `一○○`)."""
    before, after = text[start - 1 : start], text[end : end + 1]
    if end - start == 1 and (not before.strip() or not after.strip()):
        return True
    return "○" in text[start:end] and any(c and c in _CHINESE_NUMERALS for c in (before, after))


def _spaced_product(text: str, start: int, end: int) -> bool:
    """`3 × 4`: a lone mark between numbers (or masks, so that masking a neighbour changes nothing)."""
    return all(
        c and c in "0123456789" + MARKS for c in (_neighbour(text, start, -1), _neighbour(text, end, 1))
    )


def _neighbour(text: str, position: int, step: int) -> str:
    """The nearest character from `position` in direction `step` that is not a space, or ""."""
    index = position if step > 0 else position - 1
    while 0 <= index < len(text) and text[index].isspace():
        index += step
    return text[index] if 0 <= index < len(text) else ""


def _context(text: str, position: int, step: int) -> str | None:
    """The script of the nearest word character from `position` in direction `step`: latin, cjk or None.

    Spaces, ASCII punctuation, digits and marks are skipped, so masking a neighbour never changes the answer.
    """
    index = position if step > 0 else position - 1
    while 0 <= index < len(text):
        char = text[index]
        if char.isascii() and char.isalpha() and char not in "xX":
            return "latin"
        if not char.isascii() and char not in MARKS and not char.isspace():
            return "cjk"
        index += step
    return None


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalpha()


def _what_it_stands_for(run: str) -> str:
    if any(c in "0123456789" for c in run):
        return "partly masked number, masked whole"
    if "." in run:
        return "masked decimal number"
    return "run of placeholder marks"
