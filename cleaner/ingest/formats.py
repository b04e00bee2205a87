"""One raw file -> documents. The format is recognised by content as well as by extension: a `.txt` that
starts with YAML front matter is Markdown, a `.txt` that starts with `<html` is HTML."""

from __future__ import annotations

import dataclasses
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import pyarrow.parquet as pq

from cleaner.documents import Document, Edit, Problem
from cleaner.ingest.compilations import split_parts
from cleaner.ingest.decode import Unreadable, decode
from cleaner.ingest.html import html_to_document
from cleaner.ingest.markdown import has_front_matter, markdown_to_text, split_front_matter
from cleaner.ingest.metadata import as_string, columns_from_metadata

_HTML_START = re.compile(r"\A\s*(?:<!doctype\s+html|<html[\s>])", re.I)
MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
ROW_SUFFIXES = {".jsonl", ".parquet"}


@dataclass
class FileContents:
    kind: str
    documents: list[Document] = field(default_factory=list)
    rejected: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def read_file(data: bytes, relative: str) -> FileContents:
    """Read the bytes of the file at `relative` (its path under the input root). Raises `Unreadable`."""
    path = PurePosixPath(relative)
    suffix = path.suffix.lower()
    base_id = str(path.with_suffix(""))
    if suffix == ".parquet":
        return _read_rows("parquet", _parquet_rows(data), relative, base_id)
    text, _ = decode(data)
    if suffix == ".jsonl":
        return _read_rows("jsonl", _jsonl_rows(text, relative), relative, base_id)
    if suffix in HTML_SUFFIXES or _HTML_START.match(text):
        document = html_to_document(text, id=base_id, source_file=relative)
        return FileContents("html", _split_compilation(document))
    if suffix in MARKDOWN_SUFFIXES or has_front_matter(text):
        return _read_markdown(text, relative, base_id)
    return FileContents("text", _split_compilation(Document(id=base_id, text=text, source_file=relative)))


def _read_markdown(text: str, relative: str, base_id: str) -> FileContents:
    front = split_front_matter(text)
    columns = columns_from_metadata(front.metadata)
    unused = columns.pop("unused")
    document = Document(id=base_id, text=markdown_to_text(front.body), source_file=relative, **columns)
    if unused:
        # Keys we have no column for are still part of the record: keep them visible in the edit log.
        kept = json.dumps(unused, ensure_ascii=False, sort_keys=True, default=str)
        document.edits.append(
            Edit(
                step="ingest", rule="front_matter_unmapped", field="metadata", before=kept, after="", note=""
            )
        )
    warnings = [Problem(file=relative, reason=front.error)] if front.error else []
    return FileContents("markdown", _split_compilation(document), warnings=warnings)


def _split_compilation(document: Document) -> list[Document]:
    parts = split_parts(document.text)
    if parts is None:
        return [document]
    return [
        dataclasses.replace(
            document,
            id=f"{document.id}#{part.position}",
            part=part.position,
            title=part.title or (document.title if part.position == 1 else None),
            text=part.text,
            edits=list(document.edits),
        )
        for part in parts
    ]


def _jsonl_rows(text: str, relative: str):
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            yield number, None, f"line {number} is not JSON: {error.msg}"
            continue
        if not isinstance(row, dict):
            yield number, None, f"line {number} is a JSON {type(row).__name__}, not an object"
            continue
        yield number, row, None


def _parquet_rows(data: bytes):
    try:
        table = pq.read_table(io.BytesIO(data))
    except Exception as error:  # pyarrow raises several types for a damaged file
        raise Unreadable(f"not a readable parquet file: {error}") from None
    for number, row in enumerate(table.to_pylist(), 1):
        yield number, row, None


def _read_rows(kind: str, rows, relative: str, base_id: str) -> FileContents:
    """jsonl and parquet share a row format: `text` required; `id`, `title`, `url`, `date` and the other
    metadata columns optional. A bad row is rejected on its own; the other rows are kept."""
    contents = FileContents(kind)
    for number, row, error in rows:
        row_id = f"{base_id}#{number}"
        if error is None:
            row_id = as_string(row.get("id")) or row_id
            if not isinstance(row.get("text"), str) or not row["text"].strip():
                error = f"row {number} has no `text` string"
        if error is not None:
            contents.rejected.append(Problem(file=relative, id=row_id, reason=error))
            continue
        columns = columns_from_metadata({k: v for k, v in row.items() if k not in {"id", "text"}})
        columns.pop("unused")
        contents.documents.append(Document(id=row_id, text=row["text"], source_file=relative, **columns))
    if not contents.documents and not contents.rejected:
        raise Unreadable(f"{kind} file has no rows")
    return contents
