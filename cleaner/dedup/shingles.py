"""The dedup key of a document and the hashed character n-grams (shingles) of that key.

Two drafts of one speech differ in line breaks, punctuation width and placeholder style (`××`, `***`,
`xx`, `～`); none of that is content. The key drops all of it, so shingles compare only the words.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# Dropped from the key: whitespace and separators (Z*), control and format characters such as line
# breaks and zero-width spaces (Cc, Cf), lone surrogates (Cs), all punctuation (P*, ASCII and CJK,
# half and full width) and all symbols (S*: `×`, `～`, `%`, `○`, `□`, ...).
KEY_DROPPED_CATEGORIES = ("Z", "Cc", "Cf", "Cs", "P", "S")

# Placeholder runs written with the Latin letter x, half or full width: "xx.x万名", "学xxx省委", "XX市",
# "ｘｘ年". A run touching other Latin letters ("Linux", "Xi") is part of a word and stays.
_X_RUN = re.compile(r"(?<![a-zａ-ｚ])[xｘ]+(?![a-zａ-ｚ])")

# Full-width forms of the ASCII letters and digits (U+FF01..U+FF5E) sit at a fixed offset from ASCII.
_FULL_WIDTH = (0xFF01, 0xFF5E, 0xFEE0)

# Odd 64-bit multiplier of the polynomial n-gram hash (the golden-ratio constant).
_POLYNOMIAL_BASE = np.uint64(0x9E3779B97F4A7C15)
# MurmurHash3 64-bit finalizer: spreads the polynomial hash so that its low and high bits are uniform.
_FMIX64 = (np.uint64(33), np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53))


@functools.cache
def _dropped_code_points() -> np.ndarray:
    """A boolean table over all code points: True where the character never counts in the key."""
    table = np.zeros(sys.maxunicode + 1, dtype=bool)
    for code_point in range(sys.maxunicode + 1):
        table[code_point] = unicodedata.category(chr(code_point)).startswith(KEY_DROPPED_CATEGORIES)
    return table


def _code_points(text: str) -> np.ndarray:
    # surrogatepass: a lone surrogate from a bad decode must not make hashing raise.
    return np.frombuffer(text.encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32)


def dedup_key(text: str) -> str:
    """The text reduced to what identifies its content: lower case, ASCII width for full-width letters
    and digits, no whitespace, punctuation, symbols or placeholder runs.

    >>> dedup_key("同志们：\\n到～年底，全市共有xx.x万名人才，占 **.*%。ＧＤＰ")
    '同志们到年底全市共有万名人才占gdp'
    """
    code_points = _code_points(_X_RUN.sub("", text.lower()))
    kept = code_points[~_dropped_code_points()[code_points]]
    first, last, offset = _FULL_WIDTH
    kept = np.where((kept >= first) & (kept <= last), kept - offset, kept).astype(np.uint32)
    return kept.tobytes().decode("utf-32-le")


def shingle_hashes(key: str, n: int = 5) -> np.ndarray:
    """Sorted unique 64-bit hashes of the character n-grams of a dedup key; empty when the key is
    shorter than `n`.

    The n-grams are hashed all at once over the key's code-point array (a polynomial in the code
    points, then the MurmurHash3 finalizer), not one Python string at a time.

    >>> shingle_hashes("人才工作会议", n=5).size  # "人才工作会", "才工作会议"
    2
    """
    code_points = _code_points(key).astype(np.uint64)
    count = code_points.size - n + 1
    if n < 1 or count < 1:
        return np.empty(0, dtype=np.uint64)
    hashes = code_points[:count].copy()
    for offset in range(1, n):
        hashes *= _POLYNOMIAL_BASE
        hashes += code_points[offset : offset + count]
    shift, first, second = _FMIX64
    hashes ^= hashes >> shift
    hashes *= first
    hashes ^= hashes >> shift
    hashes *= second
    hashes ^= hashes >> shift
    # Sort and drop repeats by hand: np.unique (hash-based in NumPy 2) took three times as long.
    hashes.sort()
    return hashes[_first_of_each_value(hashes)]


def _first_of_each_value(ascending: np.ndarray) -> np.ndarray:
    """True at the first entry of each run of equal values in a sorted array."""
    first = np.ones(ascending.size, dtype=bool)
    np.not_equal(ascending[1:], ascending[:-1], out=first[1:])
    return first


@dataclass(frozen=True)
class ShingleSets:
    """The shingle sets of a corpus, each hash replaced by its rank among all the corpus's hashes.

    Ranks keep hash order, so each set stays sorted and its first entries are still its smallest hashes;
    being dense, they can index a lookup table of `vocabulary_size` entries.
    """

    ids: list[np.ndarray]
    vocabulary_size: int


def number_shingles(hashes: Sequence[np.ndarray]) -> ShingleSets:
    """Number the shingle hashes of all documents by one corpus vocabulary.

    >>> number_shingles([np.array([5, 90], dtype=np.uint64), np.array([7, 90], dtype=np.uint64)]).ids
    [array([0, 2]), array([1, 2])]
    """
    everything = np.concatenate([np.empty(0, dtype=np.uint64), *hashes])
    # Each document is a sorted run, so the stable sort (timsort) merges runs instead of sorting afresh.
    order = np.argsort(everything, kind="stable")
    first_of_value = _first_of_each_value(everything[order])
    ranks = np.empty(everything.size, dtype=np.intp)
    ranks[order] = np.cumsum(first_of_value) - 1
    bounds = np.cumsum([document_hashes.size for document_hashes in hashes])[:-1]
    return ShingleSets(np.split(ranks, bounds) if len(hashes) else [], int(np.count_nonzero(first_of_value)))
