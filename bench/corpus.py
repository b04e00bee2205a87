"""A corpus of N documents with known duplicate clusters: distinct bases, each published as 1-4 damaged
drafts.

Bases are built from the clauses of all seed text (`raw/`), recombined into new sentences and paragraphs,
with a share of their words swapped for other seed words of the same length. Reusing clauses gives every
base the register of the seed; swapping words keeps two bases from sharing many 5-character shingles, as
two distinct real documents would not (`base_overlap` measures it). `--corpus DIR` reads real documents
as bases instead.

Each draft of a base gets its own random damage, the kinds seen in `raw/`: masks, truncation, hard wraps
and stray spaces, page furniture, half-width punctuation, Traditional script, dropped sentences. Everything
is drawn from `random.Random` seeded by strings, so a seed and N give the same corpus on any machine.
"""

from __future__ import annotations

import functools
import json
import logging
import random
import re
import shutil
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cleaner.dedup.shingles import dedup_key, shingle_hashes

SEED_DIR = Path(__file__).resolve().parents[1] / "raw"

# Mean length of a synthetic base in characters: with damage and furniture, 2,400 drafts come to about
# 40 MB of UTF-8, the reference size of the performance issue.
BASE_CHARS = 5800

# Clause boundaries, full and half width: "人才工作，" "(党组);" "如下:"
_CLAUSE_END = re.compile(r"[。！？；，、：\n;,:!?]")
# A clause worth reusing: Chinese text with digits and paired marks only, e.g. "各级党委（党组）要高度重视".
# Nav items, bylines, URLs and placeholder runs (`**.*`, `xx`) fail it.
_REUSABLE_CLAUSE = re.compile(r"[\u4e00-\u9fff0-9０-９《》“”（）〔〕—·]{4,60}")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_DIGITS = re.compile(r"[0-9]+")
# A year: "2013年" (masked as "～年", as in raw/004).
_YEAR = re.compile(r"[0-9]{4}年")
# A sentence with its end mark, or an unterminated tail: "会议强调，要加强领导。" "未完"
_SENTENCE = re.compile(r"[^。！？；]*[。！？；]|[^。！？；]+$")

DOCUMENT_KINDS = ("意见", "通知", "实施方案", "决定", "办法", "讲话", "报告", "规划纲要")
SECTION_NUMERALS = "一二三四五六七八九十"
MASK_STYLES = ("*", "×", "x", "X", "□", "○")
HALF_WIDTH = {"，": ",", "；": ";", "：": ":", "（": "(", "）": ")", "！": "!", "？": "?"}
NBSP_INDENTS = ("\u00a0\u00a0\u00a0\u00a0", "    \u00a0\u00a0\u00a0\u00a0", "\u00a0\u00a0")
EDITORS = ("管理员", "张伟", "李娜", "王芳", "刘洋", "陈静", "赵磊")


@dataclass(frozen=True)
class Site:
    """A made-up site whose chrome wraps the drafts it hosts, so drafts from one site share furniture."""

    name: str
    licence: str
    section: str
    nav: str


SITES = (
    Site("人才东莞", "粤ICP备15113773号", "人才政策", "首页 | 人才政策 | 人才服务 | 人才项目 | 联系我们"),
    Site("光明网", "京ICP备11007203号", "人才聚焦", "首页 | 时政 | 理论 | 文化 | 教育 | 科技"),
    Site("中国人才网", "京ICP备05064388号", "政策法规", "首页 | 新闻 | 政策 | 招聘 | 培训 | 专题"),
    Site("沈阳市人才服务网", "辽ICP备10201123号", "人才工作", "首页 | 机构概况 | 政务公开 | 办事服务"),
    Site("衢州市人民政府", "浙ICP备05001452号", "政务公开", "首页 | 政务公开 | 政务服务 | 互动交流"),
    Site("阳泉组工网", "晋ICP备09002315号", "工作动态", "首页 | 组工动态 | 干部工作 | 人才工作"),
    Site("张家港人才网", "苏ICP备12034518号", "人才新闻", "首页 | 人才新闻 | 人才政策 | 人才活动"),
    Site("中国科学院", "京ICP备05002857号", "通知公告", "首页 | 机构 | 科研 | 人才 | 合作"),
)


@dataclass(frozen=True)
class ClausePool:
    """The reusable clauses of the seed text, as jieba words, and the words by length for swapping."""

    clauses: tuple[tuple[str, ...], ...]
    words_by_length: dict[int, tuple[str, ...]]

    def clause(self, rng: random.Random, substitution: float = 0.3) -> str:
        """A random seed clause with each word of two or more characters swapped, with probability
        `substitution`, for a seed word of the same length; digits become other digits.

        "各级党委要高度重视" may come out as "各级部门要高度重视".
        """
        # `int(rng.random() * n)` rather than `rng.choice`: this runs millions of times per corpus.
        words = list(self.clauses[int(rng.random() * len(self.clauses))])
        for k, word in enumerate(words):
            if len(word) < 2:
                continue
            if word.isdigit():
                words[k] = f"{int(rng.random() * 10 ** len(word)):0{len(word)}d}"
            elif rng.random() < substitution:
                same_length = self.words_by_length[len(word)]
                words[k] = same_length[int(rng.random() * len(same_length))]
        return "".join(words)


@functools.cache
def clause_pool(seed_dir: Path = SEED_DIR) -> ClausePool:
    """Every distinct reusable clause of the `*.txt` files in `seed_dir`, in reading order, split into
    words by jieba (dictionary only, no HMM, so the split never depends on what else was read).

    The files are read directly, not through `cleaner.ingest`: the corpus must not change when the tool
    under test does. Front matter, Markdown and furniture fail `_REUSABLE_CLAUSE` anyway.
    """
    import jieba

    jieba.setLogLevel(logging.WARNING)
    text = "\n".join(path.read_text(encoding="utf-8") for path in sorted(seed_dir.glob("*.txt")))
    distinct: dict[str, None] = {}
    for clause in _CLAUSE_END.split(text):
        clause = re.sub(r"\s", "", clause)
        if _REUSABLE_CLAUSE.fullmatch(clause):
            distinct.setdefault(clause)
    clauses = tuple(tuple(jieba.lcut(clause, HMM=False)) for clause in distinct)
    by_length: dict[int, set[str]] = {}
    for words in clauses:
        for word in words:
            if len(word) >= 2 and not word.isdigit():
                by_length.setdefault(len(word), set()).add(word)
    return ClausePool(clauses, {n: tuple(sorted(words)) for n, words in by_length.items()})


def synthetic_base(
    rng: random.Random, pool: ClausePool, chars: int = BASE_CHARS, substitution: float = 0.3
) -> str:
    """A new document of about `chars` characters (0.5x to 1.5x): a title line, then paragraphs of
    recombined seed clauses under numbered section headings.

    The first lines look like "关于进一步加强人才队伍建设的意见" / "一、切实加强领导" / "各级党委…。".
    """
    target = round(chars * rng.uniform(0.5, 1.5))
    lines = [f"关于{pool.clause(rng, substitution)}的{rng.choice(DOCUMENT_KINDS)}"]
    length = len(lines[0])
    section = 0
    while length < target:
        if section == 0 or rng.random() < 0.15:
            numeral = SECTION_NUMERALS[section % len(SECTION_NUMERALS)]
            lines.append(f"{numeral}、{pool.clause(rng, substitution)}")
            length += len(lines[-1]) + 1
            section += 1
        lines.append(_paragraph(rng, pool, substitution))
        length += len(lines[-1]) + 1
    return "\n".join(lines)


def _paragraph(rng: random.Random, pool: ClausePool, substitution: float) -> str:
    sentences = []
    for _ in range(rng.randint(2, 6)):
        clauses = [pool.clause(rng, substitution) for _ in range(rng.randint(1, 4))]
        sentences.append("，".join(clauses) + ("；" if rng.random() < 0.15 else "。"))
    return "".join(sentences)[:-1] + "。"


def real_bases(folder: Path, seed: int = 0) -> list[str]:
    """The texts of the documents in `folder`, read as `cleaner build` reads them (every input kind,
    compilations split into parts), in an order shuffled by `seed`."""
    from cleaner.ingest import ingest

    texts = [document.text for document in ingest([folder]).documents if document.text.strip()]
    random.Random(f"{seed}:bases").shuffle(texts)
    return texts


def distinct_bases(texts: Sequence[str], limit: float = 0.2, sample: int = 8) -> list[str]:
    """The texts in order, leaving out each one whose Jaccard (5-gram shingles of the dedup key) with a
    text already kept is above `limit`: raw/004's three drafts of one speech give one base, not three.

    Candidates come from an index of the shingles whose hash is a multiple of `sample`, a fixed share of
    all shingles, so the Jaccard of the sampled sets estimates the real one; a candidate estimated above
    half the limit, or a text too short to estimate, is checked on all its shingles.
    """
    kept: list[str] = []
    shingle_sets: list[np.ndarray] = []
    sampled_sizes: list[int] = []
    index: dict[int, list[int]] = {}
    for text in texts:
        shingles = _shingles(text)
        sampled = shingles[shingles % np.uint64(sample) == 0].tolist()
        if len(sampled) < 20:
            candidates = range(len(kept))
        else:
            shared = Counter(k for h in sampled for k in index.get(h, ()))
            candidates = [
                k for k, n in shared.items() if n / (len(sampled) + sampled_sizes[k] - n) > limit / 2
            ]
        if any(jaccard(shingles, shingle_sets[k]) > limit for k in candidates):
            continue
        for h in sampled:
            index.setdefault(h, []).append(len(kept))
        kept.append(text)
        shingle_sets.append(shingles)
        sampled_sizes.append(len(sampled))
    return kept


# Damage: each function takes a text and the draft's random generator and returns the damaged text.


def drop_sentences(text: str, rng: random.Random, share: tuple[float, float] = (0.02, 0.08)) -> str:
    """Drop each sentence with a probability drawn from `share`: "甲。乙。丙。" -> "甲。丙。"."""
    rate = rng.uniform(*share)
    lines = []
    for line in text.split("\n"):
        kept = "".join(s for s in _SENTENCE.findall(line) if rng.random() >= rate)
        if kept:
            lines.append(kept)
    return "\n".join(lines)


def mask(text: str, rng: random.Random, digits: float = 0.6, spans: float = 0.004, years: float = 0.3) -> str:
    """Mask in one style per draft, as redacted drafts are: digit runs (with probability `digits`),
    random 1-3 character spans of Chinese (`spans` per character), and, in some drafts, years as "～年".

    "2013年共有12人" -> "～年共有**人".
    """
    style = rng.choice(MASK_STYLES)
    if rng.random() < years:
        text = _YEAR.sub("～年", text)
    text = _DIGITS.sub(lambda m: style * len(m[0]) if rng.random() < digits else m[0], text)
    chars = list(text)
    for _ in range(round(len(chars) * spans)):
        start = rng.randrange(len(chars))
        end = min(len(chars), start + rng.randint(1, 3))
        if all(_CJK.match(c) for c in chars[start:end]):
            chars[start:end] = style * (end - start)
    return "".join(chars)


@functools.cache
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_traditional(text: str, rng: random.Random) -> str:
    """The draft in Traditional script (OpenCC s2t): "人才发展规划" -> "人才發展規劃"."""
    return _converter("s2t").convert(text)


def truncate(text: str, rng: random.Random, keep: tuple[float, float] = (0.6, 0.95)) -> str:
    """Keep a leading share drawn from `keep`, cut mid-sentence, as a page saved before it loaded."""
    return text[: round(len(text) * rng.uniform(*keep))]


def collapse_paragraphs(text: str, rng: random.Random) -> str:
    """Run the paragraphs under the title into one line, as in raw/004 part 2."""
    title, _, body = text.partition("\n")
    return f"{title}\n{body.replace(chr(10), '')}" if body else title


def hard_wrap(
    text: str, rng: random.Random, width: tuple[int, int] = (24, 80), stray_space: float = 0.3
) -> str:
    """Break every line at a fixed width drawn from `width`, some breaks with a space beside them:
    "加强人才队伍建设" -> "加强人才队\\n伍建设" or "加强人才队 \\n伍建设"."""
    columns = rng.randint(*width)
    lines = []
    for line in text.split("\n"):
        pieces = [line[i : i + columns] for i in range(0, len(line), columns)] or [""]
        wrapped = pieces[0]
        for piece in pieces[1:]:
            wrapped += ("\n" if rng.random() >= stray_space else rng.choice((" \n", "\n "))) + piece
        lines.append(wrapped)
    return "\n".join(lines)


def stray_spaces(text: str, rng: random.Random, width: tuple[int, int] = (50, 80)) -> str:
    """An old fixed-width wrap joined back with spaces: "人力资源管理部门" -> "人力资源管 理部门"."""
    columns = rng.randint(*width)
    return "\n".join(
        " ".join(line[i : i + columns] for i in range(0, len(line), columns)) for line in text.split("\n")
    )


def nbsp_indent(text: str, rng: random.Random) -> str:
    """Indent the paragraphs under the title with no-break spaces, as raw/001 and raw/003 are."""
    indent = rng.choice(NBSP_INDENTS)
    title, _, body = text.partition("\n")
    return "\n".join([title, *(indent + line for line in body.split("\n"))]) if body else title


def half_width_punctuation(text: str, rng: random.Random, share: tuple[float, float] = (0.7, 1.0)) -> str:
    """Write most Chinese punctuation half width, as raw/001 does: "当前，我市" -> "当前,我市"."""
    rate = rng.uniform(*share)
    return re.sub("[，；：（）！？]", lambda m: HALF_WIDTH[m[0]] if rng.random() < rate else m[0], text)


def page_furniture(text: str, rng: random.Random) -> str:
    """Wrap the draft in one site's chrome: breadcrumb, date and hit counter, font-size bar above; editor,
    share bar, copyright with ICP licence and nav bar below."""
    site = rng.choice(SITES)
    date = f"{rng.randint(2004, 2016)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    above = [
        f"当前位置：首页 > {site.section} > 正文",
        f"发布时间：{date}　来源：{site.name}　浏览次数：{rng.randint(1, 9999)}",
        "【字体：大 中 小】【打印本页】【关闭窗口】",
    ]
    below = [
        f"责任编辑：{rng.choice(EDITORS)}",
        "分享到：微信 微博 QQ空间",
        f"Copyright © 2010-2016 {site.name} 版权所有 {site.licence}",
        site.nav,
    ]
    return "\n".join([*rng.sample(above, rng.randint(1, 3)), text, *rng.sample(below, rng.randint(1, 4))])


@dataclass(frozen=True)
class Damage:
    name: str
    probability: float
    apply: Callable[[str, random.Random], str]
    # Whether cleaning can give the base back character for character: masks, cuts and merged paragraphs
    # lose what was there.
    undoable: bool


# In order: content first, then layout, then the page around it, so truncation cuts text, not chrome.
DAMAGES = (
    Damage("dropped_sentences", 0.4, drop_sentences, undoable=False),
    Damage("masks", 0.35, mask, undoable=False),
    Damage("traditional_script", 0.15, to_traditional, undoable=True),
    Damage("truncated", 0.2, truncate, undoable=False),
    Damage("collapsed_paragraphs", 0.1, collapse_paragraphs, undoable=False),
    Damage("hard_wraps", 0.3, hard_wrap, undoable=True),
    Damage("stray_spaces", 0.2, stray_spaces, undoable=True),
    Damage("nbsp_indent", 0.2, nbsp_indent, undoable=True),
    Damage("half_width_punctuation", 0.35, half_width_punctuation, undoable=True),
    Damage("page_furniture", 0.5, page_furniture, undoable=True),
)


def damage(base: str, rng: random.Random, damages: Sequence[Damage] = DAMAGES) -> tuple[str, list[str]]:
    """A draft of `base`: each kind of damage applied with its probability. Returns the text and the
    names of the damage applied."""
    text, applied = base, []
    for kind in damages:
        if rng.random() < kind.probability:
            text = kind.apply(text, rng)
            applied.append(kind.name)
    return text, applied


@dataclass(frozen=True)
class Draft:
    id: str
    cluster: str
    text: str
    damage: tuple[str, ...]


@dataclass
class Corpus:
    drafts: list[Draft]
    bases: list[str]

    def base_of(self, draft: Draft) -> str:
        return self.bases[int(draft.cluster.removeprefix("c"))]

    @property
    def truth(self) -> dict[str, str]:
        """Cluster id per document id: documents of one cluster are drafts of one base."""
        return {draft.id: draft.cluster for draft in self.drafts}

    @property
    def megabytes(self) -> float:
        return sum(len(draft.text.encode("utf-8")) for draft in self.drafts) / 1e6

    def cluster_sizes(self) -> dict[int, int]:
        """How many clusters have each size: {1: 240, 2: 250, ...}."""
        sizes: dict[str, int] = {}
        for draft in self.drafts:
            sizes[draft.cluster] = sizes.get(draft.cluster, 0) + 1
        histogram: dict[int, int] = {}
        for size in sizes.values():
            histogram[size] = histogram.get(size, 0) + 1
        return dict(sorted(histogram.items()))


def build_corpus(
    docs: int,
    seed: int = 0,
    bases: Sequence[str] | None = None,
    *,
    max_drafts: int = 4,
    base_chars: int = BASE_CHARS,
    substitution: float = 0.3,
    damages: Sequence[Damage] = DAMAGES,
) -> Corpus:
    """`docs` drafts of distinct bases, 1 to `max_drafts` drafts per base (fewer documents when `bases`
    runs out). Ids are `doc000000`... in a shuffled order, so drafts of one base are not neighbours.

    Base k draws from its own generator (`f"{seed}:{k}"`), so a larger N adds clusters and keeps the
    first ones as they were.
    """
    pool = clause_pool() if bases is None else None
    clusters: list[tuple[str, str, list[str]]] = []
    base_texts: list[str] = []
    while len(clusters) < docs and (bases is None or len(base_texts) < len(bases)):
        k = len(base_texts)
        rng = random.Random(f"{seed}:{k}")
        size = min(rng.randint(1, max_drafts), docs - len(clusters))
        base = bases[k] if bases is not None else synthetic_base(rng, pool, base_chars, substitution)
        base_texts.append(base)
        for _ in range(size):
            text, applied = damage(base, rng, damages)
            clusters.append((f"c{k:06d}", text, applied))
    positions = random.Random(f"{seed}:order").sample(range(len(clusters)), len(clusters))
    drafts = [
        Draft(id=f"doc{position:06d}", cluster=cluster, text=text, damage=tuple(applied))
        for position, (cluster, text, applied) in zip(positions, clusters, strict=True)
    ]
    return Corpus(drafts=sorted(drafts, key=lambda d: d.id), bases=base_texts)


@dataclass(frozen=True)
class CorpusFiles:
    texts: Path  # one `{id}.txt` per document: the input of `cleaner build`
    jsonl: Path  # the same documents as `{"id", "text"}` lines in shards: the peers' input
    truth: Path  # `{id: cluster}`
    damage: Path  # `{id: [damage applied]}`


def write_corpus(corpus: Corpus, folder: Path, shards: int = 2) -> CorpusFiles:
    """Write the corpus under `folder` (replacing an earlier one). The truth files sit beside the text
    folder, never in it, so no tool reads them as documents."""
    files = CorpusFiles(
        texts=folder / "corpus",
        jsonl=folder / "jsonl",
        truth=folder / "truth.json",
        damage=folder / "damage.json",
    )
    for path in (files.texts, files.jsonl):
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
    for draft in corpus.drafts:
        (files.texts / f"{draft.id}.txt").write_text(draft.text, encoding="utf-8")
    per_shard = -(-len(corpus.drafts) // shards)
    for k in range(shards):
        rows = corpus.drafts[k * per_shard : (k + 1) * per_shard]
        lines = "".join(json.dumps({"id": d.id, "text": d.text}, ensure_ascii=False) + "\n" for d in rows)
        (files.jsonl / f"{k:05d}.jsonl").write_text(lines, encoding="utf-8")
    files.truth.write_text(json.dumps(corpus.truth, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    damage_by_id = {draft.id: list(draft.damage) for draft in corpus.drafts}
    files.damage.write_text(json.dumps(damage_by_id, ensure_ascii=False, indent=0, sort_keys=True) + "\n")
    return files


def _shingles(text: str, n: int = 5) -> np.ndarray:
    return shingle_hashes(dedup_key(text), n=n)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard similarity of two sorted sets of unique shingle hashes."""
    shared = np.intersect1d(a, b, assume_unique=True).size
    union = a.size + b.size - shared
    return shared / union if union else 0.0


@dataclass(frozen=True)
class Overlap:
    """Jaccard of 5-gram shingles of the dedup key over pairs of distinct bases."""

    pairs: int
    mean: float
    p99: float
    max: float
    above_limit: int
    limit: float


def base_overlap(bases: Sequence[str], pairs: int = 2000, seed: int = 0, limit: float = 0.2) -> Overlap:
    """Measure how much distinct bases overlap: every pair when there are at most `pairs`, else a
    random sample of `pairs`. `above_limit` counts pairs over `limit`, the most two bases may share."""
    count = len(bases) * (len(bases) - 1) // 2
    if count <= pairs:
        chosen = [(i, j) for i in range(len(bases)) for j in range(i + 1, len(bases))]
    else:
        rng = random.Random(f"{seed}:overlap")
        chosen = [tuple(rng.sample(range(len(bases)), 2)) for _ in range(pairs)]
    shingles: dict[int, np.ndarray] = {}
    values = []
    for i, j in chosen:
        for k in (i, j):
            if k not in shingles:
                shingles[k] = _shingles(bases[k])
        values.append(jaccard(shingles[i], shingles[j]))
    if not values:
        return Overlap(0, 0.0, 0.0, 0.0, 0, limit)
    return Overlap(
        pairs=len(values),
        mean=float(np.mean(values)),
        p99=float(np.quantile(values, 0.99)),
        max=max(values),
        above_limit=sum(v > limit for v in values),
        limit=limit,
    )


@dataclass(frozen=True)
class Difficulty:
    """How far drafts stray from the fullest draft of their cluster, on the dedup key, with drafts in
    Traditional script converted back (OpenCC t2s) as a cleaning step would."""

    pairs: int
    median_jaccard: float
    below_jaccard: float  # share of drafts under `jaccard_level`
    below_containment: float  # share of drafts with less than `containment_level` inside the fullest
    jaccard_level: float
    containment_level: float


def cluster_difficulty(
    corpus: Corpus, jaccard_level: float = 0.7, containment_level: float = 0.8
) -> Difficulty:
    """Compare each draft with the draft of its cluster that has the most shingles (the one a dedup
    would keep): the share a tool must catch by containment rather than Jaccard, and the share that
    even containment at `containment_level` misses."""
    members: dict[str, list[np.ndarray]] = {}
    for draft in corpus.drafts:
        text = draft.text
        if "traditional_script" in draft.damage:
            text = _converter("t2s").convert(text)
        members.setdefault(draft.cluster, []).append(_shingles(text))
    jaccards, containments = [], []
    for shingle_sets in members.values():
        fullest = max(shingle_sets, key=len)
        for other in shingle_sets:
            if other is fullest:
                continue
            jaccards.append(jaccard(fullest, other))
            shared = np.intersect1d(fullest, other, assume_unique=True).size
            containments.append(shared / other.size if other.size else 0.0)
    if not jaccards:
        return Difficulty(0, 1.0, 0.0, 0.0, jaccard_level, containment_level)
    return Difficulty(
        pairs=len(jaccards),
        median_jaccard=statistics.median(jaccards),
        below_jaccard=sum(j < jaccard_level for j in jaccards) / len(jaccards),
        below_containment=sum(c < containment_level for c in containments) / len(containments),
        jaccard_level=jaccard_level,
        containment_level=containment_level,
    )
