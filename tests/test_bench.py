"""The benchmark's corpus generator, scoring, measuring and report, on small corpora. No timings asserted."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

from bench.__main__ import in_rounds
from bench.cleaning import UNDOABLE, Restoration, as_cleaned, changed_by_a_second_cleaning, restoration
from bench.corpus import (
    MASK_STYLES,
    SEED_DIR,
    base_overlap,
    build_corpus,
    cluster_difficulty,
    collapse_paragraphs,
    distinct_bases,
    drop_sentences,
    half_width_punctuation,
    hard_wrap,
    mask,
    nbsp_indent,
    page_furniture,
    real_bases,
    stray_spaces,
    to_traditional,
    truncate,
    write_corpus,
)
from bench.measure import Measurement, ToolRun, compile_cleaner, run_measured, with_memory_of
from bench.peers import missing_note, peer_versions
from bench.report import SizeResult, render
from bench.score import score
from cleaner.pipeline import clean_corpus

# raw/001, L13 and L9, with the half-width punctuation normalised back to full width.
SEED_PARAGRAPH = (
    "当前，我市正处于经济社会发展转型、经济发展方式转变的关键时期，产业结构迫切需要向现代产业体系转型。"
    "为贯彻落实《中共广东省委办公厅印发〈关于进一步加强我省党管人才工作的意见〉的通知》（粤办发〔2013〕2号）精神，"
    "更好实施人才东莞战略，特制定本实施方案。"
)
SEED_DRAFT = "东莞市关于进一步加强党管人才工作的实施方案\n" + SEED_PARAGRAPH + "\n" + SEED_PARAGRAPH


@pytest.fixture(scope="module")
def corpus():
    return build_corpus(60, seed=7)


def test_corpus_has_n_documents_in_clusters_of_one_to_four(corpus):
    assert len(corpus.drafts) == 60
    assert len({d.id for d in corpus.drafts}) == 60
    assert set(corpus.truth) == {d.id for d in corpus.drafts}
    assert sum(n * count for n, count in corpus.cluster_sizes().items()) == 60
    assert set(corpus.cluster_sizes()) <= {1, 2, 3, 4}
    assert len(corpus.bases) == len(set(corpus.truth.values()))
    assert all(d.text.strip() for d in corpus.drafts)


def test_corpus_is_deterministic_for_a_seed_and_n(corpus):
    assert build_corpus(60, seed=7).drafts == corpus.drafts
    assert build_corpus(60, seed=8).drafts != corpus.drafts


def test_a_larger_corpus_keeps_the_first_bases(corpus):
    smaller = build_corpus(20, seed=7)
    assert smaller.bases == corpus.bases[: len(smaller.bases)]


def test_distinct_bases_share_few_shingles(corpus):
    overlap = base_overlap(corpus.bases)
    assert overlap.pairs == len(corpus.bases) * (len(corpus.bases) - 1) // 2
    assert overlap.max <= 0.2
    assert overlap.above_limit == 0


def test_a_sampled_overlap_counts_the_pairs_it_was_asked_for(corpus):
    assert base_overlap(corpus.bases, pairs=10).pairs == 10


def test_drafts_stay_recognisable_as_their_base(corpus):
    difficulty = cluster_difficulty(corpus, containment_level=0.6)
    assert difficulty.pairs == len(corpus.drafts) - len(corpus.bases)
    assert difficulty.below_containment == 0
    assert difficulty.median_jaccard > 0.7


def test_bases_are_documents_with_a_title_and_sections(corpus):
    title, heading, *paragraphs = corpus.bases[0].split("\n")
    assert title.startswith("关于")
    assert heading.startswith("一、")
    assert all(p.endswith("。") for p in paragraphs if p[1:2] != "、")


def test_real_bases_are_the_documents_cleaner_reads():
    bases = real_bases(SEED_DIR)
    assert len(bases) == 12  # 5 files, two of them compilations of 4 and 5 parts
    assert real_bases(SEED_DIR, seed=1) != bases
    corpus = build_corpus(1000, bases=bases)
    assert len(corpus.bases) == 12
    assert 12 <= len(corpus.drafts) <= 48


def test_distinct_bases_keep_one_of_several_drafts():
    documents = real_bases(SEED_DIR)
    bases = distinct_bases(documents)
    # raw/004 parts 2, 3 and 4 are drafts of one speech; 001 implements 000 and copies it (Jaccard 0.22).
    assert len(bases) == 9
    assert base_overlap(bases).above_limit == 0
    assert distinct_bases(bases) == bases


def test_distinct_bases_check_short_texts_on_all_shingles():
    assert distinct_bases(["人才工作领导小组会议", "人才工作领导小组会议。", "科技创新人才队伍建设"]) == [
        "人才工作领导小组会议",
        "科技创新人才队伍建设",
    ]


def _rng() -> random.Random:
    return random.Random("test")


def test_half_width_punctuation():
    damaged = half_width_punctuation(SEED_PARAGRAPH, _rng(), share=(1.0, 1.0))
    assert damaged.startswith("当前,我市正处于")
    assert "(粤办发〔2013〕2号)" in damaged
    assert not set("，；：（）") & set(damaged)
    assert half_width_punctuation(SEED_PARAGRAPH, _rng(), share=(0.0, 0.0)) == SEED_PARAGRAPH


def test_traditional_script():
    assert to_traditional("人才发展规划", _rng()) == "人才發展規劃"


def test_truncate_keeps_a_leading_share():
    assert (
        truncate(SEED_PARAGRAPH, _rng(), keep=(0.5, 0.5)) == SEED_PARAGRAPH[: round(len(SEED_PARAGRAPH) / 2)]
    )


def test_mask_hides_digits_and_spans_in_one_style():
    damaged = mask(SEED_PARAGRAPH, _rng(), digits=1.0, spans=0.05, years=0.0)
    styles = {c for c in damaged if c in "".join(MASK_STYLES)}
    assert len(styles) == 1
    assert "2013" not in damaged
    assert len(damaged) == len(SEED_PARAGRAPH)
    assert mask(SEED_PARAGRAPH, _rng(), digits=0.0, spans=0.0, years=0.0) == SEED_PARAGRAPH


def test_mask_writes_years_as_tilde():
    assert mask("从2012年起", _rng(), digits=0.0, spans=0.0, years=1.0) == "从～年起"


def test_hard_wrap_breaks_lines_without_losing_text():
    wrapped = hard_wrap(SEED_DRAFT, _rng(), width=(30, 30), stray_space=0.5)
    assert wrapped.count("\n") > SEED_DRAFT.count("\n")
    assert wrapped.replace("\n", "").replace(" ", "") == SEED_DRAFT.replace("\n", "")
    assert max(len(line.strip()) for line in wrapped.split("\n")) <= 30


def test_stray_spaces_split_words_without_losing_text():
    spaced = stray_spaces(SEED_DRAFT, _rng(), width=(50, 50))
    assert " " in spaced
    assert spaced.replace(" ", "") == SEED_DRAFT


def test_drop_sentences():
    assert drop_sentences(SEED_DRAFT, _rng(), share=(0.0, 0.0)) == SEED_DRAFT
    assert drop_sentences(SEED_DRAFT, _rng(), share=(1.0, 1.0)) == ""
    dropped = drop_sentences(SEED_DRAFT, random.Random(3), share=(0.5, 0.5))
    assert len(dropped) < len(SEED_DRAFT)
    assert all(s in SEED_DRAFT for s in dropped.replace("\n", "。").split("。") if s)


def test_page_furniture_wraps_the_text():
    page = page_furniture(SEED_DRAFT, _rng())
    above, below = page.split(SEED_DRAFT)
    assert above.endswith("\n") and below.startswith("\n")
    assert any(marker in page for marker in ("当前位置", "发布时间", "【字体"))


def test_collapse_paragraphs_and_nbsp_indent_keep_the_title_line():
    title = SEED_DRAFT.split("\n")[0]
    assert collapse_paragraphs(SEED_DRAFT, _rng()) == f"{title}\n{SEED_PARAGRAPH * 2}"
    indented = nbsp_indent(SEED_DRAFT, _rng()).split("\n")
    assert indented[0] == title
    assert all(line.startswith("\u00a0") or line.startswith(" ") for line in indented[1:])


def test_write_corpus(corpus, tmp_path):
    files = write_corpus(corpus, tmp_path, shards=2)
    assert sorted(p.stem for p in files.texts.glob("*.txt")) == sorted(corpus.truth)
    assert json.loads(files.truth.read_text()) == corpus.truth
    rows = [json.loads(line) for path in sorted(files.jsonl.glob("*.jsonl")) for line in path.open()]
    assert len(list(files.jsonl.glob("*.jsonl"))) == 2
    assert {row["id"]: row["text"] for row in rows} == {d.id: d.text for d in corpus.drafts}
    assert (files.texts / f"{corpus.drafts[0].id}.txt").read_text(encoding="utf-8") == corpus.drafts[0].text


TRUTH = {"a1": "a", "a2": "a", "a3": "a", "b1": "b", "b2": "b", "c1": "c"}


def test_score_perfect():
    s = score(["a2", "a3", "b1"], TRUTH)
    assert (s.precision, s.recall, s.f1, s.wholly_removed) == (1.0, 1.0, 1.0, 0)


def test_score_emptying_a_cluster_is_wrong_and_counted():
    s = score(["a1", "a2", "a3", "b2"], TRUTH)
    assert (s.removals, s.right, s.expected, s.wholly_removed) == (4, 3, 3, 1)
    assert s.precision == 0.75
    assert s.recall == 1.0


def test_score_removing_a_singleton_or_an_unknown_id_is_wrong():
    s = score(["c1", "zz", "a1"], TRUTH)
    assert (s.removals, s.right, s.wholly_removed) == (3, 1, 1)


def test_score_nothing_removed():
    s = score([], TRUTH)
    assert (s.precision, s.recall, s.f1) == (1.0, 0.0, 0.0)
    assert score([], {"c1": "c"}).f1 == 1.0


def test_run_measured_reports_memory_and_exit_code(tmp_path):
    allocate = "import time; block = b'x' * (64 * 2**20); time.sleep(0.3)"
    measurement = run_measured([sys.executable, "-c", allocate], tmp_path / "run.log", interval=0.05)
    assert measurement.returncode == 0
    assert measurement.max_rss_mb >= 64
    assert measurement.peak_mb >= 64
    failed = run_measured([sys.executable, "-c", "raise SystemExit(3)"], tmp_path / "failed.log")
    assert failed.returncode == 3


def test_a_timed_run_is_not_sampled_and_takes_its_memory_from_a_sampled_one(tmp_path):
    allocate = "import time; block = b'x' * (64 * 2**20); time.sleep(0.3)"
    unsampled = run_measured([sys.executable, "-c", allocate], tmp_path / "timed.log", interval=None)
    assert unsampled.returncode == 0 and unsampled.peak_mb == 0
    assert unsampled.max_rss_mb >= 64  # from the waiter's rusage, which costs the tool nothing
    timed = ToolRun("cleaner", "`cleaner build`", Measurement(4.0, 0.0, 500.0, 0), frozenset({"a"}))
    sampled = ToolRun("cleaner", "`cleaner build`", Measurement(5.0, 900.0, 520.0, 0), frozenset({"a"}))
    assert with_memory_of(timed, sampled) == ToolRun(
        "cleaner", "`cleaner build`", Measurement(4.0, 900.0, 520.0, 0), frozenset({"a"})
    )
    failed = ToolRun("cleaner", "`cleaner build`", Measurement(5.0, 900.0, 520.0, 1), note="failed")
    assert with_memory_of(timed, failed) == failed
    assert with_memory_of(failed, sampled) == failed


def test_cleaner_runs_from_compiled_bytecode_as_an_installed_peer_does():
    import importlib.util

    import cleaner.dedup.minhash

    compiled = Path(importlib.util.cache_from_source(cleaner.dedup.minhash.__file__))
    compiled.unlink(missing_ok=True)
    compile_cleaner()
    assert compiled.is_file()


def test_tools_are_timed_in_rounds_so_that_drift_weighs_on_all_alike():
    order = []

    def run(tool):
        order.append(tool)
        return ToolRun(tool, "", Measurement(float(len(order)), 0.0, 0.0, 0), frozenset())

    tries = in_rounds(["cleaner", "text-dedup", "datatrove"], 4, run)
    # Each round starts one tool further on: none always runs first or always after the same one.
    rounds = [order[start : start + 3] for start in range(0, 12, 3)]
    assert rounds == [
        ["cleaner", "text-dedup", "datatrove"],
        ["text-dedup", "datatrove", "cleaner"],
        ["datatrove", "cleaner", "text-dedup"],
        ["cleaner", "text-dedup", "datatrove"],
    ]
    assert [t.measurement.seconds for t in tries["cleaner"]] == [1.0, 6.0, 8.0, 10.0]
    assert in_rounds(["cleaner"], 0, run) == {"cleaner": []}


def test_a_peer_that_is_not_installed_is_skipped_with_a_note():
    versions = {"datatrove": None, "spacy": "3.8.18", "jieba": "0.42.1"}
    note = missing_note("datatrove", "/usr/bin/python3", True, ("datatrove", "spacy", "jieba"), versions)
    assert note.startswith("skipped: datatrove not installed for /usr/bin/python3")
    assert "--peer-python" in note
    assert missing_note("datatrove", "python", True, ("datatrove",), {"datatrove": "0.10.1"}) == ""
    assert peer_versions("/nonexistent/bin/python") == {}


def size_result(corpus, **measured) -> SizeResult:
    return SizeResult(
        factor=1,
        docs=len(corpus.drafts),
        bases=len(corpus.bases),
        cluster_sizes=corpus.cluster_sizes(),
        megabytes=corpus.megabytes,
        generate_seconds=1.0,
        overlap=base_overlap(corpus.bases),
        difficulty=None,
        **measured,
    )


def test_report_has_the_machine_the_command_and_a_row_per_tool(corpus):
    size = size_result(corpus)
    measurement = Measurement(seconds=10.0, peak_mb=300.0, max_rss_mb=200.0, returncode=0)
    size.runs = [
        ToolRun("cleaner", "`cleaner build`", measurement),
        ToolRun("text-dedup", "MinHash", measurement, removed=frozenset(list(corpus.truth)[:3])),
        ToolRun("datatrove", "", note="skipped: datatrove not installed"),
    ]
    size.scores = {run.tool: score(run.removed, corpus.truth) for run in size.runs if run.ok}
    page = render("python -m bench --docs 60", [size], {"text-dedup": "0.4.0"}, "/tmp/peer/python", [])
    assert "`python -m bench --docs 60`" in page
    assert "- cores (nproc): " in page and "- CPU: " in page
    assert "| x1 | cleaner | 60 |" in page
    assert "| x1 | datatrove | 60 |" in page
    assert "cleaner removed no document" in page
    assert "x1 datatrove: skipped: datatrove not installed" in page
    assert "= 1.00" in page  # cleaner against text-dedup, 10s each
    assert "by round" not in page  # one run each: no rounds to compare


def test_report_gives_the_ratio_within_each_round(corpus):
    size = size_result(corpus)
    size.runs = [
        ToolRun("cleaner", "", Measurement(4.0, 0.0, 0.0, 0)),
        ToolRun("text-dedup", "", Measurement(3.0, 0.0, 0.0, 0)),
    ]
    size.scores = {run.tool: score(frozenset(), corpus.truth) for run in size.runs}
    size.timed = {"cleaner": [4.0, 6.0, 4.4], "text-dedup": [4.0, 3.0, 4.0]}
    page = render("python -m bench", [size], {}, None, [], repeat=3)
    # Fastest against fastest is 4.0 / 3.0; within rounds 1.0, 2.0 and 1.1.
    assert "4.0s / 3.0s = 1.33; by round 4.0/4.0, 6.0/3.0, 4.4/4.0 s, median ratio 1.10" in page


# --- cleaning: the damage cleaner undoes ---------------------------------------------------------------


def rows_of(corpus, text_of) -> list[dict]:
    return [
        {"id": d.id, "title": None, "text": text_of(d), "source_file": f"{d.id}.txt"} for d in corpus.drafts
    ]


def test_restoration_counts_the_drafts_given_back_as_their_base(corpus):
    eligible = [d for d in corpus.drafts if set(d.damage) <= UNDOABLE]
    as_bases = {
        r.damage: r for r in restoration(corpus, rows_of(corpus, lambda d: as_cleaned(corpus.base_of(d))))
    }
    assert all(r.restored == r.drafts for r in as_bases.values())
    assert as_bases["none"].drafts == sum(not d.damage for d in eligible)
    assert as_bases["page_furniture"].drafts == sum("page_furniture" in d.damage for d in eligible) > 0
    as_written = {r.damage: r for r in restoration(corpus, rows_of(corpus, lambda d: d.text))}
    assert sum(r.restored for name, r in as_written.items() if name != "none") == 0


def test_a_title_found_by_cleaning_is_the_first_line_of_the_base(corpus):
    draft = next(d for d in corpus.drafts if not d.damage)
    title, _, text = as_cleaned(corpus.base_of(draft)).partition("\n")
    row = {"id": draft.id, "title": title, "text": text, "source_file": ""}
    assert {r.damage: r.restored for r in restoration(corpus, [row])}["none"] == 1


@pytest.fixture(scope="module")
def cleaned_corpus(tmp_path_factory):
    """200 drafts through every cleaning step (no dedup: it does not change a text)."""
    corpus = build_corpus(200, seed=3)
    files = write_corpus(corpus, tmp_path_factory.mktemp("cleaning"), shards=1)
    documents = clean_corpus([files.texts]).documents
    rows = [{"id": d.id, "title": d.title, "text": d.text, "source_file": d.source_file} for d in documents]
    return corpus, rows


def test_cleaning_gives_back_undamaged_drafts_and_most_damaged_ones(cleaned_corpus):
    corpus, rows = cleaned_corpus
    by_damage = {r.damage: r for r in restoration(corpus, rows)}
    assert by_damage["none"].restored == by_damage["none"].drafts > 0
    # 72 of 107 at 9b6ab79; a step that stops undoing a kind of damage shows here.
    assert sum(r.restored for r in by_damage.values()) >= 0.6 * sum(r.drafts for r in by_damage.values())


def test_the_cleaned_corpus_is_clean_for_good(cleaned_corpus):
    _, rows = cleaned_corpus
    assert changed_by_a_second_cleaning(rows) == (0, 200)
    rows[0] = {**rows[0], "text": rows[0]["text"] + "\n人才工作,党管人才"}
    assert changed_by_a_second_cleaning(rows) == (1, 200)


def test_report_has_the_cleaning_table(corpus):
    size = size_result(
        corpus,
        restoration=[Restoration("none", 5, 5), Restoration("hard_wraps", 16, 3), Restoration("masks", 0, 0)],
        recleaned=(0, 200),
    )
    page = render("python -m bench --docs 60", [size], {}, None, [])
    assert "## Cleaning (x1)" in page
    assert "| hard_wraps | 16 | 3 (19%) |" in page
    assert "| masks |" not in page
    assert "Published texts that a second cleaning changes: 0 of 200." in page
