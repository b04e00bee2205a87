"""`manifest.json`: every input and what became of it, the counts per step, parameters and versions."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cleaner.documents import SCHEMA_VERSION
from cleaner.pipeline import Build

# The libraries whose versions decide the bytes of the output.
VERSIONED = ("cleaner", "datasets", "datasketch", "opencc", "ftfy", "pyarrow", "rjieba", "trafilatura")


def library_versions() -> dict[str, str]:
    versions = {}
    for name in VERSIONED:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def step_counts(tables: Sequence[pa.Table]) -> dict:
    """Per step: how many documents it changed and how many edits it made (every occurrence: the sum of
    the edits' `count`); per rule, the edits it made. `tables` are the rows of both configs.

    Counted with NumPy over the edits' dictionary codes: `Table.group_by` would import pyarrow's dataset
    module, and pandas with it (0.2 s, while only this process runs; see `_numbers`)."""
    documents = pa.concat_arrays([table.column("edits").combine_chunks() for table in tables])
    edits = documents.flatten()
    counts = _numbers(edits.field("count"))
    steps, step_codes = _codes(edits.field("step"))
    rules, rule_codes = _codes(edits.field("rule"))
    changed = np.zeros((len(steps), len(documents)), dtype=bool)
    changed[step_codes, _numbers(pc.list_parent_indices(documents))] = True
    # Every (step, rule) pair as one number; a pair that occurs has edits (a count is at least 1).
    pairs = step_codes.astype(np.int64) * len(rules) + rule_codes
    return {
        "steps": {
            step: {"documents": documents_changed, "edits": step_edits}
            for step, documents_changed, step_edits in sorted(
                zip(steps, changed.sum(axis=1).tolist(), _sums(step_codes, counts, len(steps)), strict=True)
            )
        },
        "rules": dict(
            sorted(
                (f"{steps[pair // len(rules)]}.{rules[pair % len(rules)]}", pair_edits)
                for pair, pair_edits in enumerate(_sums(pairs, counts, len(steps) * len(rules)))
                if pair_edits
            )
        ),
    }


def _codes(column: pa.Array) -> tuple[list[str], np.ndarray]:
    """The distinct values of a string column and, for each row, the position of its value among them."""
    encoded = column.dictionary_encode()
    return encoded.dictionary.to_pylist(), _numbers(encoded.indices)


def _numbers(array: pa.Array) -> np.ndarray:
    """An integer array without nulls as NumPy, a view of its buffer. `Array.to_numpy` would do the same
    through pyarrow's pandas conversion, importing pandas, which a build with workers never needs."""
    dtype = np.dtype(f"int{array.type.bit_width}")
    return np.frombuffer(array.buffers()[1], dtype, count=len(array), offset=array.offset * dtype.itemsize)


def _sums(codes: np.ndarray, counts: np.ndarray, size: int) -> list[int]:
    """The sum of `counts` by code. `np.bincount` adds its weights as floats, exact for whole numbers below
    2**53."""
    return np.bincount(codes, weights=counts, minlength=size).astype(np.int64).tolist()


def render_manifest(build: Build) -> dict:
    published = set(build.documents.column("id").to_pylist())
    duplicates = dict(
        zip(
            build.duplicates.column("id").to_pylist(),
            build.duplicates.column("duplicate_of").to_pylist(),
            strict=True,
        )
    )
    dropped = {p.id: p.reason for p in build.rejected if p.id}

    def outcome(document_id: str) -> dict:
        if document_id in published:
            return {"id": document_id, "outcome": "published"}
        if document_id in duplicates:
            return {"id": document_id, "outcome": "duplicate", "duplicate_of": duplicates[document_id]}
        return {"id": document_id, "outcome": "rejected", "reason": dropped.get(document_id, "")}

    # `vars`, not `dataclasses.asdict`, which deep-copies every list only to have it replaced
    inputs = [{**vars(f), "documents": [outcome(i) for i in f.documents]} for f in build.files]
    return {
        "schema_version": SCHEMA_VERSION,
        "parameters": build.params.to_dict(),
        "versions": library_versions(),
        "inputs": inputs,
        "skipped": [dataclasses.asdict(p) for p in build.skipped],
        "rejected": [dataclasses.asdict(p) for p in build.rejected],
        "warnings": [dataclasses.asdict(p) for p in build.warnings],
        # Pairs kept apart but similar enough for a person to check, most similar first.
        "near_misses": [
            {"a": m.a, "b": m.b, "jaccard": round(m.jaccard, 4), "containment": round(m.containment, 4)}
            for m in build.near_misses
        ],
        "counts": {
            "files": len(build.files),
            "files_skipped": len(build.skipped),
            "files_rejected": sum(1 for f in build.files if f.kind == "rejected"),
            "documents_ingested": build.ingested,
            "documents_rejected": sum(1 for p in build.rejected if p.id),
            "documents_removed_as_duplicates": build.duplicates.num_rows,
            "documents_published": build.documents.num_rows,
            "near_misses": len(build.near_misses),
            **step_counts([build.documents, build.duplicates]),
        },
    }
