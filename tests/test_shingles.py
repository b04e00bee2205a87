from __future__ import annotations

import re
import sys
import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.dedup.shingles import (
    KEY_DROPPED_CATEGORIES,
    code_point_shingle_hashes,
    dedup_key,
    key_code_points,
    shingle_hashes,
)

# From raw/004 part 3 (line breaks, `**.*`) and part 4 (`xx.x`, `～`): the same sentence.
DRAFT_STARS = (
    "--人才总量不断增加。到2024年底，全市共有中专以上学历或初级以上职称人员**.*万名，\n比****年增加*.*万人。"
)
DRAFT_XS = (
    "--人才总量不断增加。到～年底，全市共有中专以上学历或初级以上职称人员xx.x万名，比xxxx年增加x.x万人。"
)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("同志们：\n这次全市人才工作会议，", "同志们这次全市人才工作会议"),
        ("占人才总数的××%，比××××年提高", "占人才总数的比年提高"),
        ("学xxx省委关于人才工作的方针", "学省委关于人才工作的方针"),
        ("XX市人才工作会议", "市人才工作会议"),
        ("加快实施***人才工程", "加快实施人才工程"),
        ("（中办发〔2012〕22号）", "中办发201222号"),
        ("“党管人才”的“微观践行”——以江苏张家港市为例", "党管人才的微观践行以江苏张家港市为例"),
        ("Ｌｉｎｕｘ服务器，ＧＤＰ增长２０２４", "linux服务器gdp增长2024"),
        ("首页\u3000English\u200b", "首页english"),
        ("人才\udc80工作", "人才工作"),
    ],
)
def test_dedup_key_drops_layout_punctuation_and_masks(text: str, key: str) -> None:
    assert dedup_key(text) == key


@pytest.mark.parametrize(
    "text",
    [
        "人才资源是第一资源",
        "中办发201222号",
        "linux服务器gdp增长2024",
        "二〇一二年",
    ],
)
def test_dedup_key_keeps_words_and_digits(text: str) -> None:
    assert dedup_key(text) == text


def test_drafts_with_other_line_breaks_and_placeholders_have_one_key() -> None:
    # Part 3 has the year, part 4 a `～` in its place: the only content difference left is "2024".
    assert dedup_key(DRAFT_STARS).replace("2024", "") == dedup_key(DRAFT_XS)
    assert dedup_key("GDp增长\n") == dedup_key("GDP增长")


def test_empty_and_layout_only_texts_have_an_empty_key() -> None:
    assert dedup_key("") == ""
    assert dedup_key(" \n\t——……××××**。") == ""


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_dedup_key_never_raises_and_is_idempotent(text: str) -> None:
    key = dedup_key(text)
    assert dedup_key(key) == key


def test_shingle_hashes_are_sorted_unique_uint64() -> None:
    hashes = shingle_hashes(dedup_key(DRAFT_XS), 5)
    assert hashes.dtype == np.uint64
    assert np.all(hashes[1:] > hashes[:-1])


def test_a_key_shorter_than_n_has_no_shingles() -> None:
    assert shingle_hashes("人才工作", 5).size == 0
    assert shingle_hashes("", 5).size == 0
    assert shingle_hashes("人才工作会", 5).size == 1


def test_shared_ngrams_share_hashes() -> None:
    short, long = shingle_hashes("人才工作会", 5), shingle_hashes("全市人才工作会议", 5)
    assert np.isin(short, long).all()
    assert long.size == 4


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="人才工作会议市党管ab1", max_size=60), st.integers(min_value=1, max_value=6))
def test_one_hash_per_distinct_ngram(key: str, n: int) -> None:
    distinct = {key[start : start + n] for start in range(len(key) - n + 1)}
    assert shingle_hashes(key, n).size == len(distinct)


def _reference_key(text: str) -> str:
    """The key as first written: one unicodedata lookup per character, the x-run regex led by its
    lookbehind, full-width letters and digits folded one by one."""
    text = re.sub(r"(?<![a-zａ-ｚ])[xｘ]+(?![a-zａ-ｚ])", "", text.lower())
    kept = (char for char in text if not unicodedata.category(char).startswith(KEY_DROPPED_CATEGORIES))
    return "".join(chr(ord(char) - 0xFEE0) if "\uff01" <= char <= "\uff5e" else char for char in kept)


def test_every_code_point_gets_its_reference_key() -> None:
    # One text holding all 1.1 million code points, x's and letters among them, classified on first sight.
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    assert dedup_key(everything) == _reference_key(everything)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("xXｘＸaＡzｚ人才 .\n×～%２\u3000\u200b"), max_size=30) | st.text())
def test_dedup_key_equals_the_reference(text: str) -> None:
    assert dedup_key(text) == _reference_key(text)


def test_key_code_points_are_the_key() -> None:
    key = key_code_points(DRAFT_XS)
    assert key.dtype == np.uint32
    assert key.tobytes().decode("utf-32-le") == dedup_key(DRAFT_XS)
    assert np.array_equal(code_point_shingle_hashes(key, 5), shingle_hashes(dedup_key(DRAFT_XS), 5))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="人才工作会议市党管ab1", max_size=400), st.integers(min_value=1, max_value=6))
def test_shingle_hashes_are_sorted_and_distinct_for_any_key(key: str, n: int) -> None:
    hashes = shingle_hashes(key, n)
    assert np.array_equal(hashes, np.unique(hashes))
