"""`cleaner build --check`: is the committed dataset what the current code makes from the recorded inputs?"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.card import VERSIONS_END, VERSIONS_START
from cleaner.pipeline import Params, build
from cleaner.publish import CONFIG_FOLDERS, read_config, read_manifest, write_dataset


@dataclass
class Comparison:
    differences: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def check_output(output: Path, num_proc: int = 1) -> Comparison:
    """Rebuild with the parameters recorded in `output/manifest.json` and compare what matters."""
    output = output.resolve()
    params = Params.from_dict(read_manifest(output)["parameters"])
    with tempfile.TemporaryDirectory(prefix=f".{output.name}.check-", dir=output.parent) as scratch:
        fresh = Path(scratch) / output.name
        write_dataset(build(params, output.parent, num_proc=num_proc), fresh)
        return compare_outputs(output, fresh)


def compare_outputs(committed: Path, fresh: Path) -> Comparison:
    result = Comparison()
    for config in CONFIG_FOLDERS:
        result.differences += _compare_rows(
            config, read_config(committed, config), read_config(fresh, config)
        )
    old, new = read_manifest(committed), read_manifest(fresh)
    for key in ("schema_version", "parameters", "inputs", "skipped", "rejected", "warnings", "counts"):
        if old.get(key) != new.get(key):
            result.differences.append(f"manifest.json: `{key}` differs")
    if old.get("versions") != new.get("versions"):
        changed = sorted(k for k in new["versions"] if old.get("versions", {}).get(k) != new["versions"][k])
        result.warnings.append(f"built with other library versions: {', '.join(changed)}")
    if _card_without_versions(committed) != _card_without_versions(fresh):
        result.differences.append("README.md (the dataset card) differs")
    return result


def _compare_rows(config: str, old: list[dict], new: list[dict]) -> list[str]:
    old_by_id, new_by_id = {r["id"]: r for r in old}, {r["id"]: r for r in new}
    differences = []
    for missing in sorted(old_by_id.keys() - new_by_id.keys()):
        differences.append(f"{config}: {missing} is no longer produced")
    for added in sorted(new_by_id.keys() - old_by_id.keys()):
        differences.append(f"{config}: {added} is new")
    for row_id in sorted(old_by_id.keys() & new_by_id.keys()):
        columns = [c for c in new_by_id[row_id] if old_by_id[row_id].get(c) != new_by_id[row_id][c]]
        if columns:
            differences.append(f"{config}: {row_id} differs in {', '.join(columns)}")
    if not differences and [r["id"] for r in old] != [r["id"] for r in new]:
        differences.append(f"{config}: rows are in another order")
    return differences


def _card_without_versions(folder: Path) -> str:
    card = (folder / "README.md").read_text(encoding="utf-8")
    start, end = card.find(VERSIONS_START), card.find(VERSIONS_END)
    return card if start < 0 or end < 0 else card[:start] + card[end:]
