"""The data contract: what a document is, how edits are recorded, and the Arrow schema of both configs.

Every producer (ingestion, cleaning, dedup, publishing) and every test imports these names; a column is
added here and nowhere else.
"""

from __future__ import annotations

import dataclasses
import functools
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import pyarrow as pa

SCHEMA_VERSION = 1


class Edit(NamedTuple):
    """One change a step made to one field of a document.

    `count` says how many identical changes (same step, rule, field, before, after) the document had,
    so a rule that fires fifty times is one row, not fifty.

    A named tuple, not a dataclass: a build makes hundreds of thousands of them, and a tuple is built,
    and sent between processes (see `Document.__reduce__`), several times faster.
    """

    step: str
    rule: str
    before: str
    after: str
    note: str = ""
    field: str = "text"
    count: int = 1


@dataclass
class Document:
    id: str
    text: str
    source_file: str
    title: str | None = None
    part: int | None = None
    date: str | None = None
    url: str | None = None
    publisher: str | None = None
    source: str | None = None
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    doc_number: str | None = None
    edits: list[Edit] = field(default_factory=list)
    placeholders: int = 0
    duplicate_ids: list[str] = field(default_factory=list)

    def __reduce__(self) -> tuple:
        # Pickle edits as plain tuples, which pickle in C: a Python-level reduce per edit made sending
        # the documents of a 40 MB corpus back from the workers cost a second.
        values = tuple(getattr(self, name) for name in _PICKLED_COLUMNS)
        return _document_from_values, (values, tuple(map(tuple, self.edits)))

    def to_row(self) -> dict:
        # Shallow on purpose: `dataclasses.asdict` deep-copies every string and was most of publishing's time.
        row = {name: getattr(self, name) for name in _DOCUMENT_COLUMNS}
        # Each edit as a tuple in the order of the struct's fields, which Arrow reads as it reads a dict,
        # in half the time (and a tuple is built in half the time of a dict).
        row["edits"] = list(map(_edit_values, merge_edits(self.edits)))
        return row

    @classmethod
    def from_row(cls, row: dict) -> Document:
        names = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in row.items() if k in names}
        values["edits"] = [Edit(**e) for e in values.get("edits") or []]
        return cls(**values)


_DOCUMENT_COLUMNS = tuple(f.name for f in dataclasses.fields(Document))

# The fields of an edit in the dataset, in order: `EDIT_FEATURES` and the rows' edit tuples follow it.
_EDIT_COLUMNS = ("step", "rule", "field", "before", "after", "note", "count")
_edit_values = operator.attrgetter(*_EDIT_COLUMNS)


_PICKLED_COLUMNS = tuple(name for name in _DOCUMENT_COLUMNS if name != "edits")


def _document_from_values(values: tuple, edits: tuple[tuple, ...]) -> Document:
    # `tuple.__new__` is what `Edit._make` calls, without its Python-level checks.
    return Document(
        **dict(zip(_PICKLED_COLUMNS, values, strict=True)), edits=[tuple.__new__(Edit, e) for e in edits]
    )


@dataclass
class Duplicate:
    """A document removed by dedup, with the evidence that it repeats the kept one."""

    document: Document
    duplicate_of: str
    jaccard: float
    containment: float
    reason: str

    def to_row(self) -> dict:
        return {
            **self.document.to_row(),
            "duplicate_of": self.duplicate_of,
            "jaccard": self.jaccard,
            "containment": self.containment,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Problem:
    """An input, or one document of it, that is not in the dataset: skipped, rejected, or a warning.

    `id` is set when a single document was dropped (e.g. empty after cleaning) rather than a whole file.
    """

    file: str
    reason: str
    id: str | None = None


def merge_edits(edits: list[Edit]) -> list[Edit]:
    """Fold identical edits into one with their summed `count`, keeping first-seen order."""
    totals: dict[tuple, int] = {}
    for edit in edits:
        key = edit[:-1]  # every field but `count`
        totals[key] = totals.get(key, 0) + edit.count
    if len(totals) == len(edits):  # nothing to fold, as for every document the pipeline has merged
        return list(edits)
    return [Edit(*key, count=count) for key, count in totals.items()]


def to_table(records: Sequence[Document] | Sequence[Duplicate], schema: pa.Schema) -> pa.Table:
    """Documents (or removed documents) as the rows of their config; `schema` is the config's
    `FEATURES.arrow_schema` (or `DUPLICATE_FEATURES.arrow_schema`), passed in so that a process can
    make rows without importing datasets."""
    import pyarrow as pa

    return pa.Table.from_pylist([record.to_row() for record in records], schema=schema)


@functools.cache
def _features() -> dict[str, Any]:
    import datasets

    _string = datasets.Value("string")

    EDIT_FEATURES = {name: datasets.Value("int32") if name == "count" else _string for name in _EDIT_COLUMNS}

    FEATURES = datasets.Features(
        {
            "id": _string,
            "title": _string,
            "text": _string,
            "source_file": _string,
            "part": datasets.Value("int32"),
            "date": _string,
            "url": _string,
            "publisher": _string,
            "source": _string,
            "authors": datasets.List(_string),
            "tags": datasets.List(_string),
            "doc_number": _string,
            "edits": datasets.List(EDIT_FEATURES),
            "placeholders": datasets.Value("int32"),
            "duplicate_ids": datasets.List(_string),
        }
    )

    DUPLICATE_FEATURES = datasets.Features(
        {
            **FEATURES,
            "duplicate_of": _string,
            "jaccard": datasets.Value("float64"),
            "containment": datasets.Value("float64"),
            "reason": _string,
        }
    )
    return {"EDIT_FEATURES": EDIT_FEATURES, "FEATURES": FEATURES, "DUPLICATE_FEATURES": DUPLICATE_FEATURES}


def __getattr__(name: str) -> Any:
    """`FEATURES`, `DUPLICATE_FEATURES` and `EDIT_FEATURES`, the schema of both configs, built on first use.

    They need `datasets`, whose import (0.7 s) only publishing needs: not the cleaning workers, `cleaner
    show` or `cleaner --help`.
    """
    if name in ("EDIT_FEATURES", "FEATURES", "DUPLICATE_FEATURES"):
        return _features()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# One line per column, for the dataset card and the README.
COLUMN_DESCRIPTIONS = {
    "id": "file path under the input root without extension; `#k` for the k-th part of a compilation",
    "title": "document title (front matter, part heading, page title or metadata block)",
    "text": "cleaned text, one paragraph per line",
    "source_file": "raw file the document came from, relative to the input root",
    "part": "1-based position of the document in a compilation file, else null",
    "date": "`YYYY-MM-DD` date of the document",
    "url": "address the document was collected from",
    "publisher": "issuing body or outlet, e.g. 中共中央办公厅, 光明日报",
    "source": "site the text was collected from, e.g. 纪委监委",
    "authors": "authors or issuing bodies",
    "tags": "categories and tags",
    "doc_number": "document number such as 中办发〔2012〕22号",
    "edits": "every change the pipeline made: `{step, rule, field, before, after, note, count}`",
    "placeholders": "number of `××` masks left in the text",
    "duplicate_ids": "ids of the documents removed as duplicates of this one",
    "duplicate_of": "id of the kept document this one duplicates",
    "jaccard": "Jaccard similarity of the shingle sets, against the kept document",
    "containment": "share of this document's shingles found in the kept document",
    "reason": "`near_duplicate`, or `contained` for a shorter draft or excerpt",
}
