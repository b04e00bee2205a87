"""Ingestion on the real seeds and on every input kind and encoding, written here as small real files."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cleaner.ingest import IdClash, discover, ingest
from cleaner.ingest.decode import Unreadable, decode

RAW = Path(__file__).resolve().parent.parent / "raw"

PARAGRAPH = "党管人才是人才工作的重要原则。各级党委和政府要把人才工作摆在突出位置，加强对人才工作的领导。"
TRADITIONAL = "黨管人才是人才工作的重要原則。各級黨委和政府要把人才工作擺在突出位置，加強對人才工作的領導。"


@pytest.fixture(scope="module")
def seeds():
    return ingest([RAW])


def by_id(corpus):
    return {d.id: d for d in corpus.documents}


def test_seeds_give_twelve_documents_with_unique_ids(seeds):
    ids = [d.id for d in seeds.documents]
    assert len(ids) == 12 == len(set(ids))
    per_file = {f.file[:3]: len(f.documents) for f in seeds.files if f.kind != "skipped"}
    assert per_file == {"000": 1, "001": 1, "002": 4, "003": 1, "004": 5}


def test_raw_readme_is_skipped_with_a_reason(seeds):
    assert [(p.file, p.reason) for p in seeds.skipped] == [
        ("README.md", "describes the corpus, not part of it")
    ]
    assert not seeds.rejected


def test_front_matter_of_000_is_carried(seeds):
    doc = by_id(seeds)["000_9f435189388a1e93"]
    assert doc.date == "2012-09-26"
    assert doc.url.startswith("https://www.ccdi.gov.cn/")
    assert doc.publisher == "中共中央办公厅"
    assert doc.source == "纪委监委"
    assert {"党建", "意见", "规范性文件"} <= set(doc.tags)
    assert doc.title.startswith("关于进一步加强党管人才工作的意见")
    assert "**" not in doc.text and "###" not in doc.text and "[!NOTE]" not in doc.text
    assert "一、充分认识进一步加强党管人才工作的重要意义" in doc.text.splitlines()
    assert "中共中央办公厅印发《关于进一步加强党管人才工作的意见》" in doc.text


def test_compilation_parts_have_positions_and_titles(seeds):
    docs = by_id(seeds)
    assert [docs[f"004_69a075c59e7323d5#{k}"].title for k in range(1, 6)] == [
        "在市人才工作宣传小组第一次工作会议上的讲话",
        "A市在全市人才工作会议上的讲话",
        "A市在全市人才工作会议上的讲话",
        "A市在全市人才工作会议上的讲话",
        "在B市人才工作会议上的讲话",
    ]
    first = docs["002_3b543c07da42147c#1"]
    assert first.part == 1 and first.title is None and "人事教育局" in first.text
    # 002 jumps from 第三篇 to 第五篇: parts are numbered by position, not by the label.
    assert docs["002_3b543c07da42147c#4"].title.startswith("国家中长期人才发展规划纲要")
    assert all("篇：" not in d.text.splitlines()[0] for d in docs.values())


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PARAGRAPH.encode("gb18030"), PARAGRAPH),
        ("人才工作".encode("gbk"), "人才工作"),
        (codecs.BOM_UTF8 + PARAGRAPH.encode("utf-8"), PARAGRAPH),
        (PARAGRAPH.encode("utf-16"), PARAGRAPH),
        (codecs.BOM_UTF16_BE + PARAGRAPH.encode("utf-16-be"), PARAGRAPH),
        (TRADITIONAL.encode("big5"), TRADITIONAL),
    ],
    ids=["gb18030", "gbk-short", "utf8-bom", "utf16", "utf16-be", "big5"],
)
def test_encodings_are_decoded(tmp_path, data, expected):
    corpus = ingest([write(tmp_path, "doc.txt", data)])
    assert [d.text for d in corpus.documents] == [expected]


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty file"), (b"  \n\n", "empty file"), (bytes(range(256)) * 8, "not text")],
    ids=["empty", "blank", "binary"],
)
def test_unreadable_inputs_are_rejected_with_a_reason(tmp_path, data, reason):
    write(tmp_path, "good.txt", PARAGRAPH.encode())
    write(tmp_path, "bad.txt", data)
    corpus = ingest([tmp_path])
    assert [d.id for d in corpus.documents] == ["good"]
    assert [(p.file, p.reason.split(":")[0]) for p in corpus.rejected] == [("bad.txt", reason)]
    assert {f.file: f.kind for f in corpus.files} == {"bad.txt": "rejected", "good.txt": "text"}


def test_png_is_rejected():
    with pytest.raises(Unreadable, match="not text"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)


def test_hidden_and_licence_files_are_skipped(tmp_path):
    write(tmp_path, ".DS_Store", b"\x00\x01")
    write(tmp_path, "LICENSE", b"MIT")
    write(tmp_path, "sub/.hidden/a.txt", PARAGRAPH.encode())
    write(tmp_path, "sub/a.txt", PARAGRAPH.encode())
    corpus = ingest([tmp_path])
    assert [d.id for d in corpus.documents] == ["sub/a"]
    assert sorted((p.file, p.reason) for p in corpus.skipped) == [
        (".DS_Store", "hidden file"),
        ("LICENSE", "describes the corpus, not part of it"),
        ("sub/.hidden/a.txt", "hidden file"),
    ]


def test_discover_lists_files_in_path_order_without_entering_linked_folders(tmp_path):
    root = tmp_path / "raw"
    for name in ("b.txt", "a/z.txt", "a/b/c.txt", "a-b.txt", "elsewhere/x.txt"):
        write(root if not name.startswith("elsewhere") else tmp_path, name, PARAGRAPH.encode())
    (root / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (root / "link.txt").symlink_to(root / "b.txt")
    (root / "broken.txt").symlink_to(root / "missing.txt")
    found = discover([root, root / "b.txt"])
    assert [relative for _, relative in found] == [
        "a-b.txt",
        "a/b/c.txt",
        "a/z.txt",
        "b.txt",
        "link.txt",
        "b.txt",
    ]
    assert [path for path, _ in found][:2] == [root / "a-b.txt", root / "a" / "b" / "c.txt"]


def test_txt_with_front_matter_is_markdown(tmp_path):
    text = (
        "---\ntitle: 关于加强人才工作的通知\ndate: 2019-01-27\nurl: https://www.gov.cn/zhengce/1.htm\n"
        "publisher: 国务院办公厅\ntags: [人才]\n---\n\n## 一、总体要求\n\n> 各省、自治区、直辖市人民政府：\n\n"
        "**现就有关事项通知如下。**\n\n* * *\n\n- 加强领导\n"
    )
    [doc] = ingest([write(tmp_path, "notice.txt", text.encode())]).documents
    assert (doc.title, doc.date, doc.url, doc.publisher, doc.tags) == (
        "关于加强人才工作的通知",
        "2019-01-27",
        "https://www.gov.cn/zhengce/1.htm",
        "国务院办公厅",
        ["人才"],
    )
    assert [line for line in doc.text.splitlines() if line] == [
        "一、总体要求",
        "各省、自治区、直辖市人民政府：",
        "现就有关事项通知如下。",
        "加强领导",
    ]


def test_markdown_keeps_masks_that_look_like_emphasis(tmp_path):
    text = "---\ntitle: 讲话\n---\n全市共有**.*万名人才，****年引进5**人。\n"
    [doc] = ingest([write(tmp_path, "speech.md", text.encode())]).documents
    assert doc.text.strip() == "全市共有**.*万名人才，****年引进5**人。"


def test_broken_front_matter_is_reported_and_the_text_kept(tmp_path):
    text = "---\ntitle: [未闭合\ndate: 2019\n---\n正文第一段。\n"
    corpus = ingest([write(tmp_path, "broken.md", text.encode())])
    [doc] = corpus.documents
    assert doc.text.strip() == "正文第一段。"
    [warning] = corpus.warnings
    assert warning.file == "broken.md" and "not valid YAML" in warning.reason


def test_front_matter_is_never_executed(tmp_path):
    text = "---\ntitle: !!python/object/apply:os.system ['echo pwned']\n---\n正文。\n"
    corpus = ingest([write(tmp_path, "evil.md", text.encode())])
    assert corpus.documents[0].text.strip() == "正文。"
    assert "not valid YAML" in corpus.warnings[0].reason


def test_html_body_without_scripts_and_styles(tmp_path):
    html = (
        "<html><head><title>人才工作_政府网</title><style>p{color:red}</style>"
        "<script>var tracker = 1;</script></head><body><article><h1>关于加强人才工作的通知</h1>"
        f"<p>{PARAGRAPH}</p><p>{PARAGRAPH[:30]}</p></article></body></html>"
    )
    [doc] = ingest([write(tmp_path, "page.html", html.encode())]).documents
    assert PARAGRAPH in doc.text
    assert "tracker" not in doc.text and "color" not in doc.text
    assert doc.title == "关于加强人才工作的通知"


def test_html_is_recognised_by_content(tmp_path):
    html = f"<!DOCTYPE html><html><body><script>x()</script><p>{PARAGRAPH}</p></body></html>"
    [doc] = ingest([write(tmp_path, "page.txt", html.encode())]).documents
    assert PARAGRAPH in doc.text and "x()" not in doc.text


def test_jsonl_rows_with_ids_and_line_numbers(tmp_path):
    lines = [
        json.dumps(
            {
                "id": "gov-1",
                "text": PARAGRAPH,
                "title": "通知",
                "url": "https://a.gov.cn",
                "date": "2019/1/27",
            }
        ),
        "",
        json.dumps({"text": TRADITIONAL}),
        "{not json",
        json.dumps({"id": "no-text", "title": "空"}),
    ]
    corpus = ingest([write(tmp_path, "rows.jsonl", "\n".join(lines).encode())])
    assert [(d.id, d.title, d.date) for d in corpus.documents] == [
        ("gov-1", "通知", "2019-01-27"),
        ("rows#3", None, None),
    ]
    assert [(p.id, p.reason) for p in corpus.rejected] == [
        ("rows#4", "line 4 is not JSON: Expecting property name enclosed in double quotes"),
        ("no-text", "row 5 has no `text` string"),
    ]


def test_parquet_rows(tmp_path):
    table = pa.table({"id": ["p1", None], "text": [PARAGRAPH, TRADITIONAL], "title": ["甲", None]})
    path = tmp_path / "rows.parquet"
    pq.write_table(table, path)
    corpus = ingest([path])
    assert [(d.id, d.title, d.source_file) for d in corpus.documents] == [
        ("p1", "甲", "rows.parquet"),
        ("rows#2", None, "rows.parquet"),
    ]


def test_damaged_parquet_is_rejected(tmp_path):
    corpus = ingest([write(tmp_path, "bad.parquet", b"PAR1 this is not parquet PAR1")])
    assert corpus.documents == [] and "not a readable parquet file" in corpus.rejected[0].reason


def test_id_clash_is_a_clear_error(tmp_path):
    write(tmp_path, "a/doc.txt", PARAGRAPH.encode())
    write(tmp_path, "b/doc.txt", PARAGRAPH.encode())
    with pytest.raises(IdClash, match="'doc' is used twice"):
        ingest([tmp_path / "a", tmp_path / "b"])


def test_part_before_first_heading_and_leading_space(tmp_path):
    text = f"前言：{PARAGRAPH}\n 第一篇：甲文\n{PARAGRAPH}\n第三篇:乙文\n{TRADITIONAL}\n"
    docs = ingest([write(tmp_path, "c.txt", text.encode())]).documents
    assert [(d.id, d.part, d.title) for d in docs] == [
        ("c#1", 1, None),
        ("c#2", 2, "甲文"),
        ("c#3", 3, "乙文"),
    ]


GOV_PAGE = Path(__file__).resolve().parent / "pages" / "gov_layout_tables.html"


def test_layout_tables_do_not_glue_the_body_to_furniture():
    [doc] = ingest([GOV_PAGE]).documents
    lines = doc.text.splitlines()
    assert doc.title == "国务院关于优化建设工程防雷许可的决定"  # "_政府信息公开专栏" is the site's name
    assert "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：" in lines
    assert lines[-2:] == ["国务院", "2016年6月24日"]
    assert "发文字号：国发〔2016〕39号" in lines  # the metadata table, one key：value per line
    assert not any("|" in line or "首页" in line or "ICP" in line for line in lines)


def test_data_tables_stay_tables(tmp_path):
    html = (
        f"<html><body><article><p>{PARAGRAPH}</p><table><tr><th>指标</th><th>2008年</th><th>2015年</th></tr>"
        f"<tr><td>人才资源总量</td><td>11385</td><td>15625</td></tr></table><p>{PARAGRAPH}</p></article></body></html>"
    )
    [doc] = ingest([write(tmp_path, "data.html", html.encode())]).documents
    assert "人才资源总量" in doc.text and "11385" in doc.text
