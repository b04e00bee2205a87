"""The order of steps: ingest, clean, dedup. Publishing is `cleaner.publish`; the CLI wires them together."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from cleaner.documents import Document, Duplicate, Problem
from cleaner.ingest import Corpus, InputFile, ingest


@dataclass(frozen=True)
class Params:
    """Everything that decides the output. Recorded in the manifest; `--check` rebuilds from it.

    `inputs` are paths relative to the output folder's parent (`raw` beside `processed`).
    """

    inputs: tuple[str, ...] = ("raw",)

    def to_dict(self) -> dict:
        return {"inputs": list(self.inputs)}

    @classmethod
    def from_dict(cls, values: dict) -> Params:
        return cls(inputs=tuple(values["inputs"]))


@dataclass
class Build:
    params: Params
    files: list[InputFile]
    documents: list[Document]
    duplicates: list[Duplicate] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    rejected: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    ingested: int = 0


def build(params: Params, root: Path, num_proc: int = 1, progress: Callable | None = None) -> Build:
    """Run the whole pipeline on the inputs named in `params`, resolved against `root`."""
    corpus = clean_corpus([root / path for path in params.inputs], num_proc, progress)
    return Build(
        params=params,
        files=corpus.files,
        documents=corpus.documents,
        skipped=corpus.skipped,
        rejected=corpus.rejected,
        warnings=corpus.warnings,
        ingested=sum(len(f.documents) for f in corpus.files),
    )


def clean_corpus(inputs: list[Path], num_proc: int = 1, progress: Callable | None = None) -> Corpus:
    """Ingest and clean every document; documents left empty move to `rejected`."""
    corpus = ingest(inputs)
    documents = parallel_map(clean_document, corpus.documents, num_proc, progress)
    documents, emptied = drop_empty(documents)
    return dataclasses.replace(corpus, documents=documents, rejected=corpus.rejected + emptied)


def clean_document(document: Document) -> Document:
    """Every per-document cleaning step, in order."""
    return document


def drop_empty(documents: list[Document]) -> tuple[list[Document], list[Problem]]:
    kept = [d for d in documents if d.text.strip()]
    emptied = [
        Problem(file=d.source_file, id=d.id, reason="no text left after cleaning")
        for d in documents
        if not d.text.strip()
    ]
    return kept, emptied


def parallel_map(
    function: Callable, items: Sequence, num_proc: int, progress: Callable | None = None
) -> list:
    """`map` over processes, results in input order, so the output never depends on `num_proc`."""
    if num_proc <= 1 or len(items) < 2:
        results = []
        for item in items:
            results.append(function(item))
            if progress:
                progress(1)
        return results
    chunksize = max(1, min(64, len(items) // (num_proc * 4)))
    with get_context("fork").Pool(num_proc) as pool:
        results = []
        for result in pool.imap(function, items, chunksize=chunksize):
            results.append(result)
            if progress:
                progress(1)
        return results
