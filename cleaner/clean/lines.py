"""Line structure: one paragraph per line, hard wraps rejoined, spaces that split words removed.

Scraped speeches and PDF exports break paragraphs in the middle of a word (`全市人才工作会` / `议后`)
and scatter spaces through the text (`人力资源管 理部门`). These steps undo that while keeping the lines
and spaces that carry structure: headings, list items, titles, signatures, datelines, table columns,
bylines and Latin words.

A jieba segmentation decides whether characters on both sides of a break or a space belong to one
word: jieba's dictionary and its cut without the HMM, computed by rjieba (jieba-rs, the Rust port, which
cuts exactly as `jieba.lcut(text, HMM=False)` does; tests/test_lines.py checks the two agree). rjieba
builds its dictionary when imported, before the pipeline forks its workers, which share it.
"""

from __future__ import annotations

import re
from collections import Counter

import rjieba

from cleaner.documents import Edit

# jieba's `re_han_default`: the runs of text its cut segments with the dictionary; every other character
# is a token of its own. rjieba's runs take in more of Unicode (extension A, compatibility ideographs), so
# a window is split into runs here, as jieba splits it, and rjieba cuts only the run around the boundary.
_JIEBA_RUN = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+")

STEP = "lines"

# One Chinese character: `人`, `〇` (CJK unified ideographs, extension A, compatibility ideographs).
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff〇]")
_CN_DIGITS = "一二三四五六七八九十百零〇○两"

# A line ending in one of these ends a sentence, a heading in quotes (`打破部门间“藩篱”`) or a salutation
# (`同志们：`); the next line starts a new paragraph.
_FINAL = "。！？；：…!?;:.”’」』"
_FINAL_CHARS = frozenset(_FINAL)
# A line ending in one of these stops mid-sentence (`主要是：党政人才、` / `企业经营管理人才`).
_SOFT = "，、,"
# A line never starts with these in Chinese typesetting, so a line that does continues the one before.
_CLOSING = "，。、；：！？）》」』】〕”’,;:!?)"
# Nor does a line end with these.
_OPENING = "（《「『【〔“‘(["
_CLAUSE_PUNCT = "，。；：！？、"

# Where a heading, list item or quoted block starts: `一、` `（一）` `(1)` `1．` `1.` `1、` `第五篇` `第一章`
# `--人才总量` `——人才资源总量` `### 一、` `> 近日`. `1.14亿人` is a number, not an item.
_STRUCTURE_START = re.compile(
    rf"[{_CN_DIGITS}]+、"
    rf"|[（(][{_CN_DIGITS}\d]+[）)]"
    r"|\d+[．.、](?!\d)"
    rf"|第[{_CN_DIGITS}\d]+[章节条篇部编款]"
    r"|[#>•·●◆■□▲]"
    r"|--|——|－－"
)
# `一、` `十二、`: also an enumeration comma after a numeral (`支柱产业单` / `一、结构性矛盾突出`).
_NUMERAL_ITEM = re.compile(rf"([{_CN_DIGITS}]+)、")
# A field or speaker label opens its own line: `来源：人力资源和社会保障部` `记者：去年５月底` `注：人才贡献率`.
_LABEL = re.compile(
    r"(来源|作者|记者|编辑|责任编辑|通讯员|摄影|日期|时间|发布时间|发布日期|出处|稿源|原标题|附件|注|负责人|问|答)[：:]"
)
# A date alone on its line is a signature or dateline: `二○一○年六月四日`, `2010年6月4日`.
_DATE_LINE = re.compile(rf"[\d{_CN_DIGITS}]{{2,4}}年[\d{_CN_DIGITS}]{{1,2}}月(?:[\d{_CN_DIGITS}]{{1,3}}日)?")
# Lines of a shared length narrower than this are a table column or a list, not prose wrapped at a width.
_MIN_WRAP_WIDTH = 16
# A list heading fused onto the end of a paragraph by an earlier accident:
# `…突破点所在，二、大力开发人才资源，加快实施人才强市战略`. The next line starts a new paragraph.
_FUSED_HEADING = re.compile(rf"[{_CLAUSE_PUNCT}][{_CN_DIGITS}]+、[^。！？]*$")


def _view(text: str) -> str:
    """The characters that matter for line decisions: whitespace removed.

    Every measure in `rejoin_hard_wraps` is taken on this view, so `remove_stray_spaces` (which only
    removes spaces) cannot change a decision made before it.
    """
    return "".join(text.split())


def _is_han(char: str) -> bool:
    return bool(_HAN.match(char))


def _word_across(left: str, right: str) -> str | None:
    """The dictionary word jieba finds across the boundary between `left` and `right`, if any.

    `_word_across("需求普查工", "作，此次")` is `工作`; `_word_across("社会共识", "记者：")` is None.
    Only words with a Chinese character count: jieba glues any run of Latin letters into one token.

    The answer is the token of `jieba.lcut(left + right, HMM=False)` that crosses the boundary, found
    without cutting the whole window: jieba cuts each run of `_JIEBA_RUN` characters (`需求普查工作`, `A股`,
    `3.5%`) on its own and splits the rest into single characters and whitespace (`\\r\\n`, the only
    longer token, has no Chinese), so only the run around the boundary can hold the word.
    """
    if not left or not right:
        return None
    for run in _JIEBA_RUN.finditer(left + right):
        if run.start() < len(left) < run.end():
            return _run_word_across(run.group(), len(left) - run.start())
    return None


def _run_word_across(run: str, cut: int) -> str | None:
    """The Chinese token of jieba's cut of `run` (one `_JIEBA_RUN`) that spans `run[cut - 1 : cut + 1]`, if
    any. Cut by rjieba: the same tokens as jieba's, in 0.38 s of CPU for the 74,867 windows of the bench
    corpus where our Python copy of jieba's route took 0.97 s; its dictionary loads in a third of the time
    of jieba's and leaves a build's peak memory 70 MB lower."""
    end = 0
    for word in rjieba.cut(run, False):
        end += len(word)
        if end > cut:
            return word if end - len(word) < cut and _HAN.search(word) else None
    return None


def _is_date_line(line: str) -> bool:
    return bool(_DATE_LINE.fullmatch(line))


def _starts_structure(line: str) -> bool:
    return bool(_STRUCTURE_START.match(line) or _LABEL.match(line) or _is_date_line(line))


def _is_heading_like(line: str, heading_line: int) -> bool:
    """A short line that opens with a list mark and has no full stop: `三、开展振兴沈阳人才需求普查工作，…`."""
    return (
        len(line) < heading_line
        and bool(_STRUCTURE_START.match(line))
        and not any(c in line for c in "。！？")
    )


def _is_prose(line: str) -> bool:
    """Clause punctuation somewhere: body text, not a title or a table row."""
    return any(c in line for c in "，。；！？")


def _is_short_title(line: str, long_line: float) -> bool:
    """A short line without clause punctuation: a title, byline, signature or table cell (`新华社记者`)."""
    return len(line) < long_line and not any(c in line for c in _CLAUSE_PUNCT + "…")


def _enumeration_continues(paragraph: str, line: str, long_line: float, context: int) -> str | None:
    """Evidence that `一、` at the start of `line` is the end of a word plus an enumeration comma.

    `…支柱产业单` / `一、结构性矛盾突出、科技含量低下等问题…`: the paragraph is a long body line stopping
    mid-word, `单一` is a word across the break, and the item's first clause enumerates further (another
    `、` before any `，。`), which a heading does not do.
    """
    item = _NUMERAL_ITEM.match(line)
    if not item or len(paragraph) < long_line or not _is_han(paragraph[-1]):
        return None
    first_clause = re.split(r"[，。；：！？]", line[item.end() :], maxsplit=1)[0]
    if "、" not in first_clause:
        return None
    word = _word_across(paragraph[-context:], line[:context])
    if word and item.group(1) in word:
        return f"jieba word {word}; {item.group(0)} continues an enumeration"
    return None


def _join_evidence(
    paragraph: str, line: str, long_line: float, heading_line: int, context: int
) -> str | None:
    """Why `line` continues `paragraph` (both whitespace-free views), or None if it starts a new one.

    `long_line` is the length from which a line of this document counts as long; a list heading is
    recognised up to `heading_line` characters whatever the document, since a short document has a
    short longest line.
    """
    if not paragraph or not line:
        return None
    last = paragraph[-1]
    if last in _FINAL or _is_date_line(paragraph) or _is_heading_like(paragraph, heading_line):
        return None
    if _starts_structure(line):
        return _enumeration_continues(paragraph, line, long_line, context)
    if line[0] in _CLOSING:
        return f"next line starts with {line[0]}"
    if last in _SOFT or last in _OPENING:
        return f"line ends with {last}"
    if _is_short_title(line, long_line):
        return None
    word = _word_across(paragraph[-context:], line[:context])
    if word:
        return f"jieba word {word}"
    if len(paragraph) >= long_line and _is_prose(paragraph) and not _FUSED_HEADING.search(paragraph):
        return f"long line ({len(paragraph)} chars) stops mid-sentence"
    return None


def _wrapped_at_sentence_end(next_line: str, width: int, long_line: float) -> str | None:
    """Evidence that a line exactly as wide as the wrap `width`, which ends a sentence, is still cut by the
    wrap: the next line starts no new item and is no title (`…的战略之举。` / `以“一方水土…`). A paragraph
    that ends exactly at the width is joined too: one in `width`, against every wrap that falls after a
    full stop, one in twenty or so."""
    if not next_line or _starts_structure(next_line) or _is_short_title(next_line, long_line):
        return None
    return f"line ends a sentence at the wrap width ({width} chars)"


def _separator(left: str, right: str) -> str:
    """A space between two Latin words or numbers (`ALL` / `RIGHTS`), nothing between Chinese characters."""
    if (
        left
        and right
        and left[-1].isascii()
        and left[-1].isalnum()
        and right[0].isascii()
        and right[0].isalnum()
    ):
        return " "
    return ""


def rejoin_hard_wraps(
    text: str, *, long_line: int = 50, wrap_ratio: float = 0.8, context_chars: int = 6
) -> tuple[str, list[Edit]]:
    """Join a line that stops mid-sentence with the line that continues it.

    `全市人才工作会\\n议后，在市委宣传部…` becomes `全市人才工作会议后，在市委宣传部…`, while
    `同志们：\\n今天，…` and `二、加强党管人才工作的指导思想和总体要求\\n3．指导思想。…` stay apart.

    Evidence for a join, strongest first: the next line starts with closing punctuation; the line ends
    with `，` `、` or an opening bracket; jieba finds a word across the break (`会议`, `工作`); the line is
    long, is prose, and ends without sentence-final punctuation. A line counts as long from
    `min(long_line, wrap_ratio * longest line)` characters, so a document wrapped at 30 columns is
    recognised too. Never joined: after sentence-final punctuation (`。！？；：”…`), unless the text is
    wrapped at a fixed width and the line is exactly that wide (see `_wrapped_at_sentence_end`); after a
    date line or a list heading shorter than `long_line`; before a list item, heading, label (`来源：`) or date line,
    except an enumeration `一、` that completes a word (`支柱产业单` / `一、结构性矛盾突出、…`); before a
    short unpunctuated line (a title, byline or signature) unless the line ends with `，` `、`.

    Every measure ignores whitespace, so `remove_stray_spaces` cannot change a decision. Blank lines
    always separate paragraphs.
    """
    edits: list[Edit] = []
    lines = text.split("\n")
    views = [_view(line) for line in lines]
    # A join changes the neighbours the next decisions see (a paragraph grows at both ends, and may come to
    # be as wide as the wrap width), so pass again until nothing joins: the result is a fixed point, which
    # makes the step idempotent.
    while True:
        lines, views, joined = _rejoin_once(lines, views, long_line, wrap_ratio, context_chars)
        if not joined:
            return "\n".join(lines), edits
        edits.extend(joined)


def _wrap_width(views: list[str]) -> int | None:
    """The width a fixed-width wrap cut the text at: no line is longer, and at least three lines, and a fifth
    of them, are exactly that long (every line of a paragraph but its last). None for text not wrapped so,
    nearly all of it: there the longest line is one paragraph's."""
    lengths = Counter(len(view) for view in views if view)
    if not lengths:
        return None
    width = max(lengths)
    count = lengths[width]
    return width if width >= _MIN_WRAP_WIDTH and count >= 3 and 5 * count >= lengths.total() else None


def _rejoin_once(
    lines: list[str], views: list[str], long_line: int, wrap_ratio: float, context_chars: int
) -> tuple[list[str], list[str], list[Edit]]:
    """One pass of joins over `lines` and their `views`; the joined lines and their views, and the edits.

    The next pass starts from the views returned, rather than splitting the joined text again: a join adds
    only whitespace between two lines, which the view drops, so a joined line's view is its parts' views.
    """
    threshold = min(long_line, wrap_ratio * max(map(len, views)))
    width = _wrap_width(views)
    edits: list[Edit] = []
    out: list[str] = []
    # The view of each paragraph in `out`, grown with every join rather than recomputed.
    out_views: list[str] = []
    previous = ""  # the view of the line before, as it came in
    for line, view in zip(lines, views, strict=True):
        # Most paragraphs end a sentence, and `_join_evidence` says None for them first thing: deciding
        # that here spares two calls in three.
        if not out:
            evidence = None
        elif out_views[-1][-1:] in _FINAL_CHARS:
            # Only a line as wide as the wrap can go on (most texts have no wrap width: `len` is never None).
            full = len(previous) == width
            evidence = _wrapped_at_sentence_end(view, width, long_line) if full else None
        else:
            evidence = _join_evidence(out_views[-1], view, threshold, long_line, context_chars)
        previous = view
        if evidence is None:
            out.append(line)
            out_views.append(view)
            continue
        paragraph = out[-1]
        left, right = paragraph.rstrip(), line.lstrip()
        joint = _separator(left, right)
        edits.append(
            Edit(
                step=STEP,
                rule="rejoin_hard_wrap",
                before=paragraph[max(0, len(left) - 4) :] + "\n" + line[: len(line) - len(right) + 4],
                after=left[-4:] + joint + right[:4],
                note=evidence,
            )
        )
        out[-1] = left + joint + right
        out_views[-1] += view
    return out, out_views, edits


# A space after a number and before its unit or counter: `〔2013〕2 号`, `从2012 年起`, `1-2 次`.
_NUMBER_TAIL = re.compile(r"(?<![A-Za-z])\d+(?:[.,:\-～~–]\d+)*$")
# A whole number cell or range: `1`, `2012`, `1-2`, `24.8`.
_NUMBER = re.compile(r"\d+(?:[.,:\-～~–]\d+)*")
_UNITS = set(
    "年月日时分秒号次个万亿千百元角人项名家所条位份件岁倍届批期天周度米吨斤平户种类台辆张本篇章节版页余%％‰℃"
)
# A table cell with a number: `11385`, `24.8`, `10.75`, `2024年`, `16%`.
_NUMERIC_CELL = re.compile(r"\d[\d.,:/%％\-]*[年月日%％]?")
# The dateline of a news wire keeps its space: `新华社北京2月22日电 中共中央政治局`, `本报讯 记者`.
_DATELINE_END = re.compile(r"(?:\d+日|报)[电讯]$")
_DATELINE_MARKS = "电讯"  # the last character of every `_DATELINE_END` match
# Opening and closing marks, inside which a space is never wanted: `“ 双师型”`, `《纲要 》`, `（ 2014年）`.
_QUOTE_OPEN = "“「『《（"
_QUOTE_CLOSE = "”」』》）"
# A run of spaces between two visible characters: the ` ` in `管 理`, not indentation.
# Written to start with the space itself, so that `re` scans for it quickly; the lookbehind puts a visible
# character before the run's first space. The same matches as `(?<=\S) +(?=\S)`.
_SPACES = re.compile(r" (?<=\S ) *(?=\S)")


def _is_table_row(line: str, min_numeric_cells: int) -> bool:
    """`人才资源总量 万人 11385 15625 18025`: columns separated by spaces, left alone."""
    return sum(bool(_NUMERIC_CELL.fullmatch(cell)) for cell in line.split()) >= min_numeric_cells


def _clause_has_one_space(line: str, start: int, end: int) -> bool:
    """No other space in the clause around `line[start:end]`: a list of names or headline phrases has several."""
    for index in range(start - 1, -1, -1):
        if line[index] in _CLAUSE_PUNCT:
            break
        if line[index] == " ":
            return False
    for index in range(end, len(line)):
        if line[index] in _CLAUSE_PUNCT:
            break
        if line[index] == " ":
            return False
    return True


def _is_sentence(line: str) -> bool:
    """Running prose: a comma and a full stop. Titles, bylines and datelines have neither."""
    return "，" in line and any(c in line for c in "。！？")


def _space_verdict(
    line: str, start: int, end: int, sentence: bool, context: int
) -> tuple[str, str, int, int] | None:
    """Why the space run `line[start:end]` goes: (rule, note, edit start, edit end), or None if it stays.

    The edit span is the space with one character each side (`管 理`), widened to the whole number for a
    number and its unit (`2012 年`, `加 1 次`). `sentence` says whether the line is running prose.
    """
    a, b = line[start - 1], line[end]
    # Full-width punctuation carries its own spacing, beside Latin letters too (`发xx ，`, `GDP ，`).
    if a in _CLAUSE_PUNCT or b in _CLAUSE_PUNCT:
        return "space_by_punctuation", f"space next to {a if a in _CLAUSE_PUNCT else b}", start - 1, end + 1
    if a in _QUOTE_OPEN or b in _QUOTE_CLOSE:
        return "space_inside_marks", f"space inside {a if a in _QUOTE_OPEN else b}", start - 1, end + 1
    if a == b == "—":  # the two halves of a dash, `— —`
        return "space_inside_marks", "space inside ——", start - 1, end + 1
    if (a.isascii() and a.isalpha()) or (b.isascii() and b.isalpha()):
        return None
    right_end = line.find(" ", end)
    right_end = len(line) if right_end == -1 else right_end
    left_run, right_run = line[line.rfind(" ", 0, start) + 1 : start], line[end:right_end]
    # `left_run` can be a whole paragraph, and a search anchored at its end scans all of it: search only
    # when the result matters (a unit follows) or a match is possible (a dateline ends in 电 or 讯).
    if b in _UNITS and (number := _NUMBER_TAIL.search(left_run)):
        return "number_unit", "number+unit", start - len(number.group(0)), end + 1
    unit_at = len(line) - len(line[right_end:].lstrip(" "))
    if (
        _is_han(a)
        and _NUMBER.fullmatch(right_run)
        and right_end < unit_at < len(line)
        and line[unit_at] in _UNITS
    ):
        return "number_unit", "number+unit", start - 1, unit_at + 1
    if (a in _DATELINE_MARKS and _DATELINE_END.search(left_run)) or _LABEL.match(right_run):
        return None
    if _is_han(a) and _is_han(b):
        word = _word_across(left_run[-context:], right_run[:context])
        if word:
            return "word_split", f"jieba word {word}", start - 1, end + 1
    in_text = (_is_han(a) or a.isdigit() or a in _QUOTE_CLOSE) and (
        _is_han(b) or b.isdigit() or b in _QUOTE_OPEN
    )
    if in_text and sentence and _clause_has_one_space(line, start, end):
        return "space_in_sentence", "space inside a sentence", start - 1, end + 1
    return None


def _remove_line_spaces(line: str, min_numeric_cells: int, context: int) -> tuple[str, list[Edit]]:
    """`remove_stray_spaces` on one line that has a space."""
    edits: list[Edit] = []
    sentence = _is_sentence(line)  # removing spaces leaves the punctuation alone
    removed = True
    # A removal changes the clause and the words around its neighbours, so pass over the line until a
    # pass removes nothing: every verdict then holds on the output, which makes the step idempotent.
    while removed and not _is_table_row(line, min_numeric_cells):
        removed = False
        position = 0
        while match := _SPACES.search(line, position):
            verdict = _space_verdict(line, match.start(), match.end(), sentence, context)
            if verdict is None:
                position = match.end()
                continue
            rule, note, first, last = verdict
            after = line[first : match.start()] + line[match.end() : last]
            edits.append(Edit(step=STEP, rule=rule, before=line[first:last], after=after, note=note))
            line = line[: match.start()] + line[match.end() :]
            position = match.start()
            removed = True
    return line, edits


def remove_stray_spaces(
    text: str, *, min_numeric_cells: int = 2, context_chars: int = 6
) -> tuple[str, list[Edit]]:
    """Remove spaces that split a word, a number from its unit, or a sentence.

    `突出政府人力资源管 理部门抓人才工作的地位` becomes `突出政府人力资源管理部门抓人才工作的地位`
    (jieba word 资源管理), `(粤办发〔2013〕2 号)` becomes `(粤办发〔2013〕2号)` (number+unit).

    Removed: a space between Chinese characters that jieba reads as one word (`俄 罗斯`, `目 录`); between
    a number and its unit (`2012 年`, `参加 1 次`); next to `，。、；：！？`, even beside a Latin letter (`GDP ，`);
    just inside Chinese quotes, title marks and brackets (`“ 双师型”`, `《纲要 》`, `（ 2014年）`), and
    between the halves of a dash (`— —`);
    and the single space of a clause in a prose line (one with `，` and a full stop), which is a wrap left
    over from a PDF (`统筹 推进`).
    Kept: table rows (`min_numeric_cells` numbers in space-separated cells), other spaces next to Latin letters,
    news datelines (`新华社北京2月22日电 中共中央政治局`), labels (`新办 记者：`), and spaces between
    phrases of a title or names of a byline (`抓住机遇 乘势而上`, `于年中 桂昭明`), where no word crosses.
    """
    if " " not in text:
        return text, []
    edits: list[Edit] = []
    out: list[str] = []
    for line in text.split("\n"):
        if " " in line:
            line, line_edits = _remove_line_spaces(line, min_numeric_cells, context_chars)
            edits.extend(line_edits)
        out.append(line)
    return "\n".join(out), edits


# Line separators other than `\n`: `\r\n`, `\r`, U+2028, U+2029, U+0085.
_LINE_BREAK = re.compile(r"\r\n|[\r\u2028\u2029\x85]")
_LINE_BREAK_MARKS = "\r\u2028\u2029\x85"  # every `_LINE_BREAK` match has one of these
# A run of spaces or any tab inside a line: `指标  单位`, `人才\t万人`.
_SPACE_RUN = re.compile(r"[ \t]{2,}|\t")


def normalize_paragraphs(text: str) -> tuple[str, list[Edit]]:
    """One paragraph per line: `\\n` line ends, no indentation, no trailing or repeated spaces, no empty lines.

    `\\n    为贯彻落实《…》精神,特制定本实施方案。\\n \\n  一、充分认识…` becomes
    `为贯彻落实《…》精神,特制定本实施方案。\\n一、充分认识…`. Edits for stripped indentation and dropped
    lines are folded by count, since every indented line of a document fires them.
    """
    # Each edit once with its count, in the order first seen: every indented line of a document fires the
    # same one, so counting here spares building and merging thousands of them.
    fired: Counter[tuple[str, str, str]] = Counter()

    def note_break(match: re.Match) -> str:
        fired["line_break", match.group(0), "\n"] += 1
        return "\n"

    def note_run(match: re.Match) -> str:
        fired["collapse_spaces", match.group(0), " "] += 1
        return " "

    # `_LINE_BREAK` tries a match at every character; most texts have none of its characters, and asking
    # `in` for each is a fast scan.
    if any(mark in text for mark in _LINE_BREAK_MARKS):
        text = _LINE_BREAK.sub(note_break, text)
    # Every run has a tab or two spaces; most texts have neither, and need no regex.
    runs = "\t" in text or "  " in text
    out: list[str] = []
    # The empty text has no line to drop.
    for line in text.split("\n") if text else []:
        stripped = line.strip()
        if not stripped:
            fired["drop_empty_line", line, ""] += 1
            continue
        # Most lines have no whitespace at their ends, and nothing to note.
        if stripped != line:
            indent, trailing = line[: len(line) - len(line.lstrip())], line[len(line.rstrip()) :]
            if indent:
                fired["strip_indent", indent, ""] += 1
            if trailing:
                fired["strip_trailing", trailing, ""] += 1
        if runs and ("\t" in stripped or "  " in stripped):
            stripped = _SPACE_RUN.sub(note_run, stripped)
        out.append(stripped)
    edits = [
        Edit(step=STEP, rule=rule, before=before, after=after, count=count)
        for (rule, before, after), count in fired.items()
    ]
    return "\n".join(out), edits
