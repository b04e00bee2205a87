"""`manifest.json`: every input and what became of it, the counts per step, parameters and versions."""

from __future__ import annotations

import dataclasses
from collections import Counter
from importlib.metadata import PackageNotFoundError, version

from cleaner.documents import SCHEMA_VERSION, Document
from cleaner.pipeline import Build

# The libraries whose versions decide the bytes of the output.
VERSIONED = ("cleaner", "datasets", "datasketch", "opencc", "ftfy", "pyarrow", "jieba", "trafilatura")


def library_versions() -> dict[str, str]:
    versions = {}
    for name in VERSIONED:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def step_counts(documents: list[Document]) -> dict:
    """Per step: how many documents it changed and how many edits it made; per rule, the same."""
    changed: Counter[str] = Counter()
    rules: Counter[tuple[str, str]] = Counter()
    for document in documents:
        changed.update({edit.step for edit in document.edits})
        for edit in document.edits:
            rules[edit.step, edit.rule] += edit.count
    edits: Counter[str] = Counter()
    for (step, _), count in rules.items():
        edits[step] += count
    return {
        "steps": {step: {"documents": changed[step], "edits": edits[step]} for step in sorted(changed)},
        "rules": dict(sorted((f"{step}.{rule}", count) for (step, rule), count in rules.items())),
    }


def render_manifest(build: Build) -> dict:
    published = {d.id for d in build.documents}
    duplicates = {d.document.id: d.duplicate_of for d in build.duplicates}
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
            "documents_removed_as_duplicates": len(build.duplicates),
            "documents_published": len(build.documents),
            "near_misses": len(build.near_misses),
            **step_counts(build.documents + [d.document for d in build.duplicates]),
        },
    }
