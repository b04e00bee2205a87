"""The order of steps: ingest, clean, deduplicate. Publishing is `cleaner.publish`; the CLI wires them together."""

from __future__ import annotations

import dataclasses
import functools
import importlib
import os
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cleaner.clean import apply_text_steps, fill_columns
from cleaner.clean.furniture import count_short_lines, recurring_lines, strip_furniture
from cleaner.clean.lines import LINE_STEPS, load_dictionary
from cleaner.clean.placeholders import count_masks, mask_placeholders, restore_censored
from cleaner.clean.unicode import UNICODE_STEPS
from cleaner.clean.years import YearEvidence, collect_year_evidence, repair_years
from cleaner.clean.years import merge as merge_evidence
from cleaner.dedup import (
    DedupInput,
    DedupParams,
    NearMiss,
    RawSketch,
    Removal,
    Sketch,
    find_duplicates,
    permutations,
    raw_sketch,
)
from cleaner.documents import Document, Duplicate, Problem, merge_edits
from cleaner.ingest import Corpus, InputFile, check_unique_ids, concatenate, discover, read_files
from cleaner.parallel import Shards, even_split

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Params:
    """Everything that decides the output. Recorded in the manifest; `--check` rebuilds from it.

    `inputs` are paths relative to the output folder's parent (`raw` beside `processed`).
    """

    inputs: tuple[str, ...] = ("raw",)
    dedup: DedupParams = field(default_factory=DedupParams)

    def to_dict(self) -> dict:
        return {"inputs": list(self.inputs), "dedup": dataclasses.asdict(self.dedup)}

    @classmethod
    def from_dict(cls, values: dict) -> Params:
        return cls(inputs=tuple(values["inputs"]), dedup=DedupParams(**values.get("dedup", {})))


@dataclass
class Build:
    params: Params
    files: list[InputFile]
    documents: list[Document]
    duplicates: list[Duplicate] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    rejected: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    near_misses: list[NearMiss] = field(default_factory=list)
    ingested: int = 0


def build(params: Params, root: Path, num_proc: int = 1, progress: Callable | None = None) -> Build:
    """Run the whole pipeline on the inputs named in `params`, resolved against `root`."""
    # Lexically: the output's parent, and so `root/../raw`, may not exist yet.
    inputs = [Path(os.path.normpath(root / path)) for path in params.inputs]
    corpus, sketches = clean_and_sketch(inputs, params.dedup, num_proc, progress)
    found = find_duplicates(
        [dedup_input(d) for d in corpus.documents],
        params.dedup,
        num_proc,
        [sketches[d.id] for d in corpus.documents],
    )
    documents, duplicates = separate_duplicates(corpus.documents, found.removed)
    return Build(
        params=params,
        files=corpus.files,
        documents=documents,
        duplicates=duplicates,
        near_misses=found.near_misses,
        skipped=corpus.skipped,
        rejected=corpus.rejected,
        warnings=corpus.warnings,
        ingested=sum(len(f.documents) for f in corpus.files),
    )


def clean_corpus(inputs: list[Path], num_proc: int = 1, progress: Callable | None = None) -> Corpus:
    """Ingest and clean every document; documents left empty move to `rejected`."""
    return clean_and_sketch(inputs, None, num_proc, progress)[0]


def clean_and_sketch(
    inputs: list[Path], dedup: DedupParams | None, num_proc: int = 1, progress: Callable | None = None
) -> tuple[Corpus, dict[str, Sketch]]:
    """`clean_corpus`, and with `dedup` the sketch of every document that dedup needs, by id.

    The files are split once over `num_proc` processes, and each keeps its documents through the passes:
    read and normalise, clean, repair years. Between them come the two steps that need the whole corpus,
    each a map + reduce over small reports: furniture lines that recur across many documents, and the
    year evidence (a title's valid range seen in another file). Then the workers sketch their documents
    for dedup, and send them back.
    """
    files = discover(inputs)
    parts = [files[r.start : r.stop] for r in even_split([p.stat().st_size for p, _ in files], num_proc)]
    load_dictionary()  # before the workers fork, so that they share it
    with Shards(parts or [[]], progress) as shards:
        shards.submit(read_and_normalize)
        if dedup is not None:  # a build: dedup and publishing come next
            load_late_libraries()
        files_read, line_counts = zip(*shards.collect(), strict=True)
        corpus = concatenate(files_read)
        check_unique_ids((document_id, f.file) for f in corpus.files for document_id in f.documents)
        ingested = sum(len(f.documents) for f in corpus.files)
        recurring = recurring_lines(sum(line_counts, Counter()), ingested)
        evidence = functools.reduce(merge_evidence, shards.run(clean_documents, recurring), YearEvidence())
        shards.run(repair_documents, evidence)
        # datasketch is loaded here by now: the workers get its permutations rather than import it.
        parameters = permutations(dedup.num_perm, dedup.seed) if dedup else None
        sketched = shards.run(sketch_documents, dedup, parameters) if dedup else []
        documents = [document for part in shards.gather() for document in part]
    sketches = {}
    if dedup is not None:
        raw = [raw_sketch for part in sketched for raw_sketch in part]
        sketches = {d.id: Sketch.from_raw(r, dedup.seed) for d, r in zip(documents, raw, strict=True)}
    documents, emptied = drop_empty(documents)
    return dataclasses.replace(corpus, documents=documents, rejected=corpus.rejected + emptied), sketches


def load_late_libraries() -> None:
    """Import datasketch (dedup) and datasets (the schema for publishing) while the workers read: 1.5 s of
    imports that would otherwise come after the cleaning passes. The workers never need them."""
    importlib.import_module("datasketch")
    importlib.import_module("datasets")


def read_and_normalize(files: list[tuple[Path, str]], tick: Callable) -> tuple[list[Document], tuple]:
    """Pass 1 on a part of the files: read them, normalise Unicode; report what became of each file and
    the counts of short lines."""
    corpus = read_files(files)
    documents = [normalize_unicode(document) for document in corpus.documents]
    return documents, (
        dataclasses.replace(corpus, documents=[]),
        count_short_lines(d.text for d in documents),
    )


def clean_documents(
    documents: list[Document], recurring: frozenset[str], tick: Callable
) -> tuple[list[Document], YearEvidence]:
    """Pass 2: the per-document cleaning steps; report the year evidence of the part."""
    cleaned = []
    for document in documents:
        cleaned.append(clean_document(document, recurring))
        tick()
    return cleaned, gather_year_evidence(cleaned)


def sketch_documents(
    documents: list[Document], dedup: DedupParams, parameters: np.ndarray, tick: Callable
) -> tuple[list[Document], list[RawSketch]]:
    """Pass 4: what dedup needs of each document, without importing datasketch (see `raw_sketch`)."""
    return documents, [raw_sketch(d.text, dedup.ngram, parameters) for d in documents]


def repair_documents(
    documents: list[Document], evidence: YearEvidence, tick: Callable
) -> tuple[list[Document], None]:
    """Pass 3: repair years with the corpus-wide evidence."""
    return [repair_document(document, evidence) for document in documents], None


def normalize_unicode(document: Document) -> Document:
    """First, so that every later step, and the corpus-wide count of recurring lines, sees one form."""
    return apply_text_steps(document, UNICODE_STEPS)


def clean_document(document: Document, recurring: frozenset[str] = frozenset()) -> Document:
    """The per-document cleaning steps after Unicode normalisation, in order."""
    document = remove_furniture(document, recurring)
    document = apply_text_steps(document, LINE_STEPS)
    document = apply_text_steps(document, (restore_censored, mask_placeholders))
    # Fold repeated edits here, in the worker, rather than ship thousands of one-character edits back.
    return dataclasses.replace(document, edits=merge_edits(document.edits))


def remove_furniture(document: Document, recurring: frozenset[str]) -> Document:
    text, found, edits = strip_furniture(document.text, recurring)
    return fill_columns(dataclasses.replace(document, text=text), found, edits)


def gather_year_evidence(documents: list[Document]) -> YearEvidence:
    pairs = [(d.source_file, value) for d in documents for value in (d.title, d.text) if value]
    return collect_year_evidence(pairs)


def repair_document(document: Document, evidence: YearEvidence) -> Document:
    """Repair artefact years in the text, then in the title with the date the text revealed; count masks."""
    text, date, edits = repair_years(
        document.text, date=document.date, source_file=document.source_file, evidence=evidence
    )
    title = document.title
    if title:
        title, date, title_edits = repair_years(
            title, date=date, source_file=document.source_file, evidence=evidence
        )
        edits += [e if e.field == "date" else e._replace(field="title") for e in title_edits]
    return dataclasses.replace(
        document,
        text=text,
        title=title,
        date=date,
        edits=document.edits + edits,
        placeholders=count_masks(text),
    )


def dedup_input(document: Document) -> DedupInput:
    return DedupInput(
        id=document.id,
        text=document.text,
        masks=document.placeholders,
        paragraphs=document.text.count("\n") + 1,
    )


def separate_duplicates(
    documents: list[Document], removed: list[Removal]
) -> tuple[list[Document], list[Duplicate]]:
    """Split the removed documents off, each with its evidence; the kept ones list what they absorbed."""
    removal_of = {r.id: r for r in removed}
    absorbed = defaultdict(list)
    for removal in removed:
        absorbed[removal.duplicate_of].append(removal.id)
    kept = [
        dataclasses.replace(d, duplicate_ids=sorted(absorbed[d.id]))
        for d in documents
        if d.id not in removal_of
    ]
    duplicates = [
        Duplicate(d, (r := removal_of[d.id]).duplicate_of, r.jaccard, r.containment, r.reason)
        for d in documents
        if d.id in removal_of
    ]
    return kept, duplicates


def drop_empty(documents: list[Document]) -> tuple[list[Document], list[Problem]]:
    kept = [d for d in documents if d.text.strip()]
    emptied = [
        Problem(file=d.source_file, id=d.id, reason="no text left after cleaning")
        for d in documents
        if not d.text.strip()
    ]
    return kept, emptied
