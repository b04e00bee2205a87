"""`manifest.json`: every input and what became of it, the counts per step, parameters and versions."""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
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
    changed: dict[str, set[str]] = defaultdict(set)
    edits: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    for document in documents:
        for edit in document.edits:
            changed[edit.step].add(document.id)
            edits[edit.step] += edit.count
            rules[f"{edit.step}.{edit.rule}"] += edit.count
    return {
        "steps": {step: {"documents": len(changed[step]), "edits": edits[step]} for step in sorted(changed)},
        "rules": dict(sorted(rules.items())),
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

    inputs = [{**dataclasses.asdict(f), "documents": [outcome(i) for i in f.documents]} for f in build.files]
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
