"""`cleaner audit`: what dedup removed and what it kept apart, read back from a built dataset.

The report reads only the published folder (both parquet configs and `manifest.json`), so it shows what
a user of the dataset gets. Every string in it comes from scraped files and is treated as hostile: the
terminal text escapes control characters, the HTML page escapes everything and runs no script.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from cleaner.documents import Document, Duplicate
from cleaner.publish import read_config, read_manifest


@dataclass(frozen=True)
class Cluster:
    """A kept document and the documents removed as its duplicates, sorted by id."""

    kept: Document
    removed: list[Duplicate]


@dataclass(frozen=True)
class Audit:
    """Everything the report shows, loaded once.

    `near_misses` and `parameters` are None when the manifest does not record them (an older build).
    """

    clusters: list[Cluster]
    near_misses: list[dict] | None
    parameters: dict | None
    titles: dict[str, str | None]

    @property
    def removed_count(self) -> int:
        return sum(len(cluster.removed) for cluster in self.clusters)


def load_clusters(folder: Path) -> Audit:
    """Group the `duplicates` config by the kept document; clusters sorted by kept id."""
    kept = {row["id"]: Document.from_row(row) for row in read_config(folder, "default")}
    removed = [
        Duplicate(
            document=Document.from_row(row),
            duplicate_of=row["duplicate_of"],
            jaccard=row["jaccard"],
            containment=row["containment"],
            reason=row["reason"],
        )
        for row in read_config(folder, "duplicates")
    ]
    by_kept: dict[str, list[Duplicate]] = {}
    for duplicate in removed:
        if duplicate.duplicate_of not in kept:
            raise ValueError(
                f"{duplicate.document.id} duplicates {duplicate.duplicate_of}, which is not published"
            )
        by_kept.setdefault(duplicate.duplicate_of, []).append(duplicate)
    manifest = read_manifest(folder)
    return Audit(
        clusters=[
            Cluster(kept[kept_id], sorted(members, key=lambda d: d.document.id))
            for kept_id, members in sorted(by_kept.items())
        ],
        near_misses=manifest.get("near_misses"),
        parameters=manifest.get("parameters", {}).get("dedup"),
        titles={d.id: d.title for d in [*kept.values(), *(r.document for r in removed)]},
    )


# Terminal


def audit_summary(folder: Path, near_miss_limit: int = 20) -> str:
    """The report as plain text: one block per cluster, then the first `near_miss_limit` near misses.

    kept 004#1  在市人才工作宣传小组第一次工作会议上的讲话
      removed 004#3  jaccard 0.912  containment 0.954  near_duplicate
    """
    audit = load_clusters(folder)
    lines = [
        f"{folder}: {len(audit.clusters)} clusters, {audit.removed_count} documents removed, "
        f"{_near_miss_count(audit.near_misses)}",
        f"dedup parameters: {_parameters_text(audit.parameters)}",
        "",
    ]
    if not audit.clusters:
        lines += ["No documents were removed as duplicates in this build.", ""]
    for cluster in audit.clusters:
        lines.append(f"kept {_printable(cluster.kept.id)}  {_printable(_title(cluster.kept.title))}")
        lines += [
            f"  removed {_printable(d.document.id)}  jaccard {d.jaccard:.3f}  containment {d.containment:.3f}  "
            f"{_printable(d.reason)}"
            for d in cluster.removed
        ]
        lines.append("")
    if audit.near_misses is None:
        lines.append("near misses: none recorded")
    elif not audit.near_misses:
        lines.append("near misses: none (no pair kept apart reached the review levels)")
    else:
        lines.append("near misses (kept apart, most similar first):")
        lines += [
            f"  {_printable(m['a'])}  {_printable(m['b'])}  jaccard {m['jaccard']:.3f}  "
            f"containment {m['containment']:.3f}"
            for m in audit.near_misses[:near_miss_limit]
        ]
        if len(audit.near_misses) > near_miss_limit:
            lines.append(f"  ... and {len(audit.near_misses) - near_miss_limit} more (see --html)")
    return "\n".join(lines) + "\n"


def _printable(value: str) -> str:
    """Escape control and format characters, so a scraped title cannot move the cursor or reorder text."""
    return "".join(
        char.encode("unicode_escape").decode("ascii") if unicodedata.category(char).startswith("C") else char
        for char in value
    )


def _title(title: str | None) -> str:
    return title if title else "(untitled)"


def _near_miss_count(near_misses: list[dict] | None) -> str:
    return "near misses not recorded" if near_misses is None else f"{len(near_misses)} near misses"


def _parameters_text(parameters: dict | None) -> str:
    if not parameters:
        return "none recorded"
    return " ".join(f"{name}={value}" for name, value in parameters.items())


# Differences


@dataclass(frozen=True)
class Piece:
    """A stretch of one side of a comparison: unchanged (`change` empty), `del`eted or `ins`erted."""

    text: str
    change: str = ""


# A sentence with its closing punctuation, a stretch without any, or one line break, so a re-wrapped
# line costs one small change: "第一条。第二条！\n" -> "第一条。", "第二条！", "\n".
_UNIT = re.compile(r"[^。！？!?\n]*[。！？!?]+|[^。！？!?\n]+|\n")


def align(kept: str, removed: str, max_char_diff: int = 100_000_000) -> list[tuple[list[Piece], list[Piece]]]:
    """Aligned blocks of the two texts, kept on the left: compared by sentence, then by character inside
    each changed block whose lengths multiply to at most `max_char_diff` (larger ones show whole; two
    unrelated 10,000-character blocks take under a second).

    >>> [[(p.text, p.change) for p in side] for side in align("人才是第一资源。", "人才是第二资源。")[0]]
    [[('人才是第', ''), ('一', 'del'), ('资源。', '')], [('人才是第', ''), ('二', 'ins'), ('资源。', '')]]
    """
    left, right = _UNIT.findall(kept), _UNIT.findall(removed)
    blocks = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, left, right, autojunk=False).get_opcodes():
        a, b = "".join(left[i1:i2]), "".join(right[j1:j2])
        if op == "equal":
            blocks.append(([Piece(a)], [Piece(b)]))
        elif a and b and len(a) * len(b) <= max_char_diff:
            blocks.append(_character_diff(a, b))
        else:
            blocks.append(([Piece(a, "del")] if a else [], [Piece(b, "ins")] if b else []))
    return blocks


def _character_diff(a: str, b: str) -> tuple[list[Piece], list[Piece]]:
    left: list[Piece] = []
    right: list[Piece] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            left.append(Piece(a[i1:i2]))
            right.append(Piece(b[j1:j2]))
            continue
        if i2 > i1:
            left.append(Piece(a[i1:i2], "del"))
        if j2 > j1:
            right.append(Piece(b[j1:j2], "ins"))
    return left, right


# HTML

_STYLE = """
body { font: 15px/1.6 system-ui, "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif; color: #222;
       max-width: 1400px; margin: 2em auto; padding: 0 1em; }
h2 { border-bottom: 2px solid #444; margin-top: 2.5em; }
.evidence { font-family: monospace; }
table { border-collapse: collapse; width: 100%; }
table.diff { table-layout: fixed; margin-bottom: 2em; }
th, td { border: 1px solid #ccc; padding: .3em .6em; vertical-align: top; text-align: left; }
.diff td { white-space: pre-wrap; overflow-wrap: anywhere; }
.diff th { background: #f0f0f0; }
tr.same td { color: #777; background: #fafafa; }
.skip { color: #999; font-style: italic; display: inline-block; }
del { background: #fcc; color: #800; }
ins { background: #cfc; color: #050; text-decoration: none; }
"""


def render_html(folder: Path, context: int = 80, changed_context: int = 400) -> str:
    """A self-contained page: each removed document beside the kept one with differences marked, then
    the near misses. An unchanged stretch longer than three times `context` characters shows only
    `context` characters at each end; a changed one likewise with `changed_context`."""
    audit = load_clusters(folder)
    title = f"Duplicates removed from {folder.resolve().name}"
    body = [
        f"<h1>{_e(title)}</h1>",
        f"<p>{len(audit.clusters)} clusters, {audit.removed_count} documents removed, "
        f"{_e(_near_miss_count(audit.near_misses))}. In each comparison <del>struck text</del> is only in "
        "the kept document and <ins>marked text</ins> only in the removed one.</p>",
        f"<p>Dedup parameters: <span class='evidence'>{_e(_parameters_text(audit.parameters))}</span></p>",
    ]
    if not audit.clusters:
        body.append("<p>No documents were removed as duplicates in this build.</p>")
    for number, cluster in enumerate(audit.clusters, 1):
        body.append(f"<h2>Cluster {number}: kept {_e(cluster.kept.id)} {_e(_title(cluster.kept.title))}</h2>")
        body += [
            _comparison(cluster.kept, duplicate, context, changed_context) for duplicate in cluster.removed
        ]
    body.append(_near_misses_html(audit))
    return (
        "<!DOCTYPE html>\n<html lang='zh'>\n<head>\n<meta charset='utf-8'>\n"
        # Belt and braces: even a string that escaped escaping could neither run nor load anything.
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        f"<title>{_e(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _comparison(kept: Document, duplicate: Duplicate, context: int, changed_context: int) -> str:
    removed = duplicate.document
    rows = []
    for left, right in align(kept.text, removed.text):
        if left == right:
            same = _shorten(left[0].text, context, "identical characters")
            rows.append(f"<tr class='same'><td colspan='2'>{same}</td></tr>")
        else:
            cells = "".join(f"<td>{_pieces(side, context, changed_context)}</td>" for side in (left, right))
            rows.append(f"<tr>{cells}</tr>")
    return (
        f"<h3>removed {_e(removed.id)} {_e(_title(removed.title))}</h3>\n"
        f"<p class='evidence'>reason {_e(duplicate.reason)} · jaccard {duplicate.jaccard:.3f} · "
        f"containment {duplicate.containment:.3f} · from {_e(removed.source_file)}</p>\n"
        "<table class='diff'>\n"
        f"<tr><th>kept: {_e(kept.id)}</th><th>removed: {_e(removed.id)}</th></tr>\n"
        + "\n".join(rows)
        + "\n</table>"
    )


def _pieces(pieces: list[Piece], context: int, changed_context: int) -> str:
    return "".join(
        _changed(p, changed_context) if p.change else _shorten(p.text, context, "identical characters")
        for p in pieces
    )


def _changed(piece: Piece, keep: int) -> str:
    side = "kept" if piece.change == "del" else "removed"
    shortened = _shorten(piece.text, keep, f"characters only in the {side} document")
    # A changed line break would be invisible, so it gets a visible mark.
    marked = shortened.replace("\n", "↵\n")
    return f"<{piece.change}>{marked}</{piece.change}>"


def _shorten(text: str, keep: int, what: str) -> str:
    """Escaped `text`, or only its first and last `keep` characters when it is longer than `3 * keep`."""
    if len(text) <= 3 * keep:
        return _e(text)
    hidden = len(text) - 2 * keep
    return f"{_e(text[:keep])}<span class='skip'> [… {hidden:,} {what} not shown …] </span>{_e(text[-keep:])}"


def _near_misses_html(audit: Audit) -> str:
    heading = "<h2>Near misses: pairs kept apart, most similar first</h2>\n"
    if audit.near_misses is None:
        return heading + "<p>none recorded</p>"
    if not audit.near_misses:
        return heading + "<p>none: no pair kept apart reached the review levels</p>"
    rows = [_table_row(["a", "title", "b", "title", "jaccard", "containment"], "th")]
    for m in audit.near_misses:
        title_a, title_b = _title(audit.titles.get(m["a"])), _title(audit.titles.get(m["b"]))
        rows.append(
            _table_row([m["a"], title_a, m["b"], title_b, f"{m['jaccard']:.3f}", f"{m['containment']:.3f}"])
        )
    return heading + "<table>\n" + "\n".join(rows) + "\n</table>"


def _table_row(cells: list[str], tag: str = "td") -> str:
    return "<tr>" + "".join(f"<{tag}>{_e(cell)}</{tag}>" for cell in cells) + "</tr>"


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)
