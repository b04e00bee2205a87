"""`manifest.json`: every input and what became of it, the counts per step, parameters and versions."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

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
    the edits' `count`); per rule, the edits it made. `tables` are the rows of both configs."""
    documents = pa.concat_arrays([table.column("edits").combine_chunks() for table in tables])
    edits = documents.flatten()
    rows = pa.table(
        {
            "document": pc.list_parent_indices(documents),
            "step": edits.field("step"),
            "rule": edits.field("rule"),
            "count": edits.field("count"),
        }
    )
    changed = rows.group_by("step").aggregate([("document", "count_distinct"), ("count", "sum")])
    rules = rows.group_by(["step", "rule"]).aggregate([("count", "sum")])
    return {
        "steps": {
            row["step"]: {"documents": row["document_count_distinct"], "edits": row["count_sum"]}
            for row in sorted(changed.to_pylist(), key=lambda row: row["step"])
        },
        "rules": dict(sorted((f"{r['step']}.{r['rule']}", r["count_sum"]) for r in rules.to_pylist())),
    }


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
