from __future__ import annotations

import dataclasses
import random
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.dedup.clusters import (
    CONTAINED,
    NEAR_DUPLICATE,
    DedupInput,
    DedupParams,
    dedup_scheme,
    find_duplicates,
    sketch,
    sketch_documents,
    verify_pair,
    verify_pairs,
)
from cleaner.dedup.minhash import jaccard_candidates, lsh_bands, permutations, shingle_signature
from cleaner.dedup.shingles import dedup_key, shingle_hashes
from cleaner.parallel import Background

RAW = Path(__file__).resolve().parent.parent / "raw"

# "第二篇：A市在全市人才工作会议上的讲话" starts part 2 of raw/004.
PART_HEADER = re.compile(r"^\s*第[一二三四五六七八九十]+篇：", re.MULTILINE)
# Fixture-only placeholder normalisation: "**.*", "xx.x", "～年" -> "××.××", "××.××", "××年".
PLACEHOLDER_RUN = re.compile(r"[*x～]+")


def _seed(prefix: str) -> str:
    return next(RAW.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def _document(doc_id: str, text: str) -> DedupInput:
    lines = [line for line in text.splitlines() if line.strip()]
    return DedupInput(doc_id, text, masks=text.count("××"), paragraphs=len(lines))


def _sentences(prefix: str = "002", shortest: int = 40, longest: int = 60) -> list[str]:
    """Distinct sentences of a seed with keys of similar length, so that sharing k of n sentences
    means sharing about k/n of the shingles."""
    sentences = re.split(r"(?<=[。；！？])", _seed(prefix))
    return list(dict.fromkeys(s.strip() for s in sentences if shortest <= len(dedup_key(s)) <= longest))


def _speech_parts() -> list[DedupInput]:
    parts = PART_HEADER.split(_seed("004"))[1:]
    return [
        _document(f"004-{number}", PLACEHOLDER_RUN.sub("××", part)) for number, part in enumerate(parts, 1)
    ]


def test_three_drafts_of_one_speech_keep_one() -> None:
    parts = _speech_parts()
    assert len(parts) == 5
    result = find_duplicates(parts)
    removed = {removal.id: removal for removal in result.removed}
    assert len(removed) == 2
    assert set(removed) | {removed["004-4"].duplicate_of} == {"004-2", "004-3", "004-4"}
    kept = removed["004-4"].duplicate_of
    assert kept in {"004-2", "004-3"}
    assert all(removal.duplicate_of == kept for removal in result.removed)
    assert removed["004-4"].reason == CONTAINED
    assert removed["004-4"].containment >= 0.9
    other = ({"004-2", "004-3"} - {kept}).pop()
    assert removed[other].jaccard >= 0.7
    assert [removal.id for removal in result.removed] == sorted(removed)
    assert result.near_misses == []


def test_the_key_alone_hides_placeholder_styles() -> None:
    raw_parts = [
        _document(f"004-{number}", part) for number, part in enumerate(PART_HEADER.split(_seed("004"))[1:], 1)
    ]
    assert find_duplicates(raw_parts).removed == find_duplicates(_speech_parts()).removed


def test_central_opinion_and_its_local_implementation_are_a_near_miss() -> None:
    opinion = re.sub(r"\A---\n.*?\n---\n", "", _seed("000"), flags=re.DOTALL)
    result = find_duplicates([_document("000", opinion), _document("001", _seed("001"))])
    assert result.removed == []
    [miss] = result.near_misses
    assert (miss.a, miss.b) == ("000", "001")
    assert miss.jaccard == pytest.approx(0.22, abs=0.02)
    assert miss.containment == pytest.approx(0.44, abs=0.02)


def test_verify_pair_counts_exact_overlap() -> None:
    first = np.array([1, 2, 3, 4], dtype=np.uint64)
    second = np.array([2, 3, 4, 5, 6], dtype=np.uint64)
    overlap = verify_pair(first, second)
    assert (overlap.jaccard, overlap.first_in_second, overlap.second_in_first) == (0.5, 0.75, 0.6)
    assert verify_pair(first, np.array([7, 8], dtype=np.uint64)).jaccard == 0.0
    assert verify_pair(first, np.empty(0, dtype=np.uint64)).first_in_second == 0.0


def test_batch_verification_equals_pairwise_verification() -> None:
    rng = np.random.default_rng(1)
    hashes = [np.unique(rng.integers(0, 400, size=size, dtype=np.uint64)) for size in (0, 5, 120, 300, 300)]
    pairs = [(first, second) for first in range(5) for second in range(first + 1, 5)]
    batch = verify_pairs(hashes, pairs)
    assert batch == {(first, second): verify_pair(hashes[first], hashes[second]) for first, second in pairs}
    assert list(batch) == sorted(pairs)


@settings(max_examples=200, deadline=None)
@given(
    st.sets(st.integers(min_value=0, max_value=60), max_size=40),
    st.sets(st.integers(min_value=0, max_value=60), max_size=40),
)
def test_verify_pair_counts_the_intersection(first: set[int], second: set[int]) -> None:
    first_hashes = np.array(sorted(first), dtype=np.uint64)
    second_hashes = np.array(sorted(second), dtype=np.uint64)
    overlap = verify_pair(first_hashes, second_hashes)
    shared = len(first & second)
    if first and second:
        assert overlap.jaccard == shared / len(first | second)
        assert (overlap.first_in_second, overlap.second_in_first) == (
            shared / len(first),
            shared / len(second),
        )
    else:
        assert (overlap.jaccard, overlap.first_in_second, overlap.second_in_first) == (0.0, 0.0, 0.0)


def test_sketches_in_two_processes_equal_one() -> None:
    texts = [part.text for part in _speech_parts()] + _sentences()[:20] + ["", "人才"]
    one, two = (sketch_documents(texts, 5, permutations(), num_proc=n) for n in (1, 2))
    assert [s.key_length for s in one] == [s.key_length for s in two]
    assert all(np.array_equal(a.hashes, b.hashes) for a, b in zip(one, two, strict=True))
    assert [None if s.signature is None else s.signature.tolist() for s in one] == [
        None if s.signature is None else s.signature.tolist() for s in two
    ]


def test_a_false_positive_of_the_lsh_removes_nothing() -> None:
    sentences = _sentences()
    first = "".join(sentences[:16])
    second = "".join(sentences[:12] + sentences[40:44])
    hashes = [shingle_hashes(dedup_key(text)) for text in (first, second)]
    assert jaccard_candidates([shingle_signature(h, permutations()) for h in hashes], lsh_bands()) == {(0, 1)}
    assert verify_pair(*hashes).jaccard < 0.7
    result = find_duplicates([_document("a", first), _document("b", second)])
    assert result.removed == []
    assert [(miss.a, miss.b) for miss in result.near_misses] == [("a", "b")]


def test_a_chain_never_removes_its_far_end() -> None:
    sentences = _sentences()
    kept = "".join(sentences[:12])
    middle = "".join(sentences[:10] + sentences[40:41])
    tail = sentences[40]
    result = find_duplicates([_document("a", kept), _document("b", middle), _document("c", tail)])
    assert [(removal.id, removal.duplicate_of) for removal in result.removed] == [("b", "a")]
    assert ("b", "c") in {(miss.a, miss.b) for miss in result.near_misses}


def _chain() -> dict[str, str]:
    """Three windows of seven sentences, shifted by one: a~b and b~c at Jaccard >= 0.7, a and c below.

    Longest sentences first, so that the window starting earliest has the longest key and is kept.
    """
    sentences = sorted(_sentences()[:9], key=lambda sentence: -len(dedup_key(sentence)))
    return {name: "".join(sentences[start : start + 7]) for name, start in (("a", 0), ("b", 1), ("c", 2))}


def test_a_jaccard_chain_removes_only_the_middle() -> None:
    windows = _chain()
    hashes = {name: shingle_hashes(dedup_key(text)) for name, text in windows.items()}
    assert verify_pair(hashes["a"], hashes["b"]).jaccard >= 0.7
    assert verify_pair(hashes["b"], hashes["c"]).jaccard >= 0.7
    assert verify_pair(hashes["a"], hashes["c"]).jaccard < 0.6
    result = find_duplicates([_document(name, text) for name, text in windows.items()])
    assert [(removal.id, removal.duplicate_of) for removal in result.removed] == [("b", "a")]


@pytest.mark.parametrize(
    ("documents", "kept"),
    [
        ([DedupInput("a", "人才工作会议精神××", masks=1), DedupInput("b", "人才工作会议精神", masks=0)], "b"),
        (
            [
                DedupInput("a", "人才工作会议精神", paragraphs=1),
                DedupInput("b", "人才工作\n会议精神", paragraphs=2),
            ],
            "b",
        ),
        ([DedupInput("b", "人才工作会议精神"), DedupInput("a", "人才工作会议精神")], "a"),
        (
            [
                DedupInput("a", "人才工作会议精神", masks=0),
                DedupInput("b", "人才工作会议精神。全面", masks=3),
            ],
            "b",
        ),
    ],
)
def test_the_most_complete_document_is_kept(documents: list[DedupInput], kept: str) -> None:
    [removal] = find_duplicates(documents).removed
    assert removal.duplicate_of == kept


def test_result_does_not_depend_on_input_order_or_processes() -> None:
    chain = _chain()
    documents = [*_speech_parts(), _document("000", _seed("000")), _document("001", _seed("001"))]
    documents += [_document(f"chain-{name}", text) for name, text in chain.items()]
    documents.append(_document("copy-a", chain["a"]))
    expected = find_duplicates(documents)
    assert [(removal.id, removal.duplicate_of) for removal in expected.removed] == [
        ("004-2", "004-3"),
        ("004-4", "004-3"),
        ("chain-b", "chain-a"),
        ("copy-a", "chain-a"),
    ]
    rng = random.Random(0)
    for _ in range(4):
        shuffled = rng.sample(documents, len(documents))
        assert find_duplicates(shuffled) == expected
    assert find_duplicates(documents, num_proc=2) == expected


def test_documents_shorter_than_a_shingle_are_never_merged() -> None:
    documents = [
        DedupInput("a", "人才工作"),
        DedupInput("b", "人才工作"),
        DedupInput("c", "全市人才工作会议"),
    ]
    assert find_duplicates(documents) == find_duplicates([]) == find_duplicates(documents[:1])
    assert find_duplicates(documents).removed == []


def test_documents_with_an_empty_key_are_never_merged() -> None:
    documents = [DedupInput("a", "——……\n"), DedupInput("b", "××××、***"), DedupInput("c", "")]
    result = find_duplicates(documents)
    assert result.removed == []
    assert result.near_misses == []


def test_an_excerpt_is_removed_as_contained() -> None:
    text = _seed("002")
    prefix = text[: int(len(text) * 0.4)]
    [removal] = find_duplicates([_document("full", text), _document("prefix", prefix)]).removed
    assert (removal.id, removal.duplicate_of, removal.reason) == ("prefix", "full", CONTAINED)
    assert removal.containment >= 0.99
    assert removal.jaccard < 0.5


def test_a_redraft_of_the_same_length_is_a_near_duplicate() -> None:
    sentences = _sentences()
    first = "\n".join(sentences[:30])
    second = "".join(sentences[:29] + sentences[100:101])
    [removal] = find_duplicates([_document("first", first), _document("second", second)]).removed
    assert removal.reason == NEAR_DUPLICATE


def test_near_misses_are_sorted_capped_and_exclude_removed_pairs() -> None:
    sentences = _sentences()
    base = sentences[:20]
    documents = [
        _document("base", "".join(base)),
        _document("copy", "".join(base)),
        _document("half", "".join(base[:10] + sentences[50:60])),
        _document("third", "".join(base[:6] + sentences[70:84])),
        _document("other", "".join(sentences[120:140])),
    ]
    result = find_duplicates(documents)
    assert [removal.id for removal in result.removed] == ["copy"]
    pairs = [(miss.a, miss.b) for miss in result.near_misses]
    assert ("base", "copy") not in pairs
    assert {("base", "half"), ("base", "third"), ("half", "third")} <= set(pairs)
    assert not any("other" in pair for pair in pairs)
    scores = [max(miss.jaccard, miss.containment) for miss in result.near_misses]
    assert scores == sorted(scores, reverse=True)
    assert all(miss.a < miss.b for miss in result.near_misses)
    capped = find_duplicates(documents, dataclasses.replace(DedupParams(), max_near_misses=1))
    assert capped.near_misses == result.near_misses[:1]


def test_near_misses_are_searched_on_phrases_in_few_documents() -> None:
    """Ten notices that open with the same long paragraph of seed 000, each with a paragraph of its own,
    one of them saved twice. Counting every shingle, every pair of documents but the copy and its
    original is a near miss (the opening is about half of each); counting only shingles in at most 8
    documents, the containment search proposes none of them (the MinHashLSH, a second route, finds the
    odd pair), and the copy is removed all the same."""
    opening = max(_seed("000").split("\n"), key=len)
    paragraphs: list[str] = []
    for part in "\n".join(_seed(prefix) for prefix in ("001", "002", "003", "004")).split("\n"):
        if 200 <= len(part) <= 400 and all(_shares_no_shingle(part, paragraph) for paragraph in paragraphs):
            paragraphs.append(part)
    notices = [
        _document(f"notice{n:02d}", opening + paragraph) for n, paragraph in enumerate(paragraphs[:12])
    ]
    documents = [*notices, _document("notice00-copy", notices[0].text)]
    every_shingle = find_duplicates(documents, dataclasses.replace(DedupParams(), review_max_df=0))
    few_documents = find_duplicates(documents, dataclasses.replace(DedupParams(), review_max_df=8))
    assert [removal.id for removal in every_shingle.removed] == ["notice00-copy"]
    assert few_documents.removed == every_shingle.removed
    assert len(every_shingle.near_misses) == 11 * 10 // 2 - 1
    ids = sorted(document.id for document in documents)
    texts = {document.id: document.text for document in documents}
    signatures = [sketch(texts[i], 5, permutations()).signature for i in ids]
    lsh_pairs = {(ids[a], ids[b]) for a, b in jaccard_candidates(signatures, lsh_bands())}
    assert {(miss.a, miss.b) for miss in few_documents.near_misses} <= lsh_pairs
    assert len(few_documents.near_misses) <= 2


def _shares_no_shingle(first: str, second: str) -> bool:
    return np.intersect1d(shingle_hashes(dedup_key(first), 5), shingle_hashes(dedup_key(second), 5)).size == 0


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="unique"):
        find_duplicates([DedupInput("a", "人才工作会议精神"), DedupInput("a", "全市人才工作会议")])


def test_sketches_made_elsewhere_give_the_same_result() -> None:
    """A build's workers sketch with datasketch's scheme made in a process of its own (`Background`), and
    dedup gets it from there too; the answer is the one dedup gives on the texts alone."""
    params = DedupParams(num_perm=64, seed=7)
    documents = [
        DedupInput("b", _seed("002")),
        DedupInput("a", _seed("002")[:3000]),
        DedupInput("c", _seed("003")),
        DedupInput("d", "短"),
    ]
    scheme = Background(dedup_scheme, params).result()
    assert np.array_equal(scheme.permutations, dedup_scheme(params).permutations)
    assert scheme.bands == dedup_scheme(params).bands
    made = sketch_documents([d.text for d in documents], params.ngram, scheme.permutations, num_proc=2)
    assert made[3].signature is None and made[0].signature.shape == (64,)
    assert find_duplicates(documents, params, sketches=made, scheme=scheme) == find_duplicates(
        documents, params
    )
    assert find_duplicates(documents, params, sketches=made) == find_duplicates(documents, params)
    assert [r.id for r in find_duplicates(documents, params, sketches=made).removed] == ["a"]
    # With sketches, the texts may stay where they are; without either, dedup says what it lacks.
    textless = [dataclasses.replace(d, text=None) for d in documents]
    assert find_duplicates(textless, params, sketches=made) == find_duplicates(documents, params)
    with pytest.raises(ValueError, match="texts or their sketches"):
        find_duplicates(textless, params)
