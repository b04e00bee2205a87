"""The whole pipeline on the real seeds: what a user of the published dataset sees."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cleaner.documents import Document
from cleaner.pipeline import Params, build, clean_corpus, clean_document, normalize_unicode

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def result():
    return build(Params(), REPO)


@pytest.fixture(scope="module")
def docs(result):
    rows = result.documents.to_pylist() + result.duplicates.to_pylist()
    return {row["id"]: Document.from_row(row) for row in rows}


@pytest.fixture(scope="module")
def corpus_text(docs):
    return "\n".join(d.text for d in docs.values())


FURNITURE_001_003 = [
    "当前位置",
    "人气",
    "编辑",
    "管理员",
    "Copyright",
    "ICP",
    "安全网站",
    "网上报警",
    "首页English",
    "•",
    "更多>>",
    "报 纸",
    "杂 志",
    "星期六",
    "作者：于年中",
    "CFP",
    "人才聚焦",
]


@pytest.mark.parametrize("line", FURNITURE_001_003)
def test_no_furniture_left_in_001_and_003(docs, line):
    for doc_id in ("001_f679da4d0439741e", "003_74c78534f12b628a"):
        assert line not in docs[doc_id].text, doc_id


def test_furniture_becomes_columns(docs):
    dongguan = docs["001_f679da4d0439741e"]
    assert dongguan.date == "2013-03-27"
    assert "关于进一步加强党管人才工作的实施方案" in dongguan.title
    guangming = docs["003_74c78534f12b628a"]
    assert (guangming.date, guangming.publisher) == ("2014-11-01", "光明日报")
    assert guangming.authors == ["于年中", "桂昭明"]
    assert guangming.title == "“党管人才”的“微观践行”"
    assert guangming.text.splitlines()[-1].startswith("（作者单位：")


def test_text_is_normalised(corpus_text):
    assert not re.search(r"[\u4e00-\u9fff][,:;?!()][\u4e00-\u9fff]", corpus_text)
    assert not re.search(r"[０-９Ａ-Ｚａ-ｚ\u00a0\u200b\ue000-\uf8ff\"']", corpus_text)
    assert "\n\n" not in corpus_text and not re.search(r"^\s", corpus_text, re.M)


@pytest.mark.parametrize(
    "kept",
    [
        "人力资源管理部门",
        "主动性",
        "俄罗斯",
        "“千人计划”",
        "统筹推进",
        "目录",
        "序言",
        "〔2013〕2号",
        "从2012年起",
        "1-2次",
        "人才资源总量 万人 11385 15625 18025",
        "新华社北京2月22日电 中共中央政治局",
        "抓住机遇 乘势而上",
        "全市人才工作会议后",
        "普查工作",
        "明显存在",
        "最大限度地",
        "全国人才工作会议精神",
        "宏大的",
        "重视对引进人才",
        "支柱产业单一、结构性矛盾突出",
    ],
)
def test_spaces_and_wraps_repaired(corpus_text, kept):
    assert kept in corpus_text


def test_000_headings_keep_their_lines(docs):
    lines = docs["000_9f435189388a1e93"].text.splitlines()
    assert "一、充分认识进一步加强党管人才工作的重要意义" in lines
    assert "三、健全党管人才领导体制和工作格局" in lines


def test_years_repaired_or_masked(docs, corpus_text):
    assert not re.search(r"(?<!\d)(\d{4})\s*[-—–－～]\s*\1(?!\d)", corpus_text)
    assert "纲要\n（2010-2020年）" in docs["002_3b543c07da42147c#2"].text  # range on the line after the title
    assert "纲要（2010-2020年）" in docs["002_3b543c07da42147c#1"].text
    assert "2024" not in "".join(d.text + (d.title or "") for i, d in docs.items() if i[:3] in ("002", "004"))
    signed = docs["002_3b543c07da42147c#3"]
    assert signed.date == "2010-06-04"
    assert "来源：人力资源和社会保障部 2010年6月4日" in signed.text
    assert "国家中长期人才发展规划纲要（2010—2020年）" in docs["000_9f435189388a1e93"].text


def test_placeholders_are_one_canonical_mask(docs, corpus_text):
    assert "学xxx" not in corpus_text
    assert all("组织学习省委" in docs[f"004_69a075c59e7323d5#{k}"].text for k in (2, 3, 4))
    assert not re.search(r"\*|(?<![A-Za-z])[xX]{2,}(?![A-Za-z])|～年|×××", corpus_text)
    for doc in docs.values():
        assert doc.placeholders == len(re.findall("××", doc.text))


def test_every_change_is_in_the_edit_log(docs):
    steps = {e.step for d in docs.values() for e in d.edits}
    assert {"unicode", "furniture", "lines", "placeholders", "years"} <= steps
    rules = {e.rule for d in docs.values() for e in d.edits}
    assert {"placeholder_mask", "censorship_restore", "year_range_crossref", "year_artefact_masked"} <= rules


def test_cleaning_clean_text_changes_nothing(docs):
    for doc in docs.values():
        document = Document(id=doc.id, text=doc.text, title=doc.title, source_file=doc.source_file)
        again = clean_document(normalize_unicode(document))
        assert (again.text, again.title) == (doc.text, doc.title), doc.id
        assert [e for e in again.edits if e.field in ("text", "title")] == [], doc.id


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        # `××“` is what ftfy alone reads as the mojibake of Hebrew ד.
        (
            "全市引进专家xx名，其中xx“长江学者”、**“青年拔尖人才”。",
            "全市引进专家××名，其中××“长江学者”、××“青年拔尖人才”。",
        ),
        # Brackets that a hard wrap split are converted once the lines are joined.
        (
            "解决急需人才，公开选拔，(三\n)牢固树立和认真落实科学的人才观，连续计算工龄。",
            "解决急需人才，公开选拔，（三）牢固树立和认真落实科学的人才观，连续计算工龄。",
        ),
        # The space beside a mask and a full-width comma goes, as it would beside the mask it becomes.
        ("鼓励支持企业建立优质发xx ，社会保险。", "鼓励支持企业建立优质发××，社会保险。"),
        # `□□` at a line's start is a mask, not the bullet `□`, when the hard wrap before it is judged ...
        (
            "为深入实施人才强国战略，进一步加强高层次人才队伍建设，经研究，市委、市政府决定在全市范围内牵头实施\n"
            "□□项重点人才工程，加快培养创新型科技人才。",
            "为深入实施人才强国战略，进一步加强高层次人才队伍建设，经研究，市委、市政府决定在全市范围内牵头实施"
            "××项重点人才工程，加快培养创新型科技人才。",
        ),
        # ... and `○○、` a mask, not the numeral of a list heading fused onto the paragraph.
        (
            "会议强调，要统筹抓好党政人才、企业经营管理人才、专业技术人才，○○、高技能人才和农村实用人才队伍建设，"
            "全面开创人才工作的\n新局面。",
            "会议强调，要统筹抓好党政人才、企业经营管理人才、专业技术人才，××、高技能人才和农村实用人才队伍建设，"
            "全面开创人才工作的新局面。",
        ),
    ],
)
def test_a_second_cleaning_changes_nothing(text, cleaned):
    once = clean_document(normalize_unicode(Document(id="t", text=text, source_file="t.txt")))
    assert once.text == cleaned
    again = clean_document(normalize_unicode(Document(id="t", text=once.text, source_file="t.txt")))
    assert (again.text, again.edits) == (once.text, [])


def test_three_drafts_of_004_become_one(result):
    drafts = {f"004_69a075c59e7323d5#{k}" for k in (2, 3, 4)}
    kept = [row for row in result.documents.to_pylist() if row["id"] in drafts]
    assert len(kept) == 1
    removed = {row["id"]: row for row in result.duplicates.to_pylist()}
    assert set(removed) == drafts - {kept[0]["id"]}
    assert all(row["duplicate_of"] == kept[0]["id"] for row in removed.values())
    assert removed["004_69a075c59e7323d5#4"]["reason"] == "contained"
    assert kept[0]["duplicate_ids"] == sorted(removed)
    assert result.documents.num_rows == 10


def test_central_opinion_and_dongguan_plan_are_a_near_miss(result):
    pairs = {(m.a, m.b): m for m in result.near_misses}
    miss = pairs[("000_9f435189388a1e93", "001_f679da4d0439741e")]
    assert 0.15 <= miss.jaccard < 0.7 and 0.3 <= miss.containment < 0.9


def test_gov_page_metadata_block_becomes_columns():
    [doc] = clean_corpus([REPO / "tests" / "pages" / "gov_layout_tables.html"]).documents
    assert (doc.title, doc.publisher, doc.date, doc.doc_number) == (
        "国务院关于优化建设工程防雷许可的决定",
        "国务院",
        "2016-06-24",
        "国发〔2016〕39号",
    )
    assert "城乡建设" in doc.tags
    lines = doc.text.splitlines()
    assert lines[0] == "国发〔2016〕39号" and lines[-2:] == ["国务院", "2016年6月24日"]
    assert not any(key in doc.text for key in ("索引号", "发文机关", "成文日期", "主题词"))


def test_documents_left_empty_are_rejected_with_their_reason(tmp_path):
    """Nothing is lost: a page that was all furniture is listed as rejected, for any process count."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a_furniture.txt").write_text("编辑：管理员\n", encoding="utf-8")
    (raw / "b_speech.txt").write_text(
        "同志们：\n今天召开全市人才工作会议，研究部署人才工作。\n", encoding="utf-8"
    )
    for num_proc in (1, 2):
        result = build(Params(), tmp_path, num_proc=num_proc)
        assert [(p.id, p.reason) for p in result.rejected] == [("a_furniture", "no text left after cleaning")]
        assert result.documents.column("id").to_pylist() == ["b_speech"]
        assert result.duplicates.num_rows == 0
