"""Shards keep their parts in their own processes between passes; map_shared spreads items over processes;
Background computes one thing in a process of its own."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from cleaner.documents import Document, Edit
from cleaner.parallel import (
    Background,
    Shards,
    _receive_message,
    _send_message,
    chunks,
    even_split,
    map_shared,
)
from cleaner.pipeline import clean_corpus

REPO = Path(__file__).resolve().parents[1]


def _double_and_report_pid(part: list[int], tick) -> tuple[list[int], tuple[int, int]]:
    for _ in part:
        tick()
    return [n * 2 for n in part], (os.getpid(), sum(part))


def _add(part: list[int], amount: int, tick) -> tuple[list[int], int]:
    return [n + amount for n in part], len(part)


def _fail_on_negative(part: list[int], tick) -> tuple[list[int], None]:
    if any(n < 0 for n in part):
        raise ValueError(f"negative number in {part}")
    return part, None


def test_each_part_stays_in_one_process_across_passes() -> None:
    ticks: list[int] = []
    with Shards([[1, 2], [3], [4, 5, 6]], progress=ticks.append) as shards:
        first = shards.run(_double_and_report_pid)
        second = shards.run(_double_and_report_pid)
        assert shards.run(_add, 1) == [2, 1, 3]
        parts = shards.gather()
    assert [pid for pid, _ in first] == [pid for pid, _ in second]
    assert len({pid for pid, _ in first}) == 3
    assert os.getpid() not in {pid for pid, _ in first}  # this process only coordinates
    assert [total for _, total in first] == [3, 3, 15]
    assert [total for _, total in second] == [6, 6, 30]
    assert parts == [[5, 9], [13], [17, 21, 25]]
    assert sum(ticks) == 12  # every document of both ticking passes, whichever process ticked


@pytest.mark.parametrize("parts", [[[1, 2], [3]], [[1, 2, 3]]], ids=["workers", "one part here"])
def test_passes_queue_and_are_collected_oldest_first(parts) -> None:
    sums, sizes = [sum(part) for part in parts], [len(part) for part in parts]
    with Shards(parts) as shards:
        shards.submit(_double_and_report_pid)
        shards.submit(_add, 1)  # sent before the first pass is collected: a worker goes on to it at once
        first, second = shards.collect(), shards.collect()
        assert [total for _, total in first] == sums
        assert second == sizes
        assert [n for part in shards.gather() for n in part] == [3, 5, 7]


def test_an_error_in_a_worker_is_raised_here_and_the_workers_stop() -> None:
    shards = Shards([[1, 2], [3, -1]])
    pids = [pid for pid, _ in shards.run(_double_and_report_pid)]
    with pytest.raises(ValueError, match=r"negative number in \[6, -2\]"), shards:
        shards.run(_fail_on_negative)
    with pytest.raises(ProcessLookupError):  # joined, so gone
        os.kill(pids[1], 0)


def _sketch_like_report(part: list[int], tick) -> tuple[list[int], dict]:
    hashes = np.arange(sum(part), dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    rows = pa.table({"id": [f"doc-{n}" for n in part], "text": ["人才工作会议" * n for n in part]})
    return part, {"hashes": hashes, "rows": rows, "strided": hashes[::2], "count": len(part)}


def test_reports_with_arrays_and_tables_arrive_whole() -> None:
    # The arrays and Arrow columns travel out of band, beside the pickle; a strided view goes in band.
    with Shards([[1, 2], [30_000, 40_000]]) as shards:
        first, second = shards.run(_sketch_like_report)
    for part, report in ((first, [1, 2]), (second, [30_000, 40_000])):
        expected = _sketch_like_report(report, None)[1]
        assert np.array_equal(part["hashes"], expected["hashes"]) and part["hashes"].dtype == np.uint64
        assert np.array_equal(part["strided"], expected["strided"])
        assert part["rows"].equals(expected["rows"]) and part["count"] == len(report)
    assert not second["hashes"].flags.writeable  # it keeps the bytes it arrived in


def test_messages_without_buffers_pass_as_they_are() -> None:
    ours, theirs = multiprocessing.Pipe()
    _send_message(theirs, ("tick", 3))
    _send_message(theirs, ("report", {"words": ["会议", "工作"], "empty": np.empty(0, dtype=np.uint64)}))
    assert _receive_message(ours) == ("tick", 3)
    kind, report = _receive_message(ours)
    assert kind == "report" and report["words"] == ["会议", "工作"] and report["empty"].size == 0


def _mark_worker() -> None:
    os.environ["CLEANER_TEST_WORKER"] = str(os.getpid())


def _report_mark(part: list[int], tick) -> tuple[list[int], tuple[int, str | None]]:
    return part, (os.getpid(), os.environ.get("CLEANER_TEST_WORKER"))


def test_the_initializer_runs_in_each_worker_and_never_here() -> None:
    with Shards([[1], [2]], initializer=_mark_worker) as shards:
        marks = shards.run(_report_mark)
    assert [mark for _, mark in marks] == [str(pid) for pid, _ in marks]
    with Shards([[1, 2]], initializer=_mark_worker) as shards:
        assert shards.run(_report_mark) == [(os.getpid(), None)]
    assert "CLEANER_TEST_WORKER" not in os.environ


def test_one_part_starts_no_process() -> None:
    with Shards([[1, 2, 3]]) as shards:
        assert shards.run(_double_and_report_pid) == [(os.getpid(), 6)]
        assert shards.gather() == [[2, 4, 6]]


def _pid_and_loaded(module: str) -> tuple[int, bool]:
    __import__(module)
    return os.getpid(), module in sys.modules


def _exit_abruptly() -> None:
    os._exit(3)


def test_background_computes_elsewhere_and_says_what_went_wrong() -> None:
    task = Background(_pid_and_loaded, "tabnanny")  # a module of the standard library nothing here loads
    assert task.result() != (os.getpid(), True) and task.result()[1]
    assert "tabnanny" not in sys.modules  # loaded there, not here
    with pytest.raises(ValueError, match=r"negative number in \[-1\]"):
        Background(_fail_on_negative, [-1], None).result()
    stopped = Background(_exit_abruptly)
    for _ in range(2):  # asking again gives the same answer
        with pytest.raises(RuntimeError, match="the process computing _exit_abruptly stopped unexpectedly"):
            stopped.result()


def test_even_split_balances_sizes_and_keeps_order() -> None:
    assert even_split([1] * 10, 2) == [range(0, 5), range(5, 10)]
    assert even_split([5, 1, 1, 1, 1, 1], 2) == [range(0, 1), range(1, 6)]
    assert even_split([100, 1, 1], 3) == [range(0, 1), range(1, 2), range(2, 3)]
    assert even_split([1, 2], 4) == [range(0, 1), range(1, 2)]  # never more parts than items
    assert even_split([0, 0, 0], 2) == [range(0, 1), range(1, 3)]
    assert even_split([], 2) == []


def test_map_shared_is_the_same_for_any_process_count() -> None:
    items = list(range(1, 51))
    assert map_shared(divmod, 7, items, num_proc=3) == map_shared(divmod, 7, items, num_proc=1)
    assert [i for r in chunks(50, 2) for i in r] == list(range(50))


def test_documents_survive_pickling_with_their_edits() -> None:
    document = Document(
        id="000",
        text="同志们：",
        source_file="000.txt",
        title="讲话",
        authors=["于年中"],
        edits=[Edit("lines", "rejoin_hard_wrap", "会\n议", "会议", note="jieba word 会议", count=2)],
        placeholders=1,
    )
    copy = pickle.loads(pickle.dumps(document))
    assert copy == document
    assert type(copy.edits[0]) is Edit and copy.edits[0].count == 2


def test_clean_corpus_is_the_same_for_any_process_count() -> None:
    one = clean_corpus([REPO / "raw"], num_proc=1).documents
    three = clean_corpus([REPO / "raw"], num_proc=3).documents
    assert one == three
    # five files in three parts of sizes as even as whole files allow, gathered back in file order
    assert [d.source_file[:3] for d in three] == ["000", "001"] + ["002"] * 4 + ["003"] + ["004"] * 5
