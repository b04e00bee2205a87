from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.clean import placeholders as placeholders_module
from cleaner.clean.placeholders import (
    CENSORED_WORDS,
    MASK,
    count_masks,
    mask_placeholders,
    mask_squares_and_circles,
    restore_censored,
)

# --- restore_censored ---------------------------------------------------------------------------------


def test_restores_xue_xi_in_the_004_drafts():
    line = "去年市委先后召开两次常委会，组织学xxx省委关于人才工作的方针、政策和指示精神，听取并研究全市人才工作。"
    text, edits = restore_censored(line)
    assert text == line.replace("学xxx", "学习")
    assert [(e.step, e.rule, e.before, e.after) for e in edits] == [
        ("placeholders", "censorship_restore", "学xxx", "学习")
    ]
    assert "组织学xxx省委" in edits[0].note


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "胡锦涛总书记、温家宝总理、xxx近平副主席等中央领导同志",
            "胡锦涛总书记、温家宝总理、习近平副主席等中央领导同志",
        ),
        ("深入学xxxxxx近平同志重要讲话精神", "深入学习习近平同志重要讲话精神"),
        ("组织学XXX省委文件", "组织学习省委文件"),
        ("要认真学xxx，深刻领会", "要认真学习，深刻领会"),
    ],
)
def test_restores_every_table_entry(before, after):
    assert restore_censored(before)[0] == after


def test_table_entries_each_have_an_x_and_restore_to_xi():
    for word in CENSORED_WORDS:
        assert "xxx" in word.censored
        assert word.restored == word.censored.replace("xxx", "习")


@pytest.mark.parametrize(
    "line",
    [
        "近年来留学xxx人回国创业",  # a masked count after 留学
        "全市共有大学xxx所",
        "留学xxx名",
        "学xxx.x万人次",
        "学xxxx人",  # four x: a masked number, not 习
        "学xx省委",
        "组织学习省委关于人才工作的方针",
    ],
)
def test_leaves_masked_counts_and_other_text_alone(line):
    assert restore_censored(line) == (line, [])


# --- mask_placeholders: every variant in the seeds -------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # 004 第二篇 and 第三篇 (asterisks)
        ("职称人员**.*万名，比****年增加*.*万人", "职称人员××万名，比××年增加××万人"),
        ("占人才总数的**.*%，比****年提高了*.*个百分点", "占人才总数的××%，比××年提高了××个百分点"),
        ("产品销售收入达到**.**亿元,比上年增长**.*%", "产品销售收入达到××亿元,比上年增长××%"),
        ("而私营企业只占*.**%", "而私营企业只占××%"),
        ("争取到国家和省科技项目经费****.*万元", "争取到国家和省科技项目经费××万元"),
        ("每万人口的人才数达到 5**人，高层次人才达****人", "每万人口的人才数达到 ××人，高层次人才达××人"),
        (
            "同时制定下发了《衢州市****-****年人才队伍建设规划》",
            "同时制定下发了《衢州市××-××年人才队伍建设规划》",
        ),
        ("今年1月*日，市委常委会再次专题研究", "今年1月××日，市委常委会再次专题研究"),
        ("每次评选*－*名，入选者给予奖励*-**万元", "每次评选××－××名，入选者给予奖励××-××万元"),
        ("拥有专利***项，创建了***电子集团的项青松", "拥有专利××项，创建了××电子集团的项青松"),
        ("进一步完善市***人才工程人选的选拔", "进一步完善市××人才工程人选的选拔"),
        ("专业技术人才*****余人,占全市人才总量的**%", "专业技术人才××余人,占全市人才总量的××%"),
        ("英国和美国实现工业化用了***年和***年", "英国和美国实现工业化用了××年和××年"),
        # 004 第四篇 (letters x and ～)
        (
            "到～年底，全市共有中专以上学历或初级以上职称人员xx.x万名",
            "到××年底，全市共有中专以上学历或初级以上职称人员××万名",
        ),
        ("～年，衢州籍大中专生回衢工作的只有xxxx人", "××年，衢州籍大中专生回衢工作的只有××人"),
        ("我们计划从～年起，用x年时间", "我们计划从××年起，用××年时间"),
        ("每万人口的人才数达到 5xx人", "每万人口的人才数达到 ××人"),
        (
            "同时制定下发了《衢州市xxxx-xxxx年人才队伍建设规划》",
            "同时制定下发了《衢州市××-××年人才队伍建设规划》",
        ),
        ("今年1月x日，市委常委会", "今年1月××日，市委常委会"),
        ("凡是在我市企事业单位工作的享受xx政府特贴人员", "凡是在我市企事业单位工作的享受××政府特贴人员"),
        ("创建了xxx电子集团的项青松", "创建了××电子集团的项青松"),
        (
            "比上年增加xxx%；争取到国家和省科技项目经费xxxx.x万元",
            "比上年增加××%；争取到国家和省科技项目经费××万元",
        ),
        ("而私营企业只占x.xx%", "而私营企业只占××%"),
        ("每百万GDp所使用的人才数降到x人以下", "每百万GDp所使用的人才数降到××人以下"),
        # other mark characters
        ("全市引进＊＊＊人", "全市引进××人"),
        ("×××同志在会上讲话", "××同志在会上讲话"),
        ("XX市人才工作领导小组", "××市人才工作领导小组"),
        ("（xx）", "（××）"),
        ("GDP xx亿元", "GDP ××亿元"),
        # squares and circles, as anonymised copies print them
        ("会议提出了□□项重大举措", "会议提出了××项重大举措"),
        ("于□月□□日印发", "于××月××日印发"),
        ("连续五年投入○○亿元", "连续五年投入××亿元"),
        ("《粤办发〔○○○○〕○○号》", "《粤办发〔××〕××号》"),
        ("人力资○○会保障局", "人力资××会保障局"),
        ("○○同志在会上讲话", "××同志在会上讲话"),
        ("共引进□□.□万人", "共引进××万人"),
    ],
)
def test_masks_every_variant(before, after):
    text, edits = mask_placeholders(before)
    assert text == after
    assert edits, "every mask is logged"
    assert all(e.step == "placeholders" and e.rule == "placeholder_mask" and e.note for e in edits)
    assert all(e.after.startswith(MASK) for e in edits)


def test_squares_and_circles_are_masked_alone_before_the_line_steps():
    text, edits = mask_squares_and_circles("提出了□□项举措，二○一○年投入○○亿元，引进**人，到～年底\n□ 同意")
    assert text == "提出了××项举措，二○一○年投入××亿元，引进**人，到～年底\n□ 同意"
    assert [(e.before, e.after) for e in edits] == [("□□", MASK), ("○○", MASK)]
    assert mask_squares_and_circles("全市引进**人") == ("全市引进**人", [])


def test_logs_each_mask_with_its_evidence():
    _, edits = mask_placeholders("到～年底，人员**.*万名，达到 5**人，创建了***电子集团")
    assert [(e.before, e.after, e.note) for e in edits] == [
        ("～年", "××年", "～ stands for a year"),
        ("**.*", MASK, "masked decimal number"),
        ("5**", MASK, "partly masked number, masked whole"),
        ("***", MASK, "run of placeholder marks"),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "3×4=12",
        "长 3 × 4 米",
        "屏幕分辨率1920x1080",
        "1.5*2",
        "用3～5年时间",
        "2010～2020年",
        "访问 https://www.xxx.gov.cn/xx/index.html 了解",
        "详见xxx.com.cn",
        "邮箱xx@qq.com",
        "Xbox and max",
        "the XX project, said Mr. X",
        "Dear XX,",
        "进行X光检查和X射线检测",
        "> **中共中央办公厅印发《关于进一步加强党管人才工作的意见》**",
        "到××年底，全市××人",  # already canonical
        "1978-2024年，1999年以来",
        # `○` as the zero of Chinese numerals, lone squares and circles as boxes and bullets
        "二○一○年六月四日",
        "二○○八年，全市一○○家企业",
        "□ 同意  □ 不同意",
        "○ 加强人才队伍建设\n○ 完善人才政策",
        "○加强人才队伍建设",
        "举办“中国·沈阳首届挑战MBA擂台赛”",
        "",
    ],
)
def test_leaves_products_ranges_latin_and_masks_alone(line):
    assert mask_placeholders(line) == (line, [])


# --- count_masks ------------------------------------------------------------------------------------------


def test_count_masks_counts_canonical_masks_only():
    assert count_masks("到××年底，全市共有××万名；3×4") == 2
    assert count_masks("") == 0
    masked, edits = mask_placeholders("比****年增加*.*万人，其中党政人才近*.*万人；5**人")
    assert count_masks(masked) == len(edits) == 4


# --- the fast paths find what the plain patterns find -----------------------------------------------------

# The patterns as first written, with a lookbehind, a `+` or alternatives in front, which `re` tries at every
# position.
_PLAIN_PLACEHOLDER = re.compile(r"[0-9*＊×xX□○]+(?:\.[0-9*＊×xX□○]+)*|(?<![0-9*＊×xX□○.])～(?=年)")
_PLAIN_EMPHASIS = re.compile(r"(?<![^\s>])\*\*(?=[^\s*])[^*\n]*?[^\s*]\*\*(?!\*)")
_PLAIN_CANONICAL = re.compile(r"(?<!×)××(?!×)")
_PATTERN_ALPHABET = [*"*＊×xX□○～0123456789. 年人>\n中a@/:", "**", MASK, "www.", ".com", ".cn", "http://"]
_pattern_texts = st.one_of(
    st.lists(st.sampled_from(_PATTERN_ALPHABET), max_size=30).map("".join), st.text(max_size=30)
)


@settings(max_examples=300, deadline=None)
@given(_pattern_texts)
def test_patterns_find_what_the_plain_patterns_find(text):
    for pattern, plain in (
        (placeholders_module._PLACEHOLDER, _PLAIN_PLACEHOLDER),
        (placeholders_module._EMPHASIS, _PLAIN_EMPHASIS),
        (placeholders_module._CANONICAL, _PLAIN_CANONICAL),
    ):
        assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in plain.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="abcwxt0123456789.:/@%+-_ 中", max_size=30),
    st.sampled_from(["", "com", "cn", "org", "info"]),
)
def test_every_address_holds_one_of_the_address_parts(text, suffix):
    # Why mask_placeholders looks for `_ADDRESS` only in a text that holds one of `_ADDRESS_PARTS`.
    for match in placeholders_module._ADDRESS.finditer(text + suffix):
        assert any(part in match[0] for part in placeholders_module._ADDRESS_PARTS)


def test_masks_beside_an_address_and_bold_text():
    line = "详见 www.xxx.gov.cn 与 **通知**，全市共有人才xxx人"
    text, edits = mask_placeholders(line)
    assert text == "详见 www.xxx.gov.cn 与 **通知**，全市共有人才××人"
    assert [e.before for e in edits] == ["xxx"]


# --- the step contract ------------------------------------------------------------------------------------

_ALPHABET = [
    *"*＊×xX□○～~0123456789.-－ 年月日人万%学近平习省中文ab/:@>\n（）《》二〇",
    "学xxx",
    "xxx近平",
    "http://",
    MASK,
]
_texts = st.lists(st.sampled_from(_ALPHABET), max_size=40).map("".join)


@settings(max_examples=200, deadline=None)
@given(_texts)
def test_mask_placeholders_is_idempotent_and_never_raises(text):
    once, _ = mask_placeholders(text)
    assert mask_placeholders(once) == (once, [])


@settings(max_examples=200, deadline=None)
@given(_texts)
def test_restore_censored_is_idempotent_and_never_raises(text):
    once, _ = restore_censored(text)
    assert restore_censored(once) == (once, [])


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_steps_never_raise_on_any_string(text):
    restored, _ = restore_censored(text)
    masked, _ = mask_placeholders(restored)
    assert count_masks(masked) >= 0
