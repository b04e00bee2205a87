"""The edit record: identical edits fold into one with their count."""

from __future__ import annotations

from cleaner.documents import Edit, merge_edits


def test_merge_edits_folds_identical_edits_in_first_seen_order() -> None:
    mask = Edit("placeholders", "placeholder_mask", "**", "××", "a number")
    wrap = Edit("lines", "rejoin_hard_wrap", "会\n议", "会议", "jieba word 会议")
    in_title = mask._replace(field="title")
    edits = [mask, wrap, mask._replace(count=3), in_title, mask, wrap._replace(note="line ends with ，")]
    merged = merge_edits(edits)
    assert merged == [mask._replace(count=5), wrap, in_title, wrap._replace(note="line ends with ，")]
    assert all(type(edit) is Edit for edit in merged)
    assert edits[0].count == 1 and len(edits) == 6  # the input is left as it was
    assert merge_edits([]) == []
