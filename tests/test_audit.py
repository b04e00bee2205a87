"""`cleaner audit`: the duplicates report read back from a dataset written by the real publisher."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
from pathlib import Path

import lxml.html
import pytest

from cleaner.audit import Piece, align, audit_summary, load_clusters, render_html
from cleaner.dedup import DedupParams, NearMiss
from cleaner.documents import Document, Duplicate, arrow_schema, to_table
from cleaner.pipeline import Build, Params
from cleaner.publish import write_output

RAW = Path(__file__).resolve().parent.parent / "raw"
CHROMIUM = Path("/usr/bin/chromium")

SPEECH_LINES = (RAW / "004_69a075c59e7323d5.txt").read_text(encoding="utf-8").split("\n")
# The first speech from its greeting on; its second paragraph is hard-wrapped ("全市人才工作会\n议后").
SPEECH = "\n".join(SPEECH_LINES[2:8])
SPEECH_ID = "004_69a075c59e7323d5#1"
SPEECH_TITLE = "在市人才工作宣传小组第一次工作会议上的讲话"
# Another draft: one word changed and the hard wrap joined.
DRAFT = SPEECH.replace("淑华部长主持下", "淑华同志主持下", 1).replace(
    "全市人才工作会\n议后", "全市人才工作会议后"
)
POLICY_LINES = (RAW / "000_9f435189388a1e93.txt").read_text(encoding="utf-8").split("\n")
POLICY = "\n".join(POLICY_LINES[35:40])
POLICY_ID = "000_9f435189388a1e93"

HOSTILE_SCRIPT = "<script>document.title='pwned'</script>"
HOSTILE_TITLE = HOSTILE_SCRIPT + '"><img src=x onerror="document.title=\'pwned\'">'
NEAR_MISS = {"a": POLICY_ID, "b": SPEECH_ID, "jaccard": 0.213, "containment": 0.341}


def write_dataset(folder: Path, duplicates: list[Duplicate], near_misses: list[dict] | None = None) -> Path:
    """Publish the speech and the policy with `duplicates` through the real publisher.

    `near_misses=None` stands for an older build whose manifest recorded neither near misses nor the dedup
    parameters: those keys are removed from the manifest written.
    """
    speech = Document(id=SPEECH_ID, text=SPEECH, source_file="004_69a075c59e7323d5.txt", title=SPEECH_TITLE)
    speech.duplicate_ids = [d.document.id for d in duplicates]
    policy = Document(
        id=POLICY_ID,
        text=POLICY,
        source_file="000_9f435189388a1e93.txt",
        title="关于进一步加强党管人才工作的意见（2012年）",
    )
    misses = [NearMiss(**m) for m in near_misses or []]
    build = Build(
        params=Params(),
        files=[],
        documents=to_table([policy, speech], arrow_schema()),
        duplicates=to_table(duplicates, arrow_schema("duplicates")),
        near_misses=misses,
    )
    write_output(build, folder)
    if near_misses is None:
        manifest_path = folder / "manifest.json"
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        del manifest["near_misses"], manifest["parameters"]["dedup"]
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A draft of the speech removed as a near duplicate, and an excerpt with a hostile title removed as
    contained, plus one near miss."""
    draft = Document(
        id="004_69a075c59e7323d5#3", text=DRAFT, source_file="004_69a075c59e7323d5.txt", title=SPEECH_TITLE
    )
    excerpt = Document(
        id="004_69a075c59e7323d5#2",
        text=HOSTILE_SCRIPT + "\n" + "\n".join(SPEECH_LINES[2:4]),
        source_file="004_69a075c59e7323d5.txt",
        title=HOSTILE_TITLE,
    )
    duplicates = [
        Duplicate(
            document=draft, duplicate_of=SPEECH_ID, jaccard=0.912, containment=0.954, reason="near_duplicate"
        ),
        Duplicate(
            document=excerpt, duplicate_of=SPEECH_ID, jaccard=0.301, containment=0.97, reason="contained"
        ),
    ]
    return write_dataset(tmp_path_factory.mktemp("audit") / "processed", duplicates, [NEAR_MISS])


@pytest.fixture(scope="module")
def page(built) -> str:
    return render_html(built)


def test_clusters_group_removed_documents_under_the_kept_one(built):
    audit = load_clusters(built)
    assert [c.kept.id for c in audit.clusters] == [SPEECH_ID]
    assert [d.document.id for d in audit.clusters[0].removed] == [
        "004_69a075c59e7323d5#2",
        "004_69a075c59e7323d5#3",
    ]
    assert audit.removed_count == 2
    assert audit.near_misses == [NEAR_MISS]
    assert audit.parameters == dataclasses.asdict(DedupParams())


def test_a_removed_document_whose_kept_one_is_not_published_is_an_error(tmp_path):
    orphan = Document(id="x#1", text=SPEECH_LINES[3], source_file="x.txt")
    folder = write_dataset(tmp_path / "processed", [Duplicate(orphan, "x#0", 0.3, 1.0, "contained")])
    with pytest.raises(ValueError, match="x#1 duplicates x#0, which is not published"):
        load_clusters(folder)


def test_summary_lists_kept_removed_reasons_and_near_misses(built):
    summary = audit_summary(built)
    assert f"{built}: 1 clusters, 2 documents removed, 1 near misses" in summary
    assert "threshold=0.7" in summary and "review_containment=0.3" in summary
    assert f"kept {SPEECH_ID}  {SPEECH_TITLE}\n" in summary
    assert "  removed 004_69a075c59e7323d5#2  jaccard 0.301  containment 0.970  contained\n" in summary
    assert "  removed 004_69a075c59e7323d5#3  jaccard 0.912  containment 0.954  near_duplicate\n" in summary
    assert f"  {POLICY_ID}  {SPEECH_ID}  jaccard 0.213  containment 0.341\n" in summary


def test_summary_caps_the_near_misses(tmp_path):
    misses = [{**NEAR_MISS, "jaccard": 0.5 - k / 100} for k in range(5)]
    summary = audit_summary(write_dataset(tmp_path / "processed", [], misses), near_miss_limit=2)
    assert summary.count(f"  {POLICY_ID}  {SPEECH_ID}") == 2
    assert "... and 3 more (see --html)" in summary


def test_build_without_duplicates_or_recorded_near_misses_says_so(tmp_path):
    folder = write_dataset(tmp_path / "processed", [])
    assert not (folder / "duplicates").exists()
    summary = audit_summary(folder)
    assert "0 clusters, 0 documents removed, near misses not recorded" in summary
    assert "No documents were removed as duplicates in this build." in summary
    assert "dedup parameters: none recorded" in summary
    assert "near misses: none recorded" in summary
    page = render_html(folder)
    assert "No documents were removed as duplicates in this build." in page
    assert "<p>none recorded</p>" in page


def test_empty_near_miss_list_is_not_a_missing_one(tmp_path):
    folder = write_dataset(tmp_path / "processed", [], near_misses=[])
    assert "near misses: none (no pair kept apart reached the review levels)" in audit_summary(folder)


def test_summary_escapes_terminal_control_characters(tmp_path):
    # An ANSI "clear screen" and a right-to-left override in a scraped title.
    excerpt = Document(id="x#1", text=SPEECH_LINES[3], source_file="x.txt", title="讲话\x1b[2J\u202e")
    folder = write_dataset(tmp_path / "processed", [Duplicate(excerpt, SPEECH_ID, 0.3, 1.0, "contained")])
    summary = audit_summary(folder)
    assert "\x1b" not in summary and "\u202e" not in summary
    assert "removed x#1" in summary


def test_page_escapes_hostile_titles_and_text(page):
    lowered = page.lower()
    assert "<script" not in lowered and "<img" not in lowered
    assert (
        "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;&quot;&gt;&lt;img src=x onerror="
        in page
    )
    assert "<ins>&lt;script&gt;" in page


def test_page_marks_the_changed_word_and_the_joined_line(page):
    assert "<del>部长</del>" in page and "<ins>同志</ins>" in page
    assert "<del>↵\n</del>" in page


def test_page_shows_each_removed_document_with_its_evidence(page):
    assert "<link" not in page and "url(" not in page, "the page must load nothing from elsewhere"
    assert f"Cluster 1: kept {SPEECH_ID} {SPEECH_TITLE}" in page
    assert f"<th>kept: {SPEECH_ID}</th><th>removed: 004_69a075c59e7323d5#3</th>" in page
    assert "reason near_duplicate · jaccard 0.912 · containment 0.954" in page
    assert "reason contained · jaccard 0.301 · containment 0.970" in page
    assert (
        f"<td>{POLICY_ID}</td><td>关于进一步加强党管人才工作的意见（2012年）</td><td>{SPEECH_ID}</td>" in page
    )


def test_page_shortens_long_identical_and_changed_stretches(built):
    # The draft's last 559 characters match the speech; the excerpt lacks the speech's last four lines.
    hidden_middle = SPEECH[-300:-250]
    page = render_html(built, context=80, changed_context=100)
    draft_section = page.split("<h3>removed 004_69a075c59e7323d5#3")[1]
    assert "[… 399 identical characters not shown …]" in draft_section
    assert hidden_middle not in draft_section
    assert "characters only in the kept document not shown" in page
    assert hidden_middle not in page
    assert hidden_middle in render_html(built, context=1000, changed_context=1000)


def test_align_leaves_identical_texts_whole_and_marks_a_rewrapped_line():
    assert align(SPEECH, SPEECH) == [([Piece(SPEECH)], [Piece(SPEECH)])]
    changed = [(left, right) for left, right in align(SPEECH, DRAFT) if left != right]
    assert [([p for p in left if p.change], [p for p in right if p.change]) for left, right in changed] == [
        ([Piece("部长", "del")], [Piece("同志", "ins")]),
        ([Piece("\n", "del")], []),
    ]


def test_align_shows_an_oversized_changed_block_whole():
    assert align("第一句。", "第二段。", max_char_diff=1) == [
        ([Piece("第一句。", "del")], [Piece("第二段。", "ins")])
    ]


def chromium_dom(page_path: Path, profile: Path) -> lxml.html.HtmlElement:
    """The DOM after Chromium has loaded and run the page (scripts enabled, as in a user's browser)."""
    result = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--dump-dom",
            page_path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return lxml.html.document_fromstring(result.stdout)


def test_page_in_a_browser_shows_the_differences_and_runs_no_hostile_script(page, tmp_path):
    if os.environ.get("CLEANER_SKIP_BROWSER") == "1":
        pytest.skip("CLEANER_SKIP_BROWSER=1")
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: `apt-get install -y chromium chromium-driver`, "
            "or set CLEANER_SKIP_BROWSER=1 to skip this test"
        )
    # The control page proves the check can fail: the same payload, unescaped, does run.
    control = tmp_path / "control.html"
    control.write_text(f"<!DOCTYPE html><title>report</title><body>{HOSTILE_SCRIPT}</body>", encoding="utf-8")
    assert chromium_dom(control, tmp_path / "profile").findtext(".//title") == "pwned"

    report = tmp_path / "report.html"
    report.write_text(page, encoding="utf-8")
    dom = chromium_dom(report, tmp_path / "profile")
    seen = dom.text_content()
    assert dom.findtext(".//title") == "Duplicates removed from processed"
    assert not dom.xpath("//script") and not dom.xpath("//img")
    assert HOSTILE_TITLE in seen
    assert f"kept: {SPEECH_ID}" in seen and "removed: 004_69a075c59e7323d5#3" in seen
    assert "reason near_duplicate" in seen and "reason contained" in seen
    assert "部长" in [d.text_content() for d in dom.xpath("//del")]
    assert "同志" in [i.text_content() for i in dom.xpath("//ins")]
    assert (
        POLICY_ID in dom.xpath("//h2[contains(., 'Near misses')]/following-sibling::table")[0].text_content()
    )
