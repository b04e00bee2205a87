"""The dedup key of a document and the hashed character n-grams (shingles) of that key.

Two drafts of one speech differ in line breaks, punctuation width and placeholder style (`××`, `***`,
`xx`, `～`); none of that is content. The key drops all of it, so shingles compare only the words.
"""

from __future__ import annotations

import re
import sys
import unicodedata

import numpy as np

# Dropped from the key: whitespace and separators (Z*), control and format characters such as line
# breaks and zero-width spaces (Cc, Cf), lone surrogates (Cs), all punctuation (P*, ASCII and CJK,
# half and full width) and all symbols (S*: `×`, `～`, `%`, `○`, `□`, ...).
KEY_DROPPED_CATEGORIES = ("Z", "Cc", "Cf", "Cs", "P", "S")

# Placeholder runs written with the Latin letter x, half or full width: "xx.x万名", "学xxx省委", "XX市",
# "ｘｘ年". A run touching other Latin letters ("Linux", "Xi") is part of a word and stays. The
# lookbehind (no letter before the run's first x) comes after that x so that the pattern starts with a
# character class, which `re` scans for quickly; led by the lookbehind it was four times slower.
_X_RUN = re.compile(r"[xｘ](?<![a-zａ-ｚ][xｘ])[xｘ]*(?![a-zａ-ｚ])")

# Full-width forms of the ASCII letters and digits (U+FF01..U+FF5E) sit at a fixed offset from ASCII.
_FULL_WIDTH = (0xFF01, 0xFF5E, 0xFEE0)

# What each code point becomes in the key: itself, its ASCII form, or _DROPPED. Entries are classified
# the first time a text uses them (a corpus uses a few thousand code points; classifying all 1.1 million
# with unicodedata took 0.2 s in every process). 0 marks an unseen entry: no character's key form is
# U+0000, a control character that is dropped.
_UNSEEN = 0
_DROPPED = np.uint32(0xFFFFFFFF)
_KEY_FORMS = np.zeros(sys.maxunicode + 1, dtype=np.uint32)

# Odd 64-bit multiplier of the polynomial n-gram hash (the golden-ratio constant).
_POLYNOMIAL_BASE = np.uint64(0x9E3779B97F4A7C15)
# MurmurHash3 64-bit finalizer: spreads the polynomial hash so that its low and high bits are uniform.
_FMIX64 = (np.uint64(33), np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53))
# Shifts a 64-bit hash down to its top 16 bits, the key of the counting sort in `hash_order`.
_TOP_16 = np.uint64(48)


def _key_form(code_point: int) -> int:
    if unicodedata.category(chr(code_point)).startswith(KEY_DROPPED_CATEGORIES):
        return int(_DROPPED)
    first, last, offset = _FULL_WIDTH
    return code_point - offset if first <= code_point <= last else code_point


def _key_forms(code_points: np.ndarray) -> np.ndarray:
    # Threads filling the same entry at once write the same value.
    forms = _KEY_FORMS[code_points]
    unseen = forms == _UNSEEN
    if unseen.any():
        for code_point in np.unique(code_points[unseen]).tolist():
            _KEY_FORMS[code_point] = _key_form(code_point)
        forms = _KEY_FORMS[code_points]
    return forms


def _code_points(text: str) -> np.ndarray:
    # surrogatepass: a lone surrogate from a bad decode must not make hashing raise.
    return np.frombuffer(text.encode("utf-32-le", errors="surrogatepass"), dtype=np.uint32)


def key_code_points(text: str) -> np.ndarray:
    """The dedup key of a text as an array of code points (uint32), the form shingling works on.

    >>> key_code_points("ＧＤＰ增长２％").tolist()  # "gdp增长2"
    [103, 100, 112, 22686, 38271, 50]
    """
    forms = _key_forms(_code_points(_X_RUN.sub("", text.lower())))
    return forms[forms != _DROPPED]


def dedup_key(text: str) -> str:
    """The text reduced to what identifies its content: lower case, ASCII width for full-width letters
    and digits, no whitespace, punctuation, symbols or placeholder runs.

    >>> dedup_key("同志们：\\n到～年底，全市共有xx.x万名人才，占 **.*%。ＧＤＰ")
    '同志们到年底全市共有万名人才占gdp'
    """
    return key_code_points(text).tobytes().decode("utf-32-le")


def shingle_hashes(key: str, n: int = 5) -> np.ndarray:
    """Sorted unique 64-bit hashes of the character n-grams of a dedup key; empty when the key is
    shorter than `n`.

    >>> shingle_hashes("人才工作会议", n=5).size  # "人才工作会", "才工作会议"
    2
    """
    return code_point_shingle_hashes(_code_points(key), n)


def code_point_shingle_hashes(code_points: np.ndarray, n: int = 5) -> np.ndarray:
    """`shingle_hashes` of a key given as its code points (`key_code_points`).

    The n-grams are hashed all at once over the code-point array (a polynomial in the code points, then
    the MurmurHash3 finalizer), not one Python string at a time.

    >>> code_point_shingle_hashes(key_code_points("人才工作会议"), n=5).size
    2
    """
    code_points = code_points.astype(np.uint64)
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
    hashes = hashes[hash_order(hashes)]
    return hashes[_first_of_each_value(hashes)]


def hash_order(hashes: np.ndarray) -> np.ndarray:
    """The indices that sort uniform 64-bit hashes (stably).

    A counting sort on the top 16 bits (NumPy sorts 16-bit keys by radix) leaves the hashes nearly
    sorted, and the stable sort (timsort) finishes that in close to linear time: three times faster than
    sorting the hashes directly, and faster than timsort merging already sorted runs.

    >>> hash_order(np.array([2**63 + 5, 7, 2**63 + 1], dtype=np.uint64))
    array([1, 2, 0])
    """
    by_top_bits = np.argsort((hashes >> _TOP_16).astype(np.uint16), kind="stable")
    return by_top_bits[np.argsort(hashes[by_top_bits], kind="stable")]


def _first_of_each_value(ascending: np.ndarray) -> np.ndarray:
    """True at the first entry of each run of equal values in a sorted array."""
    first = np.ones(ascending.size, dtype=bool)
    np.not_equal(ascending[1:], ascending[:-1], out=first[1:])
    return first
