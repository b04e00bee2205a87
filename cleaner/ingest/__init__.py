"""Raw files -> documents, with every input file accounted for: read, skipped or rejected."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.documents import Document, Problem
from cleaner.ingest.decode import Unreadable
from cleaner.ingest.formats import read_file

# Files that describe a corpus rather than belong to it.
CORPUS_NOTES = ("README", "LICENSE", "LICENCE", "COPYING")


class IdClash(ValueError):
    """Two documents of one build have the same id."""


@dataclass
class InputFile:
    """One raw file as the manifest records it."""

    file: str  # path relative to its input root
    sha256: str
    size: int
    kind: str  # text, markdown, html, jsonl, parquet; or skipped / rejected
    documents: list[str] = field(default_factory=list)


@dataclass
class Corpus:
    documents: list[Document] = field(default_factory=list)
    files: list[InputFile] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    rejected: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def discover(inputs: list[Path]) -> list[tuple[Path, str]]:
    """Every file under the inputs as `(path, path relative to its input root)`, in a stable order.

    A folder is read recursively; a single file's root is its folder, so its relative path is its name.
    """
    found = []
    for root in inputs:
        if root.is_dir():
            found.extend((root / relative, relative) for relative in _files_under(root))
        elif root.is_file():
            found.append((root, root.name))
        else:
            raise FileNotFoundError(f"input does not exist: {root}")
    return found


def _files_under(root: Path) -> list[str]:
    """The files under a folder as sorted paths relative to it, `/`-separated, as `Path.rglob` finds them
    (not in symlinked folders) but in a third of its time: before the workers start, only this process
    runs."""
    found = []
    for folder, _, names in os.walk(root):
        relative = Path(folder).relative_to(root)
        found += [
            (relative / name).as_posix() for name in names if os.path.isfile(os.path.join(folder, name))
        ]
    return sorted(found)


def skip_reason(relative: str) -> str | None:
    parts = relative.split("/")
    if any(part.startswith(".") for part in parts):
        return "hidden file"
    if parts[-1].upper().startswith(CORPUS_NOTES):
        return "describes the corpus, not part of it"
    return None


def ingest(inputs: list[Path]) -> Corpus:
    corpus = read_files(discover(inputs))
    check_unique_ids((d.id, d.source_file) for d in corpus.documents)
    return corpus


def read_files(found: list[tuple[Path, str]]) -> Corpus:
    """The documents of `(path, relative path)` pairs, in order, and what became of each file."""
    corpus = Corpus()
    for path, relative in found:
        data = path.read_bytes()
        record = InputFile(file=relative, sha256=hashlib.sha256(data).hexdigest(), size=len(data), kind="")
        corpus.files.append(record)
        reason = skip_reason(relative)
        if reason is not None:
            record.kind = "skipped"
            corpus.skipped.append(Problem(file=relative, reason=reason))
            continue
        try:
            contents = read_file(data, relative)
        except Unreadable as error:
            record.kind = "rejected"
            corpus.rejected.append(Problem(file=relative, reason=str(error)))
            continue
        record.kind = contents.kind
        record.documents = [d.id for d in contents.documents]
        corpus.documents.extend(contents.documents)
        corpus.rejected.extend(contents.rejected)
        corpus.warnings.extend(contents.warnings)
    return corpus


def concatenate(parts: Sequence[Corpus]) -> Corpus:
    """Corpora read from consecutive runs of files, as one."""
    return Corpus(
        **{
            f.name: [item for part in parts for item in getattr(part, f.name)]
            for f in dataclasses.fields(Corpus)
        }
    )


def check_unique_ids(ids: Iterable[tuple[str, str]]) -> None:
    """Raise IdClash at the first `(document id, source file)` whose id came before."""
    seen: dict[str, str] = {}
    for document_id, source_file in ids:
        if document_id in seen:
            raise IdClash(
                f"document id {document_id!r} is used twice: in {seen[document_id]} and in {source_file}; "
                "give the inputs distinct names or ids"
            )
        seen[document_id] = source_file
