from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHash

from cleaner.dedup.clusters import verify_pair
from cleaner.dedup.minhash import (
    containment_candidates,
    jaccard_candidates,
    lean_minhash,
    sample_hits_needed,
    signature,
)
from cleaner.dedup.shingles import dedup_key, number_shingles, shingle_hashes

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
    assert np.array_equal(signature(values, num_perm, seed), reference.hashvalues)


def test_lean_minhash_matches_datasketch_on_real_shingles() -> None:
    hashes = _hashes(_seed("003"))
    reference = MinHash(num_perm=128, seed=42, hashfunc=int)
    reference.update_batch((hashes >> np.uint64(32)).tolist())
    lean = lean_minhash(hashes, 128, 42)
    assert lean is not None
    assert lean.scheme == reference.scheme
    assert np.array_equal(lean.hashvalues, reference.hashvalues)


def test_documents_without_shingles_get_no_minhash() -> None:
    # datasketch's empty sketches are all alike, which would make two empty documents identical.
    assert MinHash(num_perm=128, seed=42).jaccard(MinHash(num_perm=128, seed=42)) == 1.0
    assert lean_minhash(np.empty(0, dtype=np.uint64)) is None


def test_jaccard_candidates_pair_drafts_but_not_other_documents() -> None:
    speech = _seed("004").split("第三篇：")[1].split("第四篇：")[0]
    redrafted = speech.replace("\n", "").replace("**", "××")
    minhashes = [lean_minhash(_hashes(text)) for text in (speech, _seed("002"), redrafted, "人才")]
    assert minhashes[3] is None
    assert jaccard_candidates(minhashes) == {(0, 2)}


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
    shingles = number_shingles([_hashes(text) for text in documents])
    assert containment_candidates(shingles, 0.9) >= {(0, 1), (0, 2)}


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
    found = containment_candidates(number_shingles(hashes), 0.26)
    containments = [verify_pair(hashes[a], hashes[b]).second_in_first for a, b in planted]
    at_level = [pair for pair, containment in zip(planted, containments, strict=True) if containment >= 0.26]
    assert len(at_level) >= 110
    assert set(at_level) <= found <= set(planted)


def test_short_documents_are_sampled_whole() -> None:
    documents = ["人才工作会议", "全市人才工作会议精神", "人才", ""]
    shingles = number_shingles([_hashes(text) for text in documents])
    assert containment_candidates(shingles, 0.9) == {(0, 1)}
