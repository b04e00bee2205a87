from __future__ import annotations

import re
from functools import reduce
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.clean import years as years_module
from cleaner.clean.placeholders import MASK, count_masks, mask_placeholders, restore_censored
from cleaner.clean.years import (
    YearEvidence,
    collect_year_evidence,
    document_date,
    find_artefact_years,
    merge,
    repair_years,
)

RAW = Path(__file__).resolve().parent.parent / "raw"
S002, S004 = "002_3b543c07da42147c.txt", "004_69a075c59e7323d5.txt"
PLAN = "国家中长期人才发展规划纲要"
EVIDENCE = YearEvidence(
    artefact_years={S002: frozenset({2024}), S004: frozenset({2024})},
    ranges={PLAN: frozenset({(2010, 2020)})},
)


def repair(text: str, date: str | None = None, source_file: str = S002, evidence: YearEvidence = EVIDENCE):
    return repair_years(text, date=date, source_file=source_file, evidence=evidence)


# --- find_artefact_years ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "《国家中长期人才发展规划纲要（2024-2024年）》",
        "制定了《振兴沈阳人才资源开发和配置规划（2024—2024年）》",
        "（２０２４－２０２４年）",
        "2024–2024年",
        "2024―2024年",
        "2024～2024年",
        "2024~2024",
        "2024至2024年",
        "2024——2024年",
        "2024 - 2024 年",
    ],
)
def test_equal_endpoint_ranges_reveal_the_artefact_year(text):
    assert find_artefact_years(text) == {2024}


@pytest.mark.parametrize(
    "text",
    [
        "《国家中长期人才发展规划纲要（2010—2020年）》",
        "1978-2024年的平均值",
        "12024-2024",
        "3～5年",
        "〔2024〕",
    ],
)
def test_valid_ranges_reveal_nothing(text):
    assert find_artefact_years(text) == set()


# --- document_date ----------------------------------------------------------------------------------------

SIGNED_002 = (
    "2024年是贯彻落实全国人才工作会议精神和《人才规划纲要》的开局之年。\n"
    "二○一○年六月四日\n"
    "来源：人力资源和社会保障部 2024年6月4日"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (SIGNED_002, "2010-06-04"),
        ("……特此通知。\n二〇一〇年\n", "2010"),
        ("……特此通知。\n二零一零年十二月三十一日", "2010-12-31"),
        ("……特此通知。\n  （二○一○年六月）", "2010-06"),
        ("……特此通知。\n2010年6月4日", "2010-06-04"),
        ("……特此通知。\n二0一0年六月四日", "2010-06-04"),
    ],
)
def test_document_date_from_a_signature(text, expected):
    assert document_date(text, None, artefact_years={2024}) == expected


def test_metadata_date_comes_first():
    assert document_date(SIGNED_002, "2012-09-26", artefact_years={2024}) == "2012-09-26"


def test_a_date_containing_the_artefact_year_is_no_evidence():
    assert document_date(SIGNED_002, "2024-06-04", artefact_years={2024}) == "2010-06-04"
    assert document_date("……特此通知。\n2024年6月4日", None, artefact_years={2024}) is None
    assert document_date("……\n二〇二四年六月四日", None, artefact_years={2024}) is None


@pytest.mark.parametrize(
    "text",
    [
        "来源：人力资源和社会保障部 2010年6月4日",  # a source line, not a signature
        "2010年\n",  # a bare Arabic year line is more often a table cell
        "二○一○年十三月四日",  # no such month
        "会议指出，2010年是关键一年。",
    ],
)
def test_no_signature(text):
    assert document_date(text, None) is None


# --- collect_year_evidence and merge ----------------------------------------------------------------------


def test_evidence_from_the_full_width_title_of_002():
    line = "新华网北京5月29日电题：……中央人才工作协调小组负责人就《国家中长期人才发展规划纲要（２０１０－２０２０年）》落实情况答新华社记者问"
    evidence = collect_year_evidence([(S002, line)])
    assert evidence.ranges == {PLAN: frozenset({(2010, 2020)})}
    assert evidence.artefact_years == {}


def test_evidence_from_artefact_ranges_and_a_title_on_the_line_before():
    text = "国家中长期人才发展规划纲要\n（2024-2024年）\n目 录\n《振兴沈阳人才资源开发和配置规划（2004—2010年）》"
    evidence = collect_year_evidence([(S004, text)])
    assert evidence.artefact_years == {S004: frozenset({2024})}
    assert evidence.ranges == {"振兴沈阳人才资源开发和配置规划": frozenset({(2004, 2010)})}


def test_short_phrases_are_no_evidence():
    assert collect_year_evidence([("a.txt", "规划（2010-2020年）")]).ranges == {}


def test_map_then_merge_equals_one_pass():
    docs = [
        (S002, "《国家中长期人才发展规划纲要（2024-2024年）》"),
        (S002, "《国家中长期人才发展规划纲要（２０１０－２０２０年）》"),
        (S004, "规划（2024—2024年）"),
        ("000.txt", "《国家中长期人才发展规划纲要（2010—2020年）》"),
    ]
    mapped = reduce(merge, (collect_year_evidence([doc]) for doc in docs), YearEvidence())
    assert mapped == collect_year_evidence(docs)
    assert mapped.years == {2024}


def test_conflicting_ranges_are_no_evidence():
    evidence = merge(EVIDENCE, YearEvidence(ranges={PLAN: frozenset({(2011, 2020)})}))
    assert evidence.range_for(PLAN) is None
    assert EVIDENCE.range_for("审议" + PLAN) == (PLAN, (2010, 2020))


# --- repair_years, evidence level 1: cross-reference ------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            " 关于贯彻落实《国家中长期人才发展规划纲要（2024-2024年）》的意见",
            " 关于贯彻落实《国家中长期人才发展规划纲要（2010-2020年）》的意见",
        ),
        (
            "国家中长期人才发展规划纲要\n（2024-2024年）\n目 录",
            "国家中长期人才发展规划纲要\n（2010-2020年）\n目 录",
        ),
        (
            "按照《中央人才工作协调小组实施〈国家中长期人才发展规划纲要（2024-2024年）〉任务分工方案》",
            "按照《中央人才工作协调小组实施〈国家中长期人才发展规划纲要（2010-2020年）〉任务分工方案》",
        ),
        ("国家中长期人才发展规划纲要（2024—2024年）", "国家中长期人才发展规划纲要（2010—2020年）"),
        ("国家中长期人才发展规划纲要（2010-2024年）", "国家中长期人才发展规划纲要（2010-2020年）"),
    ],
)
def test_crossref_repairs_the_plan_title(before, after):
    text, date, edits = repair(before)
    assert (text, date) == (after, None)
    assert [e.rule for e in edits] == ["year_range_crossref"]
    assert PLAN in edits[0].note


def test_crossref_works_on_a_title_field():
    text, _, edits = repair("国家中长期人才发展规划纲要（2024-2024年）", date=None)
    assert text == "国家中长期人才发展规划纲要（2010-2020年）"
    assert edits[0].before == "（2024-2024年）" and edits[0].after == "（2010-2020年）"


# --- level 2: the document's own date ---------------------------------------------------------------------


def test_signature_repairs_the_source_line_and_the_date():
    text, date, edits = repair(SIGNED_002, date=None)
    assert text == (
        "××年是贯彻落实全国人才工作会议精神和《人才规划纲要》的开局之年。\n"
        "二○一○年六月四日\n"
        "来源：人力资源和社会保障部 2010年6月4日"
    )
    assert date == "2010-06-04"
    by_rule = {(e.rule, e.field): e for e in edits}
    assert by_rule["year_signature", "text"].before == "2024年6月4日"
    assert by_rule["year_signature", "text"].note == "signature 二○一○年六月四日"
    assert by_rule["year_signature", "date"].after == "2010-06-04"
    assert "document dated 2010-06-04" in by_rule["year_artefact_masked", "text"].note


def test_signature_replaces_a_metadata_date_that_holds_the_artefact_year():
    _, date, edits = repair(SIGNED_002, date="2024-06-04")
    assert date == "2010-06-04"
    assert next(e for e in edits if e.field == "date").before == "2024-06-04"


def test_metadata_date_repairs_the_same_date_in_the_text():
    text, date, edits = repair("本通知自2024年9月26日起施行。", date="2012-09-26", source_file="000.txt")
    assert (text, date) == ("本通知自2012年9月26日起施行。", "2012-09-26")
    assert edits[0].rule == "year_metadata"


# --- level 3: masks ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "会议指出，2024年是新世纪以来我国经济发展最为困难的一年。",
            "会议指出，××年是新世纪以来我国经济发展最为困难的一年。",
        ),
        ("人社部发〔2024〕40号", "人社部发〔××〕40号"),
        (
            "其中2024年数据为1978-2024年的平均值，2024年数据为2024-2024年的平均值",
            "其中××年数据为1978-××年的平均值，××年数据为××-××年的平均值",
        ),
        ("紧紧围绕我院“创新2024”发展目标", "紧紧围绕我院“创新××”发展目标"),
        ("指标 单位 2024年 2024年 2024年", "指标 单位 ××年 ××年 ××年"),
        (
            "制定了《振兴沈阳人才资源开发和配置规划（2024—2024年）》",
            "制定了《振兴沈阳人才资源开发和配置规划（××—××年）》",
        ),
        ("截至2024.6.30", "截至××.6.30"),
    ],
)
def test_other_suspect_years_become_masks(before, after):
    text, _, edits = repair(before)
    assert text == after
    assert {e.rule for e in edits} == {"year_artefact_masked"}
    assert all("2024" in e.note for e in edits)


def test_a_metadata_date_with_the_artefact_year_and_no_signature_is_dropped():
    text, date, edits = repair("到2024年底，全市共有人才", date="2024-05-01", source_file=S004)
    assert (text, date) == ("到××年底，全市共有人才", None)
    assert [(e.field, e.before, e.after) for e in edits if e.field == "date"] == [("date", "2024-05-01", "")]


def test_ambiguous_crossref_falls_back_to_the_mask():
    evidence = merge(EVIDENCE, YearEvidence(ranges={PLAN: frozenset({(2011, 2020)})}))
    text, _, _ = repair("《国家中长期人才发展规划纲要（2024-2024年）》", evidence=evidence)
    assert text == "《国家中长期人才发展规划纲要（××-××年）》"


def test_an_equal_endpoint_range_is_malformed_even_in_a_later_document():
    text, _, edits = repair("《规划（2024-2024年）》，2024年", date="2025-01-01", source_file="new.txt")
    assert text == "《规划（××-××年）》，2024年"
    assert edits[0].note == "2024-2024: a range with equal endpoints is malformed"


# --- what must not change ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date", "source_file"),
    [
        # 000, dated 2012, names future years on purpose
        (
            "《国家中长期人才发展规划纲要（2010—2020年）》，现就进一步加强党管人才工作提出如下意见。",
            "2012-09-26",
            "000.txt",
        ),
        ("（中办发〔2012〕22号 2012年9月26日）", "2012-09-26", "000.txt"),
        # 004, undated in a file with the artefact: only 2024 is suspect
        ("1999年以来，全市仅教育卫生系统就流失专业技术人才××人。", None, S004),
        ("目前，“千人计划”分5批共引进1143人", None, S002),
        # a count or a decimal that happens to read 2024
        ("全市共引进2024人，投入2024.5万元", None, S004),
        # a document dated on or after 2024 may speak of 2024
        ("到2024年底，全市共有人才", "2024-12-31", "clean.txt"),
        ("到2024年底，全市共有人才", "2025-03-01", S004),
        # an undated document in a file without the artefact
        ("到2024年底，全市共有人才", None, "clean.txt"),
        ("", None, S002),
    ],
)
def test_years_that_are_not_suspect_stay(text, date, source_file):
    assert repair(text, date=date, source_file=source_file) == (text, date, [])


# --- the fast paths find what the plain patterns find -----------------------------------------------------

# The patterns as first written, with a lookbehind or `^` in front, which `re` tries at every position.
_PLAIN_RANGE = re.compile(
    r"(?<!\d)([12１２]\d{3})[ \t\u3000]*(——|[-－—–―～~至])[ \t\u3000]*([12１２]\d{3})(?!\d)(年?)"
)
_PLAIN_FULL_DATE = re.compile(
    r"(?<![\d.])(?P<year>\d{4})(?:年(?P<month>\d{1,2})月(?P<day>\d{1,2})日"
    r"|(?P<sep>[-./])(?P<month2>\d{1,2})(?P=sep)(?P<day2>\d{1,2})(?!\d))"
)
_CN_YEAR, _CN_SMALL = years_module._CN_YEAR, years_module._CN_SMALL
_PLAIN_SIGNATURE = re.compile(
    rf"^[ \t\u3000]*[（(]?[ \t\u3000]*(?P<year>{_CN_YEAR})年"
    rf"(?:(?P<month>{_CN_SMALL})月(?:(?P<day>{_CN_SMALL})日)?)?[ \t\u3000]*[）)]?[ \t\u3000]*$",
    re.M,
)
_PATTERN_ALPHABET = [
    *"12０１２４6 \t\u3000-－—–―～~至年月日.〔〕（）()\n/人二○一〇六四十",
    "2024", "２０２４", "2010", "——", "٢٠٢٤", "12024", "2024.5", "国家中长期人才发展规划纲要",
]  # fmt: skip
_pattern_texts = st.one_of(
    st.lists(st.sampled_from(_PATTERN_ALPHABET), max_size=30).map("".join), st.text(max_size=30)
)


def _found(matches) -> list[tuple]:
    return [(m.span(), m.groups()) for m in matches]


@settings(max_examples=300, deadline=None)
@given(_pattern_texts)
def test_range_patterns_find_what_the_plain_pattern_finds(text):
    plain = _found(_PLAIN_RANGE.finditer(text))
    assert _found(years_module._RANGE.finditer(text)) == plain
    assert _found(years_module._find_ranges(text)) == plain


@settings(max_examples=300, deadline=None)
@given(_pattern_texts)
def test_bracketed_ranges_are_found_from_the_ranges(text):
    ranges = years_module._find_ranges(text)
    found = _found(years_module._bracketed_ranges(text, ranges))
    assert found == _found(years_module._BRACKETED_RANGE.finditer(text))


@settings(max_examples=300, deadline=None)
@given(_pattern_texts)
def test_equal_bracketed_endpoints_are_artefact_years(text):
    # Why repair_years may skip the crossref when there is no suspect year and no artefact year in the text.
    equal = {int(m[1]) for m in years_module._BRACKETED_RANGE.finditer(text) if int(m[1]) == int(m[2])}
    assert equal <= find_artefact_years(text)


@settings(max_examples=300, deadline=None)
@given(_pattern_texts)
def test_date_patterns_find_what_the_plain_patterns_find(text):
    assert _found(years_module._FULL_DATE.finditer(text)) == _found(_PLAIN_FULL_DATE.finditer(text))
    signatures = [(m.groupdict(), m[0].strip()) for m in years_module._SIGNATURE.finditer("\n" + text)]
    assert signatures == [(m.groupdict(), m[0].strip()) for m in _PLAIN_SIGNATURE.finditer(text)]


def test_a_date_repaired_into_an_equal_endpoint_range_is_masked():
    # No equal-endpoint range before the repair, one after it: the range mask must still run.
    evidence = YearEvidence(artefact_years={S002: frozenset({2024})})
    text, date, edits = repair("会议于2010-2024-06-04召开", date="2010-06-04", evidence=evidence)
    assert (text, date) == ("会议于××-××-06-04召开", "2010-06-04")
    assert [e.rule for e in edits] == ["year_metadata", "year_artefact_masked"]


def test_a_document_without_artefact_years_is_left_alone():
    text = "《国家中长期人才发展规划纲要（2010—2020年）》于2011年6月4日印发，2024年起实施。"
    assert repair_years(text, date="2012-09-26", source_file="a.txt", evidence=YearEvidence()) == (
        text,
        "2012-09-26",
        [],
    )


# --- the step contract ------------------------------------------------------------------------------------

_ALPHABET = [
    "2024", "2010", "2020", "1978", "-", "—", "～", "年", "月", "日", "6", "4", "〔", "〕", "（", "）", "《", "》",
    "\n", " ", ".", "人", PLAN, "二○一○年六月四日", "二〇二四年", "来源：", "××", "创新",
]  # fmt: skip
_texts = st.lists(st.sampled_from(_ALPHABET), max_size=30).map("".join)
_dates = st.sampled_from([None, "2010-06-04", "2024-06-04", "2012-09-26", "2025-01-01", "2024"])
_sources = st.sampled_from([S002, "clean.txt"])


@settings(max_examples=200, deadline=None)
@given(_texts, _dates, _sources)
def test_repair_years_is_idempotent_and_never_raises(text, date, source_file):
    once, once_date, _ = repair(text, date=date, source_file=source_file)
    assert repair(once, date=once_date, source_file=source_file) == (once, once_date, [])


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60), st.one_of(st.none(), st.text(max_size=12)))
def test_year_functions_never_raise_on_any_string(text, date):
    evidence = merge(collect_year_evidence([("a.txt", text)]), EVIDENCE)
    find_artefact_years(text)
    document_date(text, date, artefact_years=evidence.years)
    repair_years(text, date=date, source_file="a.txt", evidence=evidence)


# --- the seed corpus, end to end --------------------------------------------------------------------------

_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
# "(2024-2024年)": the cleaning before these steps puts Chinese brackets around a range in Chinese text.
_ASCII_BRACKETED_RANGE = re.compile(r"\((\s*\d{4}\s*[-—–～至]\s*\d{4}\s*年?\s*)\)")
_PART_HEADING = re.compile(r"^\s*第[一二三四五六七八九十]+篇：(.*)$", re.M)


def _as_cleaned(text: str) -> str:
    """The minimal normalisation earlier steps do: half-width digits, `-` between digits, `（…年）`."""
    text = re.sub(r"(?<=\d)－(?=\d)", "-", text.translate(_FULL_WIDTH_DIGITS))
    return _ASCII_BRACKETED_RANGE.sub(r"（\1）", text)


def _seed_documents() -> list[dict]:
    docs = []
    for name in (S002, S004):
        text = _as_cleaned((RAW / name).read_text(encoding="utf-8"))
        headings = list(_PART_HEADING.finditer(text))
        chunks = [(None, text[: headings[0].start()])] if text[: headings[0].start()].strip() else []
        for heading, following in zip(headings, [*headings[1:], None], strict=True):
            chunks.append(
                (heading[1].strip(), text[heading.end() : following.start() if following else len(text)])
            )
        docs += [
            {"source_file": name, "part": k, "title": title, "text": body, "date": None}
            for k, (title, body) in enumerate(chunks, 1)
        ]
    name = "000_9f435189388a1e93.txt"
    body = _as_cleaned((RAW / name).read_text(encoding="utf-8")).split("---\n", 2)[2]
    docs.append({"source_file": name, "part": None, "title": "关于进一步加强党管人才工作的意见（2012年）", "text": body,
                 "date": "2012-09-26"})  # fmt: skip
    return docs


def _clean_seed_corpus() -> tuple[list[dict], list[dict]]:
    raw = _seed_documents()
    pairs = [(d["source_file"], field) for d in raw for field in (d["text"], d["title"]) if field]
    evidence = reduce(merge, (collect_year_evidence([pair]) for pair in pairs), YearEvidence())
    cleaned = []
    for doc in raw:
        text, restore_edits = restore_censored(doc["text"])
        text, mask_edits = mask_placeholders(text)
        text, date, year_edits = repair_years(
            text, date=doc["date"], source_file=doc["source_file"], evidence=evidence
        )
        title, title_edits = doc["title"], []
        if title:
            title, _, title_edits = repair_years(
                title, date=date, source_file=doc["source_file"], evidence=evidence
            )
        edits = restore_edits + mask_edits + year_edits
        cleaned.append({**doc, "text": text, "title": title, "date": date, "edits": edits,
                        "title_edits": title_edits, "placeholders": count_masks(text)})  # fmt: skip
    return raw, cleaned


def test_seed_corpus_meets_the_acceptance_criteria():
    raw, cleaned = _clean_seed_corpus()
    assert [(d["source_file"][:3], d["part"]) for d in cleaned] == [
        ("002", 1), ("002", 2), ("002", 3), ("002", 4),
        ("004", 1), ("004", 2), ("004", 3), ("004", 4), ("004", 5), ("000", None),
    ]  # fmt: skip
    fields = [f for d in cleaned for f in (d["text"], d["title"]) if f]
    artefact_files = [d for d in cleaned if d["source_file"] in (S002, S004)]

    # no equal-endpoint range anywhere; the plan's title reads （2010-2020年） wherever it occurs
    assert all(find_artefact_years(f) == set() for f in fields)
    fields_002 = [f for d in cleaned if d["source_file"] == S002 for f in (d["text"], d["title"]) if f]
    plan_ranges = [m[1] for f in fields_002 for m in re.finditer(PLAN + r"\s*([（(][^）)]*[）)])", f)]
    assert len(plan_ranges) >= 9 and set(plan_ranges) == {"（2010-2020年）"}

    # 002's part signed 二○一○年六月四日 is dated 2010-06-04 and its source line agrees
    signed = [d for d in cleaned if "二○一○年六月四日" in d["text"]]
    assert [(d["source_file"], d["part"], d["date"]) for d in signed] == [(S002, 3, "2010-06-04")]
    assert "来源：人力资源和社会保障部 2010年6月4日" in signed[0]["text"]

    # censorship restored, every mask canonical and counted
    assert not any("学xxx" in f for f in fields)
    assert [d["part"] for d in cleaned if "组织学习省委" in d["text"]] == [2, 3, 4]
    for d in artefact_files:
        assert not re.search(r"[*＊～]|xx|XX|5\*\*", d["text"]), d["part"]
        assert "×" not in d["text"].replace(MASK, ""), d["part"]
        assert d["placeholders"] == d["text"].count(MASK)
    drafts = [d for d in artefact_files if d["source_file"] == S004 and d["part"] in (2, 3, 4)]
    sentences = {re.search(r"人才总量不断增加。[^\n]*?专业技术人才××万人。", d["text"])[0] for d in drafts}
    assert sentences == {
        "人才总量不断增加。到××年底，全市共有中专以上学历或初级以上职称人员××万名，比××年增加××万人。"
        "其中党政人才近××万人；企业经营管理人才××万人；专业技术人才××万人。"
    }

    # no 2024 left in 002 or 004
    assert not any("2024" in f for d in artefact_files for f in (d["text"], d["title"]) if f)

    # every change is in the edits, with its rule and evidence: all masks and all removed 2024s are accounted for
    for before, after in zip(raw, cleaned, strict=True):
        edits = after["edits"]
        assert all(e.rule and e.note for e in edits + after["title_edits"])
        text_edits = [e for e in edits if e.field == "text"]
        assert after["text"].count(MASK) == sum(
            e.after.count(MASK) - e.before.count(MASK) for e in text_edits
        )
        assert before["text"].count("2024") == sum(
            e.before.count("2024") - e.after.count("2024") for e in text_edits
        )

    # years that are not suspect are left alone
    by_part = {(d["source_file"], d["part"]): d for d in cleaned}
    assert all("1999年以来" in by_part[S004, k]["text"] for k in (2, 3, 4))
    assert "1978-××年" in by_part[S002, 2]["text"]
    zero = by_part["000_9f435189388a1e93.txt", None]
    assert "《国家中长期人才发展规划纲要（2010—2020年）》" in zero["text"] and "2012年" in zero["text"]
    assert [e for e in zero["edits"] if e.step == "years"] == []
