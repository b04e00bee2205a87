"""How much of the corpus's damage `cleaner build` undoes, and whether its output is clean for good.

Every draft is a base with damage applied (`bench.corpus.DAMAGES`). A draft whose damage cleaning can
undo (`Damage.undoable`: Traditional script, hard wraps, stray spaces, indents, half-width punctuation,
page furniture) should come out of the build as its base, character for character; masks, cuts and
merged paragraphs lose what was there, so drafts with those are left out. The bases keep the full-width
digits and letters of the seed clauses they are made of, which cleaning writes half width by design, so
they are compared as `normalize_width` writes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bench.corpus import DAMAGES, Corpus
from cleaner.clean.unicode import normalize_width

UNDOABLE = frozenset(damage.name for damage in DAMAGES if damage.undoable)


@dataclass(frozen=True)
class Restoration:
    damage: str  # a kind of damage, or "none" for the drafts published as they were written
    drafts: int  # drafts with this damage and no damage cleaning cannot undo
    restored: int  # of those, published exactly as their base


def as_cleaned(base: str) -> str:
    """A base as cleaning writes it: full-width digits and letters half width (its punctuation is Chinese
    already, so that is all `normalize_width` changes in it)."""
    return normalize_width(base)[0]


def published_text(row: Mapping) -> str:
    """A published row as the base was written: the title, when cleaning found one, on the first line."""
    return f"{row['title']}\n{row['text']}" if row["title"] else row["text"]


def restoration(corpus: Corpus, published: Iterable[Mapping]) -> list[Restoration]:
    """For each kind of undoable damage, in the order of `DAMAGES`, and for undamaged drafts: how many of
    the drafts that carry it (and only undoable damage) `published` (the rows of both configs) gives back
    exactly as their base. A draft with several kinds counts under each."""
    rows = {row["id"]: row for row in published}
    counts = {name: [0, 0] for name in ["none", *(d.name for d in DAMAGES if d.undoable)]}
    for draft in corpus.drafts:
        if draft.id not in rows or not set(draft.damage) <= UNDOABLE:
            continue
        restored = published_text(rows[draft.id]) == as_cleaned(corpus.base_of(draft))
        for name in draft.damage or ("none",):
            counts[name][0] += 1
            counts[name][1] += restored
    return [Restoration(name, drafts, restored) for name, (drafts, restored) in counts.items()]


def changed_by_a_second_cleaning(published: Iterable[Mapping]) -> tuple[int, int]:
    """How many published texts (title and text) cleaning would change again, of how many: a clean
    output is a fixed point of the cleaning steps."""
    from cleaner.documents import Document
    from cleaner.pipeline import clean_document, normalize_unicode

    changed = total = 0
    for row in published:
        document = Document(
            id=row["id"], text=row["text"], title=row["title"], source_file=row["source_file"]
        )
        again = clean_document(normalize_unicode(document))
        changed += (again.text, again.title) != (row["text"], row["title"])
        total += 1
    return changed, total
