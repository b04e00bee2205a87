"""MinHash signatures and the two candidate searches: similar documents (Jaccard) and excerpts
(containment).

Both searches only propose pairs; `clusters.verify_pairs` decides on the exact shingle sets, so a false
candidate costs one exact check and never removes anything. The containment search carries the recall
guarantee (a pair at one of its levels, on the shingles that level counts, is missed with probability at
most `miss_probability`); the MinHash LSH is a second route to near duplicates.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cleaner.dedup.shingles import _first_of_each_value, hash_order
from cleaner.parallel import chunks, map_shared

# datasketch is imported inside the functions that use it: it imports scipy, 0.4 s of CPU that a build
# spends in a process of its own (see `datasketch_scheme`), and `cleaner show` and `--help` not at all.

# datasketch's default permutation scheme since 2.0: MurmurHash3-premixed 32-bit values, permuted by
# a * h + b mod 2^32.
SCHEME = "affine32"

# MurmurHash3 32-bit finalizer, the premix datasketch applies before its permutations.
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35))

# Shingles permuted at once, as a (num_perm, block) uint32 array: long rows keep NumPy's inner loops long.
# Blocks of 8,192 shingles (4 MB at 128 permutations) measured three times faster than 256-shingle
# blocks laid out the other way round.
_PERMUTATION_BLOCK = 8192


# The weights (false positive, false negative) MinHashLSH picks its bands with: they favour recall. At 0.7 and
# 128 permutations datasketch picks 20 bands of 6 rows, which propose a pair at Jaccard 0.7 with probability
# 0.92 and at 0.8 with 0.998 (its balanced default, 14 x 9, only 0.44 and 0.87); the extra candidates cost
# one exact check each.
LSH_WEIGHTS = (0.1, 0.9)


@dataclass(frozen=True)
class Scheme:
    """What datasketch decides for our MinHash LSH: the permutations `(a, b)` of its MinHash for a seed,
    shape `(2, num_perm)`, and the bands of its MinHashLSH for a threshold, as `(start, end)` ranges of the
    hash values."""

    permutations: np.ndarray
    bands: tuple[tuple[int, int], ...]


def datasketch_scheme(num_perm: int = 128, seed: int = 42, threshold: float = 0.7) -> Scheme:
    """The scheme datasketch makes for these parameters. A build asks for it in a process of its own
    (`cleaner.parallel.Background`), so that datasketch and scipy load there, beside the build's own
    imports, and never in the build's processes."""
    return Scheme(permutations(num_perm, seed), lsh_bands(threshold, num_perm))


@functools.cache
def permutations(num_perm: int = 128, seed: int = 42) -> np.ndarray:
    """datasketch's own permutation parameters `(a, b)`, shape `(2, num_perm)`, for this seed."""
    from datasketch import MinHash  # late: see the imports above

    return MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME).permutations


@functools.cache
def lsh_bands(threshold: float = 0.7, num_perm: int = 128) -> tuple[tuple[int, int], ...]:
    """The bands of datasketch's MinHashLSH at `threshold`, with `LSH_WEIGHTS`.

    >>> len(lsh_bands(0.7, 128)), lsh_bands(0.7, 128)[1]
    (20, (6, 12))
    """
    from datasketch import MinHashLSH  # late: see the imports above

    index = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=LSH_WEIGHTS)
    return tuple((int(start), int(end)) for start, end in index.hashranges)


def signature(values: np.ndarray, parameters: np.ndarray) -> np.ndarray:
    """The MinHash hash values of a set of 32-bit hashes, computed in NumPy blocks; `parameters` are
    `permutations(num_perm, seed)`, passed in so that a process can sign without importing datasketch.

    Equal to `MinHash(num_perm, seed, hashfunc=int).update_batch(values)` (the same premix,
    permutations and minimum), without a Python call per value. An empty set gives datasketch's empty
    signature (all 2^32 - 1).

    >>> signature(np.array([7, 11], dtype=np.uint32), permutations(num_perm=4, seed=1)).shape
    (4,)
    """
    a, b = parameters
    shift1, first, shift2, second = _FMIX32
    mixed = values.astype(np.uint32)
    mixed = (mixed ^ (mixed >> shift1)) * first
    mixed = (mixed ^ (mixed >> shift2)) * second
    mixed ^= mixed >> shift1
    minimum = np.full(a.size, np.iinfo(np.uint32).max, dtype=np.uint32)
    block = np.empty((a.size, min(mixed.size, _PERMUTATION_BLOCK)), dtype=np.uint32)
    for start in range(0, mixed.size, _PERMUTATION_BLOCK):
        chunk = mixed[start : start + _PERMUTATION_BLOCK]
        permuted = block[:, : chunk.size]
        np.multiply(a[:, None], chunk, out=permuted)
        permuted += b[:, None]
        np.minimum(minimum, permuted.min(axis=1), out=minimum)
    return minimum


def shingle_signature(hashes: np.ndarray, parameters: np.ndarray) -> np.ndarray | None:
    """The MinHash hash values of a document's 64-bit shingle hashes (their high 32 bits, as datasketch
    would be given them), or None when it has no shingles. `parameters` are `permutations(num_perm, seed)`.

    None rather than an empty signature: datasketch gives every empty set the same hash values, so two
    documents without content would look identical (Jaccard 1.0).

    >>> shingle_signature(np.empty(0, dtype=np.uint64), permutations()) is None
    True
    """
    if hashes.size == 0:
        return None
    return signature((hashes >> np.uint64(32)).astype(np.uint32), parameters)


def jaccard_candidates(
    signatures: Sequence[np.ndarray | None], bands: Sequence[tuple[int, int]]
) -> set[tuple[int, int]]:
    """Pairs `(i, j)`, `i < j`, of documents whose MinHash signatures collide in a band, as datasketch's
    MinHashLSH with these `bands` (`lsh_bands`) would find them on the same hash values.

    Documents without a signature are never indexed. A collision is two equal rows of a band, found by
    sorting the band rather than through the index's hash tables (a tenth of the time).
    """
    indexed = np.array([position for position, values in enumerate(signatures) if values is not None])
    if indexed.size == 0:
        return set()
    values = np.stack([signatures[position] for position in indexed.tolist()])
    if bands and values.shape[1] < bands[-1][1]:
        raise ValueError(f"{bands[-1][1]} hash values per signature needed, got {values.shape[1]}")
    pairs = set()
    for start, end in bands:
        band = values[:, start:end]
        order = np.lexsort(band.T[::-1])
        rows = band[order]
        # Runs of equal rows in sorted order: documents whose band hashes to one bucket.
        run_starts = np.flatnonzero(np.append(True, np.any(rows[1:] != rows[:-1], axis=1)))
        run_lengths = np.diff(np.append(run_starts, len(rows)))
        for run_start, run_length in zip(run_starts.tolist(), run_lengths.tolist(), strict=True):
            if run_length > 1:
                bucket = sorted(indexed[order[run_start : run_start + run_length]].tolist())
                pairs.update(itertools.combinations(bucket, 2))
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


@dataclass(frozen=True)
class Level:
    """A containment level of the search: pairs where one document may have `containment` of its
    shingles in another, counting only shingles found in at most `max_df` documents (all when 0)."""

    containment: float
    max_df: int = 0


def containment_candidates(
    hashes: Sequence[np.ndarray],
    levels: Sequence[Level] = (Level(0.3),),
    sample_size: int = 512,
    miss_probability: float = 1e-6,
    prefix_share: float = 0.25,
    num_proc: int = 1,
) -> set[tuple[int, int]]:
    """Pairs `(i, j)`, `i < j`, where one document may reach one of `levels` in the other; `hashes`
    are the documents' sorted unique shingle hashes. The documents are searched in `num_proc`
    processes when there is work for them.

    Each document's sample is its bottom-k: its `sample_size` smallest shingle hashes (the first entries
    of its sorted set), a uniform random sample of its shingles because the hashes are. At a level, a
    pair is proposed when the sample's counted shingles have `sample_hits_needed` hits in the other
    document's full set, the hits needed for as many shingles as are counted. A document with fewer
    shingles than `sample_size` is sampled whole, so its hits are its exact overlap. Unlike a Jaccard
    search this does not weaken with the size ratio: a 10% excerpt of a long document is found as
    surely as a 90% one.

    A level with `max_df` counts only the shingles found in at most `max_df` documents. Whether a
    shingle is that rare does not depend on its hash, so those of a sample are a uniform sample of the
    document's own rare shingles and the bound holds for their containment. Phrases in many documents
    cost a count for every pair of documents that share them once they are more of a sample than its
    level lets the search skip (see `SampleIndex`), work that grows with the square of the corpus;
    a level that does not count them costs in proportion to the corpus. `prefix_share` only sets how
    the hits are counted.

    >>> sorted(containment_candidates([np.arange(10, dtype=np.uint64), np.arange(4, 8, dtype=np.uint64)]))
    [(0, 1)]
    """
    samples = Samples(hashes, sample_size, num_proc)
    pairs, searched = set(), []
    for level in levels:
        counted = samples.sizes if not level.max_df else samples.count_rare(level.max_df)
        needed = _hits_needed(counted, samples.whole, level.containment, sample_size, miss_probability)
        # A sample that needs no hit pairs with every document, itself included (its hits are never
        # counted).
        pairs.update(
            (min(container, contained), max(container, contained))
            for contained in np.flatnonzero((needed <= 0) & (counted > 0)).tolist()
            for container in range(len(hashes))
        )
        if np.any(_searched(needed, counted)):
            searched.append((needed, counted))
    if not searched:
        return pairs
    index = SampleIndex(samples, searched, prefix_share)
    return pairs.union(*map_shared(_pairs_held, (samples, index), chunks(len(hashes), num_proc), num_proc))


def _hits_needed(
    counted: np.ndarray, whole: np.ndarray, min_containment: float, sample_size: int, miss_probability: float
) -> np.ndarray:
    """The hits each sample needs: its exact share of the counted shingles when the document is sampled
    whole, else `sample_hits_needed` for the counted part of its sample."""
    by_size = {
        size: sample_hits_needed(size, min_containment, miss_probability)
        for size in np.unique(counted[~whole]).tolist()
    }
    sampled = np.array([by_size.get(size, 0) for size in counted.tolist()], dtype=np.float64)
    return np.where(whole, np.ceil(counted * min_containment - 1e-9), sampled)


def _pairs_held(search: tuple[Samples, SampleIndex], containers: range) -> set[tuple[int, int]]:
    samples, index = search
    return {
        (min(container, contained), max(container, contained))
        for container in containers
        for contained in index.samples_held_by(container, samples.held[container])
    }


class Samples:
    """The bottom-k samples of a corpus's documents (`hashes`, each sorted and unique), numbered: every
    distinct sampled hash has a number, its rank among them. Also which numbers each document holds and
    how many documents hold each (found in `num_proc` processes), and each sample's numbers from the
    rarest (held by the fewest documents, then the smallest hash) to the most common.

    Entries are the samples' numbers concatenated, sample after sample.

    >>> samples = Samples([np.array([3, 5, 9], dtype=np.uint64), np.array([5], dtype=np.uint64)], 2)
    >>> samples.hashes, samples.held[0], samples.frequency, samples.ranked
    (array([3, 5], dtype=uint64), array([0, 1], dtype=int32), array([1, 2], dtype=int32), [array([0, 1]), array([1])])
    """

    def __init__(self, hashes: Sequence[np.ndarray], sample_size: int, num_proc: int = 1) -> None:
        samples = [document_hashes[:sample_size] for document_hashes in hashes]
        self.sizes = np.array([sample.size for sample in samples], dtype=np.int64)
        self.whole = self.sizes < sample_size
        starts = np.cumsum(self.sizes) - self.sizes
        self.hashes, self.entries, holders, self.order = _number_distinct(samples)
        self.numbers = np.split(self.entries, starts[1:])
        self.owners = np.repeat(np.arange(self.sizes.size), self.sizes)
        # The entries in hash order, and their samples: the posting lists of `SampleIndex`.
        self.numbers_in_hash_order = np.repeat(np.arange(self.hashes.size), holders)
        self.owners_in_hash_order = self.owners[self.order]
        parts = map_shared(_numbers_held, (self, hashes), chunks(len(hashes), num_proc), num_proc)
        self.held = [numbers for part_held, _ in parts for numbers in part_held]
        self.frequency = functools.reduce(
            np.add, [counts for _, counts in parts], np.zeros(self.hashes.size, np.int32)
        )
        # Each sample's numbers from the rarest, and each entry's place in that order.
        rarity = np.empty(self.hashes.size, dtype=np.int64)
        rarity[np.argsort(self.frequency, kind="stable")] = np.arange(self.hashes.size)  # ties: smaller hash
        self.ranked, self.rank = [], np.empty(self.entries.size, dtype=np.int64)
        for numbers, rank in zip(self.numbers, np.split(self.rank, starts[1:]), strict=True):
            by_rarity = np.argsort(rarity[numbers])
            rank[by_rarity] = np.arange(by_rarity.size)
            self.ranked.append(numbers[by_rarity])

    def count_rare(self, max_df: int) -> np.ndarray:
        """How many shingles of each sample are held by at most `max_df` documents."""
        return np.bincount(self.owners[self.frequency[self.entries] <= max_df], minlength=self.sizes.size)


def _numbers_held(
    search: tuple[Samples, Sequence[np.ndarray]], documents: range
) -> tuple[list[np.ndarray], np.ndarray]:
    """The numbers of the sampled hashes each document holds, its own sample's first, and how many of
    the documents hold each number."""
    samples, hashes = search
    held, counts = [], np.zeros(samples.hashes.size, dtype=np.int32)
    for document in documents:
        own, document_hashes = samples.numbers[document], hashes[document]
        if samples.hashes.size == 0:
            held.append(own.astype(np.int32))
            continue
        # The document's own sample is its first hashes, already numbered, and a hash above the largest
        # sampled one is in no sample: only the hashes in between are looked up.
        rest = document_hashes[own.size : np.searchsorted(document_hashes, samples.hashes[-1], side="right")]
        at = np.minimum(np.searchsorted(samples.hashes, rest), samples.hashes.size - 1)
        held.append(np.concatenate((own, at[samples.hashes[at] == rest])).astype(np.int32))
        counts[held[-1]] += 1  # a document's numbers are distinct: each is counted once
    return held, counts


class SampleIndex:
    """The samples of a corpus at one or more levels, ready to tell which of them a document holds at
    their needed hits. A level is `(needed, counted)`: sample `i` counts the hits on its `counted[i]`
    rarest shingles (`Samples.ranked`) and needs `needed[i]` of them; one that needs none or more than
    it counts is never held at that level.

    Hits are counted exactly, but only where they can reach the level (prefix filtering, Chaudhuri et
    al. 2006, "A primitive operator for similarity joins in data cleaning"): a sample that needs `t`
    hits is indexed by all but its `t - m` most common counted shingles, `m = t * prefix_share` (at
    least 1), so a document holding `t` of the sample holds at least `m` of the indexed ones, and only
    samples with `m` indexed hits are counted in full. A shingle in the index costs a count for every
    document that holds it, so phrases shared by hundreds of documents cost little as long as they are
    fewer than `t - m` of a sample; the ones beyond that are counted for every pair of documents that
    shares them, work that grows with the square of the corpus (see "Scaling at the default size" in
    bench/RESULTS.md), unless the level does not count them. `prefix_share` trades index lookups
    against full counts and never changes the result.

    Each level's samples are searched as queries of their own, query `level * documents + sample`, in
    one posting list per shingle.

    >>> samples = Samples([np.array([3, 5], dtype=np.uint64), np.array([5], dtype=np.uint64)], 2)
    >>> index = SampleIndex(samples, [(np.array([2, 1]), samples.sizes)])
    >>> index.samples_held_by(0, samples.held[0]), index.samples_held_by(1, samples.held[1])
    ({1}, set())
    """

    def __init__(
        self, samples: Samples, levels: Sequence[tuple[np.ndarray, np.ndarray]], prefix_share: float = 0.25
    ) -> None:
        self.documents = samples.sizes.size
        self.numbers = [
            ranked[:count]
            for _, counted in levels
            for ranked, count in zip(samples.ranked, counted.tolist(), strict=True)
        ]
        self.needed = np.concatenate([needed for needed, _ in levels])
        self.required = np.concatenate(
            [_required(needed, counted, prefix_share) for needed, counted in levels]
        )
        owners, numbers = [], []
        for level, (needed, counted) in enumerate(levels):
            required = self.required[level * self.documents : (level + 1) * self.documents]
            indexed_count = np.where(np.isfinite(required), counted - needed + required, 0)
            # In hash order the entries of one shingle are side by side: they are its posting list.
            indexed = (samples.rank < indexed_count[samples.owners])[samples.order]
            owners.append(samples.owners_in_hash_order[indexed] + level * self.documents)
            numbers.append(samples.numbers_in_hash_order[indexed])
        # Each level's entries are in shingle order: the stable sort merges them.
        numbers = np.concatenate(numbers)
        self._owners = np.concatenate(owners).astype(np.int32)[np.argsort(numbers, kind="stable")]
        self._counts = np.bincount(numbers, minlength=samples.hashes.size).astype(np.int32)
        self._starts = np.cumsum(self._counts, dtype=np.int64) - self._counts
        # Marks a document's sampled shingles during one call and is cleared after it (so an index
        # serves one thread).
        self._in_document = np.zeros(samples.hashes.size, dtype=bool)

    def samples_held_by(self, document: int, ids: np.ndarray) -> set[int]:
        """The other samples with their needed hits at some level among `ids`, the numbers of the
        sampled shingles of the document whose sample is `document` (`Samples.held`)."""
        indexed = ids[self._counts[ids] > 0]
        owners = self._owners[_expand_ranges(self._starts[indexed], self._counts[indexed])]
        indexed_hits = np.bincount(owners, minlength=self.needed.size)
        indexed_hits[document :: self.documents] = 0
        maybe = np.flatnonzero(indexed_hits >= self.required).tolist()
        if not maybe:
            return set()
        self._in_document[ids] = True
        held = {
            query % self.documents
            for query in maybe
            if np.count_nonzero(self._in_document[self.numbers[query]]) >= self.needed[query]
        }
        self._in_document[ids] = False
        return held


def _searched(needed: np.ndarray, counted: np.ndarray) -> np.ndarray:
    """Which samples a level searches: those that need at least one hit and can have what they need."""
    return (needed >= 1) & (needed <= counted)


def _required(needed: np.ndarray, counted: np.ndarray, prefix_share: float) -> np.ndarray:
    """The indexed hits a sample needs before it is counted in full; infinite where it is not searched."""
    return np.where(_searched(needed, counted), np.maximum(1, np.floor(needed * prefix_share)), np.inf)


def _number_distinct(samples: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The distinct hashes of sorted unique arrays, and for the arrays' entries concatenated: each
    entry's number (its hash's rank among the distinct ones), how many arrays hold each distinct hash,
    and the order that sorts the entries by hash."""
    everything = np.concatenate([np.empty(0, dtype=np.uint64), *samples])
    order = hash_order(everything)
    everything = everything[order]
    first = _first_of_each_value(everything)
    distinct = everything[first]
    holders = np.diff(np.append(np.flatnonzero(first), first.size))
    numbers = np.empty(first.size, dtype=np.intp)
    numbers[order] = np.repeat(np.arange(distinct.size), holders)
    return distinct, numbers, holders, order


def _expand_ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    # All indices of the ranges [start, start + count), concatenated, without a Python loop.
    total = int(counts.sum())
    offsets = np.repeat(starts - np.cumsum(counts) + counts, counts)
    return offsets + np.arange(total)
