"""The dataset card (`processed/README.md`): Hub metadata in YAML, then what the data is and how it was made."""

from __future__ import annotations

import yaml

from cleaner.documents import COLUMN_DESCRIPTIONS, DUPLICATE_FEATURES, FEATURES, yaml_features
from cleaner.pipeline import Build

# `cleaner build --check` ignores the lines between these markers: a library upgrade alone is a warning.
VERSIONS_START = "<!-- versions -->"
VERSIONS_END = "<!-- /versions -->"

LICENSE_NOTE = (
    "The texts are collected from public Chinese government sites, newspapers and document-sharing "
    "sites. Laws, regulations, resolutions and other official documents of state organs are not "
    "protected by copyright in China (Copyright Law of the PRC, art. 5); news articles and speeches "
    "remain the property of their authors and outlets. The `license: other` tag reflects that mix: use "
    "the data for research, check the `url`/`source` columns and the original terms before "
    "redistributing a text."
)


def size_category(n: int) -> str:
    for limit, label in (
        (1_000, "n<1K"),
        (10_000, "1K<n<10K"),
        (100_000, "10K<n<100K"),
        (1_000_000, "100K<n<1M"),
    ):
        if n < limit:
            return label
    return "1M<n<10M"


def card_metadata(build: Build, sizes: dict[str, int]) -> dict:
    configs = [
        {
            "config_name": "default",
            "default": True,
            "data_files": [{"split": "train", "path": "data/train-*.parquet"}],
        }
    ]
    info = [_config_info("default", FEATURES, build.documents.num_rows, sizes["default"])]
    if build.duplicates.num_rows:
        configs.append(
            {
                "config_name": "duplicates",
                "data_files": [{"split": "train", "path": "duplicates/train-*.parquet"}],
            }
        )
        info.append(
            _config_info("duplicates", DUPLICATE_FEATURES, build.duplicates.num_rows, sizes["duplicates"])
        )
    return {
        "pretty_name": "Chinese policy documents and speech drafts (cleaned, deduplicated)",
        "language": ["zh"],
        "license": "other",
        "license_name": "mixed-public-sources",
        "license_details": LICENSE_NOTE,
        "size_categories": [size_category(build.documents.num_rows)],
        "task_categories": ["text-generation"],
        "tags": ["chinese", "policy", "government", "deduplicated"],
        "configs": configs,
        "dataset_info": info,
    }


def _config_info(name: str, features, rows: int, num_bytes: int) -> dict:
    return {
        "config_name": name,
        "features": yaml_features(features),
        "splits": [{"name": "train", "num_bytes": num_bytes, "num_examples": rows}],
    }


def render_card(build: Build, manifest: dict, sizes: dict[str, int]) -> str:
    header = yaml.safe_dump(card_metadata(build, sizes), allow_unicode=True, sort_keys=False, width=100)
    counts = manifest["counts"]
    sections = [
        f"---\n{header}---",
        "# Chinese policy documents and speech drafts",
        "Policy documents, implementation plans, speeches and news interviews on talent policy, scraped "
        "from Chinese government and news sites, cleaned and deduplicated by `cleaner` so that every edit and every removal can be audited.",
        _build_section(build, manifest),
        _cleaning_section(counts),
        _counts_section(counts),
        _schema_section(),
        _duplicates_section(build),
        "## Licensing\n\n" + LICENSE_NOTE,
        _limitations_section(),
    ]
    return "\n\n".join(sections) + "\n"


def _build_section(build: Build, manifest: dict) -> str:
    inputs = " ".join(f"--input {path}" for path in build.params.inputs)
    versions = "\n".join(f"- {name} {number}" for name, number in manifest["versions"].items())
    return (
        "## How it was built\n\n"
        f"```\ncleaner build {inputs} --output processed\n```\n\n"
        "`manifest.json` lists every input file with its sha256 and what became of it, the parameters, "
        "and the counts below. `cleaner build --check` rebuilds from it and compares.\n\n"
        f"{VERSIONS_START}\nBuilt with:\n\n{versions}\n{VERSIONS_END}"
    )


STEP_DESCRIPTIONS = {
    "ingest": "front matter keys with no column are kept in the edit log",
    "unicode": "mojibake repaired (ftfy, CJK-safe settings), invisible and private-use characters removed, "
    "full-width digits and letters made half-width, half-width punctuation in Chinese made Chinese (again "
    "once hard-wrapped lines are rejoined), Traditional lines converted to Simplified",
    "furniture": "navigation bars, breadcrumbs, counters, editor, copyright and ICP lines, bylines and "
    "metadata blocks removed; what they say goes to `title`, `date`, `publisher`, `source`, `authors`, "
    "`tags`, `doc_number`",
    "lines": "indentation and empty lines removed, hard-wrapped lines rejoined, spaces that split a word removed",
    "placeholders": "censorship artefacts restored (`学xxx` -> `学习`), every placeholder style (`****`, `xx`, "
    "`**.*`, `～年`, `5**`, `□□`, `○○`) replaced by the one mask `××`",
    "years": "years overwritten by a template repaired from evidence or masked",
}


def _cleaning_section(counts: dict) -> str:
    rules = counts["rules"]
    steps = "\n".join(
        f"{n}. `{step}`: {description}" for n, (step, description) in enumerate(STEP_DESCRIPTIONS.items(), 1)
    )
    return (
        "## How the text was cleaned\n\n"
        "Every change is a row of the document's `edits` (`step`, `rule`, `field`, `before`, `after`, `note` "
        "with the evidence, `count`). The steps, in order:\n\n" + steps + "\n\n"
        "**Masks.** Anonymised numbers and names appear in many styles in speech templates. All of them "
        f"become `××` (two U+00D7), so drafts compare equal: {rules.get('placeholders.placeholder_mask', 0)} "
        f"placeholders masked, {rules.get('placeholders.censorship_restore', 0)} censorship artefacts restored. "
        "The `placeholders` column counts the masks left in each text.\n\n"
        "**Years.** A template overwrote some years with one year Y, revealed by equal-endpoint ranges such as "
        "`（2024-2024年）`. Y is suspect only in documents dated before Y or undated documents from a file that "
        "shows the artefact. Suspect years are repaired from evidence, in order: the same title with a valid "
        f"range elsewhere in the corpus ({rules.get('years.year_range_crossref', 0)} repairs), the document's own "
        f"dated signature ({rules.get('years.year_signature', 0)}); every other suspect year becomes `××` "
        f"({rules.get('years.year_artefact_masked', 0)}), never a guess."
    )


def _counts_section(counts: dict) -> str:
    rows = [
        ("input files", counts["files"]),
        ("skipped (not part of the corpus)", counts["files_skipped"]),
        ("rejected files", counts["files_rejected"]),
        ("documents ingested", counts["documents_ingested"]),
        ("documents rejected", counts["documents_rejected"]),
        ("removed as duplicates", counts["documents_removed_as_duplicates"]),
        ("published", counts["documents_published"]),
    ]
    table = "\n".join(f"| {label} | {value} |" for label, value in rows)
    steps = (
        "\n".join(f"| {step} | {c['documents']} | {c['edits']} |" for step, c in counts["steps"].items())
        or "| (none) | 0 | 0 |"
    )
    rules = "\n".join(f"| {rule} | {n} |" for rule, n in counts["rules"].items()) or "| (none) | 0 |"
    return (
        "## Counts\n\n| | |\n|---|---|\n" + table + "\n\n"
        "Edits per step: documents changed, and edits made counting every occurrence (the `count` of each edit row):\n\n"
        "| step | documents | edits |\n|---|---|---|\n" + steps + "\n\n"
        "<details><summary>Edits per rule</summary>\n\n| rule | edits |\n|---|---|\n"
        + rules
        + "\n\n</details>"
    )


def _schema_section() -> str:
    rows = "\n".join(
        f"| `{name}` | {_type_name(feature)} | {COLUMN_DESCRIPTIONS[name]} |"
        for name, feature in DUPLICATE_FEATURES.items()
    )
    return (
        "## Schema\n\nConfig `default` has the columns down to `duplicate_ids`; config `duplicates` has all of "
        "them.\n\n| column | type | meaning |\n|---|---|---|\n" + rows
    )


def _type_name(feature: dict) -> str:
    if feature["_type"] == "Value":
        return feature["dtype"]
    items = feature["feature"]
    return f"list of {items['dtype']}" if items.get("_type") == "Value" else "list of struct"


def _duplicates_section(build: Build) -> str:
    dedup = build.params.dedup
    method = (
        "## Deduplication\n\n"
        "Drafts are compared on a key made of the cleaned text without whitespace, punctuation and masks, "
        f"cut into character {dedup.ngram}-grams. MinHash ({dedup.num_perm} permutations, seed {dedup.seed}) "
        "and LSH find candidates; every candidate is verified exactly on the shingle sets. A document is "
        f"removed when its Jaccard similarity with the kept document is at least {dedup.threshold}, or when at "
        f"least {dedup.containment} of its shingles are in the kept document (a truncated draft or excerpt). "
        "The kept document of a cluster is the most complete: longest key, then fewest masks, then more "
        "paragraphs, then smallest id.\n\n"
        f"Pairs kept apart but with Jaccard >= {dedup.review_jaccard} or containment >= "
        f"{dedup.review_containment} are listed as near misses in `manifest.json` ({len(build.near_misses)} "
        "in this build) so a person can check the decision. "
        + (
            f"They are searched on the shingles found in at most {dedup.review_max_df} documents: a pair that "
            "shares mostly phrases common to more documents (boilerplate) may not be listed."
            if dedup.review_max_df
            else "They are searched on all shingles."
        )
    )
    if not build.duplicates.num_rows:
        return (
            method
            + "\n\nNo document was removed as a duplicate in this build, so the `duplicates` config is "
            "not declared (a config with no rows cannot be loaded)."
        )
    return (
        method
        + f"\n\n{build.duplicates.num_rows} documents were removed as duplicates. Each is a row of the "
        "`duplicates` config with its full text, edits, the id of the kept document (`duplicate_of`), the "
        "similarity against it and the `reason`:\n\n"
        "```python\nfrom datasets import load_dataset\n"
        'removed = load_dataset("processed", "duplicates", split="train")\n```\n\n'
        "`cleaner audit processed` summarises the clusters and near misses; `--html report.html` shows each "
        "removed document beside the one kept, differences highlighted."
    )


def _limitations_section() -> str:
    return (
        "## Known limitations\n\n"
        "- Cleaning rules are heuristics tuned on Chinese government and news pages; every change is in "
        "`edits`, so a wrong edit can be found and reverted.\n"
        "- Dates come from metadata, page furniture or signatures; a document without any has no `date`."
    )
