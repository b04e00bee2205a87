"""`cleaner build`, `--check` and `publish --dry-run` on the real seeds, through the command line."""

from __future__ import annotations

import json
import pickle
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import datasets
import pyarrow as pa
import pytest
from click.testing import CliRunner

from cleaner.cli import main
from cleaner.documents import (
    DUPLICATE_FEATURES,
    FEATURES,
    Document,
    Edit,
    arrow_schema,
    to_table,
    yaml_features,
)
from cleaner.manifest import step_counts
from cleaner.pipeline import Build, Params
from cleaner.publish import read_config, read_manifest, shards_of, write_output

REPO = Path(__file__).resolve().parent.parent


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """A copy of raw/ with a dataset built beside it, as a user's checkout would have."""
    root = tmp_path_factory.mktemp("checkout")
    shutil.copytree(REPO / "raw", root / "raw")
    result = run(
        "build", "--input", str(root / "raw"), "--output", str(root / "processed"), "--num-proc", "1"
    )
    assert result.exit_code == 0, result.output
    return root


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_load_dataset_reads_the_built_folder(workdir):
    dataset = datasets.load_dataset(str(workdir / "processed"), split="train")
    assert dataset.num_rows == len(read_config(workdir / "processed"))
    assert set(dataset.column_names) >= {"id", "text", "edits", "placeholders", "duplicate_ids"}
    assert dataset.features.to_dict() == FEATURES
    ids = dataset["id"]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("config, features", [("default", FEATURES), ("duplicates", DUPLICATE_FEATURES)])
def test_schema_and_card_features_are_what_datasets_makes_of_the_features(config, features):
    """The build writes the features without importing datasets: the same bytes datasets would write."""
    expected = datasets.Features.from_dict(features)
    assert expected.to_dict() == features
    assert arrow_schema(config).equals(expected.arrow_schema, check_metadata=True)
    assert arrow_schema(config).metadata == expected.arrow_schema.metadata
    assert yaml_features(features) == expected._to_yaml_list()


def test_duplicates_config_is_declared_only_with_rows(workdir):
    card = (workdir / "processed" / "README.md").read_text(encoding="utf-8")
    has_duplicates = (workdir / "processed" / "duplicates").exists()
    assert ("config_name: duplicates" in card) == has_duplicates
    if has_duplicates:
        assert datasets.load_dataset(str(workdir / "processed"), "duplicates", split="train").num_rows > 0
    else:
        assert "not declared" in card


def test_every_input_file_is_accounted_for(workdir):
    manifest = read_manifest(workdir / "processed")
    assert manifest["schema_version"] == 1
    assert sorted(i["file"] for i in manifest["inputs"]) == sorted(
        p.name for p in (workdir / "raw").iterdir()
    )
    published = {r["id"] for r in read_config(workdir / "processed")}
    removed = {r["id"] for r in read_config(workdir / "processed", "duplicates")}
    rejected = {p["id"] for p in manifest["rejected"] if p["id"]}
    for record in manifest["inputs"]:
        assert len(record["sha256"]) == 64 and record["size"] > 0
        if record["kind"] == "skipped":
            assert record["file"] in {p["file"] for p in manifest["skipped"]}
        for document in record["documents"]:
            assert document["id"] in published | removed | rejected
    assert {"datasets", "datasketch", "opencc", "ftfy", "pyarrow", "cleaner"} <= manifest["versions"].keys()


def test_rebuild_is_byte_identical_for_any_num_proc(workdir):
    again = workdir / "rebuilt"
    result = run("build", "--input", str(workdir / "raw"), "--output", str(again), "--num-proc", "2")
    assert result.exit_code == 0, result.output
    assert files_of(again) == files_of(workdir / "processed")


def test_check_passes_on_a_fresh_build(workdir):
    result = run("build", "--output", str(workdir / "processed"), "--check", "--num-proc", "1")
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def stale_copy(workdir: Path, tmp_path: Path, change_manifest=None) -> Path:
    """A copy of the built dataset with raw/ beside it; `change_manifest` edits its manifest."""
    stale = tmp_path / "processed"
    shutil.copytree(workdir / "processed", stale)
    shutil.copytree(workdir / "raw", tmp_path / "raw")
    if change_manifest:
        manifest = read_manifest(stale)
        change_manifest(manifest)
        (stale / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return stale


def check(folder: Path):
    return CliRunner().invoke(main, ["build", "--output", str(folder), "--check", "--num-proc", "1"])


def test_check_names_what_differs(workdir, tmp_path):
    def tamper(manifest):
        manifest["counts"]["documents_published"] += 1
        manifest["versions"]["datasets"] = "0.0.1"

    result = check(stale_copy(workdir, tmp_path, tamper))
    assert result.exit_code == 1
    assert "manifest.json: `counts` differs" in result.output
    assert "warning: built with other library versions: datasets" in result.output


def test_check_with_only_other_versions_is_a_warning(workdir, tmp_path):
    result = check(stale_copy(workdir, tmp_path, lambda manifest: manifest["versions"].update(ftfy="0.0.1")))
    assert result.exit_code == 0, result.output
    assert "warning: built with other library versions: ftfy" in result.output


def test_check_catches_a_raw_file_changed_after_the_build(workdir, tmp_path):
    stale = stale_copy(workdir, tmp_path)
    with (tmp_path / "raw" / "003_74c78534f12b628a.txt").open("a", encoding="utf-8") as raw:
        raw.write("\n    这是构建之后新加的一段正文，用来检验比较是否发现差异。\n")
    result = check(stale)
    assert result.exit_code == 1
    assert "default: 003_74c78534f12b628a differs in text" in result.output
    assert "manifest.json: `inputs` differs" in result.output


def test_failed_write_leaves_the_old_output_untouched(workdir, tmp_path):
    output = tmp_path / "processed"
    shutil.copytree(workdir / "processed", output)
    before = files_of(output)
    # The rows of `default` are written, then the manifest finds the duplicates without their evidence.
    broken = Build(
        params=Params(),
        files=[],
        documents=to_table([Document(id="x", text="正文。", source_file="x.txt")], arrow_schema()),
        duplicates=pa.table({"id": ["y"], "text": ["正文。"]}),
    )
    with pytest.raises(KeyError, match="duplicate_of"):
        write_output(broken, output)
    assert files_of(output) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed"]


def test_id_clash_fails_cleanly_and_keeps_the_old_output(workdir, tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "doc.txt").write_text("正文。", encoding="utf-8")
    output = tmp_path / "processed"
    shutil.copytree(workdir / "processed", output)
    before = files_of(output)
    result = CliRunner().invoke(
        main,
        ["build", "--input", str(tmp_path / "a"), "--input", str(tmp_path / "b"), "--output", str(output)],
    )
    assert result.exit_code == 1
    assert "document id 'doc' is used twice" in result.output
    assert files_of(output) == before


def test_missing_input_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(
        main, ["build", "--input", str(tmp_path / "nope"), "--output", str(tmp_path / "out")]
    )
    assert result.exit_code == 1 and "input does not exist" in result.output


def test_publish_dry_run_lists_files_without_network(workdir):
    result = run(
        "publish", str(workdir / "processed"), "--repo-id", "cleaner-org/chinese-policy", "--dry-run"
    )
    assert result.exit_code == 0, result.output
    assert "data/train-00000-of-00001.parquet" in result.output
    assert "manifest.json" in result.output and "dry run:" in result.output


def test_publish_dry_run_rejects_a_bad_card(workdir, tmp_path):
    folder = tmp_path / "processed"
    shutil.copytree(workdir / "processed", folder)
    (folder / "README.md").write_text("---\nlicense: [unclosed\n---\n# card\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["publish", str(folder), "--repo-id", "not a repo id", "--dry-run"])
    assert result.exit_code == 1
    assert "not of the form ORG/NAME" in result.output and "not valid YAML" in result.output


def test_audit_of_the_seed_build(workdir, tmp_path):
    result = run("audit", str(workdir / "processed"), "--html", str(tmp_path / "report.html"))
    assert result.exit_code == 0, result.output
    assert "kept 004_69a075c59e7323d5#3" in result.output
    assert "removed 004_69a075c59e7323d5#4" in result.output and "contained" in result.output
    assert "000_9f435189388a1e93  001_f679da4d0439741e" in result.output  # the near miss
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "004_69a075c59e7323d5#2" in page and "<script" not in page


def test_build_options_are_recorded_and_checked(workdir, tmp_path):
    shutil.copytree(workdir / "raw", tmp_path / "raw")
    output = tmp_path / "processed"
    result = run(
        "build",
        "--input",
        str(tmp_path / "raw"),
        "--output",
        str(output),
        "--threshold",
        "0.95",
        "--ngram",
        "6",
        "--review-max-df",
        "0",
    )
    assert result.exit_code == 0, result.output
    dedup = read_manifest(output)["parameters"]["dedup"]
    assert (dedup["threshold"], dedup["ngram"], dedup["review_max_df"]) == (0.95, 6, 0)
    card = (output / "README.md").read_text("utf-8")
    assert "Jaccard similarity with the kept document is at least 0.95" in card
    assert "They are searched on all shingles." in card
    assert run("build", "--output", str(output), "--check", "--num-proc", "1").exit_code == 0


def test_step_counts_are_those_of_the_published_edits(workdir):
    rows = read_config(workdir / "processed") + read_config(workdir / "processed", "duplicates")
    documents, edits = Counter(), Counter()
    for row in rows:
        documents.update({edit["step"] for edit in row["edits"]})
        for edit in row["edits"]:
            edits[edit["step"]] += edit["count"]
            edits[f"{edit['step']}.{edit['rule']}"] += edit["count"]
    counts = read_manifest(workdir / "processed")["counts"]
    assert counts["steps"] == {
        step: {"documents": documents[step], "edits": edits[step]} for step in documents
    }
    assert counts["rules"] == {key: total for key, total in sorted(edits.items()) if "." in key}
    assert list(counts["rules"]) == sorted(counts["rules"])


def test_step_counts_of_rows_without_edits():
    edit = Edit("lines", "rejoin_hard_wrap", "会\n议", "会议", count=3)
    documents = [Document(id="a", text="会议", source_file="a.txt", edits=[edit, edit._replace(count=2)])]
    documents.append(Document(id="b", text="同志们", source_file="b.txt"))
    table = to_table(documents, arrow_schema())
    assert step_counts([table, table.slice(0, 0)]) == {
        "steps": {"lines": {"documents": 1, "edits": 5}},
        "rules": {"lines.rejoin_hard_wrap": 5},
    }
    assert step_counts([table.slice(1)]) == {"steps": {}, "rules": {}}


def test_tables_without_pandas_are_the_same_tables():
    """A worker keeps pyarrow from importing pandas (`tables_without_pandas`); its rows do not change."""
    make = (
        "from cleaner.documents import Document, Edit, arrow_schema, to_table\n"
        "edit = Edit('unicode', 'full_width', '２', '2', count=4)\n"
        "table = to_table([Document(id='a', text='第２条', source_file='a.txt', title=None, edits=[edit]),\n"
        "                  Document(id='b', text='会议', source_file='b.txt', authors=['新华社'])], arrow_schema())\n"
    )
    probe = (
        "import pickle, sys\n"
        "from cleaner.documents import tables_without_pandas\n"
        "tables_without_pandas()\n"
        f"{make}"
        "sys.stdout.buffer.write(pickle.dumps(('pandas' in sys.modules, table)))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    loaded, table = pickle.loads(result.stdout)
    assert not loaded
    namespace: dict = {}
    exec(make, namespace)
    assert table.equals(namespace["table"], check_metadata=True)


def test_rows_are_split_into_shards_by_bytes_of_text():
    """Shards hold whole rows, in order, up to the byte limit; a row over the limit is a shard alone."""
    texts = ["人才工作", "会议", "同志们：", "x" * 30, "好"]  # 12, 6, 12, 30 and 3 bytes of UTF-8
    documents = [Document(id=f"d{k}", text=text, source_file="a.txt") for k, text in enumerate(texts)]
    table = to_table(documents, arrow_schema())
    shards = shards_of(table, max_bytes=20)
    assert [shard.column("id").to_pylist() for shard in shards] == [["d0", "d1"], ["d2"], ["d3"], ["d4"]]
    assert shards_of(table) == [table]
