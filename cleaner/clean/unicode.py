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
from collections.abc import Iterable

import ftfy
import ftfy.bad_codecs  # registers the "sloppy-windows-*" codecs named in CHARMAP_ENCODINGS
import numpy as np
import opencc
from ftfy.chardata import CHARMAP_ENCODINGS, LIGATURES

from cleaner.documents import Edit

STEP = "unicode"


def _edit(rule: str, before: str, after: str, note: str = "") -> Edit:
    return Edit(step=STEP, rule=rule, before=before, after=after, note=note)


def _diff_edits(old: str, new: str, rule: str, note: str = "") -> list[Edit]:
    """One edit per differing span of two versions of one line (only ever called on changed lines)."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [
        _edit(rule, old[i1:i2], new[j1:j2], note)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _describe(char: str, fallback: str) -> str:
    """`U+E004 private use`, `U+00A0 no-break space`: the code point and what it is."""
    return f"U+{ord(char):04X} {unicodedata.name(char, fallback).lower()}"


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
# Lines where none of these match are lines ftfy leaves alone, so only the others pay for it (~6 MB/s).
# A candidate: any encoding's lead character before any encoding's continuation (`äº`, but also `——`).
_MISREAD_CANDIDATE = re.compile(
    _char_class("".join(lead for lead, _ in _MISREAD))
    + f"(?={_char_class(''.join(continuation for _, continuation in _MISREAD))})"
)
# The proof: a lead and a continuation from the same encoding (`äº` in cp1252; `——` is in none).
_MISREAD_PAIR = re.compile("|".join(_char_class(lead) + _char_class(cont) for lead, cont in _MISREAD))
# What ftfy's other fixers look for: C1 controls (`\x85`), surrogates (`\ud83d\ude00`), ANSI escapes
# (`\x1b[31m`), Latin ligatures (`ﬁ`).
_FTFY_OTHER = re.compile("[\x80-\x9f\x1b\ud800-\udfff" + re.escape("".join(map(chr, LIGATURES))) + "]")


def _ftfy_might_fix(text: str) -> bool:
    if _FTFY_OTHER.search(text):
        return True
    return any(_MISREAD_PAIR.match(text, match.start()) for match in _MISREAD_CANDIDATE.finditer(text))


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


def _ftfy_lines(text: str, edits: list[Edit]) -> str:
    # fix_text fixes one line at a time as well, so fixing only the flagged lines gives the same text.
    lines = text.split("\n")
    last = len(lines) - 1
    for number, line in enumerate(lines):
        if not _ftfy_might_fix(line):
            continue
        segment = line if number == last else line + "\n"
        fixed, plan = ftfy.fix_and_explain(segment, _FTFY_CONFIG)
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
    if _ftfy_might_fix(text):
        text = _ftfy_lines(text, edits)
    if _IDEOGRAPH_VARIANT.search(text):
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
_LINE_BREAK = re.compile("[\r\x0b\x0c\x85\u2028\u2029]\n?")

_NO_BREAK_SPACES = "\u00a0\u2007\u202f"
_OTHER_SPACES = "\u1680\u2000-\u2006\u2008-\u200a\u205f"
_ZERO_WIDTH = "\u200b-\u200d\u2060\ufeff"
# Soft hyphen, direction marks and embeddings, invisible operators, Mongolian vowel separator,
# interlinear annotation, object replacement (an image in a rich-text editor), language tags.
_FORMAT = "\u00ad\u180e\u200e\u200f\u202a-\u202e\u2061-\u2064\u2066-\u206f\ufff9-\ufffc\U000e0001\U000e0020-\U000e007f"
_CONTROL = "\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f"
_PRIVATE_USE = "\ue000-\uf8ff\U000f0000-\U0010ffff"

# A line's leading whitespace that holds an ideographic space: `　　为贯彻落实` (a paragraph indent).
_IDEOGRAPHIC_INDENT = re.compile(
    f"^[ \t{_NO_BREAK_SPACES}{_OTHER_SPACES}{_ZERO_WIDTH}{_FORMAT}\u3000]*\u3000", re.MULTILINE
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
_INVISIBLE = re.compile("[" + "".join(chars for _, _, chars in _INVISIBLE_KINDS) + "]")
_INVISIBLE_KIND = [(rule, after, re.compile(f"[{chars}]")) for rule, after, chars in _INVISIBLE_KINDS]


def remove_invisible(text: str) -> tuple[str, list[Edit]]:
    """Remove or replace characters that show nothing, or show as a plain space.

    `\\u00a0\\u00a0进入新世纪新阶段` -> `  进入新世纪新阶段`; `成为经济建设的主力军。\\ue004` -> `…主力军。`.
    No-break and other Unicode spaces become a space; an ideographic space in a line's indentation goes,
    elsewhere it becomes a space; zero-width, format, control (but `\\t`, `\\n`) and private-use characters
    go; `\\r\\n`, `\\r`, form feed and U+2028/9 become `\\n`.
    """
    edits: list[Edit] = []

    def line_break(match: re.Match[str]) -> str:
        edits.append(
            _edit("line_break", match.group(), "\n", " ".join(f"U+{ord(c):04X}" for c in match.group()))
        )
        return "\n"

    def drop_indent(match: re.Match[str]) -> str:
        run = match.group()
        edits.extend(
            _edit("ideographic_indent", "\u3000", "", _describe("\u3000", ""))
            for _ in range(run.count("\u3000"))
        )
        return run.replace("\u3000", "")

    def replace(match: re.Match[str]) -> str:
        char = match.group()
        rule, after = next((rule, after) for rule, after, kind in _INVISIBLE_KIND if kind.match(char))
        edits.append(_edit(rule, char, after, _describe(char, rule.replace("_", " "))))
        return after

    text = _LINE_BREAK.sub(line_break, text)
    if "\u3000" in text:
        text = _IDEOGRAPHIC_INDENT.sub(drop_indent, text)
    text = _INVISIBLE.sub(replace, text)
    return text, edits


# --- 3. width and Chinese punctuation -----------------------------------------------------------------

_FULLWIDTH_ALNUM = re.compile("[０-９Ａ-Ｚａ-ｚ]+")  # `２０１０`, `ＧＤＰ`
_HALFWIDTH = {
    code: chr(code - 0xFEE0)
    for code in itertools.chain(range(0xFF10, 0xFF1A), range(0xFF21, 0xFF3B), range(0xFF41, 0xFF5B))
}
# `２０１０－２０２０` (after the digits are ASCII: `2010－2020`), `3．5`, `15％`; not the `．` of `1．党管人才`
_FULLWIDTH_NUMERIC = re.compile("[－．](?<=[0-9].)(?=[0-9])|％(?<=[0-9]％)")
_NUMERIC_ASCII = {"－": "-", "．": ".", "％": "%"}

_HAN = "\u3005\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
_IS_HAN = re.compile(f"[{_HAN}]")
_HAN_RUN = re.compile(f"[{_HAN}]+")
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

_HALF_MARK = re.compile("[,:;?!]")  # `人才东莞战略,特制定`
_DIGITS = frozenset("0123456789")
_TO_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
_BRACKET = re.compile(r"[()\n]")  # `(党组)`, reset at each line
_DOUBLE_QUOTE = re.compile('["\n]')  # `"千人计划"`
# `'人才强市'`, but not the apostrophe of `don't`
_SINGLE_QUOTE = re.compile("'(?:(?<![A-Za-z]')|(?![A-Za-z]))|\n")
# Neither a URL (`http://www.gov.cn/a?b=1,2`, `www.dg.gov.cn`) nor an e-mail address (`rcb@dg.gov.cn`)
# has its punctuation converted; a trailing `.,;:!?)` ends the sentence, not the URL.
_ADDRESS = re.compile(
    r"(?:[A-Za-z][A-Za-z0-9+.\-]*://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*[A-Za-z0-9\-_~/#=&%+]"
    r"|[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"
)
# Text without these has no address, and most text skips the masking.
_MAYBE_ADDRESS = re.compile("://|www\\.|@")


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


class _Rewrite:
    """Single-character replacements and space deletions, decided on a copy of the text with its addresses
    masked, applied at once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.masked = _mask_addresses(text) if _MAYBE_ADDRESS.search(text) else text
        self.changes: dict[int, str] = {}
        self.edits: list[Edit] = []

    def mark(self, index: int, mark: str, inside: int = 0) -> None:
        """Replace text[index] by `mark`; `inside` is the direction of a bracket's content, where any
        space goes (`( 2014年)` -> `（2014年）`), not only one before Chinese."""
        self.changes[index] = mark
        for direction in (-1, 1):
            self._absorb_spaces(index, direction, mark, always=direction == inside)

    def _absorb_spaces(self, index: int, direction: int, mark: str, always: bool) -> None:
        far = index + direction
        while 0 <= far < len(self.masked) and self.masked[far] == " ":
            far += direction
        if far == index + direction or not 0 <= far < len(self.masked):
            return
        beside = self.masked[far]
        if beside in "\n\"'" or not (always or beside in _SPACE_ABSORBING or _IS_HAN.match(beside)):
            return
        spaces = range(index + direction, far, direction)
        if any(i in self.changes for i in spaces):
            return
        self.changes.update((i, "") for i in spaces)
        self.edits.append(_edit("space_beside_chinese_punct", " " * len(spaces), "", f"beside {mark}"))

    def apply(self) -> str:
        pieces, previous = [], 0
        for index in sorted(self.changes):
            pieces += (self.text[previous:index], self.changes[index])
            previous = index + 1
        pieces.append(self.text[previous:])
        return "".join(pieces)


def _excerpt(text: str, limit: int = 12) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _bracket_pairs(text: str) -> list[tuple[int, int]]:
    """Matched `(` `)` on one line, innermost first; a stray bracket pairs with nothing."""
    pairs, opened = [], []
    for match in _BRACKET.finditer(text):
        char = match.group()
        if char == "(":
            opened.append(match.start())
        elif char == ")" and opened:
            pairs.append((opened.pop(), match.start()))
        elif char == "\n":
            opened.clear()
    return pairs


def _quote_pairs(text: str, quote: re.Pattern[str]) -> list[tuple[int, int]]:
    """Straight quotes paired in order of appearance on one line: first with second, third with fourth."""
    pairs, pending = [], None
    for match in quote.finditer(text):
        if match.group() == "\n":
            pending = None
        elif pending is None:
            pending = match.start()
        else:
            pairs.append((pending, match.start()))
            pending = None
    return pairs


def _convert_half_marks(rewrite: _Rewrite) -> None:
    masked = rewrite.masked
    for match in _HALF_MARK.finditer(masked):
        index = match.start()
        between_digits = (
            0 < index < len(masked) - 1 and masked[index - 1] in _DIGITS and masked[index + 1] in _DIGITS
        )
        if between_digits or not _chinese_context(masked, index, index):
            continue
        rewrite.edits.append(_edit("chinese_punct", match.group(), _TO_FULL[match.group()]))
        rewrite.mark(index, _TO_FULL[match.group()])


def _convert_pair(rewrite: _Rewrite, pair: tuple[int, int], before: str, after: str, rule: str) -> None:
    start, end = pair
    rewrite.edits.append(_edit(rule, before, after, _excerpt(rewrite.text[start + 1 : end])))
    rewrite.mark(start, after[0], inside=1)
    rewrite.mark(end, after[1], inside=-1)


def _convert_brackets(rewrite: _Rewrite) -> None:
    masked = rewrite.masked
    for start, end in _bracket_pairs(masked):
        if _IS_HAN.search(masked, start + 1, end) or _chinese_context(masked, start, end):
            _convert_pair(rewrite, (start, end), "()", "（）", "chinese_brackets")


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
    digits (`1,000`, `10:30`). Brackets convert as a pair when their content holds a Han character or the
    pair is in Chinese context; straight quotes as a pair when they hug content holding a Han character.
    URLs and e-mail addresses are never touched, and spaces between a converted mark and Chinese go.
    `——`, `—`, `--` and curly quotes stay as they are; Chinese punctuation never becomes ASCII.
    """
    edits: list[Edit] = []
    if _FULLWIDTH_ALNUM.search(text):
        edits.extend(
            _edit("fullwidth_alnum", m.group(), m.group().translate(_HALFWIDTH))
            for m in _FULLWIDTH_ALNUM.finditer(text)
        )
        text = text.translate(_HALFWIDTH)

    def numeric(match: re.Match[str]) -> str:
        after = _NUMERIC_ASCII[match.group()]
        edits.append(_edit("fullwidth_numeric_punct", match.group(), after, "beside a digit"))
        return after

    text = _FULLWIDTH_NUMERIC.sub(numeric, text)

    rewrite = _Rewrite(text)
    _convert_brackets(rewrite)
    _convert_quotes(rewrite)
    _convert_half_marks(rewrite)
    if rewrite.changes:
        text = rewrite.apply()
        edits.extend(rewrite.edits)
    return text, edits


# --- 4. Traditional -> Simplified ---------------------------------------------------------------------


@functools.cache
def _opencc(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


_SURROGATES = re.compile("([\ud800-\udfff]+)")


def _convert(text: str, config: str) -> str:
    """opencc until nothing changes (t2s maps 薴 -> 苧, then 苧 -> 苎); surrogates, which opencc refuses,
    pass through."""
    pieces = _SURROGATES.split(text)
    for number in range(0, len(pieces), 2):
        previous = None
        while previous != pieces[number]:
            previous, pieces[number] = pieces[number], _opencc(config).convert(pieces[number])
    return "".join(pieces)


def _han_count(text: str) -> int:
    return sum(map(len, _HAN_RUN.findall(text)))


def _code_units(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _differing(old: str, new: str) -> int:
    """How many characters a conversion changed (numpy: this also runs over Simplified documents)."""
    if len(old) == len(new):
        return int(np.count_nonzero(_code_units(old) != _code_units(new)))
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in opcodes if tag != "equal")


def _looks_traditional(text: str, simplified: str, traditional: str, threshold: float) -> bool:
    han = _han_count(text)
    to_simplified = _differing(text, simplified)
    return han > 0 and to_simplified / han >= threshold and to_simplified > _differing(text, traditional)


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
    whole text, so a Traditional document's short headings convert and a Simplified document's do not.
    """
    simplified = _convert(text, "t2s")
    if simplified == text:
        return text, []
    traditional = _convert(text, "s2t")
    document_is_traditional = _looks_traditional(text, simplified, traditional, threshold)
    line_versions = [text.split("\n"), simplified.split("\n"), traditional.split("\n")]
    if len({len(lines) for lines in line_versions}) != 1:  # opencc keeps line breaks; if not, judge it whole
        line_versions = [[text], [simplified], [traditional]]

    edits: list[Edit] = []
    lines = []
    for old, new, opposite in zip(*line_versions, strict=True):
        if old == new:
            lines.append(old)
            continue
        if _han_count(old) >= min_line_han:
            line_is_traditional = _looks_traditional(old, new, opposite, threshold)
        else:
            line_is_traditional = document_is_traditional
        if not line_is_traditional:
            lines.append(old)
            continue
        lines.append(new)
        if len(old) == len(new):
            edits.extend(
                _edit("traditional_to_simplified", a, b) for a, b in zip(old, new, strict=True) if a != b
            )
        else:
            edits.extend(_diff_edits(old, new, "traditional_to_simplified"))
    return "\n".join(lines), edits


UNICODE_STEPS = (fix_encoding, remove_invisible, normalize_width, to_simplified)
