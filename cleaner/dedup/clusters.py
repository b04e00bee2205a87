"""Find duplicate documents: sketch each one, search candidate pairs, verify them exactly, and keep one
document per cluster.

`find_duplicates` is the one entry point the pipeline calls. Clusters are stars: a document is removed
only when it is itself verified against the document kept, so a chain A~B~C never removes C because
of A.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from cleaner.dedup.minhash import (
    Level,
    Scheme,
    containment_candidates,
    datasketch_scheme,
    jaccard_candidates,
    shingle_signature,
)
from cleaner.dedup.shingles import code_point_shingle_hashes, key_code_points
from cleaner.parallel import chunks, map_shared

NEAR_DUPLICATE = "near_duplicate"
CONTAINED = "contained"


@dataclass(frozen=True)
class DedupInput:
    """What dedup needs to know about one cleaned document. The text is needed only when `find_duplicates`
    sketches the documents itself; the pipeline's workers send sketches instead."""

    id: str
    text: str | None = None
    masks: int = 0
    paragraphs: int = 0


@dataclass(frozen=True)
class DedupParams:
    """Thresholds of the dedup step; the pipeline records them in the manifest.

    threshold: Jaccard of two shingle sets at or above which the documents are near duplicates.
    containment: share of the removed document's shingles found in the kept one at or above which it
        is a duplicate (a truncated draft, an excerpt).
    ngram: characters per shingle of the dedup key.
    num_perm: MinHash permutations; more give steadier LSH candidates at more cost.
    seed: seed of the MinHash permutations.
    review_jaccard: Jaccard at or above which a pair kept apart is reported as a near miss.
    review_containment: containment (either direction) at or above which a pair kept apart is reported.
    review_max_df: the search for near misses counts only shingles found in at most this many
        documents (0: all of them); see `candidate_pairs`.
    max_near_misses: how many near misses are reported, most similar first.
    contained_length_ratio: a removed document whose key is at most this share of the kept key's length
        is reported as `contained` rather than `near_duplicate`.
    containment_sample: shingles sampled per document (bottom-k) for the containment search.
    miss_probability: bound on the chance that the containment search misses a pair at the review
        containment (pairs at the duplicate containment are missed far more rarely).
    """

    threshold: float = 0.7
    containment: float = 0.9
    ngram: int = 5
    num_perm: int = 128
    seed: int = 42
    review_jaccard: float = 0.15
    review_containment: float = 0.3
    review_max_df: int = 64
    max_near_misses: int = 1000
    contained_length_ratio: float = 0.9
    containment_sample: int = 512
    miss_probability: float = 1e-6


@dataclass(frozen=True)
class Removal:
    """A removed document and its evidence, measured against the document kept in its place.

    containment is the share of the removed document's shingles that occur in the kept one.
    """

    id: str
    duplicate_of: str
    jaccard: float
    containment: float
    reason: str


@dataclass(frozen=True)
class NearMiss:
    """A pair kept apart (the documents end in different clusters) but similar enough to review.

    `a < b`; containment is the larger of the two directions, i.e. the share of the smaller shingle set
    found in the other document.
    """

    a: str
    b: str
    jaccard: float
    containment: float


@dataclass(frozen=True)
class DedupResult:
    """Removed documents sorted by id, and near misses most similar first (capped)."""

    removed: list[Removal]
    near_misses: list[NearMiss]


@dataclass(frozen=True)
class Sketch:
    """A document as dedup sees it: its key length, sorted unique shingle hashes and MinHash signature
    (None without shingles)."""

    key_length: int
    hashes: np.ndarray
    signature: np.ndarray | None


@dataclass(frozen=True)
class Overlap:
    """Exact similarity of two shingle sets: Jaccard and the containment of each in the other."""

    jaccard: float
    first_in_second: float
    second_in_first: float


def dedup_scheme(params: DedupParams) -> Scheme:
    """What datasketch makes of `params`: the MinHash permutations and LSH bands (`datasketch_scheme`)."""
    return datasketch_scheme(params.num_perm, params.seed, params.threshold)


def sketch(text: str, ngram: int, permutations: np.ndarray) -> Sketch:
    """Key, shingles and MinHash signature of one cleaned text; `permutations` are the scheme's
    (`datasketch_scheme`). Needs no datasketch: the cleaning workers sketch their documents with it.

    >>> sketch("同志们：这次全市人才工作会议", 5, datasketch_scheme().permutations).key_length  # 同志们这次…
    13
    """
    key = key_code_points(text)
    hashes = code_point_shingle_hashes(key, ngram)
    return Sketch(key.size, hashes, shingle_signature(hashes, permutations))


def sketch_documents(
    texts: Sequence[str], ngram: int, permutations: np.ndarray, num_proc: int = 1
) -> list[Sketch]:
    """Sketches of all texts in input order, spread over `num_proc` processes when there is work for them."""
    parts = map_shared(_sketch_range, (texts, ngram, permutations), chunks(len(texts), num_proc), num_proc)
    return [document_sketch for part in parts for document_sketch in part]


def _sketch_range(work: tuple[Sequence[str], int, np.ndarray], documents: range) -> list[Sketch]:
    texts, ngram, permutations = work
    return [sketch(texts[document], ngram, permutations) for document in documents]


def candidate_pairs(
    sketches: Sequence[Sketch],
    bands: Sequence[tuple[int, int]],
    params: DedupParams = DedupParams(),
    num_proc: int = 1,
) -> set[tuple[int, int]]:
    """Index pairs `(i, j)`, `i < j`, worth verifying: every pair above a duplicate level, and every pair
    above a review level on its less common shingles, except with the small probabilities stated in
    `minhash`.

    The bottom-k containment search carries the guarantee. A pair at Jaccard `J` has containment at
    least `2J / (1 + J)` in one direction (equality when both sets are the same size), so searching down
    to that containment finds the pairs at a Jaccard level as well as excerpts: containment 0.82 covers
    the duplicate Jaccard 0.7, and 0.26 the review Jaccard 0.15. The duplicate levels are searched on all
    shingles. The review levels count only shingles found in at most `review_max_df` documents:
    phrases common to more documents would make that low level cost a count for every pair of
    documents sharing them, growing with the square of the corpus, so a pair whose overlap is mostly
    such phrases may go unreported as a near miss (a duplicate is never missed for it). The MinHash LSH
    at the duplicate Jaccard, with the `bands` of `lsh_bands(params.threshold, params.num_perm)`, is a
    second, independent route to near duplicates.
    """
    duplicates = Level(min(params.containment, _containment_floor(params.threshold)))
    review = Level(
        min(params.review_containment, _containment_floor(params.review_jaccard)), params.review_max_df
    )
    return jaccard_candidates(
        [document_sketch.signature for document_sketch in sketches], bands
    ) | containment_candidates(
        [document_sketch.hashes for document_sketch in sketches],
        [duplicates, review],
        params.containment_sample,
        params.miss_probability,
        num_proc=num_proc,
    )


def _containment_floor(jaccard: float) -> float:
    # The least containment, in one direction, of a pair at this Jaccard.
    return 2 * jaccard / (1 + jaccard)


def verify_pair(first: np.ndarray, second: np.ndarray) -> Overlap:
    """Exact Jaccard and containments of two sorted unique shingle arrays.

    An empty set overlaps nothing, so documents without shingles are never merged.

    >>> verify_pair(np.array([1, 2, 3, 4], dtype=np.uint64), np.array([2, 3, 4, 5, 6], dtype=np.uint64))
    Overlap(jaccard=0.5, first_in_second=0.75, second_in_first=0.6)
    """
    # Each shared value occurs twice in the merge of the two sets. The stable sort (timsort) merges the
    # two sorted runs in linear time: about 20 microseconds for two 5,000-shingle documents, where
    # np.intersect1d took 300.
    merged = np.concatenate((first, second))
    merged.sort(kind="stable")
    shared = int(np.count_nonzero(merged[1:] == merged[:-1]))
    return _overlap(shared, first.size, second.size)


def verify_pairs(
    hashes: Sequence[np.ndarray], pairs: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], Overlap]:
    """`verify_pair` for index pairs of documents' sorted unique shingle hashes, in pair order."""
    return {(first, second): verify_pair(hashes[first], hashes[second]) for first, second in sorted(pairs)}


def _overlap(shared: int, first_size: int, second_size: int) -> Overlap:
    if first_size == 0 or second_size == 0:
        return Overlap(0.0, 0.0, 0.0)
    return Overlap(shared / (first_size + second_size - shared), shared / first_size, shared / second_size)


def representative_rank(document: DedupInput, key_length: int) -> tuple:
    """Sort key of the document to keep, smallest first: the most complete one, i.e. longest dedup key,
    then fewest masks, then most paragraphs, then smallest id.

    >>> representative_rank(DedupInput("004-3", "...", masks=95, paragraphs=48), key_length=8545)
    (-8545, 95, -48, '004-3')
    """
    return (-key_length, document.masks, -document.paragraphs, document.id)


def find_duplicates(
    docs: Sequence[DedupInput],
    params: DedupParams = DedupParams(),
    num_proc: int = 1,
    sketches: Sequence[Sketch] | None = None,
    scheme: Scheme | None = None,
) -> DedupResult:
    """Duplicates to remove and near misses to review; the same for any input order and any num_proc.

    Three drafts of one speech (one with other line breaks, one with `xx`/`～` placeholders that stops
    mid-sentence) give one kept draft, one `near_duplicate` and one `contained` removal.

    Every candidate from `candidate_pairs` is verified exactly before it counts. Pairs at the duplicate
    Jaccard or containment (either direction) are edges; each connected component keeps its best
    document (`representative_rank`) and removes the members verified directly against it; the other
    members are clustered again among themselves, until no component is left. Repeated ids raise
    ValueError. `scheme` is `dedup_scheme(params)`, computed here unless given. `sketches`, when given,
    are each document's `sketch(text, params.ngram, scheme.permutations)` in the order of `docs`, computed
    elsewhere (the pipeline's workers make them).
    """
    scheme = scheme or dedup_scheme(params)
    order = sorted(range(len(docs)), key=lambda position: docs[position].id)
    ordered = [docs[position] for position in order]
    ids = [document.id for document in ordered]
    if len(set(ids)) != len(ids):
        raise ValueError("document ids must be unique")
    if sketches is None:
        texts = [document.text for document in ordered]
        if None in texts:
            raise ValueError("find_duplicates needs the documents' texts or their sketches")
        sketches = sketch_documents(texts, params.ngram, scheme.permutations, num_proc)
    else:
        sketches = [sketches[position] for position in order]
    hashes = [document_sketch.hashes for document_sketch in sketches]
    overlaps = verify_pairs(hashes, candidate_pairs(sketches, scheme.bands, params, num_proc))
    ranks = [
        representative_rank(document, s.key_length) for document, s in zip(ordered, sketches, strict=True)
    ]
    kept_of = _cluster(overlaps, hashes, ranks, params)
    removed = [
        _removal(member, kept, overlaps[_pair(member, kept)], ids, sketches, params)
        for member, kept in sorted(kept_of.items())
    ]
    return DedupResult(removed, _near_misses(overlaps, kept_of, ids, params))


def _pair(first: int, second: int) -> tuple[int, int]:
    return (first, second) if first < second else (second, first)


def _contained(member: int, other: int, overlap: Overlap) -> float:
    # Overlaps are stored for (smaller index, larger index); this is the share of `member` in `other`.
    return overlap.first_in_second if member < other else overlap.second_in_first


def _is_duplicate_edge(overlap: Overlap, params: DedupParams) -> bool:
    containment = max(overlap.first_in_second, overlap.second_in_first)
    return overlap.jaccard >= params.threshold or containment >= params.containment


def _cluster(
    overlaps: dict[tuple[int, int], Overlap],
    hashes: Sequence[np.ndarray],
    ranks: list[tuple],
    params: DedupParams,
) -> dict[int, int]:
    """Removed document -> kept document. Adds the member-vs-kept verifications it needs to `overlaps`."""
    neighbours: dict[int, set[int]] = {}
    for (first, second), overlap in overlaps.items():
        if _is_duplicate_edge(overlap, params):
            neighbours.setdefault(first, set()).add(second)
            neighbours.setdefault(second, set()).add(first)
    kept_of: dict[int, int] = {}
    pending = _components(neighbours, set(neighbours))
    while pending:
        component = pending.pop()
        kept = min(component, key=ranks.__getitem__)
        members = sorted(component - {kept})
        overlaps.update(
            verify_pairs(
                hashes, [_pair(member, kept) for member in members if _pair(member, kept) not in overlaps]
            )
        )
        removed = set()
        for member in members:
            overlap = overlaps[_pair(member, kept)]
            if overlap.jaccard >= params.threshold or _contained(member, kept, overlap) >= params.containment:
                kept_of[member] = kept
                removed.add(member)
        pending.extend(_components(neighbours, component - removed - {kept}))
    return kept_of


def _components(neighbours: dict[int, set[int]], nodes: set[int]) -> list[set[int]]:
    """Connected components with two or more members of the graph restricted to `nodes`."""
    components, unseen = [], set(nodes)
    while unseen:
        start = unseen.pop()
        component, frontier = {start}, [start]
        while frontier:
            for neighbour in neighbours[frontier.pop()] & unseen:
                unseen.discard(neighbour)
                component.add(neighbour)
                frontier.append(neighbour)
        if len(component) > 1:
            components.append(component)
    return components


def _removal(
    member: int, kept: int, overlap: Overlap, ids: list[str], sketches: list[Sketch], params: DedupParams
) -> Removal:
    containment = _contained(member, kept, overlap)
    shorter = sketches[member].key_length <= params.contained_length_ratio * sketches[kept].key_length
    reason = CONTAINED if shorter and containment >= params.containment else NEAR_DUPLICATE
    return Removal(ids[member], ids[kept], overlap.jaccard, containment, reason)


def _near_misses(
    overlaps: dict[tuple[int, int], Overlap], kept_of: dict[int, int], ids: list[str], params: DedupParams
) -> list[NearMiss]:
    """Verified pairs above a review level whose documents end in different clusters (kept apart)."""
    misses = [
        NearMiss(
            ids[first], ids[second], overlap.jaccard, max(overlap.first_in_second, overlap.second_in_first)
        )
        for (first, second), overlap in overlaps.items()
        if kept_of.get(first, first) != kept_of.get(second, second) and _worth_review(overlap, params)
    ]
    misses.sort(key=lambda miss: (-max(miss.jaccard, miss.containment), -miss.jaccard, miss.a, miss.b))
    return misses[: params.max_near_misses]


def _worth_review(overlap: Overlap, params: DedupParams) -> bool:
    containment = max(overlap.first_in_second, overlap.second_in_first)
    return overlap.jaccard >= params.review_jaccard or containment >= params.review_containment
