"""Unicode repair for scraped Chinese text: encoding, invisible characters, character width, script.

The pipeline calls the four steps in the order of `UNICODE_STEPS`:

1. `fix_encoding`: mojibake and broken Unicode (ftfy, configured so it leaves Chinese alone), Kangxi
   radicals and compatibility ideographs to unified ideographs, NFC.
2. `remove_invisible`: no-break, zero-width, control and private-use characters; line breaks to `\\n`.
3. `normalize_width`: full-width digits and letters to ASCII; ASCII punctuation in Chinese context to
   the Chinese form (`,` -> `，`, `(一)` -> `（一）`, `"千人计划"` -> `“千人计划”`).
4. `to_simplified`: Traditional -> Simplified, only where the text is Traditional.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence

import ftfy
import ftfy.bad_codecs  # registers the "sloppy-windows-*" codecs named in CHARMAP_ENCODINGS
import numpy as np
import opencc
from ftfy.chardata import CHARMAP_ENCODINGS, LIGATURES

from cleaner.documents import Edit

STEP = "unicode"


def _edit(rule: str, before: str, after: str, note: str = "", count: int = 1) -> Edit:
    # Positional arguments, `field` at its default "text": a quarter faster than keywords, and a Traditional
    # corpus makes a hundred thousand edits.
    return Edit(STEP, rule, before, after, note, "text", count)


def _counted_edits(rule: str, changes: Mapping[tuple[str, str], int], note: str = "") -> list[Edit]:
    """One edit per `(before, after)` with its count, in order of first appearance: what `merge_edits`
    makes of one edit per change, without building a hundred thousand of them first."""
    return [
        Edit(STEP, rule, before, after, note, "text", count) for (before, after), count in changes.items()
    ]


def _diff_spans(old: str, new: str) -> Iterator[tuple[str, str]]:
    """`(old span, new span)` for each differing span of two versions of one line."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            yield old[i1:i2], new[j1:j2]


def _diff_edits(old: str, new: str, rule: str, note: str = "") -> list[Edit]:
    """One edit per differing span of two versions of one line (only ever called on changed lines)."""
    return [_edit(rule, before, after, note) for before, after in _diff_spans(old, new)]


def _describe(char: str, fallback: str) -> str:
    """`U+E004 private use`, `U+00A0 no-break space`: the code point and what it is."""
    return f"U+{ord(char):04X} {unicodedata.name(char, fallback).lower()}"


def _code_units(text: str) -> np.ndarray:
    """One number per character, its code point (a lone surrogate is its own)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


# Lookup tables indexed by code point. numpy looks up every character of a text at once, several times
# faster than `re` searches a text for a large character class (private use, radicals, …).


def _bits(*char_sets: Iterable[str]) -> np.ndarray:
    """A table with bit k set for the characters of `char_sets[k]`."""
    table = np.zeros(0x110000, dtype=np.uint8 if len(char_sets) <= 8 else np.uint16)
    for bit, chars in enumerate(char_sets):
        table[_code_units("".join(chars))] |= 1 << bit
    return table


def _class_table(members: str) -> np.ndarray:
    """A table with 1 for the characters of `members`, written as inside a regex character class: single
    characters and ranges such as `\u3400-\u4dbf`, nothing escaped. Read directly rather than by running
    the class over every code point, which cost every build 0.065 s before its workers could start."""
    table = np.zeros(0x110000, dtype=np.uint8)
    for first, last in _CLASS_MEMBER.findall(members):
        table[ord(first) : ord(last or first) + 1] = 1
    return table


_CLASS_MEMBER = re.compile("(.)(?:-(.))?", re.DOTALL)


def _contains(table: np.ndarray, text: str) -> bool:
    return bool(table.take(_code_units(text)).any())


def _from_code_units(units: np.ndarray) -> str:
    return units.astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass")


def _tally(values: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """The distinct values and how often each occurs, in order of first appearance, as `Counter` has them."""
    if not values.size:  # most texts: `np.unique` costs tens of microseconds even on nothing
        return values, []
    distinct, first, counts = np.unique(values, return_index=True, return_counts=True)
    order = np.argsort(first)
    return distinct[order], counts[order].tolist()


# --- 1. encoding --------------------------------------------------------------------------------------

# ftfy minus every fixer that would damage correct Chinese text or that a later step owns and logs.
_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,  # entities are decoded at ingest; in plain text `&amp;` may be literal
    fix_character_width=False,  # would fold full-width punctuation （，：） into ASCII
    uncurl_quotes=False,  # Chinese quotes “” ‘’ stay curly
    fix_line_breaks=False,  # remove_invisible owns line breaks
    remove_control_chars=False,  # remove_invisible owns control and zero-width characters
    normalization=None,  # NFC follows on the whole text; NFKC would also fold ，：and ①
)


def _char_class(chars: Iterable[str]) -> str:
    """A regex character class for `chars`, consecutive code points written as ranges (`[⼀-⿕]`), which
    `re` searches far faster than a thousand single members."""
    codes = sorted(set(map(ord, chars)))
    members = []
    for _, run in itertools.groupby(enumerate(codes), key=lambda pair: pair[1] - pair[0]):
        run_codes = [code for _, code in run]
        first, last = chr(run_codes[0]), chr(run_codes[-1])
        members.append(re.escape(first) if first == last else f"{re.escape(first)}-{re.escape(last)}")
    return "[" + "".join(members) + "]"


def _misread_utf8(encoding: str) -> tuple[str, str]:
    """The characters `encoding` shows for UTF-8 lead bytes and for continuation bytes.

    Every UTF-8 sequence that ftfy can decode again starts with such a pair once misread: 人 (E4 BA BA)
    read as cp1252 is `äºº`. A space may stand in for the continuation byte A0 (ftfy's restore_byte_a0,
    never for macroman), and in the sloppy codecs `?` or U+FFFD for a lost one (replace_lossy_sequences);
    U+FFFD without a lead character before it is beyond repair.
    """
    lead = bytes(range(0xC0, 0xF5)).decode(encoding)
    continuation = bytes(range(0x80, 0xC0)).decode(encoding)
    if encoding != "macroman":
        continuation += " "
    if encoding.startswith("sloppy"):
        continuation += "?\ufffd"
    return lead, continuation


_MISREAD = [_misread_utf8(encoding) for encoding in CHARMAP_ENCODINGS]
# Lines without such a pair are lines ftfy leaves alone, so only the others pay for it (~6 MB/s). A bit per
# encoding: a lead and a continuation of the same encoding (`äº` in cp1252), not just any two (`——`).
_MISREAD_LEAD = _bits(*(lead for lead, _ in _MISREAD))
_MISREAD_CONTINUATION = _bits(*(continuation for _, continuation in _MISREAD))
# What ftfy's other fixers look for: C1 controls (`\x85`), surrogates (`\ud83d\ude00`), ANSI escapes
# (`\x1b[31m`), Latin ligatures (`ﬁ`).
_FTFY_OTHER = _bits(
    itertools.chain(map(chr, range(0x80, 0xA0)), "\x1b", map(chr, range(0xD800, 0xE000)), map(chr, LIGATURES))
)


def _ftfy_suspects(text: str) -> list[int]:
    """The numbers of the lines ftfy may change: those with what one of ftfy's fixers looks for."""
    units = _code_units(text)
    leads = _MISREAD_LEAD.take(units[:-1])
    at = np.flatnonzero(leads)
    pairs = at[(leads[at] & _MISREAD_CONTINUATION.take(units[at + 1])) != 0]
    suspects = np.concatenate((np.flatnonzero(_FTFY_OTHER.take(units)), pairs))
    if not suspects.size:
        return []
    return np.unique(np.searchsorted(np.flatnonzero(units == ord("\n")), suspects)).tolist()


def _ideograph_map() -> dict[int, str]:
    """Kangxi radicals and compatibility ideographs -> the unified ideograph (⼈ U+2F08 -> 人 U+4EBA).

    PDF extractors emit radicals for ordinary characters. A dozen code points in the compatibility block
    (U+FA0E 﨎 …) are unified ideographs themselves; NFKC leaves them, and so does this map.
    """
    radicals = range(0x2E80, 0x2FE0)
    compatibility = itertools.chain(range(0xF900, 0xFB00), range(0x2F800, 0x2FA20))
    table = {}
    for code in itertools.chain(radicals, compatibility):
        unified = unicodedata.normalize("NFKC", chr(code))
        if unified != chr(code) and len(unified) == 1:
            table[code] = unified
    return table


_IDEOGRAPHS = _ideograph_map()
# ⼈ (U+2F08 Kangxi radical man), 豈 (U+F900 compatibility ideograph of 豈 U+8C48)
_IDEOGRAPH_VARIANT = re.compile(_char_class(map(chr, _IDEOGRAPHS)))
_IS_IDEOGRAPH_VARIANT = _bits(map(chr, _IDEOGRAPHS))


# ftfy reads `×` (U+00D7; D7 in cp1252 and Latin-1) before a curly quote as the lead byte of the UTF-8 of a
# Hebrew letter (D7 93 -> ד): `增长××“十二五”` -> `增长×ד十二五”`. In Chinese text `×` is a mask or a
# multiplication sign, and masks often stand before a quote.
_TIMES = "×"
_HEBREW = re.compile("[\u0590-\u05ff]")


def _ftfy_segment(segment: str) -> tuple[str, list]:
    """ftfy's fix of one line (with its `\n`, as fix_text sees it) and its plan. A fix that would turn a
    `×` into part of a Hebrew letter is made between the line's `×` instead, which stay as they are."""
    fixed, plan = ftfy.fix_and_explain(segment, _FTFY_CONFIG)
    if _TIMES not in segment or len(_HEBREW.findall(fixed)) <= len(_HEBREW.findall(segment)):
        return fixed, plan
    pieces = [ftfy.fix_and_explain(piece, _FTFY_CONFIG) for piece in segment.split(_TIMES)]
    return _TIMES.join(piece for piece, _ in pieces), [step for _, steps in pieces for step in steps]


def _ftfy_lines(text: str, numbers: list[int], edits: list[Edit]) -> str:
    # fix_text fixes one line at a time as well, so fixing only the flagged lines gives the same text.
    lines = text.split("\n")
    last = len(lines) - 1
    for number in numbers:
        line = lines[number]
        segment = line if number == last else line + "\n"
        fixed, plan = _ftfy_segment(segment)
        fixed = fixed if number == last else fixed.removesuffix("\n")
        if fixed == line:
            continue
        recoded = any(step.action in ("encode", "decode") or "utf8" in step.parameter for step in plan)
        rule = "mojibake" if recoded else "broken_unicode"
        note = ", ".join(f"{step.action} {step.parameter}" for step in plan)
        edits.extend(_diff_edits(line, fixed, rule, note))
        lines[number] = fixed
    return "\n".join(lines)


def _nfc_lines(text: str, edits: list[Edit]) -> str:
    lines = text.split("\n")
    for number, line in enumerate(lines):
        if not unicodedata.is_normalized("NFC", line):
            lines[number] = unicodedata.normalize("NFC", line)
            edits.extend(_diff_edits(line, lines[number], "nfc", "canonical composition"))
    return "\n".join(lines)


def fix_encoding(text: str) -> tuple[str, list[Edit]]:
    """Undo mojibake and broken Unicode, unify radical and compatibility ideographs, apply NFC.

    `äººæ‰å·¥ä½œ` (UTF-8 read as cp1252) -> `人才工作`; `⼈才` (Kangxi radical) -> `人才`.
    Full-width punctuation, curly quotes and everything else that is correct Chinese stays as it is.
    """
    edits: list[Edit] = []
    # Composed first as well as last: ftfy reads `\x80e\u0301` and `\x80é` differently, so a text that
    # reached it decomposed would be fixed again, the other way, on a second run.
    if not unicodedata.is_normalized("NFC", text):
        text = _nfc_lines(text, edits)
    suspects = _ftfy_suspects(text)
    if suspects:
        text = _ftfy_lines(text, suspects, edits)
    if _contains(_IS_IDEOGRAPH_VARIANT, text):
        edits.extend(
            _edit("unify_ideograph", m.group(), _IDEOGRAPHS[ord(m.group())], _describe(m.group(), ""))
            for m in _IDEOGRAPH_VARIANT.finditer(text)
        )
        text = text.translate(_IDEOGRAPHS)
    if not unicodedata.is_normalized("NFC", text):
        text = _nfc_lines(text, edits)
    return text, edits


# --- 2. invisible characters --------------------------------------------------------------------------

# `\r\n` (Windows), `\r` (old Mac), `\x0c` (page break in PDF text), U+2028/U+2029, with the `\n` that may
# follow: each becomes one `\n`, so that removing them never glues two lines together.
_LINE_BREAK_CHARS = "\r\x0b\x0c\x85\u2028\u2029"
_LINE_BREAK = re.compile(f"[{_LINE_BREAK_CHARS}]\n?")

_NO_BREAK_SPACES = "\u00a0\u2007\u202f"
_OTHER_SPACES = "\u1680\u2000-\u2006\u2008-\u200a\u205f"
_ZERO_WIDTH = "\u200b-\u200d\u2060\ufeff"
# Soft hyphen, direction marks and embeddings, invisible operators, Mongolian vowel separator,
# interlinear annotation, object replacement (an image in a rich-text editor), language tags.
_FORMAT = "\u00ad\u180e\u200e\u200f\u202a-\u202e\u2061-\u2064\u2066-\u206f\ufff9-\ufffc\U000e0001\U000e0020-\U000e007f"
_CONTROL = "\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f"
_PRIVATE_USE = "\ue000-\uf8ff\U000f0000-\U0010ffff"

# A line's leading whitespace that holds an ideographic space: `　　为贯彻落实` (a paragraph indent), with the
# line break before it. Searched for in "\n" + text: `re` tries a pattern that starts with `^` at every
# position, and finds one that starts with a literal fast.
_IDEOGRAPHIC_INDENT = re.compile(
    f"\n[ \t{_NO_BREAK_SPACES}{_OTHER_SPACES}{_ZERO_WIDTH}{_FORMAT}\u3000]*\u3000"
)
# rule, replacement, characters
_INVISIBLE_KINDS = (
    ("no_break_space", " ", _NO_BREAK_SPACES),
    ("unicode_space", " ", _OTHER_SPACES),
    ("ideographic_space", " ", "\u3000"),
    ("zero_width", "", _ZERO_WIDTH),
    ("format_character", "", _FORMAT),
    ("control", "", _CONTROL),
    ("private_use", "", _PRIVATE_USE),
)
# `\u00a0` in `《光明日报》( 2014年11月01日\u00a011版)`, `\ue004` at the end of a paragraph.
_INVISIBLE_CHARS = "".join(chars for _, _, chars in _INVISIBLE_KINDS)
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
_INVISIBLE_KIND = [(rule, after, re.compile(f"[{chars}]")) for rule, after, chars in _INVISIBLE_KINDS]
_IS_INVISIBLE = _class_table(_INVISIBLE_CHARS)


@functools.cache
def _invisible_kind(char: str) -> tuple[str, str]:
    """The rule and the replacement for a character `_INVISIBLE` matches: `\\u00a0` -> no_break_space, " "."""
    return next((rule, after) for rule, after, kind in _INVISIBLE_KIND if kind.match(char))


def remove_invisible(text: str) -> tuple[str, list[Edit]]:
    """Remove or replace characters that show nothing, or show as a plain space.

    `\\u00a0\\u00a0进入新世纪新阶段` -> `  进入新世纪新阶段`; `成为经济建设的主力军。\\ue004` -> `…主力军。`.
    No-break and other Unicode spaces become a space; an ideographic space in a line's indentation goes,
    elsewhere it becomes a space; zero-width, format, control (but `\\t`, `\\n`) and private-use characters
    go; `\\r\\n`, `\\r`, form feed and U+2028/9 become `\\n`.
    """
    edits: list[Edit] = []
    # Each kind is counted, then replaced in one pass: a page indented with no-break spaces has thousands.
    if any(map(text.__contains__, _LINE_BREAK_CHARS)):
        line_breaks = Counter(_LINE_BREAK.findall(text))
        edits += [
            _edit("line_break", found, "\n", " ".join(f"U+{ord(c):04X}" for c in found), count)
            for found, count in line_breaks.items()
        ]
        text = _LINE_BREAK.sub("\n", text)
    if "\u3000" in text:
        indented = _IDEOGRAPHIC_INDENT.sub(lambda match: match.group().replace("\u3000", ""), "\n" + text)[1:]
        if len(indented) < len(text):  # all it removes is ideographic spaces
            count = len(text) - len(indented)
            edits.append(_edit("ideographic_indent", "\u3000", "", _describe("\u3000", ""), count))
            text = indented
    units = _code_units(text)
    found, counts = _tally(units[np.flatnonzero(_IS_INVISIBLE.take(units))])
    for char, count in zip(_from_code_units(found), counts, strict=True):
        rule, after = _invisible_kind(char)
        edits.append(_edit(rule, char, after, _describe(char, rule.replace("_", " ")), count))
        # One character for another, or for nothing: replacing them one kind at a time is the same.
        text = text.replace(char, after)
    return text, edits


# --- 3. width and Chinese punctuation -----------------------------------------------------------------

# `２０１０`, `ＧＤＰ`; the class twice rather than `+`, which `re` searches for twice as fast
_FULLWIDTH_ALNUM = re.compile("[０-９Ａ-Ｚａ-ｚ][０-９Ａ-Ｚａ-ｚ]*")
_HALFWIDTH = {
    code: chr(code - 0xFEE0)
    for code in itertools.chain(range(0xFF10, 0xFF1A), range(0xFF21, 0xFF3B), range(0xFF41, 0xFF5B))
}
# `２０１０－２０２０` (after the digits are ASCII: `2010－2020`), `3．5`, `15％`; not the `．` of `1．党管人才`
_FULLWIDTH_NUMERIC = re.compile("[－．％](?<=[0-9].)(?:(?<=％)|(?=[0-9]))")
_NUMERIC_ASCII = {"－": "-", "．": ".", "％": "%"}
# Every character `normalize_width` may change or convert. Text that has none, as nearly every text has once
# normalised (the second pass, after hard wraps are rejoined), is returned at the cost of one search.
_WIDTH_WORK = re.compile("[０-９Ａ-Ｚａ-ｚ－．％,:;?!()\"']")

_HAN = "\u3005\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
_IS_HAN = re.compile(f"[{_HAN}]")
# What the context test looks through: spaces, and punctuation of both widths (`《人才》,` looks at 才).
_LOOK_THROUGH = frozenset(
    " \t\u3000"
    "!\"'(),:;?"
    + "".join(map(chr, itertools.chain(range(0x2010, 0x205F), range(0x3001, 0x3005), range(0x3008, 0x3021))))
    + "".join(map(chr, itertools.chain(range(0xFF01, 0xFF10), range(0xFF1A, 0xFF21), range(0xFF3B, 0xFF41))))
    + "".join(map(chr, range(0xFF5B, 0xFF66)))
)
# Spaces between a converted mark and these go (`工作, 更好` -> `工作，更好`); before a Latin letter or
# a digit they stay. Straight quotes are left out so that a quote never loses the space that tells an
# opening quote from a closing one.
_SPACE_ABSORBING = _LOOK_THROUGH - frozenset(" \t\u3000\"'")

_DIGITS = frozenset("0123456789")
_TO_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
# `人才东莞战略,特制定`: after a Han character a mark is in Chinese context and not between digits, and
# before anything but a space it has no space to absorb. Most marks are like this, so each kind is
# replaced in one pass of its own pattern, which starts with a literal and so is quick to search for.
_HALF_MARK_AFTER_HAN = {mark: re.compile(f"{re.escape(mark)}(?<=[{_HAN}].)(?! )") for mark in _TO_FULL}
# The others are decided one by one: `》,` `2014年 ,` `工作, 更好` `1,000`
_OTHER_HALF_MARK = re.compile(f"[,:;?!](?:(?<![{_HAN}].)|(?= ))")
_BRACKET = re.compile("[()（）]")  # `(党组)`, and pairs of mixed width: `(一）`, `（一)`
_HALF_BRACKET = re.compile("[()]")
_DOUBLE_QUOTE = re.compile('"')  # `"千人计划"`
# `'人才强市'`, but not the apostrophe of `don't`
_SINGLE_QUOTE = re.compile("'(?:(?<![A-Za-z]')|(?![A-Za-z]))")
# Neither a URL (`http://www.gov.cn/a?b=1,2`, `www.dg.gov.cn`) nor an e-mail address (`rcb@dg.gov.cn`)
# has its punctuation converted; a trailing `.,;:!?)` ends the sentence, not the URL.
_ADDRESS = re.compile(
    r"(?:[A-Za-z][A-Za-z0-9+.\-]*://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*[A-Za-z0-9\-_~/#=&%+]"
    r"|[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"
)
# Text without these has no address, and most text skips the masking.
_MAYBE_ADDRESS = ("://", "www.", "@")


def _neighbour(text: str, index: int, direction: int) -> str:
    """The first character from `index` on that is neither space nor punctuation; "" at a line's end."""
    while 0 <= index < len(text):
        char = text[index]
        if char == "\n":
            return ""
        if char not in _LOOK_THROUGH:
            return char
        index += direction
    return ""


def _chinese_context(text: str, start: int, end: int) -> bool:
    """Chinese context of the span text[start:end + 1]: a Han character is its neighbour on either side,
    looking through spaces and punctuation (so `中文 (GDP)` qualifies and `the (GDP) grew` does not)."""
    return bool(_IS_HAN.match(_neighbour(text, start - 1, -1)) or _IS_HAN.match(_neighbour(text, end + 1, 1)))


def _mask_addresses(text: str) -> str:
    # Same length, so positions carry over; a Latin letter, so an address reads as Latin context.
    return _ADDRESS.sub(lambda match: "a" * len(match.group()), text)


_LoggedEdit = tuple[str, str, str, str]  # rule, before, after, note


class _Rewrite:
    """Single-character replacements and space deletions, decided on a copy of the text with its addresses
    masked, applied at once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.masked = _mask_addresses(text) if any(map(text.__contains__, _MAYBE_ADDRESS)) else text
        self.changes: dict[int, str] = {}
        # Identical edits counted, in order of first appearance
        self.edits: Counter[_LoggedEdit] = Counter()

    def mark(self, index: int, mark: str, inside: int = 0) -> list[_LoggedEdit]:
        """Replace text[index] by `mark`, and return the edits of the spaces beside it that go, for the
        caller to log after its own; `inside` is the direction of a bracket's content, where any space
        goes (`( 2014年)` -> `（2014年）`), not only one before Chinese."""
        self.changes[index] = mark
        spaces = (
            self._absorb_spaces(index, direction, mark, always=direction == inside) for direction in (-1, 1)
        )
        return [edit for edit in spaces if edit]

    def _absorb_spaces(self, index: int, direction: int, mark: str, always: bool) -> _LoggedEdit | None:
        far = index + direction
        while 0 <= far < len(self.masked) and self.masked[far] == " ":
            far += direction
        if far == index + direction or not 0 <= far < len(self.masked):
            return None
        beside = self.masked[far]
        if beside in "\n\"'" or not (always or beside in _SPACE_ABSORBING or _IS_HAN.match(beside)):
            return None
        spaces = range(index + direction, far, direction)
        if any(i in self.changes for i in spaces):
            return None
        self.changes.update((i, "") for i in spaces)
        return "space_beside_chinese_punct", " " * len(spaces), "", f"beside {mark}"

    def apply(self) -> str:
        if not self.changes:
            return self.text
        pieces, previous = [], 0
        for index in sorted(self.changes):
            pieces += (self.text[previous:index], self.changes[index])
            previous = index + 1
        pieces.append(self.text[previous:])
        return "".join(pieces)


def _excerpt(text: str, limit: int = 12) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _by_line(pattern: re.Pattern[str], text: str) -> Iterator[tuple[bool, re.Match[str]]]:
    """Each match of `pattern`, with whether it is the first on its line; a page has far more lines than
    brackets or quotes, so only the matches are visited, not every `\\n`."""
    line_end = -1
    for match in pattern.finditer(text):
        first = match.start() > line_end
        if first:
            line_end = text.find("\n", match.start()) % (len(text) + 1)  # no `\n`: the end of the text
        yield first, match


def _bracket_pairs(text: str) -> tuple[list[tuple[int, int]], list[int]]:
    """Matched brackets on one line with at least one half-width (`(党组)`, `(一）`, `（一)`), innermost
    first, and the half-width brackets that match none on their line, in order. Only the lines with a
    half-width bracket are read."""
    pairs, lone = [], []
    line_end = -1
    for half in _HALF_BRACKET.finditer(text):
        if half.start() < line_end:
            continue  # on a line already read
        line_start = text.rfind("\n", 0, half.start()) + 1
        line_end = text.find("\n", half.start()) % (len(text) + 1)  # no `\n`: the end of the text
        opened = []
        for match in _BRACKET.finditer(text, line_start, line_end):
            if match.group() in "(（":
                opened.append(match.start())
            elif opened:
                start = opened.pop()
                if text[start] == "(" or match.group() == ")":
                    pairs.append((start, match.start()))
            elif match.group() == ")":
                lone.append(match.start())
        lone += [start for start in opened if text[start] == "("]
    return pairs, sorted(lone)


def _quote_pairs(text: str, quote: re.Pattern[str]) -> list[tuple[int, int]]:
    """Straight quotes paired in order of appearance on one line: first with second, third with fourth."""
    pairs, pending = [], None
    for first, match in _by_line(quote, text):
        if first or pending is None:
            pending = match.start()
        else:
            pairs.append((pending, match.start()))
            pending = None
    return pairs


def _convert_half_marks(rewrite: _Rewrite) -> None:
    masked = rewrite.masked
    # (where, edits, how many): the log lists edits in the order a mark by mark pass would meet them.
    converted: list[tuple[int, list[_LoggedEdit], int]] = []
    for mark, after_han in _HALF_MARK_AFTER_HAN.items():
        # An address is ASCII and never starts with a mark, so its marks follow no Han character: the
        # pattern finds the same marks in the text as in the masked copy.
        first = after_han.search(rewrite.text)
        if first:
            # Same length, so the positions of the other changes still hold.
            rewrite.text, count = after_han.subn(_TO_FULL[mark], rewrite.text)
            converted.append((first.start(), [("chinese_punct", mark, _TO_FULL[mark], "")], count))
    # What is left are the other marks, and those in addresses (which the masked copy has not).
    others = _OTHER_HALF_MARK.finditer(masked) if any(map(rewrite.text.__contains__, _TO_FULL)) else ()
    for match in others:
        index, mark = match.start(), match.group()
        between_digits = (
            0 < index < len(masked) - 1 and masked[index - 1] in _DIGITS and masked[index + 1] in _DIGITS
        )
        if between_digits or not _chinese_context(masked, index, index):
            continue
        spaces = rewrite.mark(index, _TO_FULL[mark])
        converted.append((index, [("chinese_punct", mark, _TO_FULL[mark], ""), *spaces], 1))
    for _, edits, count in sorted(converted):
        for edit in edits:
            rewrite.edits[edit] += count


def _convert_pair(rewrite: _Rewrite, pair: tuple[int, int], before: str, after: str, rule: str) -> None:
    start, end = pair
    rewrite.edits[rule, before, after, _excerpt(rewrite.text[start + 1 : end])] += 1
    for edit in rewrite.mark(start, after[0], inside=1) + rewrite.mark(end, after[1], inside=-1):
        rewrite.edits[edit] += 1


def _convert_brackets(rewrite: _Rewrite) -> None:
    masked = rewrite.masked
    pairs, lone = _bracket_pairs(masked)
    for start, end in pairs:
        if _IS_HAN.search(masked, start + 1, end) or _chinese_context(masked, start, end):
            _convert_pair(rewrite, (start, end), masked[start] + masked[end], "（）", "chinese_brackets")
    # A bracket whose partner is missing (a clause cut from its sentence, a typo) converts when it hugs a
    # Han character on its inside: `省(自治区`, `直辖市)。`, but not `1)` or `:(`.
    for index in lone:
        bracket = masked[index]
        inside = index + 1 if bracket == "(" else index - 1
        if 0 <= inside < len(masked) and _IS_HAN.match(masked, inside):
            full = "（" if bracket == "(" else "）"
            rewrite.edits["chinese_brackets", bracket, full, "unpaired"] += 1
            for edit in rewrite.mark(index, full):
                rewrite.edits[edit] += 1


def _convert_quotes(rewrite: _Rewrite) -> None:
    # Only quotes around Chinese text, and only quotes that hug their content: `5" 屏幕, "中文"` pairs the
    # inch mark with the wrong quote, and that pair is left alone.
    masked = rewrite.masked
    for quote, before, after in ((_DOUBLE_QUOTE, '""', "“”"), (_SINGLE_QUOTE, "''", "‘’")):
        for start, end in _quote_pairs(masked, quote):
            content = masked[start + 1 : end]
            hugs = content[:1] not in ("", " ", "\t") and content[-1] not in (" ", "\t")
            if hugs and _IS_HAN.search(content):
                _convert_pair(rewrite, (start, end), before, after, "chinese_quotes")


def normalize_width(text: str) -> tuple[str, list[Edit]]:
    """Full-width digits and letters to ASCII; ASCII punctuation in Chinese context to Chinese punctuation.

    `纲要（２０１０－２０２０年）` -> `纲要（2010-2020年）`; `党委(党组)要把人才工作,` -> `党委（党组）要把人才工作，`.

    Chinese context: the nearest character on either side, looking through spaces and punctuation and not
    past the line, is a Han character. `, : ; ? !` convert in Chinese context unless they sit between two
    digits (`1,000`, `10:30`). Brackets convert as a pair, also one of mixed width (`(一）`), when their
    content holds a Han character or the pair is in Chinese context, and a bracket without a partner when
    it hugs a Han character on its inside (`省(自治区`); straight quotes as a pair when they hug content
    holding a Han character.
    URLs and e-mail addresses are never touched, and spaces between a converted mark and Chinese go.
    `——`, `—`, `--` and curly quotes stay as they are; Chinese punctuation never becomes ASCII.
    """
    if not _WIDTH_WORK.search(text):
        return text, []
    runs: Counter[tuple[str, str]] = Counter()

    def halfwidth(match: re.Match[str]) -> str:
        # Only the runs: `str.translate` on the whole text looks up every character in the table.
        after = match.group().translate(_HALFWIDTH)
        runs[match.group(), after] += 1
        return after

    text = _FULLWIDTH_ALNUM.sub(halfwidth, text)
    edits = _counted_edits("fullwidth_alnum", runs)

    def numeric(match: re.Match[str]) -> str:
        after = _NUMERIC_ASCII[match.group()]
        edits.append(_edit("fullwidth_numeric_punct", match.group(), after, "beside a digit"))
        return after

    if any(map(text.__contains__, _NUMERIC_ASCII)):
        text = _FULLWIDTH_NUMERIC.sub(numeric, text)

    rewrite = _Rewrite(text)
    _convert_brackets(rewrite)
    _convert_quotes(rewrite)
    _convert_half_marks(rewrite)
    edits += [_edit(*edit, count) for edit, count in rewrite.edits.items()]
    return rewrite.apply(), edits


# --- 4. Traditional -> Simplified ---------------------------------------------------------------------


@functools.cache
def _opencc(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


_SURROGATES = re.compile("([\ud800-\udfff]+)")

# The characters opencc changes only inside a phrase of its dictionaries (t2s: 深沈 -> 深沉, 憑藉 -> 凭借;
# s2t: 了解 -> 瞭解), read from opencc 1.4.2's; tests/test_unicode.py checks them against the installed ones.
_PHRASE_ONLY = {
    "t2s": "么俱哩坏彷沈甦瞭藉衹覆",
    "s2t": "了仇仿佛俊修借僵克具冢冬凌出刮制千升卜卷只合吊同向吣呆周咽哄喂噪回困坐堤夫奸姜娘家局巨布席幸庵弦彩"
    "御志念恤愈戚扇才扎托扣折抵拐拿挨挽捆搜斤斫昆暗曲札朱杆杯松板果栗核梁棱檗欲沈沾泛注浚溪漓澄焰狸玩琅症矩"
    "私秋穗筱糊系耇胄背胡致舍芸苔蒙蔑藤表谷豆象酸雕面",
}


@functools.cache
def _verdicts(config: str) -> np.ndarray:
    """By code point, for one conversion: 2 where it may change the character, 1 where it leaves it alone,
    0 not asked yet. Filled as characters turn up, a few thousand in all."""
    table = np.zeros(0x110000, dtype=np.uint8)
    table[[ord("\n"), *range(0xD800, 0xE000)]] = 1  # the separator below; surrogates pass through
    table[_code_units(_PHRASE_ONLY[config])] = 2
    return table


def _may_change(units: np.ndarray, config: str) -> np.ndarray:
    """For each character, whether opencc `config` may change it: on its own, or as a character only a
    phrase changes. Every dictionary entry keeps its length, so no other character ever changes."""
    table = _verdicts(config)
    verdicts = table.take(units)
    unknown = units[verdicts == 0]
    if unknown.size:
        unknown = np.unique(unknown)
        alone = _from_code_units(unknown)
        converted = _opencc(config).convert("\n".join(alone)).split("\n")
        table[unknown] = [1 if new == old else 2 for old, new in zip(alone, converted, strict=True)]
        verdicts = table.take(units)
    return verdicts == 2


def _convert_once(text: str, config: str) -> str:
    try:
        return _opencc(config).convert(text)
    except UnicodeEncodeError:  # opencc refuses surrogates: they pass through, the text between converts
        pieces = _SURROGATES.split(text)
        pieces[::2] = [_opencc(config).convert(piece) for piece in pieces[::2]]
        return "".join(pieces)


def _convert_lines(lines: list[str], numbers: Iterable[int], config: str) -> list[str]:
    """`lines` with the numbered ones run through opencc until nothing changes (t2s maps 薴 -> 苧, then
    苧 -> 苎); surrogates pass through.

    No opencc dictionary entry holds a line break, so a line converts the same alone as in its text, and
    a line that one round leaves alone is done.
    """
    lines = list(lines)
    pending = list(numbers)
    while pending:
        converted = _convert_once("\n".join(lines[number] for number in pending), config).split("\n")
        again = [number for number, line in zip(pending, converted, strict=True) if line != lines[number]]
        for number, line in zip(pending, converted, strict=True):
            lines[number] = line
        pending = again
    return lines


# numpy counts the Han characters of every line of a document at once.
_IS_HAN_UNIT = _class_table(_HAN)


def _han_count(text: str) -> int:
    return int(np.count_nonzero(_IS_HAN_UNIT.take(_code_units(text))))


def _differing(old: str, new: str) -> int:
    """How many characters a conversion changed (numpy: this also runs over Simplified documents)."""
    if len(old) == len(new):
        return int(np.count_nonzero(_code_units(old) != _code_units(new)))
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in opcodes if tag != "equal")


def _line_sums(per_unit: np.ndarray, lengths: list[int]) -> list[int]:
    """The sum of `per_unit` (a value for each character of lines joined by `\\n`) over each line."""
    lengths = np.asarray(lengths, dtype=np.int64)
    ends = np.cumsum(lengths) + np.arange(len(lengths))
    totals = np.concatenate(([0], np.cumsum(per_unit, dtype=np.int64)))
    return (totals[ends] - totals[ends - lengths]).tolist()


def _line_differing(old: str, new: str, old_lines: list[str], new_lines: list[str]) -> list[int]:
    """`_differing` of each pair of lines; all lines at once when each kept its length, as t2s lines do."""
    lengths = list(map(len, old_lines))
    if lengths == list(map(len, new_lines)):
        return _line_sums(_code_units(old) != _code_units(new), lengths)
    return list(map(_differing, old_lines, new_lines))


def _changes_enough(han: int, to_simplified: int, threshold: float) -> bool:
    return han > 0 and to_simplified / han >= threshold


def _to_traditional(lines: list[str], numbers: Sequence[int]) -> tuple[str, dict[int, int]]:
    """s2t of the numbered lines (joined by `\\n`), and how many characters it changes in each line."""
    old_lines = [lines[number] for number in numbers]
    new_lines = _convert_lines(old_lines, range(len(old_lines)), "s2t")
    traditional = "\n".join(new_lines)
    counts = _line_differing("\n".join(old_lines), traditional, old_lines, new_lines)
    return traditional, dict(zip(numbers, counts, strict=True))


def _char_changes(lines: list[tuple[str, str]]) -> Counter[tuple[str, str]]:
    """`(old character, new character)` -> how often, in order of first appearance, over pairs of lines
    of equal length."""
    old_units = _code_units("".join(old for old, _ in lines))
    new_units = _code_units("".join(new for _, new in lines))
    changed = np.flatnonzero(old_units != new_units)
    pairs, counts = _tally(old_units[changed].astype(np.uint64) << 32 | new_units[changed])
    olds, news = _from_code_units(pairs >> 32), _from_code_units(pairs & 0xFFFFFFFF)
    return Counter(dict(zip(zip(olds, news, strict=True), counts, strict=True)))


def to_simplified(text: str, threshold: float = 0.1, min_line_han: int = 20) -> tuple[str, list[Edit]]:
    """Convert Traditional Chinese to Simplified (opencc t2s), only where the text is Traditional.

    `國家中長期人才發展規劃綱要` -> `国家中长期人才发展规划纲要`; `张乾同志在乾清宫` stays (t2s would give 干).

    Traditional means: t2s changes at least `threshold` of the Han characters, and more of them than s2t
    does. Measured with opencc 1.4 on a Traditional rendering of talent-plan prose (tests/test_unicode.py):
    t2s changes 0.31-0.51 of each line (0.37 overall), s2t none. On the five Simplified seeds (65k Han
    characters) t2s changes none and s2t 0.32-0.37 (at least 0.15 of every line of 20+ Han characters).
    A Simplified text that t2s does change has names in it (`张乾` -> `张干`, `乾清宫` -> `干清宫`: 0.02 of a
    normal line, but 0.5 of `张乾` alone), and also the Simplified-only characters that s2t changes (张 ->
    張), which is what keeps short texts such as titles safe. The default `threshold` 0.1 sits three times
    below the lowest Traditional line and far above names in Simplified lines.

    Decided per line, because a Simplified page may quote a Traditional paragraph and only the quote should
    change. A line with fewer than `min_line_han` Han characters is too short to judge alone and follows the
    whole text, so a Traditional document's short headings convert and a Simplified document's do not. So
    does a longer line that t2s changes too little to judge (a hard-wrapped piece of a Traditional paragraph
    with only `牽頭` in it), as long as s2t changes it less.
    """
    units = _code_units(text)
    old_lines = text.split("\n")
    lengths = list(map(len, old_lines))
    # A line without a character t2s may change stays as it is (`沈`, `么` are common in Simplified text,
    # so their lines still go to opencc, but few others of a Simplified text do).
    maybe = [number for number, count in enumerate(_line_sums(_may_change(units, "t2s"), lengths)) if count]
    new_lines = _convert_lines(old_lines, maybe, "t2s")
    changed = [number for number in maybe if new_lines[number] != old_lines[number]]
    if not changed:
        return text, []
    simplified = "\n".join(new_lines)
    han = _line_sums(_IS_HAN_UNIT.take(units), lengths)
    to_simplified = _line_differing(text, simplified, old_lines, new_lines)

    # s2t changes at most the characters it may change, in a Traditional line far fewer than t2s changes,
    # so s2t itself runs only where that bound leaves a verdict open. A Simplified page whose names t2s
    # changes (张乾) does not change enough of any line, nor of the whole, to need either.
    at_most = _line_sums(_may_change(units, "s2t"), lengths)
    # Long enough to judge alone, but changed too little to be Traditional on its own evidence: a line that
    # a hard wrap cut from a Traditional paragraph (`人的根本。中宣部牽頭的“文化名家工程”`, 2 of 22).
    faint = {
        number
        for number in changed
        if han[number] >= min_line_han and not _changes_enough(han[number], to_simplified[number], threshold)
    }
    follows_document = bool(faint) or any(han[number] < min_line_han for number in changed)
    document_to_simplified = _differing(text, simplified) if follows_document else 0
    document_enough = follows_document and _changes_enough(sum(han), document_to_simplified, threshold)
    document_open = document_enough and document_to_simplified <= sum(at_most)
    open_lines = [
        number
        for number in changed
        # Every changed line long enough to judge alone is open: changed enough, or faint.
        if han[number] >= min_line_han and to_simplified[number] <= at_most[number]
    ]
    traditional, to_traditional = _to_traditional(
        old_lines, range(len(old_lines)) if document_open else open_lines
    )
    document_is_traditional = document_enough and (
        not document_open or document_to_simplified > _differing(text, traditional)
    )

    lines = []
    changes: Counter[tuple[str, str]] = Counter()
    same_length: list[tuple[str, str]] = []  # converted lines whose changes are counted together
    for number, (old, new) in enumerate(zip(old_lines, new_lines, strict=True)):
        if old == new:
            lines.append(old)
            continue
        if han[number] < min_line_han:
            line_is_traditional = document_is_traditional
        else:
            # A faint line converts only in a Traditional document, and only if s2t changes it less.
            line_is_traditional = (
                document_is_traditional
                if number in faint
                else _changes_enough(han[number], to_simplified[number], threshold)
            ) and to_simplified[number] > to_traditional.get(number, at_most[number])
        if not line_is_traditional:
            lines.append(old)
            continue
        lines.append(new)
        if len(old) == len(new):
            same_length.append((old, new))
        else:
            changes.update(_char_changes(same_length))  # first, to keep the order of first appearance
            same_length.clear()
            changes.update(_diff_spans(old, new))
    changes.update(_char_changes(same_length))
    return "\n".join(lines), _counted_edits("traditional_to_simplified", changes)


UNICODE_STEPS = (fix_encoding, remove_invisible, normalize_width, to_simplified)
