"""MinHash signatures and the two candidate searches: similar documents (Jaccard) and excerpts
(containment).

Both searches only propose pairs; `clusters.verify_pairs` decides on the exact shingle sets, so a false
candidate costs one exact check and never removes anything. The containment search carries the recall
guarantee (a pair at its containment level is missed with probability at most `miss_probability`); the
MinHashLSH is a second route to near duplicates.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from cleaner.dedup.shingles import ShingleSets

# datasketch's default permutation scheme since 2.0: MurmurHash3-premixed 32-bit values, permuted by
# a * h + b mod 2^32.
SCHEME = "affine32"

# MurmurHash3 32-bit finalizer, the premix datasketch applies before its permutations.
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35))

# Shingles permuted at once. A 256 x 128 uint32 block (128 KB) stays in cache and below malloc's mmap
# threshold; 4096-row blocks measured five times slower.
_PERMUTATION_BLOCK = 256


@functools.cache
def permutations(num_perm: int = 128, seed: int = 42) -> np.ndarray:
    """datasketch's own permutation parameters `(a, b)`, shape `(2, num_perm)`, for this seed."""
    return MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME).permutations


def signature(values: np.ndarray, num_perm: int = 128, seed: int = 42) -> np.ndarray:
    """The MinHash hash values of a set of 32-bit hashes, computed in NumPy blocks.

    Equal to `MinHash(num_perm, seed, hashfunc=int).update_batch(values)` (the same premix,
    permutations and minimum), without a Python call per value. An empty set gives datasketch's empty
    signature (all 2^32 - 1).

    >>> signature(np.array([7, 11], dtype=np.uint32), num_perm=4, seed=1).dtype
    dtype('uint32')
    """
    a, b = permutations(num_perm, seed)
    shift1, first, shift2, second = _FMIX32
    mixed = values.astype(np.uint32)
    mixed = (mixed ^ (mixed >> shift1)) * first
    mixed = (mixed ^ (mixed >> shift2)) * second
    mixed ^= mixed >> shift1
    minimum = np.full(num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
    for start in range(0, mixed.size, _PERMUTATION_BLOCK):
        block = mixed[start : start + _PERMUTATION_BLOCK, None] * a + b
        np.minimum(minimum, block.min(axis=0), out=minimum)
    return minimum


def lean_minhash(hashes: np.ndarray, num_perm: int = 128, seed: int = 42) -> LeanMinHash | None:
    """The LeanMinHash of a document's 64-bit shingle hashes, or None when it has no shingles.

    None rather than an empty MinHash: datasketch gives every empty set the same hash values, so two
    documents without content would look identical (Jaccard 1.0).

    >>> lean_minhash(np.empty(0, dtype=np.uint64)) is None
    True
    """
    if hashes.size == 0:
        return None
    values = (hashes >> np.uint64(32)).astype(np.uint32)
    return LeanMinHash(seed=seed, hashvalues=signature(values, num_perm, seed), scheme=SCHEME)


def jaccard_candidates(
    minhashes: Sequence[LeanMinHash | None],
    threshold: float = 0.7,
    num_perm: int = 128,
    weights: tuple[float, float] = (0.1, 0.9),
) -> set[tuple[int, int]]:
    """Pairs `(i, j)`, `i < j`, of documents whose MinHashes collide in a MinHashLSH band.

    `weights` (false positive, false negative) make datasketch favour recall: at 0.7 and 128
    permutations it picks 20 bands of 6 rows, which propose a pair at Jaccard 0.7 with probability 0.92
    and at 0.8 with 0.998 (its balanced default, 14 x 9, only 0.44 and 0.87); the extra candidates cost
    one exact check each. Documents without a MinHash are never indexed.
    """
    index = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=weights)
    with index.insertion_session() as session:
        for position, minhash in enumerate(minhashes):
            if minhash is not None:
                session.insert(position, minhash, check_duplication=False)
    pairs = set()
    for position, minhash in enumerate(minhashes):
        if minhash is not None:
            pairs.update((position, other) for other in index.query(minhash) if other > position)
    return pairs


def sample_hits_needed(sample_size: int, min_containment: float = 0.3, miss_probability: float = 1e-6) -> int:
    """How many of `sample_size` sampled shingles of a document must occur in another document before
    the pair becomes a containment candidate.

    The sample is a uniform random draw without replacement from the document's shingles, so the hits
    of a pair with containment `c` have mean `sample_size * c`, and by the Chernoff bound (which
    Hoeffding 1963 shows holds for sampling without replacement too)
    `P(hits <= sample_size * q) <= exp(-sample_size * KL(q || c))` for `q < c`. The answer is the largest
    count whose miss bound at `c = min_containment` is at most `miss_probability`; pairs with higher
    containment are missed even more rarely.

    >>> sample_hits_needed(256, 0.3, 1e-6)
    41
    """
    needed = math.ceil(sample_size * min_containment)
    while needed > 1 and _chernoff_lower_tail((needed - 1) / sample_size, min_containment, sample_size) > (
        miss_probability
    ):
        needed -= 1
    return needed


def _chernoff_lower_tail(fraction: float, probability: float, trials: int) -> float:
    # exp(-n * KL(q || p)), the Chernoff bound on P(Binomial(n, p) <= n * q) for q < p.
    if fraction <= 0.0:
        return (1.0 - probability) ** trials
    divergence = fraction * math.log(fraction / probability) + (1.0 - fraction) * math.log(
        (1.0 - fraction) / (1.0 - probability)
    )
    return math.exp(-trials * divergence)


def containment_candidates(
    shingles: ShingleSets,
    min_containment: float = 0.3,
    sample_size: int = 1024,
    miss_probability: float = 1e-6,
) -> set[tuple[int, int]]:
    """Pairs `(i, j)`, `i < j`, where one document may have `min_containment` of its shingles in the
    other.

    Each document's sample is its bottom-k: its `sample_size` smallest shingle hashes (the first entries
    of its sorted set), a uniform random sample of its shingles because the hashes are. Every document's
    full set is looked up in an inverted index of the pooled samples, and a pair is proposed when the
    sample of one has `sample_hits_needed` hits in the other. A document with fewer shingles than
    `sample_size` is sampled whole, so its hits are its exact overlap. Unlike a Jaccard search this does
    not weaken with the size ratio: a 10% excerpt of a long document is found as surely as a 90% one.
    """
    samples = [ids[:sample_size] for ids in shingles.ids]
    sample_sizes = np.array([sample.size for sample in samples], dtype=np.int64)
    sampled = np.concatenate([np.empty(0, dtype=np.intp), *samples])
    order = np.argsort(sampled, kind="stable")
    owners = np.repeat(np.arange(len(samples)), sample_sizes)[order]
    # The inverted index: the samples holding shingle s are owners[starts[s] : starts[s] + holders[s]].
    holders = np.bincount(sampled, minlength=shingles.vocabulary_size)
    starts = np.cumsum(holders) - holders
    needed = np.where(
        sample_sizes < sample_size,
        np.ceil(sample_sizes * min_containment - 1e-9),
        sample_hits_needed(sample_size, min_containment, miss_probability),
    )
    pairs = set()
    for container, ids in enumerate(shingles.ids):
        hit = ids[holders[ids] > 0]
        hits = np.bincount(owners[_expand_ranges(starts[hit], holders[hit])], minlength=len(samples))
        hits[container] = 0
        for contained in np.flatnonzero((hits >= needed) & (sample_sizes > 0)).tolist():
            pairs.add((min(container, contained), max(container, contained)))
    return pairs


def _expand_ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    # All indices of the ranges [start, start + count), concatenated, without a Python loop.
    total = int(counts.sum())
    offsets = np.repeat(starts - np.cumsum(counts) + counts, counts)
    return offsets + np.arange(total)
