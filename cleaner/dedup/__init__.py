"""Near-duplicate detection: dedup keys and shingles, MinHash candidate searches, verified clusters.

The pipeline calls `find_duplicates` once over all cleaned documents.
"""

from cleaner.dedup.clusters import (
    CONTAINED,
    NEAR_DUPLICATE,
    DedupInput,
    DedupParams,
    DedupResult,
    NearMiss,
    RawSketch,
    Removal,
    Sketch,
    find_duplicates,
    raw_sketch,
)
from cleaner.dedup.minhash import permutations
from cleaner.dedup.shingles import dedup_key

__all__ = [
    "CONTAINED",
    "NEAR_DUPLICATE",
    "DedupInput",
    "DedupParams",
    "DedupResult",
    "NearMiss",
    "RawSketch",
    "Removal",
    "Sketch",
    "dedup_key",
    "find_duplicates",
    "permutations",
    "raw_sketch",
]
