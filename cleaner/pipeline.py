"""The order of steps: ingest, clean, deduplicate. Publishing is `cleaner.publish`; the CLI wires them together."""

from __future__ import annotations

import dataclasses
import functools
import importlib
import itertools
import os
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from cleaner.clean import apply_text_steps, fill_columns
from cleaner.clean.furniture import count_short_lines, recurring_lines, strip_furniture
from cleaner.clean.lines import normalize_paragraphs, rejoin_hard_wraps, remove_stray_spaces
from cleaner.clean.placeholders import (
    count_masks,
    mask_placeholders,
    mask_squares_and_circles,
    restore_censored,
)
from cleaner.clean.unicode import UNICODE_STEPS, normalize_width
from cleaner.clean.years import YearEvidence, collect_year_evidence, repair_years
from cleaner.clean.years import merge as merge_evidence
from cleaner.dedup import (
    DedupInput,
    DedupParams,
    NearMiss,
    Removal,
    Sketch,
    dedup_scheme,
    find_duplicates,
    sketch,
)
from cleaner.documents import (
    Document,
    Problem,
    arrow_schema,
    merge_edits,
    tables_without_pandas,
    to_table,
)
from cleaner.ingest import Corpus, InputFile, check_unique_ids, concatenate, discover, read_files
from cleaner.parallel import Background, Shards, even_split

if TYPE_CHECKING:
    import numpy as np


# Documents turned into Arrow rows at a time by `tabulate_documents`.
_TABLE_BATCH = 100


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
    """What a build publishes: the rows of both configs, as Arrow tables of their `arrow_schema`, and the
    account of every input."""

    params: Params
    files: list[InputFile]
    documents: pa.Table
    duplicates: pa.Table
    skipped: list[Problem] = field(default_factory=list)
    rejected: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    near_misses: list[NearMiss] = field(default_factory=list)
    ingested: int = 0


def build(
    params: Params,
    root: Path,
    num_proc: int = 1,
    progress: Callable | None = None,
    scheme: Background | None = None,
) -> Build:
    """Run the whole pipeline on the inputs named in `params`, resolved against `root`.

    The workers keep their documents to the end: they clean and sketch them, and while this process
    looks for duplicates among the sketches, they turn the documents into Arrow rows. They separate the
    duplicates' rows too, so that this process never makes a table of Python objects, and never imports
    pandas for it (see `tables_without_pandas`). Nor does datasketch load here: `scheme` is
    `dedup_scheme(params.dedup)` on its way from a process of its own, started here unless given (the CLI
    starts it before it imports this module, so that datasketch loads beside those imports).
    """
    scheme = scheme or Background(dedup_scheme, params.dedup)
    # Lexically: the output's parent, and so `root/../raw`, may not exist yet.
    inputs = [Path(os.path.normpath(root / path)) for path in params.inputs]
    with start_workers(inputs, num_proc, progress, initializer=tables_without_pandas) as shards:
        # Imported in a thread, so that the passes never wait for them: when the imports ran here between
        # submitting the first pass and collecting it, the workers sat idle for 0.1-0.35 s whenever they
        # read faster. The workers have forked already (a fork while a thread imports could leave the
        # child holding an import lock), and the thread has ended before dedup forks again.
        with ThreadPoolExecutor(1) as loader:
            loading = loader.submit(load_late_libraries)
            corpus = clean_passes(shards)
        loading.result()  # raises what the imports raised
        minhash_scheme = scheme.result()
        shards.submit(sketch_documents, params.dedup.ngram, minhash_scheme.permutations)
        # Queued: each worker turns its documents into rows as soon as it has sent their sketches, while
        # this process receives the sketches and looks for duplicates.
        shards.submit(tabulate_documents, arrow_schema())
        dedup_inputs, sketches = unpack_sketches(shards.collect())
        found = find_duplicates(dedup_inputs, params.dedup, num_proc, sketches, scheme=minhash_scheme)
        shards.collect()  # the rows pass, which reports nothing
        kept, removed = zip(*shards.run(separate_duplicates, found.removed), strict=True)
    # One chunk each (see `_rows_where`).
    documents, duplicates = (pa.concat_tables(parts).combine_chunks() for parts in (kept, removed))
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
    with start_workers(inputs, num_proc, progress) as shards:
        corpus = clean_passes(shards)
        documents = [document for part in shards.gather() for document in part]
    return dataclasses.replace(corpus, documents=documents)


def start_workers(
    inputs: list[Path], num_proc: int, progress: Callable | None, initializer: Callable | None = None
) -> Shards:
    """The files under `inputs`, split once into `num_proc` runs of about equal bytes, one per worker."""
    files = discover(inputs)
    parts = [files[r.start : r.stop] for r in even_split([p.stat().st_size for p, _ in files], num_proc)]
    return Shards(parts or [[]], progress, initializer)


def clean_passes(shards: Shards) -> Corpus:
    """Read, normalise, clean and repair the documents of every part, where they are; the corpus without
    them (files, problems).

    Between the passes come the two steps that need the whole corpus, each a map + reduce over small
    reports: furniture lines that recur across many documents, and the year evidence (a title's valid
    range seen in another file).
    """
    files_read, line_counts = zip(*shards.run(read_and_normalize), strict=True)
    corpus = concatenate(files_read)
    check_unique_ids((document_id, f.file) for f in corpus.files for document_id in f.documents)
    ingested = sum(len(f.documents) for f in corpus.files)
    recurring = recurring_lines(sum(line_counts, Counter()), ingested)
    evidence = functools.reduce(merge_evidence, shards.run(clean_documents, recurring), YearEvidence())
    emptied = [problem for part in shards.run(repair_documents, evidence) for problem in part]
    return dataclasses.replace(corpus, rejected=corpus.rejected + emptied)


def load_late_libraries() -> None:
    """Import, while the workers clean, what publishing needs beyond what this process has loaded (0.05 s)."""
    for name in ("pyarrow.compute", "importlib.metadata"):
        importlib.import_module(name)


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


def repair_documents(
    documents: list[Document], evidence: YearEvidence, tick: Callable
) -> tuple[list[Document], list[Problem]]:
    """Pass 3: repair years with the corpus-wide evidence; report the documents left empty, and drop them."""
    return drop_empty([repair_document(document, evidence) for document in documents])


def sketch_documents(
    documents: list[Document], ngram: int, permutations: np.ndarray, tick: Callable
) -> tuple[list[Document], tuple[list[DedupInput], list[Sketch]]]:
    """Pass 4 of a build: what dedup needs of each document, its sketch with the scheme's `permutations`."""
    return documents, (
        [dedup_input(d) for d in documents],
        [sketch(d.text, ngram, permutations) for d in documents],
    )


def unpack_sketches(
    reports: list[tuple[list[DedupInput], list[Sketch]]],
) -> tuple[list[DedupInput], list[Sketch]]:
    """The sketch pass's reports, in part order, as dedup's inputs and sketches."""
    inputs = [dedup_input for part_inputs, _ in reports for dedup_input in part_inputs]
    sketches = [document_sketch for _, part_sketches in reports for document_sketch in part_sketches]
    return inputs, sketches


def tabulate_documents(documents: list[Document], schema: pa.Schema, tick: Callable) -> tuple[pa.Table, None]:
    """Pass 5 of a build: the part becomes rows of the `default` config (no `duplicate_ids` yet). A batch
    at a time, each taken out of the part once it is rows, so that the part is never held twice over (as
    documents and as rows) while dedup runs beside it."""
    batches = []
    while documents:
        batch, documents[:_TABLE_BATCH] = documents[:_TABLE_BATCH], []
        batches.append(to_table(batch, schema))
    return pa.concat_tables([to_table([], schema), *batches]), None


def normalize_unicode(document: Document) -> Document:
    """First, so that every later step, and the corpus-wide count of recurring lines, sees one form."""
    return apply_text_steps(document, UNICODE_STEPS)


# The text steps after furniture, in order. Paragraphs first, so blank lines and indentation are gone before
# anything is measured: a blank line cannot survive as a paragraph mark (the output has none), so a second
# run would see the paragraphs it separated as neighbours. Masks of `□` and `○` before the line steps read
# them (see `mask_squares_and_circles`), the others once hard wraps are rejoined. Rejoin before spaces, so
# spaces are judged on whole paragraphs (a wrapped fragment such as `在。` carries no context); rejoin
# ignores whitespace in all its evidence, so removing spaces afterwards cannot create a new join. Width
# again after the rejoin: a wrap can split a pair of brackets (`(三` / `)牢固`), which a second cleaning
# would otherwise convert.
CLEANING_STEPS = (
    normalize_paragraphs,
    mask_squares_and_circles,
    rejoin_hard_wraps,
    normalize_width,
    remove_stray_spaces,
    restore_censored,
    mask_placeholders,
)


def clean_document(document: Document, recurring: frozenset[str] = frozenset()) -> Document:
    """The per-document cleaning steps after Unicode normalisation, in order."""
    document = remove_furniture(document, recurring)
    document = apply_text_steps(document, CLEANING_STEPS)
    # Fold repeated edits now rather than hold thousands of one-character edits until they become rows.
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
    """What ranks a document among its duplicates; the text stays behind, dedup gets its sketch."""
    return DedupInput(id=document.id, masks=document.placeholders, paragraphs=document.text.count("\n") + 1)


def separate_duplicates(
    table: pa.Table, removed: list[Removal], tick: Callable
) -> tuple[None, tuple[pa.Table, pa.Table]]:
    """Pass 6 of a build: split the rows of the removed documents off, each with its evidence (config
    `duplicates`); the kept rows list what they absorbed (config `default`), wherever those were. Both
    keep the order of `table`; the part is done with."""
    removal_of = {r.id: r for r in removed}
    absorbed = defaultdict(list)
    for removal in removed:
        absorbed[removal.duplicate_of].append(removal.id)
    ids = table.column("id").to_pylist()
    is_removed = [document_id in removal_of for document_id in ids]
    kept = _rows_where(table, [not flag for flag in is_removed])
    absorbed_ids = [sorted(absorbed[document_id]) for document_id in ids if document_id not in removal_of]
    kept_columns = {**dict(zip(kept.column_names, kept.columns, strict=True)), "duplicate_ids": absorbed_ids}
    evidence = [removal_of[document_id] for document_id in ids if document_id in removal_of]
    duplicates = _rows_where(table, is_removed)
    duplicate_columns = {
        **dict(zip(duplicates.column_names, duplicates.columns, strict=True)),
        "duplicate_of": [r.duplicate_of for r in evidence],
        "jaccard": [r.jaccard for r in evidence],
        "containment": [r.containment for r in evidence],
        "reason": [r.reason for r in evidence],
    }
    return None, (
        pa.table(kept_columns, schema=arrow_schema()),
        pa.table(duplicate_columns, schema=arrow_schema("duplicates")),
    )


def _rows_where(table: pa.Table, wanted: list[bool]) -> pa.Table:
    """The rows of `table` where `wanted`, in order, in one chunk laid out as `Table.from_pylist` lays it
    out: `Table.filter` adds validity bitmaps to columns without nulls, which would change the size the
    card reports. One chunk also sends only its own rows: a slice is pickled with its whole buffers."""
    runs, row = [], 0
    for flag, run in itertools.groupby(wanted):
        length = len(list(run))
        if flag:
            runs.append(table.slice(row, length))
        row += length
    return pa.concat_tables([table.slice(0, 0), *runs]).combine_chunks()


def drop_empty(documents: list[Document]) -> tuple[list[Document], list[Problem]]:
    kept: list[Document] = []
    emptied: list[Problem] = []
    for d in documents:
        if d.text.strip():
            kept.append(d)
        else:
            emptied.append(Problem(file=d.source_file, id=d.id, reason="no text left after cleaning"))
    return kept, emptied
