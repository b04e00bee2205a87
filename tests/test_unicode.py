from __future__ import annotations

import json
import re
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

import ftfy
import ftfy.bad_codecs  # registers the "sloppy-windows-*" codecs that mojibake is made with below
import opencc
import pytest
from ftfy.chardata import CHARMAP_ENCODINGS
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st

from cleaner.clean import unicode as unicode_module
from cleaner.clean.unicode import (
    UNICODE_STEPS,
    fix_encoding,
    normalize_width,
    remove_invisible,
    to_simplified,
)
from cleaner.documents import merge_edits

RAW = Path(__file__).resolve().parent.parent / "raw"
SEEDS = sorted(RAW.glob("*.txt"))


def seed(prefix: str) -> str:
    return next(RAW.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def seed_line(prefix: str, fragment: str) -> str:
    return next(line for line in seed(prefix).split("\n") if fragment in line)


def mojibake(text: str, encoding: str) -> str:
    return text.encode("utf-8").decode(encoding)


def rules(edits) -> Counter:
    """How many changes each rule made (a step may fold identical changes into one edit with a count)."""
    counts = Counter()
    for edit in edits:
        counts[edit.rule] += edit.count
    return counts


# A Traditional rendering of talent-plan prose, the measurement behind to_simplified's threshold.
TRADITIONAL = """國家中長期人才發展規劃綱要（2010－2020年）
當今世界正處在大發展大變革大調整時期。人才資源已成為最重要的戰略資源，人才在綜合國力競爭中越來越具有決定性意義。為更好實施人才強國戰略，根據黨的十七大精神，制定本規劃綱要。
黨管人才主要是管宏觀、管政策、管協調、管服務，包括規劃人才發展戰略，制定並落實人才發展重大政策，協調各方面力量形成共同參與和推動人才工作的整體合力，為各類人才幹事創業、實現價值提供良好服務等。
各級黨委組織部門要在黨委領導下，切實擔負起人才工作牽頭抓總的責任，當好參謀，創新實踐，整合資源，示範引領。"""

SIMPLIFIED = """国家中长期人才发展规划纲要（2010－2020年）
当今世界正处在大发展大变革大调整时期。人才资源已成为最重要的战略资源，人才在综合国力竞争中越来越具有决定性意义。为更好实施人才强国战略，根据党的十七大精神，制定本规划纲要。
党管人才主要是管宏观、管政策、管协调、管服务，包括规划人才发展战略，制定并落实人才发展重大政策，协调各方面力量形成共同参与和推动人才工作的整体合力，为各类人才干事创业、实现价值提供良好服务等。
各级党委组织部门要在党委领导下，切实担负起人才工作牵头抓总的责任，当好参谋，创新实践，整合资源，示范引领。"""


# --- fix_encoding -------------------------------------------------------------------------------------


def ftfy_always(text: str) -> str:
    """What fix_encoding must return: ftfy on every line, then the ideograph map and NFC."""
    fixed = ftfy.fix_text(text, unicode_module._FTFY_CONFIG)
    return unicodedata.normalize("NFC", fixed.translate(unicode_module._IDEOGRAPHS))


@pytest.mark.parametrize("encoding", ["sloppy-windows-1252", "latin-1", "macroman", "cp437"])
def test_utf8_read_in_a_single_byte_encoding_comes_back(encoding):
    line = seed_line("000", "党管人才是人才工作的重要原则")
    text, edits = fix_encoding(mojibake(line, encoding))
    assert text == line
    assert rules(edits) == {"mojibake": len(edits)}
    assert "decode utf-8" in edits[0].note


def test_short_mojibake_from_cp1252_and_latin1():
    assert fix_encoding(mojibake("人才工作", "sloppy-windows-1252"))[0] == "人才工作"
    assert fix_encoding(mojibake("中共中央办公厅", "latin-1"))[0] == "中共中央办公厅"


def test_mojibake_inside_a_correct_line_is_fixed_in_place():
    text, edits = fix_encoding("会议通知：" + mojibake("人才工作", "sloppy-windows-1252") + "。")
    assert text == "会议通知：人才工作。"
    assert [(e.before, e.after) for e in edits] == [("äººæ‰\x8då·¥ä½œ", "人才工作")]


@pytest.mark.parametrize("text", ["全市共引进××“千人计划”专家", "增长××‘十二五’", "×“", "价格×„"])
def test_a_mask_before_a_quote_is_not_read_as_hebrew(text):
    # cp1252 shows the UTF-8 of ד (D7 93) as `×“`; ftfy alone turns every one of these into Hebrew.
    assert ftfy.fix_text(text, unicode_module._FTFY_CONFIG) != text
    assert fix_encoding(text) == (text, [])


def test_mojibake_beside_a_mask_before_a_quote_is_still_fixed():
    text, edits = fix_encoding(
        "会议通知：" + mojibake("人才工作", "sloppy-windows-1252") + "，共××“千人计划”专家"
    )
    assert text == "会议通知：人才工作，共××“千人计划”专家"
    assert [(e.rule, e.after) for e in edits] == [("mojibake", "人才工作")]


def test_a_whole_line_of_mojibake_with_a_mask_in_it_is_fixed_around_the_mask():
    line = mojibake("人才工作", "sloppy-windows-1252") + "×“" + mojibake("会议", "sloppy-windows-1252")
    assert fix_encoding(line)[0] == "人才工作×“会议"


def test_hebrew_that_was_there_stays():
    assert fix_encoding("以色列报纸《הארץ》报道")[0] == "以色列报纸《הארץ》报道"


def test_strict_cp1252_loses_a_byte_and_only_that_character_stays_lost():
    # 才 is E6 89 8D; cp1252 has no 8D, so errors="replace" destroys it for good.
    broken = "人才工作".encode().decode("cp1252", errors="replace")
    assert fix_encoding(broken)[0] == "人\ufffd工作"


def test_a_paragraph_through_strict_cp1252_keeps_only_the_lost_characters_lost():
    line = seed_line("000", "党管人才是人才工作的重要原则")
    broken = line.encode().decode("cp1252", errors="replace")
    text, _ = fix_encoding(broken)
    assert len(text) == len(line)
    # cp1252 has no 81 8D 8F 90 9D: a character with such a byte (才 is E6 89 8D) is lost, 38 of 230 here.
    assert all(a == b for a, b in zip(text, line, strict=True) if a != "\ufffd")


def test_kangxi_radicals_and_compatibility_ideographs_become_unified():
    text, edits = fix_encoding("⼈才⼯作 豈 丽")
    assert text == "人才工作 豈 丽"
    assert (edits[0].rule, edits[0].before, edits[0].after, edits[0].note) == (
        "unify_ideograph",
        "⼈",
        "人",
        "U+2F08 kangxi radical man",
    )
    assert unicodedata.name(text[-1]) == "CJK UNIFIED IDEOGRAPH-4E3D"
    # U+FA0E is a unified ideograph that lives in the compatibility block: it stays.
    assert fix_encoding("\ufa0e")[0] == "\ufa0e"


def test_nfc():
    text, edits = fix_encoding("Cafe\u0301 人才")
    assert text == "Café 人才"
    assert [(e.rule, e.before, e.after) for e in edits] == [("nfc", "e\u0301", "é")]


def test_other_broken_unicode():
    text, edits = fix_encoding("\x1b[31m人才\x1b[0m ﬁnance \ud83d\ude00")
    assert text == "人才 finance 😀"
    assert set(rules(edits)) == {"broken_unicode"}


@pytest.mark.parametrize(
    "text",
    [
        "ＧＤＰ（国内生产总值）增长１５％，“千人计划”——人才‘强市’…… 1．党管人才",
        "Copyright © 2010-2016 东莞人才发展研究院 ALL RIGHTS RESERVED",
        "café naïve 10€ Ünïcödé “quoted” — • · ±5°",
        "人才\ufffd工作",
    ],
)
def test_correct_text_is_left_alone(text):
    assert fix_encoding(text) == (text, [])


@pytest.mark.parametrize("path", SEEDS, ids=lambda path: path.name[:3])
def test_seeds_pass_fix_encoding_untouched_and_never_reach_ftfy(path):
    text = path.read_text(encoding="utf-8")
    assert fix_encoding(text) == (text, [])
    assert not unicode_module._ftfy_suspects(text)


# --- remove_invisible ---------------------------------------------------------------------------------


def test_private_use_character_in_seed_004():
    line = seed_line("004", "\ue004")
    text, edits = remove_invisible(line)
    assert text == line.replace("\ue004", "")
    assert text.endswith("成为经济建设的主力军。")
    assert [(e.rule, e.before, e.after, e.note) for e in edits] == [
        ("private_use", "\ue004", "", "U+E004 private use")
    ]


def test_no_break_spaces_in_seed_003_become_spaces():
    line = seed_line("003", "2014年11月01日\u00a011版")
    text, edits = remove_invisible(line)
    assert text == "    作者:于年中 桂昭明 《光明日报》( 2014年11月01日 11版)"
    assert [e.note for e in edits] == ["U+00A0 no-break space"]


def test_every_no_break_space_kind():
    text, edits = remove_invisible("5\u202f000\u00a0元\u2007人")
    assert text == "5 000 元 人"
    assert rules(edits) == {"no_break_space": 3}


def test_ideographic_space_indent_goes_and_elsewhere_becomes_a_space():
    text, edits = remove_invisible("\u3000\u3000为贯彻落实\n抓住机遇\u3000乘势而上")
    assert text == "为贯彻落实\n抓住机遇 乘势而上"
    assert rules(edits) == {"ideographic_indent": 2, "ideographic_space": 1}


def test_byte_order_mark_before_an_indent():
    assert remove_invisible("\ufeff\u3000\u3000正文")[0] == "正文"


def test_zero_width_and_format_characters_go():
    text, edits = remove_invisible("人\u200b才\u200c工\u200d作\u2060\ufeff \u200e\u00ad")
    assert text == "人才工作 "
    assert rules(edits) == {"zero_width": 5, "format_character": 2}
    assert edits[0].note == "U+200B zero width space"


def test_control_characters_go_and_line_breaks_become_newlines():
    text, edits = remove_invisible("人才\x07工作\x00\r\n第二行\r第三行\x0c第四行\t表格")
    assert text == "人才工作\n第二行\n第三行\n第四行\t表格"
    assert rules(edits) == {"control": 2, "line_break": 3}
    assert edits[0].note == "U+000D U+000A"


@pytest.mark.parametrize("prefix", ["000", "002"])
def test_seeds_without_invisible_characters_are_untouched(prefix):
    text = seed(prefix)
    assert remove_invisible(text) == (text, [])


# The indent pattern as first written, with `^`, which `re` tries at every position.
_INDENT_CHARS = "".join(
    getattr(unicode_module, name) for name in ("_NO_BREAK_SPACES", "_OTHER_SPACES", "_ZERO_WIDTH", "_FORMAT")
)
_PLAIN_INDENT = re.compile(f"^[ \t{_INDENT_CHARS}\u3000]*\u3000", re.MULTILINE)


_indented_texts = st.lists(st.sampled_from([*"\u3000 \t\n\u00a0\u200b\u2066人才"]), max_size=20).map("".join)


@settings(max_examples=300, deadline=None)
@given(_indented_texts)
def test_indent_pattern_finds_what_the_plain_pattern_finds(text):
    def drop(match: re.Match[str]) -> str:
        return match.group().replace("\u3000", "")

    indented = unicode_module._IDEOGRAPHIC_INDENT.sub(drop, "\n" + text)[1:]
    assert indented == _PLAIN_INDENT.sub(drop, text)


def test_tally_of_nothing():
    distinct, counts = unicode_module._tally(unicode_module._code_units(""))
    assert (distinct.size, counts) == (0, [])
    distinct, counts = unicode_module._tally(unicode_module._code_units("人才人"))
    assert (unicode_module._from_code_units(distinct), counts) == ("人才", [2, 1])


# --- normalize_width ----------------------------------------------------------------------------------


def test_fullwidth_digits_in_seed_002():
    line = seed_line("002", "新华网北京")
    text, edits = normalize_width(line)
    assert text.startswith("新华网北京5月29日电题：抓住机遇 乘势而上")
    assert text.endswith("《国家中长期人才发展规划纲要（2010-2020年）》落实情况答新华社记者问")
    assert ("fullwidth_alnum", "２０１０", "2010") in [(e.rule, e.before, e.after) for e in edits]
    assert ("fullwidth_numeric_punct", "－", "-") in [(e.rule, e.before, e.after) for e in edits]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("ＧＤＰ增长１５％", "GDP增长15%"),
        ("增长３．５倍", "增长3.5倍"),
        ("２０１０－２０２０年", "2010-2020年"),
    ],
)
def test_fullwidth_letters_digits_and_numeric_punctuation(before, after):
    assert normalize_width(before)[0] == after


def test_fullwidth_point_after_a_list_number_stays():
    line = seed_line("000", "1．党管人才")
    assert normalize_width(line) == (line, [])


def test_seed_001_dateline_and_breadcrumb():
    assert normalize_width("日期:2013-03-27 / 人气:")[0] == "日期：2013-03-27 / 人气："
    assert (
        normalize_width("当前位置:主页 > 人才东莞 > 人才政策 >")[0]
        == "当前位置：主页 > 人才东莞 > 人才政策 >"
    )


def test_seed_001_paragraph():
    line = seed_line("001", "为贯彻落实《中共广东省委办公厅")
    text, edits = normalize_width(line)
    assert text == (
        "  为贯彻落实《中共广东省委办公厅印发〈关于进一步加强我省党管人才工作的意见〉的通知》"
        "（粤办发〔2013〕2 号）精神，更好实施人才东莞战略，特制定本实施方案。"
    )
    assert rules(edits) == {"chinese_brackets": 1, "chinese_punct": 2}
    assert [e.note for e in edits if e.rule == "chinese_brackets"] == ["粤办发〔2013〕2 号"]


def test_seed_001_numbers_stay_ascii_inside_chinese():
    line = seed_line("001", "市财政每年投入10 亿元")
    text, _ = normalize_width(line)
    assert "从2012 年起，市财政每年投入10 亿元，连续五年50亿元实施“人才东莞”战略。" in text
    assert "各镇街（园区）每年要按照不低于财政总收入3%的比例" in text
    assert "," not in text and "(" not in text


def test_seed_003_brackets():
    line = seed_line("003", "其分管工作都与人才工作密切相关")
    assert "负责人（其分管工作都与人才工作密切相关）任组长，由人才办" in normalize_width(line)[0]
    line = "    作者:于年中 桂昭明 《光明日报》( 2014年11月01日 11版)"
    assert normalize_width(line)[0] == "    作者：于年中 桂昭明 《光明日报》（2014年11月01日 11版）"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("(一)充分认识", "（一）充分认识"),
        ("国内生产总值(GDP)增长", "国内生产总值（GDP）增长"),
        (
            "关于贯彻落实《国家中长期人才发展规划纲要(2024-2024年)》的意见",
            "关于贯彻落实《国家中长期人才发展规划纲要（2024-2024年）》的意见",
        ),
        ("规划纲要 (2010-2020年)", "规划纲要（2010-2020年）"),
        ("工作, 更好 ; 然后:如下?是的!", "工作，更好；然后：如下？是的！"),
        ("人才强市,2013年", "人才强市，2013年"),
        ("共1,000人,增长3.5%,时间10:30", "共1,000人，增长3.5%，时间10:30"),
        ('他说"千人计划"很好', "他说“千人计划”很好"),
        ("实施'人才强市'战略", "实施‘人才强市’战略"),
        ("中((a))", "中（（a））"),
        (
            "见http://www.gov.cn/a?b=1,2,详见rcb@dg.gov.cn:联系",
            "见http://www.gov.cn/a?b=1,2，详见rcb@dg.gov.cn：联系",
        ),
    ],
)
def test_half_width_punctuation_in_chinese_context(before, after):
    text, edits = normalize_width(before)
    assert text == after
    assert edits


@pytest.mark.parametrize(
    "text",
    [
        "1,000",
        "3.5",
        "10:30",
        "http://www.gov.cn/zhengce/content/2010-06/06/content_1621777.htm?from=a,b;c:d!",
        "rcb@dg.gov.cn",
        "Hello, world! Is it (GDP) or not? Yes: it is; fine.",
        "The (GDP) grew in 2010, 3.5%.",
        "“千人计划”和‘人才强市’",
        "抓住机遇——推进改革 — 又 -- 再",
        "（一）充分认识，《规划》：是；否？好！",
        "Copyright © 2010-2016 东莞人才发展研究院 ALL RIGHTS RESERVED 粤ICP备15113773号",
        "1．党管人才",
        "don't say 'no'",
        '5" 屏幕',
        "1)加强",
    ],
)
def test_text_that_must_not_change(text):
    assert normalize_width(text) == (text, [])


def test_a_pair_converts_both_brackets_together():
    text, edits = normalize_width("中文(一)和")
    assert text == "中文（一）和"
    assert [(e.before, e.after) for e in edits] == [("()", "（）")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # its partner cut off with the rest of the sentence, or never typed
        ("省(自治区，直辖市", "省（自治区，直辖市"),
        ("直辖市)。要加强产业", "直辖市）。要加强产业"),
        ("中文(一)和)", "中文（一）和）"),
        # no Han character on its inside: a list mark, a smiley, Latin text
        ("1) 加强领导", None),
        ("(1 中文", None),
        ("the (GDP grew", None),
    ],
)
def test_a_lone_bracket_converts_when_it_hugs_a_han_character(text, expected):
    converted, edits = normalize_width(text)
    assert converted == (expected or text)
    assert [e.note for e in edits if e.note == "unpaired"] == (["unpaired"] if expected else [])


@pytest.mark.parametrize(
    ("text", "expected", "before"),
    [
        # Typed by hand, or one bracket of a pair converted by an earlier tool.
        ("统一领导，(三）相关部门要", "统一领导，（三）相关部门要", "(）"),
        ("（一)以企业经营管理人才为重点", "（一）以企业经营管理人才为重点", "（)"),
        ("《光明日报》（ 2014年11月01日 11版)", "《光明日报》（2014年11月01日 11版）", "（)"),
        ("（注：见(附件)", "（注：见（附件）", "()"),
    ],
)
def test_a_pair_of_mixed_widths_becomes_full_width(text, expected, before):
    converted, edits = normalize_width(text)
    assert converted == expected
    assert (edits[0].rule, edits[0].before, edits[0].after) == ("chinese_brackets", before, "（）")


def test_a_pair_of_mixed_widths_in_latin_text_stays():
    assert normalize_width("the (GDP） grew")[0] == "the (GDP） grew"


def test_quotes_that_do_not_hug_their_content_stay():
    assert normalize_width('5" 屏幕, "中文"')[0] == '5" 屏幕， "中文"'


CHINESE_PUNCTUATION = "，。、；：？！（）《》“”‘’—"


@pytest.mark.parametrize("path", SEEDS, ids=lambda path: path.name[:3])
def test_chinese_punctuation_never_becomes_ascii(path):
    before = path.read_text(encoding="utf-8")
    after, _ = normalize_width(before)
    for mark in CHINESE_PUNCTUATION:
        assert after.count(mark) >= before.count(mark), mark


# --- to_simplified ------------------------------------------------------------------------------------


def test_traditional_becomes_simplified():
    text, edits = to_simplified(TRADITIONAL)
    assert text == SIMPLIFIED
    folded = {(e.before, e.after): e.count for e in merge_edits(edits)}
    assert folded[("國", "国")] == TRADITIONAL.count("國")
    assert folded[("發", "发")] == TRADITIONAL.count("發")
    assert {e.rule for e in edits} == {"traditional_to_simplified"}


def test_short_traditional_title_converts():
    assert to_simplified("人才工作會議")[0] == "人才工作会议"


@pytest.mark.parametrize(
    "text",
    [
        "乾隆年间，乾隆帝下江南",
        "张乾同志在乾清宫",
        "张乾",
        "刘乾同志：\n" + seed("001"),
        "人才干事创业",
    ],
)
def test_simplified_text_with_names_t2s_would_change_stays(text):
    assert to_simplified(text) == (text, [])


@pytest.mark.parametrize("path", SEEDS, ids=lambda path: path.name[:3])
def test_simplified_seeds_stay(path):
    text = path.read_text(encoding="utf-8")
    assert to_simplified(text) == (text, [])


def test_simplified_page_quoting_a_traditional_paragraph():
    page = seed("002") + "\n" + TRADITIONAL
    text, _ = to_simplified(page)
    assert text.startswith(seed("002"))
    # The long quoted lines convert on their own evidence; the 14-character title is too short to judge
    # alone and follows the page, which is Simplified.
    assert text.endswith("\n".join(SIMPLIFIED.split("\n")[1:]))
    assert "國家中長期人才發展規劃綱要" in text


# A piece of a hard-wrapped Traditional paragraph: t2s changes 牽頭, 2 of its 22 Han characters.
FAINT_LINE = "人的根本。中宣部牽頭的“文化名家工程”，人民因素幸福。"


def test_a_line_that_changes_too_little_to_judge_follows_a_traditional_document():
    text, _ = to_simplified(TRADITIONAL + "\n" + FAINT_LINE)
    assert text == SIMPLIFIED + "\n人的根本。中宣部牵头的“文化名家工程”，人民因素幸福。"


def test_a_line_that_changes_too_little_to_judge_stays_in_a_simplified_document():
    assert to_simplified(seed("002") + "\n" + FAINT_LINE)[0].endswith(FAINT_LINE)


def test_a_simplified_line_with_a_name_stays_in_a_traditional_document():
    # t2s would make 张乾 张干 (1 of its 20 Han characters); s2t changes far more of it (张 会 强 队 设).
    line = "张乾同志在会上指出，要加强人才队伍建设工作。"
    assert to_simplified(TRADITIONAL + "\n" + line)[0].endswith("\n" + line)


def test_threshold_margin_as_documented():
    def t2s(text: str, config: str) -> str:
        lines = text.split("\n")
        return "\n".join(unicode_module._convert_lines(lines, range(len(lines)), config))

    for line in TRADITIONAL.split("\n")[1:]:
        share = sum(a != b for a, b in zip(line, t2s(line, "t2s"), strict=True)) / unicode_module._han_count(
            line
        )
        assert share >= 3 * 0.1
        assert t2s(line, "s2t") == line
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")
        assert t2s(text, "t2s") == text


def test_opencc_converter_is_built_once():
    assert unicode_module._opencc("t2s") is unicode_module._opencc("t2s")


OPENCC_LIB = Path(opencc.__file__).parent / "clib"


def dictionary_files(node: dict) -> list[str]:
    """The .ocd2 files an opencc config names, in groups too."""
    if node.get("type") == "group":
        return [name for child in node["dicts"] for name in dictionary_files(child)]
    return [node["file"]] if "file" in node else []


def dictionary_entries(config: str, folder: Path) -> list[tuple[str, str]]:
    """`(key, first value)` of every entry of every dictionary `config` uses, dumped by opencc_dict."""
    tool = OPENCC_LIB / "bin" / "opencc_dict"
    if not tool.exists():
        pytest.skip("opencc_dict is not bundled with this opencc")
    share = OPENCC_LIB / "share" / "opencc"
    spec = json.loads((share / f"{config}.json").read_text(encoding="utf-8"))
    stages = spec.get("normalization", []) + spec["conversion_chain"]
    entries = []
    for name in (file for stage in stages for file in dictionary_files(stage["dict"])):
        dump = folder / f"{name}.txt"
        subprocess.run([tool, "-i", share / name, "-o", dump, "-f", "ocd2", "-t", "text"], check=True)
        for line in dump.read_text(encoding="utf-8").splitlines():
            key, values = line.split("\t")
            entries.append((key, values.split(" ")[0]))
    return entries


@pytest.mark.parametrize("config", ["t2s", "s2t"])
def test_opencc_dictionaries_change_only_what_to_simplified_expects(config, tmp_path):
    # to_simplified converts line by line and skips the lines, and bounds the changes, by the characters a
    # conversion may change; that holds while every entry keeps its length and each character an entry
    # changes either changes on its own or is listed as one only a phrase changes.
    converter = unicode_module._opencc(config)
    phrase_only = set(unicode_module._PHRASE_ONLY[config])
    for key, value in dictionary_entries(config, tmp_path):
        assert len(key) == len(value) and "\n" not in key + value, (key, value)
        for old, new in zip(key, value, strict=True):
            if old != new:
                assert old in phrase_only or converter.convert(old) != old, (key, value, old)


def simplified_the_plain_way(
    text: str, threshold: float = 0.1, min_line_han: int = 20
) -> tuple[str, Counter]:
    """to_simplified's rule computed without shortcuts: both conversions of every line, to a fixpoint."""

    def convert(line: str, config: str) -> str:
        while (converted := unicode_module._opencc(config).convert(line)) != line:
            line = converted
        return line

    def looks_traditional(old: str, new: str, opposite: str) -> bool:
        han = unicode_module._han_count(old)
        to_simplified = unicode_module._differing(old, new)
        return (
            han > 0
            and to_simplified / han >= threshold
            and to_simplified > unicode_module._differing(old, opposite)
        )

    old_lines = text.split("\n")
    new_lines = [convert(line, "t2s") for line in old_lines]
    opposite_lines = [convert(line, "s2t") for line in old_lines]
    document = looks_traditional(text, "\n".join(new_lines), "\n".join(opposite_lines))
    lines, changes = [], Counter()
    for old, new, opposite in zip(old_lines, new_lines, opposite_lines, strict=True):
        if old != new and (
            looks_traditional(old, new, opposite)
            if unicode_module._han_count(old) >= min_line_han
            else document
        ):
            changes.update((a, b) for a, b in zip(old, new, strict=True) if a != b)
            old = new
        lines.append(old)
    return "\n".join(lines), changes


# Traditional and Simplified prose, the characters only a phrase changes (沈, 么, 了, 面) in and out of
# their phrases, names that t2s changes (张乾), and lines of every length.
SCRIPT_TOKENS = [
    *TRADITIONAL.replace("\n", "。").split("。"),
    *SIMPLIFIED.replace("\n", "。").split("。"),
    *("深沈", "沈阳", "憑藉", "藉口", "什么", "这么", "了解", "了", "面包", "面", "张乾", "乾隆", "乾清宫"),
    *"。，\n\n\n",
]


@settings(max_examples=200, deadline=None)
@given(text=st.lists(st.sampled_from(SCRIPT_TOKENS), min_size=1, max_size=30).map("".join))
def test_to_simplified_decides_as_the_plain_way(text):
    expected, changes = simplified_the_plain_way(text)
    result, edits = to_simplified(text)
    assert result == expected
    assert {(edit.before, edit.after): edit.count for edit in merge_edits(edits)} == changes


@pytest.mark.parametrize(
    ("step", "text", "changes"),
    [
        (remove_invisible, "\u00a0\u00a0进入新世纪新阶段\n\u00a0\u00a0我国进入", 4),
        (normalize_width, "人才,工作,更好,发展;创新", 4),
        (to_simplified, TRADITIONAL, sum(a != b for a, b in zip(TRADITIONAL, SIMPLIFIED, strict=True))),
    ],
)
def test_identical_changes_come_as_one_edit_with_their_count(step, text, changes):
    _, edits = step(text)
    assert merge_edits(edits) == edits
    assert sum(edit.count for edit in edits) == changes
    assert len(edits) < changes


# --- properties ---------------------------------------------------------------------------------------

# Tokens that make every rule fire: Han (weighted up), Traditional and name characters, radicals, digits
# and letters of both widths, ASCII and full-width punctuation (weighted up), ready-made pairs and numbers,
# quotes of every kind, spaces of every kind, line breaks, addresses and invisible characters.
CJK_TOKENS = [
    *"人才工作国家乾隆" * 3,
    *"張國發⼈豈",
    *"0123456789０１２３４５",
    *"aGＧｄ",
    *",:;?!()\"'" * 2,
    *".-%/@",
    *"，：；？！（）“”‘’－．％。、《》〈〉〔〕…—",
    *("(一)", "(GDP)", '"千人计划"', "'人才'", "1,000", "10:30", "3.5", "２０１０－２０２０", "15％"),
    *(" ", " ", "  ", "\u3000", "\u00a0", "\u202f", "\n", "\r\n", "\t"),
    *("\u200b", "\ufeff", "\ue004", "\x07", "——", "--", "e\u0301"),
    *("http://www.gov.cn/a?b=1,2", "rcb@dg.gov.cn", "don't"),
]
MOJIBAKE_SAMPLES = [mojibake("人才", "sloppy-windows-1252"), mojibake("工作", "latin-1")]
cjk_text = st.lists(st.sampled_from(CJK_TOKENS + MOJIBAKE_SAMPLES), min_size=3, max_size=40).map("".join)
any_text = st.one_of(st.text(), cjk_text)

STEPS = pytest.mark.parametrize("step", UNICODE_STEPS, ids=lambda step: step.__name__)


@STEPS
@settings(max_examples=200, deadline=None)
@given(text=any_text)
def test_step_never_raises_and_logs_exactly_when_it_changes(step, text):
    result, edits = step(text)
    assert isinstance(result, str)
    assert (result != text) == bool(edits)
    assert all(edit.step == "unicode" for edit in edits)
    for rule in {edit.rule for edit in edits}:
        event(rule)  # pytest --hypothesis-show-statistics shows how often each rule fired


@STEPS
@settings(max_examples=200, deadline=None)
@given(text=any_text)
def test_step_is_idempotent(step, text):
    once, _ = step(text)
    assert step(once) == (once, [])


def _reads_as_mojibake(text: str) -> bool:
    """Whether ftfy would recode `text`, as it is or with its full-width letters and digits folded."""
    composed = unicodedata.normalize("NFC", text)
    folded = composed.translate({code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)})
    return any(ftfy.fix_text(t, unicode_module._FTFY_CONFIG) != t for t in (composed, folded))


# Without mojibake: ftfy judges mojibake by its context, and `\u00a0äººæ‰\x8d` is left alone while
# ` äººæ‰` (after remove_invisible) is fixed, so a second round could fix what the first could not. The
# tokens can also make mojibake by chance: `”` and `é` are macroman's reading of `ӎ`, which ftfy
# restores after `0` but not after `０`, so normalize_width would leave work for a second round.
@settings(max_examples=200, deadline=None)
@given(text=st.lists(st.sampled_from(CJK_TOKENS), min_size=3, max_size=40).map("".join))
def test_all_steps_in_order_are_idempotent(text):
    assume(not _reads_as_mojibake(text))
    for step in UNICODE_STEPS:
        text, _ = step(text)
    for step in UNICODE_STEPS:
        assert step(text) == (text, [])


# Mojibake of Chinese in every encoding ftfy undoes, mixed with the characters that look like it.
MOJIBAKE_TOKENS = [
    *(
        mojibake(word, encoding)
        for word in ("人才", "“千人计划”", "——", "é")
        for encoding in CHARMAP_ENCODINGS
    ),
    *"人才，“”‘’—…·•©±°\u00a0 ?\ufffdéÃâ€ä",
    "\n",
]


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(MOJIBAKE_TOKENS), max_size=12).map("".join))
def test_gating_ftfy_changes_nothing(text):
    assert fix_encoding(text)[0] == ftfy_always(text)


@pytest.mark.parametrize(
    "text",
    [
        mojibake(seed_line("000", "党管人才是人才工作的重要原则"), "sloppy-windows-1252"),
        "会议通知："
        + mojibake("人才工作", "sloppy-windows-1252")
        + "。\n第二行"
        + mojibake("人才", "latin-1"),
        "\x1b[31m人才\x1b[0m ﬁnance \ud83d\ude00 \x85",
        *(path.read_text(encoding="utf-8") for path in SEEDS),
    ],
)
def test_gating_ftfy_changes_nothing_on_examples(text):
    assert fix_encoding(text)[0] == ftfy_always(text)


def test_fix_encoding_composes_before_ftfy_reads_the_text() -> None:
    """Hypothesis found `\\x80` + `e` + combining grave: ftfy read it as `€è` the first time and, once
    composed, as mojibake of `ۏ` the second. Composing first gives one answer, and a second run keeps it."""
    once, edits = fix_encoding("\x80e\u0300")
    assert once == "ۏ"
    assert [e.rule for e in edits] == ["nfc", "mojibake"]
    assert fix_encoding(once) == (once, [])


@pytest.mark.parametrize("table, pattern", [("_IS_HAN_UNIT", "_IS_HAN"), ("_IS_INVISIBLE", "_INVISIBLE")])
def test_lookup_tables_hold_exactly_what_their_regex_classes_match(table, pattern):
    # Lone surrogates included: a position in the string is a code point.
    every_character = "".join(map(chr, range(0x110000)))
    matched = [match.start() for match in getattr(unicode_module, pattern).finditer(every_character)]
    assert getattr(unicode_module, table).nonzero()[0].tolist() == matched
