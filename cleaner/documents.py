"""The data contract: what a document is, how edits are recorded, and the Arrow schema of both configs.

Every producer (ingestion, cleaning, dedup, publishing) and every test imports these names; a column is
added here and nowhere else.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.abc
import json
import operator
import sys
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
    """Fold identical edits into one with their summed `count`, keeping first-seen order.

    Only a folded edit is made anew: a document's edits are nearly all distinct (15,000 of the bench
    corpus's 250,000 fold, mostly repeated masks), and remaking every one took three times as long.
    """
    merged: list[Edit] = []
    place: dict[tuple, int] = {}  # every field but `count` -> where that edit is in `merged`
    for edit in edits:
        at = place.setdefault(edit[:-1], len(merged))
        if at == len(merged):
            merged.append(edit)
        else:
            merged[at] = merged[at]._replace(count=merged[at].count + edit.count)
    return merged


def to_table(records: Sequence[Document] | Sequence[Duplicate], schema: pa.Schema) -> pa.Table:
    """Documents (or removed documents) as the rows of their config; `schema` is the config's
    `arrow_schema`."""
    import pyarrow as pa

    return pa.Table.from_pylist([record.to_row() for record in records], schema=schema)


def tables_without_pandas() -> None:
    """Keep pyarrow from importing pandas in this process, for a process that only makes tables of Python
    objects (a cleaning worker): pandas cannot be imported here afterwards.

    pyarrow imports pandas the first time it converts Python objects, only to ask whether they are pandas
    objects, and takes an ImportError to mean that pandas is not installed: 0.17 s of CPU in every
    worker, a tenth of its rows pass. pyarrow has no switch for it.
    """
    if "pandas" not in sys.modules:  # imported already: pyarrow may as well use it
        sys.meta_path.insert(0, _NoPandas())


class _NoPandas(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name.partition(".")[0] == "pandas":
            raise ImportError(
                "pandas is kept out of this process: see cleaner.documents.tables_without_pandas"
            )


# The columns of both configs as `datasets` features, written as `datasets.Features.to_dict()` gives them
# (and `Features.from_dict` reads them). Publishing derives the Arrow schema and the card's feature list
# from them without importing datasets, whose import cost every build 0.35 s of CPU;
# tests/test_publish.py checks both against what datasets itself makes of these features.
def _value(dtype: str) -> dict[str, Any]:
    return {"dtype": dtype, "_type": "Value"}


def _list(feature: dict[str, Any]) -> dict[str, Any]:
    return {"feature": feature, "_type": "List"}


_STRING = _value("string")

EDIT_FEATURES = {name: _value("int32") if name == "count" else _STRING for name in _EDIT_COLUMNS}

FEATURES = {
    "id": _STRING,
    "title": _STRING,
    "text": _STRING,
    "source_file": _STRING,
    "part": _value("int32"),
    "date": _STRING,
    "url": _STRING,
    "publisher": _STRING,
    "source": _STRING,
    "authors": _list(_STRING),
    "tags": _list(_STRING),
    "doc_number": _STRING,
    "edits": _list(EDIT_FEATURES),
    "placeholders": _value("int32"),
    "duplicate_ids": _list(_STRING),
}

DUPLICATE_FEATURES = {
    **FEATURES,
    "duplicate_of": _STRING,
    "jaccard": _value("float64"),
    "containment": _value("float64"),
    "reason": _STRING,
}


@functools.cache
def arrow_schema(config: str = "default") -> pa.Schema:
    """The Arrow schema of a config (`default` or `duplicates`), with its features in the metadata as
    `datasets.Features.arrow_schema` puts them, so that `load_dataset` gets exact types back."""
    import pyarrow as pa

    features = DUPLICATE_FEATURES if config == "duplicates" else FEATURES
    return pa.schema(
        [(name, _arrow_type(feature)) for name, feature in features.items()],
        metadata={"huggingface": json.dumps({"info": {"features": features}})},
    )


def _arrow_type(feature: dict[str, Any]) -> pa.DataType:
    import pyarrow as pa

    if feature.get("_type") == "Value":
        return pa.type_for_alias(feature["dtype"])
    if feature.get("_type") == "List":
        return pa.list_(_arrow_type(feature["feature"]))
    return pa.struct([(name, _arrow_type(field_feature)) for name, field_feature in feature.items()])


def yaml_features(features: dict[str, Any]) -> list[dict[str, Any]]:
    """The features as the card's `dataset_info` lists them (`datasets.Features._to_yaml_list()`): a value
    by its dtype, a list by its items' dtype, or by their fields when they are structs."""
    listed = []
    for name, feature in features.items():
        if feature["_type"] == "Value":
            listed.append({"name": name, "dtype": feature["dtype"]})
        else:
            items = feature["feature"]
            listed.append(
                {
                    "name": name,
                    "list": items["dtype"] if items.get("_type") == "Value" else yaml_features(items),
                }
            )
    return listed


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
