"""A finished build -> `processed/`: parquet for both configs, `manifest.json` and the dataset card.

The folder is written beside the output and renamed into place, so a failed build leaves the old one
untouched. Nothing written depends on the clock or on `--num-proc`: the same inputs and library versions
give byte-identical files.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cleaner.card import render_card
from cleaner.manifest import render_manifest
from cleaner.pipeline import Build

# The Hub's dataset viewer reads a row group at a time; 100 long documents stay far below its limits.
ROW_GROUP_SIZE = 100
MAX_SHARD_BYTES = 500_000_000
CONFIG_FOLDERS = {"default": "data", "duplicates": "duplicates"}


def write_output(build: Build, output: Path) -> None:
    """Write the dataset folder atomically: into a temporary sibling, then rename over `output`."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.tmp-", dir=output.parent))
    try:
        write_dataset(build, staging)
        replace_folder(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_dataset(build: Build, folder: Path) -> None:
    tables = {"default": build.documents}
    if build.duplicates.num_rows:
        tables["duplicates"] = build.duplicates
    shards = {name: shards_of(table) for name, table in tables.items()}
    # The card's `num_bytes`: the Arrow size of each config, known before its files are written.
    sizes = {name: sum(shard.nbytes for shard in config_shards) for name, config_shards in shards.items()}
    # Both configs at once: Arrow encodes and compresses without holding the GIL (0.33 -> 0.17 s at
    # 40 MB), and meanwhile this thread writes the manifest and the card.
    with ThreadPoolExecutor(len(tables)) as pool:
        written = [pool.submit(write_config, folder / CONFIG_FOLDERS[name], shards[name]) for name in tables]
        manifest = render_manifest(build)
        (folder / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        (folder / "README.md").write_text(render_card(build, manifest, sizes), encoding="utf-8")
        for config in written:
            config.result()


def write_config(folder: Path, shards: list[pa.Table]) -> None:
    """The shards of a config (`shards_of`) -> `train-0000k-of-0000n.parquet`.

    The Arrow schema carries the `datasets` features, so `load_dataset` gets exact types back.
    """
    folder.mkdir(parents=True)
    for k, shard in enumerate(shards):
        path = folder / f"train-{k:05d}-of-{len(shards):05d}.parquet"
        pq.write_table(shard, path, row_group_size=ROW_GROUP_SIZE, compression="zstd")


def shards_of(table: pa.Table, max_bytes: int = MAX_SHARD_BYTES) -> list[pa.Table]:
    """Consecutive slices of `table` with at most `max_bytes` of UTF-8 text each; a longer row is a
    slice of its own."""
    shards, start, size = [], 0, 0
    for row, row_bytes in enumerate(pc.binary_length(table.column("text")).to_pylist()):
        if row > start and size + row_bytes > max_bytes:
            shards.append(table.slice(start, row - start))
            start, size = row, 0
        size += row_bytes
    return [*shards, table.slice(start)]


def replace_folder(staging: Path, output: Path) -> None:
    """Swap `staging` into `output`'s place; the old folder is removed only once the new one is there."""
    if not output.exists():
        staging.rename(output)
        return
    retired = output.with_name(f".{output.name}.old-{staging.name.rsplit('-', 1)[-1]}")
    output.rename(retired)
    staging.rename(output)
    shutil.rmtree(retired)


def read_config(folder: Path, config: str = "default") -> list[dict]:
    """The rows of one config of a built dataset, in file order; a config with no rows has no folder."""
    files = sorted((folder / CONFIG_FOLDERS[config]).glob("*.parquet"))
    return [row for path in files for row in pq.read_table(path).to_pylist()]


def read_manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
