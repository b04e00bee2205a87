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
    Removal,
    Sketch,
    dedup_scheme,
    find_duplicates,
    sketch,
)
from cleaner.dedup.minhash import Scheme
from cleaner.dedup.shingles import dedup_key

__all__ = [
    "CONTAINED",
    "NEAR_DUPLICATE",
    "DedupInput",
    "DedupParams",
    "DedupResult",
    "NearMiss",
    "Removal",
    "Scheme",
    "Sketch",
    "dedup_key",
    "dedup_scheme",
    "find_duplicates",
    "sketch",
]
