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
    find_duplicates,
)
from cleaner.dedup.shingles import dedup_key

__all__ = [
    "CONTAINED",
    "NEAR_DUPLICATE",
    "DedupInput",
    "DedupParams",
    "DedupResult",
    "NearMiss",
    "Removal",
    "dedup_key",
    "find_duplicates",
]
