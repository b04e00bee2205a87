"""Malformed years: a template or scraper overwrote the years of some documents with one year Y.

The artefact shows as equal-endpoint ranges (`《国家中长期人才发展规划纲要（2024-2024年）》`), which reveal Y
(2024 in the seeds). Planning documents name future years on purpose, so only Y is suspect, and only where
the document's own date is earlier than Y or, for an undated document, where its source file shows the
artefact. Suspect years are repaired from evidence, in this order:

1. `year_range_crossref`: the same title elsewhere in the corpus carries a valid range;
2. `year_signature` / `year_metadata`: the document's own date repairs the same date written with Y;
3. `year_artefact_masked`: anything else becomes the canonical mask `××`, never a guess.

The corpus-wide part is a map + reduce: `collect_year_evidence` over (source_file, text) pairs, `merge` to
combine, then `repair_years` on each document (text first, then its title with the repaired date).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field

from cleaner.clean.placeholders import COUNT_UNITS, MASK
from cleaner.documents import Edit

STEP = "years"

_SPACE = r"[ \t\u3000]"
# "-", "—", "——", "–", "―", "～", "~", "至", "－": what stands between the years of a range.
_DASH = r"(?:——|[-－—–―～~至])"
_YEAR = r"[12１２]\d{3}"
# "2024-2024年", "２０１０－２０２０", "1978 — 2024", "2010至2020". `(?<!\d[12１２])` after the first digit is
# `(?<!\d)` before it, but the pattern starts with a character class, which `re` scans for fast.
_AFTER_FIRST_YEAR = rf"{_SPACE}*({_DASH}){_SPACE}*({_YEAR})(?!\d)(年?)"
_RANGE = re.compile(rf"([12１２](?<!\d[12１２])\d{{3}}){_AFTER_FIRST_YEAR}")
# `_RANGE` once for each digit a year starts with: `re` finds a literal several times faster than a class.
_RANGE_BY_FIRST_DIGIT = tuple(
    re.compile(rf"({digit}(?<!\d{digit})\d{{3}}){_AFTER_FIRST_YEAR}") for digit in "12１２"
)
# "（2024-2024年）", "(２０１０－２０２０年)": a range in brackets, the way titles carry it.
_BRACKETED_RANGE = re.compile(
    rf"[（(]{_SPACE}*(?<!\d)({_YEAR}){_SPACE}*{_DASH}{_SPACE}*({_YEAR})(?!\d){_SPACE}*年?{_SPACE}*[）)]"
)
# "国家中长期人才发展规划纲要" in "《国家中长期人才发展规划纲要（…）》": what a title is made of.
_PHRASE_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9·]")
# "2024年6月4日", "2024-06-04", "2024.6.4": a full date written with Arabic digits. `(?<![\d.]\d)` after
# the first digit is `(?<![\d.])` before it, but the pattern starts with a character class (fast to scan).
_FULL_DATE = re.compile(
    r"(?P<year>\d(?<![\d.]\d)\d{3})(?:年(?P<month>\d{1,2})月(?P<day>\d{1,2})日"
    r"|(?P<sep>[-./])(?P<month2>\d{1,2})(?P=sep)(?P<day2>\d{1,2})(?!\d))"
)
# "2024年", "〔2024〕", "1978-2024年", "创新2024", "2024.6.4": four digits that are not part of a longer
# number or of a decimal ("2024.5").
_LONE_YEAR = re.compile(r"(?<![\d.])(〔?)(\d{4})(?!\d)(?!\.\d(?!\d?\.\d))([年〕]?)")

_CN_DIGITS = {
    c: n
    for n, chars in enumerate(("〇○零OＯ", "一", "二", "三", "四", "五", "六", "七", "八", "九"))
    for c in chars
}
_CN_YEAR = "[0-9〇○零OＯ一二三四五六七八九]{4}"
_CN_SMALL = "(?:[0-9]{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
# "二○一○年六月四日", "（二〇一〇年）", "2010年6月4日": a line that is nothing but a date, as signatures are.
# Searched for in "\n" + text: a pattern that starts with `^` is tried at every position, one that starts
# with a literal is found fast.
_SIGNATURE = re.compile(
    rf"\n{_SPACE}*[（(]?{_SPACE}*(?P<year>{_CN_YEAR})年"
    rf"(?:(?P<month>{_CN_SMALL})月(?:(?P<day>{_CN_SMALL})日)?)?{_SPACE}*[）)]?{_SPACE}*$",
    re.M,
)


@dataclass(frozen=True)
class YearEvidence:
    """What the whole corpus says about years. Build per document with `collect_year_evidence`, then `merge`.

    `artefact_years`: source file -> the years Y its equal-endpoint ranges reveal.
    `ranges`: title or phrase -> the valid ranges it carries somewhere, e.g.
    `{"国家中长期人才发展规划纲要": {(2010, 2020)}}`. Treat both as read-only.
    """

    artefact_years: dict[str, frozenset[int]] = field(default_factory=dict)
    ranges: dict[str, frozenset[tuple[int, int]]] = field(default_factory=dict)

    @property
    def years(self) -> frozenset[int]:
        """Every artefact year seen anywhere in the corpus."""
        return frozenset().union(*self.artefact_years.values())

    def range_for(
        self, phrase: str, *, excluded: Collection[int] = (), min_phrase_chars: int = 6
    ) -> tuple[str, tuple[int, int]] | None:
        """The longest known title that ends `phrase` and has exactly one valid range, with that range.

        A range is valid when its endpoints differ and neither is an artefact year or in `excluded`.
        """
        invalid_years = self.years | set(excluded)
        for start in range(len(phrase) - min_phrase_chars + 1):
            key = phrase[start:]
            valid = {(a, b) for a, b in self.ranges.get(key, ()) if a != b and not {a, b} & invalid_years}
            if len(valid) == 1:
                return key, valid.pop()
            if valid:
                return None
        return None


@dataclass(frozen=True)
class _OwnDate:
    iso: str
    year: int
    month: int | None
    day: int | None
    evidence: str  # "metadata date 2012-09-26", "signature 二○一○年六月四日"
    from_signature: bool


def merge(a: YearEvidence, b: YearEvidence) -> YearEvidence:
    """Combine the evidence of two parts of the corpus (the reduce of the map + reduce)."""
    return YearEvidence(
        artefact_years=_union(a.artefact_years, b.artefact_years),
        ranges=_union(a.ranges, b.ranges),
    )


def _union(a: dict, b: dict) -> dict:
    return {key: a.get(key, frozenset()) | b.get(key, frozenset()) for key in a.keys() | b.keys()}


def find_artefact_years(text: str) -> set[int]:
    """The years Y that equal-endpoint ranges in `text` reveal.

    >>> find_artefact_years("《国家中长期人才发展规划纲要（2024-2024年）》，配置规划（2024—2024年），1978-2024年")
    {2024}
    """
    return _equal_endpoints(_find_ranges(text))


def _find_ranges(text: str) -> Iterator[re.Match[str]]:
    """What `_RANGE.finditer(text)` finds, found faster with `_RANGE_BY_FIRST_DIGIT`.

    A match of `_RANGE` at a position is the match of the pattern for its first character, so the nearest
    match of the four is the next match of `_RANGE`; the search goes on from its end, as `finditer` does.
    """
    nearest = [pattern.search(text) for pattern in _RANGE_BY_FIRST_DIGIT]
    while found := [m for m in nearest if m]:
        match = min(found, key=re.Match.start)
        yield match
        end = match.end()
        nearest = [
            pattern.search(text, end) if m and m.start() < end else m  # lookbehinds see text before `end`
            for pattern, m in zip(_RANGE_BY_FIRST_DIGIT, nearest, strict=True)
        ]


def _equal_endpoints(ranges: Iterable[re.Match[str]]) -> set[int]:
    return {int(m[1]) for m in ranges if int(m[1]) == int(m[3])}


def _bracketed_ranges(text: str, ranges: Iterable[re.Match[str]]) -> Iterator[re.Match[str]]:
    """The matches of `_BRACKETED_RANGE` in `text`, found from the matches `ranges` of `_RANGE`.

    Ranges are rare and `（` is not, so this is much faster than scanning for `[（(]`, and it finds the same:
    the years of a bracketed range and what lies between them are a `_RANGE` match (which cannot reach
    back past the bracket), and a bracketed range holds no other opening bracket, so none hides another.
    """
    for m in ranges:
        bracket = m.start() - 1
        while bracket >= 0 and text[bracket] in " \t\u3000":
            bracket -= 1
        if bracket >= 0 and (found := _BRACKETED_RANGE.match(text, bracket)):
            yield found


def collect_year_evidence(
    docs: Iterable[tuple[str, str]], *, min_phrase_chars: int = 6, max_phrase_chars: int = 40
) -> YearEvidence:
    """Evidence from (source_file, text) pairs: artefact years per file and titles with valid ranges.

    Feed it every text field of the corpus (text and title), one pair or a batch at a time, and `merge`.

    A title is the run of CJK characters, letters and digits just before a bracketed range (a line break
    between them is allowed), at least `min_phrase_chars` and at most `max_phrase_chars` long.

    >>> collect_year_evidence([("002.txt", "就《国家中长期人才发展规划纲要（２０１０－２０２０年）》答记者问")]).ranges
    {'国家中长期人才发展规划纲要': frozenset({(2010, 2020)})}
    """
    artefact_years: dict[str, frozenset[int]] = {}
    ranges: dict[str, frozenset[tuple[int, int]]] = {}
    for source_file, text in docs:
        found = list(_find_ranges(text))
        if years := _equal_endpoints(found):
            artefact_years[source_file] = artefact_years.get(source_file, frozenset()) | years
        for m in _bracketed_ranges(text, found):
            start, end = int(m[1]), int(m[2])
            phrase = _phrase_before(text, m.start(), max_phrase_chars)
            if start < end and len(phrase) >= min_phrase_chars:
                ranges[phrase] = ranges.get(phrase, frozenset()) | {(start, end)}
    return YearEvidence(artefact_years=artefact_years, ranges=ranges)


def document_date(
    text: str, metadata_date: str | None, *, artefact_years: Collection[int] = ()
) -> str | None:
    """The document's own date: its metadata date, else the last dated signature line of the text.

    A date whose year is an artefact year is no evidence. Signatures may use Chinese numerals; a year
    alone counts only in Chinese numerals (a bare `2010年` line is more often a table cell).

    >>> document_date("……不断开创政府人才工作新局面。\\n二○一○年六月四日\\n来源：人力资源和社会保障部 2024年6月4日", None,
    ...               artefact_years={2024})
    '2010-06-04'
    """
    own = _own_date(text, metadata_date, artefact_years)
    return own.iso if own else None


def repair_years(
    text: str,
    *,
    date: str | None,
    source_file: str,
    evidence: YearEvidence,
    min_phrase_chars: int = 6,
    max_phrase_chars: int = 40,
) -> tuple[str, str | None, list[Edit]]:
    """Repair the artefact years of one text field; returns the new text, the new date and the edits.

    Call it on a document's text first, then on its title with the date the first call returned.

    >>> evidence = YearEvidence({"002.txt": frozenset({2024})}, {"国家中长期人才发展规划纲要": frozenset({(2010, 2020)})})
    >>> repair_years("审议《国家中长期人才发展规划纲要（2024-2024年）》。会议指出，2024年是最为困难的一年。",
    ...              date=None, source_file="002.txt", evidence=evidence)[0]
    '审议《国家中长期人才发展规划纲要（2010-2020年）》。会议指出，××年是最为困难的一年。'
    """
    own_artefact_years = find_artefact_years(text)
    shown = evidence.artefact_years.get(source_file, frozenset()) | own_artefact_years
    own = _own_date(text, date, evidence.years | shown)
    suspect = _suspect_years(own, source_file, evidence.years | shown, shown)
    # Crossref repairs a bracketed range only when its endpoints are suspect or equal. Inside its brackets
    # is a `_RANGE` match with the same endpoints, so `find_artefact_years` has seen the equal ones: with no
    # suspect year and none found, there is nothing to repair.
    repaired, crossref_edits = text, []
    if suspect or own_artefact_years:
        repaired, crossref_edits = _repair_ranges_by_crossref(
            text, suspect, evidence, min_phrase_chars=min_phrase_chars, max_phrase_chars=max_phrase_chars
        )
    repaired, own_date_edits = _repair_dates_by_own_date(repaired, own, suspect)
    new_date, date_edits = _repair_date_field(date, own, suspect)
    # The ranges it masks are those with equal endpoints, which `find_artefact_years` looked for with the
    # same pattern: if it found none and the repairs left the text as it was, there is nothing to mask.
    range_edits: list[Edit] = []
    if own_artefact_years or repaired != text:
        repaired, range_edits = _mask_malformed_ranges(repaired, suspect)
    repaired, year_edits = _mask_suspect_years(repaired, suspect)
    return repaired, new_date, crossref_edits + own_date_edits + date_edits + range_edits + year_edits


def _own_date(text: str, metadata_date: str | None, artefact_years: Collection[int]) -> _OwnDate | None:
    if metadata_date and (parts := _iso_parts(metadata_date)) and parts[0] not in artefact_years:
        return _OwnDate(
            metadata_date, *parts, evidence=f"metadata date {metadata_date}", from_signature=False
        )
    for m in reversed(list(_SIGNATURE.finditer("\n" + text))):
        year = _cn_number(m["year"])
        if m["month"] is None and m["year"].isascii():
            continue
        month = _cn_number(m["month"]) if m["month"] else None
        day = _cn_number(m["day"]) if m["day"] else None
        if year in artefact_years or not _is_calendar_date(year, month, day):
            continue
        iso = "-".join([f"{year:04d}"] + [f"{n:02d}" for n in (month, day) if n is not None])
        return _OwnDate(iso, year, month, day, evidence=f"signature {m[0].strip()}", from_signature=True)
    return None


def _iso_parts(date: str) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) of "2012-09-26", "2012-09" or "2012"; None when the string has no year."""
    m = re.match(r"\s*(\d{4})(?:[-./](\d{1,2})(?:[-./](\d{1,2}))?)?", date)
    if not m:
        return None
    return int(m[1]), int(m[2]) if m[2] else None, int(m[3]) if m[3] else None


def _cn_number(numeral: str) -> int:
    """2010 for "二○一○" or "2010", 4 for "四", 21 for "二十一"."""
    if "十" in numeral:
        tens, _, units = numeral.partition("十")
        return (_cn_digit(tens) if tens else 1) * 10 + (_cn_digit(units) if units else 0)
    return int("".join(str(_cn_digit(c)) for c in numeral))


def _cn_digit(char: str) -> int:
    return _CN_DIGITS[char] if char in _CN_DIGITS else int(char)


def _is_calendar_date(year: int, month: int | None, day: int | None) -> bool:
    try:
        datetime.date(year, month or 1, day or 1)
    except ValueError:
        return False
    return True


def _suspect_years(
    own: _OwnDate | None, source_file: str, artefact_years: Collection[int], shown: Collection[int]
) -> dict[int, str]:
    """Suspect year -> why: later than the document's own date, or shown by an undated document's file."""
    if own is not None:
        return {
            y: f"{y} is the artefact year; document dated {own.iso} ({own.evidence})"
            for y in artefact_years
            if own.year < y
        }
    return {y: f"{y} is the artefact year; undated document, {source_file} shows {y}-{y}" for y in shown}


def _repair_ranges_by_crossref(
    text: str,
    suspect: dict[int, str],
    evidence: YearEvidence,
    *,
    min_phrase_chars: int,
    max_phrase_chars: int,
) -> tuple[str, list[Edit]]:
    edits: list[Edit] = []

    def repair(m: re.Match[str]) -> str:
        start, end = int(m[1]), int(m[2])
        if start != end and not {start, end} & suspect.keys():
            return m[0]
        phrase = _phrase_before(text, m.start(), max_phrase_chars)
        found = evidence.range_for(phrase, excluded=suspect.keys(), min_phrase_chars=min_phrase_chars)
        if found is None or found[1] == (start, end):
            return m[0]
        title, (valid_start, valid_end) = found
        offset = m.start()
        repaired = (
            m[0][: m.start(1) - offset]
            + str(valid_start)
            + m[0][m.end(1) - offset : m.start(2) - offset]
            + str(valid_end)
            + m[0][m.end(2) - offset :]
        )
        note = f"{title}（{valid_start}-{valid_end}年）elsewhere in the corpus"
        edits.append(Edit(step=STEP, rule="year_range_crossref", before=m[0], after=repaired, note=note))
        return repaired

    return _BRACKETED_RANGE.sub(repair, text), edits


def _repair_dates_by_own_date(
    text: str, own: _OwnDate | None, suspect: dict[int, str]
) -> tuple[str, list[Edit]]:
    # Only a suspect year is repaired: without one, every date stays as it is.
    if own is None or own.month is None or own.day is None or not suspect:
        return text, []
    rule = "year_signature" if own.from_signature else "year_metadata"
    edits: list[Edit] = []

    def repair(m: re.Match[str]) -> str:
        month, day = int(m["month"] or m["month2"]), int(m["day"] or m["day2"])
        if int(m["year"]) not in suspect or (month, day) != (own.month, own.day):
            return m[0]
        repaired = f"{own.year:04d}" + m[0][4:]
        edits.append(Edit(step=STEP, rule=rule, before=m[0], after=repaired, note=own.evidence))
        return repaired

    return _FULL_DATE.sub(repair, text), edits


def _repair_date_field(
    date: str | None, own: _OwnDate | None, suspect: dict[int, str]
) -> tuple[str | None, list[Edit]]:
    if own is not None and own.from_signature and date != own.iso:
        edit = Edit(
            step=STEP,
            rule="year_signature",
            before=date or "",
            after=own.iso,
            note=own.evidence,
            field="date",
        )
        return own.iso, [edit]
    parts = _iso_parts(date) if date else None
    if own is None and parts and parts[0] in suspect:
        edit = Edit(
            step=STEP,
            rule="year_artefact_masked",
            before=date,
            after="",
            note=suspect[parts[0]],
            field="date",
        )
        return None, [edit]
    return date, []


def _mask_malformed_ranges(text: str, suspect: dict[int, str]) -> tuple[str, list[Edit]]:
    edits: list[Edit] = []

    def mask(m: re.Match[str]) -> str:
        year = int(m[1])
        if year != int(m[3]):
            return m[0]
        masked = f"{MASK}{m[2]}{MASK}{m[4]}"
        note = suspect.get(year, f"{year}-{year}: a range with equal endpoints is malformed")
        edits.append(Edit(step=STEP, rule="year_artefact_masked", before=m[0], after=masked, note=note))
        return masked

    return _RANGE.sub(mask, text), edits


def _mask_suspect_years(text: str, suspect: dict[int, str]) -> tuple[str, list[Edit]]:
    if not suspect:  # only suspect years are masked
        return text, []
    edits: list[Edit] = []

    def mask(m: re.Match[str]) -> str:
        year, following = int(m[2]), m.string[m.end() : m.end() + 1]
        if year not in suspect or (not m[3] and following and following in COUNT_UNITS):
            return m[0]
        masked = f"{m[1]}{MASK}{m[3]}"
        edits.append(
            Edit(step=STEP, rule="year_artefact_masked", before=m[0], after=masked, note=suspect[year])
        )
        return masked

    return _LONE_YEAR.sub(mask, text), edits


def _phrase_before(text: str, position: int, max_chars: int) -> str:
    """The title-like run just before `position`, skipping spaces and at most one line break."""
    index = position
    while index > 0 and text[index - 1] in " \t\u3000":
        index -= 1
    if index > 0 and text[index - 1] == "\n":
        index -= 1
        while index > 0 and text[index - 1] in " \t\u3000":
            index -= 1
    end = index
    while index > 0 and end - index < max_chars and _PHRASE_CHAR.match(text[index - 1]):
        index -= 1
    return text[index:end]
