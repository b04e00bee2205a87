"""Cleaning steps, one module per concern, and the two ways a step meets a document.

A text step is `step(text) -> (text, edits)`: it runs on every text column (`title`, then `text`) and its
edits are tagged with the column. A step that also finds metadata returns it as columns, which fill only
the columns a document does not have yet: front matter and page metadata win over guesses.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

from cleaner.documents import Document, Edit

TextStep = Callable[[str], tuple[str, list[Edit]]]
TEXT_COLUMNS = ("title", "text")


def apply_text_steps(document: Document, steps: Iterable[TextStep]) -> Document:
    """Run each step on every text column, in order, collecting its edits."""
    columns = {name: getattr(document, name) for name in TEXT_COLUMNS}
    edits = list(document.edits)
    for step in steps:
        for name, value in columns.items():
            if value:
                columns[name], step_edits = step(value)
                # Steps tag edits with the default column, `text`; only the title's need retagging.
                edits += step_edits if name == "text" else [e._replace(field=name) for e in step_edits]
    return dataclasses.replace(document, title=columns["title"] or None, text=columns["text"], edits=edits)


def fill_columns(document: Document, found: dict, edits: list[Edit]) -> Document:
    """Set the columns in `found` that the document lacks.

    An edit that records a found value is kept only when the value was used; the edit that removed the
    line it came from is kept either way, so nothing the page said is lost.
    """
    missing = {name: value for name, value in found.items() if getattr(document, name) in (None, "", [])}
    kept = [e for e in edits if e.field not in found or e.field in missing]
    return dataclasses.replace(document, **missing, edits=document.edits + kept)
