from __future__ import annotations

import itertools
import math
import random
from pathlib import Path

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHash, MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.dedup.clusters import verify_pair
from cleaner.dedup.minhash import (
    LSH_WEIGHTS,
    Level,
    containment_candidates,
    datasketch_scheme,
    jaccard_candidates,
    lsh_bands,
    permutations,
    sample_hits_needed,
    shingle_signature,
    signature,
)
from cleaner.dedup.shingles import dedup_key, shingle_hashes

RAW = Path(__file__).resolve().parent.parent / "raw"


def _seed(prefix: str) -> str:
    return next(RAW.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def _hashes(text: str) -> np.ndarray:
    return shingle_hashes(dedup_key(text), 5)


@pytest.mark.parametrize(("size", "num_perm", "seed"), [(1, 128, 42), (300, 128, 42), (9000, 64, 7)])
def test_signature_equals_datasketch_update(size: int, num_perm: int, seed: int) -> None:
    values = np.random.default_rng(size).integers(0, 2**32, size=size, dtype=np.uint64).astype(np.uint32)
    reference = MinHash(num_perm=num_perm, seed=seed, hashfunc=int)
    reference.update_batch(values.tolist())
    assert np.array_equal(signature(values, permutations(num_perm, seed)), reference.hashvalues)


def test_shingle_signature_is_datasketchs_minhash_of_real_shingles() -> None:
    hashes = _hashes(_seed("003"))
    reference = MinHash(num_perm=128, seed=42, hashfunc=int)
    reference.update_batch((hashes >> np.uint64(32)).tolist())
    ours = shingle_signature(hashes, permutations(128, 42))
    assert ours is not None
    assert np.array_equal(ours, reference.hashvalues)
    # A LeanMinHash made of it is datasketch's own, in datasketch's scheme.
    assert (
        LeanMinHash(seed=42, hashvalues=ours, scheme=reference.scheme).jaccard(LeanMinHash(reference)) == 1.0
    )


def test_documents_without_shingles_get_no_signature() -> None:
    # datasketch's empty sketches are all alike, which would make two empty documents identical.
    assert MinHash(num_perm=128, seed=42).jaccard(MinHash(num_perm=128, seed=42)) == 1.0
    assert shingle_signature(np.empty(0, dtype=np.uint64), permutations()) is None


def test_the_scheme_is_datasketchs() -> None:
    scheme = datasketch_scheme(64, 7, 0.8)
    assert np.array_equal(scheme.permutations, MinHash(num_perm=64, seed=7, scheme="affine32").permutations)
    assert list(scheme.bands) == MinHashLSH(threshold=0.8, num_perm=64, weights=LSH_WEIGHTS).hashranges
    assert lsh_bands(0.7, 128) == tuple((6 * band, 6 * band + 6) for band in range(20))


def test_jaccard_candidates_pair_drafts_but_not_other_documents() -> None:
    speech = _seed("004").split("第三篇：")[1].split("第四篇：")[0]
    redrafted = speech.replace("\n", "").replace("**", "××")
    texts = (speech, _seed("002"), redrafted, "人才")
    signatures = [shingle_signature(_hashes(text), permutations()) for text in texts]
    assert signatures[3] is None
    assert jaccard_candidates(signatures, lsh_bands()) == {(0, 2)}


def test_sample_hits_needed_bounds_the_miss_probability() -> None:
    needed = sample_hits_needed(512, 0.26, 1e-6)
    miss = sum(math.comb(512, hits) * 0.26**hits * 0.74 ** (512 - hits) for hits in range(needed))
    assert miss <= 1e-6
    assert 0.12 * 512 < needed < 0.26 * 512
    assert sample_hits_needed(512, 0.9, 1e-6) > needed


def test_containment_search_finds_excerpts_of_any_length() -> None:
    long = _seed("002")
    start = len(long) // 3
    documents = [long, long[: int(len(long) * 0.4)], long[start : start + len(long) // 10], _seed("001")]
    assert containment_candidates([_hashes(text) for text in documents], [Level(0.9)]) >= {(0, 1), (0, 2)}


def test_containment_search_recall_on_synthetic_pairs() -> None:
    """Excerpts keeping 30% or 90% of a random text, padded with new text: every pair at or above the
    search level is proposed (the bound allows one miss in a million), and no unrelated pair is."""
    rng = random.Random(5)

    def random_text(length: int) -> str:
        return "".join(chr(0x4E00 + rng.randrange(3000)) for _ in range(length))

    documents, planted = [], []
    for share in [0.3] * 60 + [0.9] * 60:
        source = random_text(rng.randrange(500, 6000))
        length = rng.randrange(200, int(len(source) / share))
        kept = int(length * share)
        start = rng.randrange(len(source) - kept + 1)
        planted.append((len(documents), len(documents) + 1))
        documents += [source, source[start : start + kept] + random_text(length - kept)]
    hashes = [_hashes(text) for text in documents]
    found = containment_candidates(hashes, [Level(0.26)])
    containments = [verify_pair(hashes[a], hashes[b]).second_in_first for a, b in planted]
    at_level = [pair for pair, containment in zip(planted, containments, strict=True) if containment >= 0.26]
    assert len(at_level) >= 110
    assert set(at_level) <= found <= set(planted)


def test_short_documents_are_sampled_whole() -> None:
    documents = ["人才工作会议", "全市人才工作会议精神", "人才", ""]
    assert containment_candidates([_hashes(text) for text in documents], [Level(0.9)]) == {(0, 1)}


def _candidates_by_definition(
    hashes: list[np.ndarray],
    min_containment: float,
    sample_size: int,
    max_df: int = 0,
    miss_probability: float = 1e-6,
) -> set[tuple[int, int]]:
    """Every (document, sample) pair counted in full: the sample's hits are its counted shingles (those
    in at most `max_df` documents, or all) in the document (none in its own), and the pair is proposed
    at the hits needed for as many shingles as are counted."""
    frequency: dict[int, int] = {}
    for document_hashes in hashes:
        for value in document_hashes.tolist():
            frequency[value] = frequency.get(value, 0) + 1
    pairs = set()
    for contained, document_hashes in enumerate(hashes):
        sample = document_hashes[:sample_size]
        if max_df:
            sample = np.array(
                [value for value in sample.tolist() if frequency[value] <= max_df], dtype=np.uint64
            )
        if sample.size == 0:
            continue
        if document_hashes.size < sample_size:
            needed = math.ceil(sample.size * min_containment - 1e-9)
        else:
            needed = sample_hits_needed(sample.size, min_containment, miss_probability)
        for container, other in enumerate(hashes):
            hits = 0 if container == contained else np.intersect1d(sample, other).size
            if hits >= needed:
                pairs.add((min(container, contained), max(container, contained)))
    return pairs


def _overlapping_corpus(seed: int, documents: int) -> list[np.ndarray]:
    """Shingle sets drawn from a small vocabulary with a few very common shingles, so that documents
    overlap at every level, some not at all, and a few are empty."""
    rng = np.random.default_rng(seed)
    vocabulary = np.unique(rng.integers(0, 2**64, size=400, dtype=np.uint64))
    common = rng.random(vocabulary.size) < 0.05
    corpus = []
    for _ in range(documents):
        size = int(rng.choice([0, 3, 10, 40, 120]))
        weights = np.where(common, 30.0, 1.0)
        picked = rng.choice(
            vocabulary.size, size=min(size, vocabulary.size), replace=False, p=weights / weights.sum()
        )
        corpus.append(np.sort(vocabulary[picked]))
    return corpus


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=0, max_value=10**6),
    st.sampled_from([0.0, 0.1, 0.26, 0.5, 0.9, 0.99]),
    st.sampled_from([4, 16, 64, 1024]),
    st.sampled_from([0.01, 0.25, 1.0]),
)
def test_containment_search_proposes_exactly_the_pairs_at_their_needed_hits(
    seed: int, min_containment: float, sample_size: int, prefix_share: float
) -> None:
    # The prefix filter only decides which hits are counted in full; the pairs are those of the definition.
    hashes = _overlapping_corpus(seed, 14)
    expected = _candidates_by_definition(hashes, min_containment, sample_size)
    found = containment_candidates(hashes, [Level(min_containment)], sample_size, prefix_share=prefix_share)
    assert found == expected


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=0, max_value=10**6),
    st.sampled_from([0.1, 0.26, 0.5]),
    st.sampled_from([4, 16, 64]),
    st.sampled_from([1, 2, 3, 6]),
)
def test_a_level_with_max_df_counts_only_the_rarer_shingles(
    seed: int, min_containment: float, sample_size: int, max_df: int
) -> None:
    # Two levels searched at once give the pairs of each, the second on shingles in at most max_df
    # documents; the frequent shingles of `_overlapping_corpus` are in more.
    hashes = _overlapping_corpus(seed, 14)
    expected = _candidates_by_definition(hashes, 0.9, sample_size) | _candidates_by_definition(
        hashes, min_containment, sample_size, max_df
    )
    found = containment_candidates(hashes, [Level(0.9), Level(min_containment, max_df)], sample_size)
    assert found == expected


def test_phrases_in_many_documents_are_not_counted_at_a_level_with_max_df() -> None:
    """Eight short speeches that open with the same long paragraph of seed 000 all pair up at
    containment 0.26 on all their shingles, and not at all on the shingles in at most 4 documents; the
    speech saved twice is found either way."""
    opening = max(_seed("000").split("\n"), key=len)
    bodies: list[str] = []
    for part in "\n".join(_seed(prefix) for prefix in ("001", "002", "003", "004")).split("\n"):
        # Paragraphs that share no phrase with each other, so that only the opening joins them.
        if 200 <= len(part) <= 400 and all(
            np.intersect1d(_hashes(part), _hashes(body)).size == 0 for body in bodies
        ):
            bodies.append(part)
    assert len(bodies) >= 8
    speeches = [opening + body for body in bodies[:8]]
    hashes = [_hashes(text) for text in [*speeches, speeches[0]]]
    every_pair = set(itertools.combinations(range(9), 2))
    assert containment_candidates(hashes, [Level(0.26)], 64) == every_pair
    assert containment_candidates(hashes, [Level(0.26, max_df=4)], 64) == {(0, 8)}
    assert (0, 8) in containment_candidates(hashes, [Level(0.82)], 64)


def test_containment_search_in_two_processes_equals_one() -> None:
    hashes = _overlapping_corpus(7, 40)
    levels = [Level(0.9), Level(0.26, max_df=3)]
    assert containment_candidates(hashes, levels, 16, num_proc=2) == containment_candidates(
        hashes, levels, 16
    )


def test_jaccard_candidates_equal_datasketch_lsh_queries() -> None:
    # Hash values from a tiny alphabet, so that many band rows collide; one document has no signature.
    rng = np.random.default_rng(3)
    signatures = list(rng.integers(0, 3, size=(60, 128)).astype(np.uint32))
    signatures[7] = None
    for threshold in (0.5, 0.7, 0.9):
        index = MinHashLSH(threshold=threshold, num_perm=128, weights=LSH_WEIGHTS)
        minhashes = {
            position: LeanMinHash(seed=42, hashvalues=values, scheme="affine32")
            for position, values in enumerate(signatures)
            if values is not None
        }
        for position, minhash in minhashes.items():
            index.insert(position, minhash)
        expected = {
            (position, other)
            for position, minhash in minhashes.items()
            for other in index.query(minhash)
            if other > position
        }
        assert jaccard_candidates(signatures, lsh_bands(threshold)) == expected
    assert jaccard_candidates([None, None], lsh_bands()) == set()
    with pytest.raises(ValueError, match="120 hash values per signature needed, got 64"):
        jaccard_candidates([np.zeros(64, dtype=np.uint32)], lsh_bands())
