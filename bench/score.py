"""Score the documents a tool removed against the true clusters.

A removal is right while its cluster still keeps a member: of the r documents removed from a cluster of
size s, min(r, s - 1) are right, and the one that empties it is wrong. Emptying a cluster loses a
document's content altogether, so it is also counted on its own (`wholly_removed`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Score:
    removals: int  # distinct documents removed, including ids not in the truth
    right: int  # removals that leave their cluster a member
    expected: int  # the removals a perfect tool makes: sum over clusters of size - 1
    wholly_removed: int  # clusters left with no member

    @property
    def precision(self) -> float:
        """Right removals over removals; 1.0 when nothing was removed (nothing was removed wrongly)."""
        return self.right / self.removals if self.removals else 1.0

    @property
    def recall(self) -> float:
        """Right removals over expected removals; 1.0 when there was nothing to remove."""
        return self.right / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def score(removed: Iterable[str], truth: Mapping[str, str]) -> Score:
    """Score the ids a tool removed against `truth` (cluster id per document id).

    >>> truth = {"a1": "a", "a2": "a", "a3": "a", "b1": "b"}
    >>> s = score(["a2", "a3", "b1"], truth)
    >>> (s.removals, s.right, s.expected, s.wholly_removed)
    (3, 2, 2, 1)
    """
    removed = set(removed)
    sizes = Counter(truth.values())
    removed_per_cluster = Counter(truth[doc] for doc in removed if doc in truth)
    right = sum(min(count, sizes[cluster] - 1) for cluster, count in removed_per_cluster.items())
    return Score(
        removals=len(removed),
        right=right,
        expected=sum(size - 1 for size in sizes.values()),
        wholly_removed=sum(count == sizes[cluster] for cluster, count in removed_per_cluster.items()),
    )
