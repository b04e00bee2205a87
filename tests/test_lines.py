"""Line structure on real seed text: hard wraps rejoined, stray spaces removed, paragraphs normalized.

The snippets are lines of /work/main/raw as the earlier steps leave them: Chinese punctuation in Chinese
context, half-width digits, no NBSP. Long lines are cut at the front only, keeping the end that meets
the break (and enough length that a line still counts as long).
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import jieba
import pytest
import rjieba
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.clean.lines import (
    _HAN,
    _JIEBA_RUN,
    _SPACES,
    _word_across,
    normalize_paragraphs,
    rejoin_hard_wraps,
    remove_stray_spaces,
)
from cleaner.documents import Edit
from cleaner.pipeline import CLEANING_STEPS

# The line steps, in the order the pipeline runs them.
LINE_STEPS = tuple(step for step in CLEANING_STEPS if step.__module__ == "cleaner.clean.lines")

RAW = Path(__file__).resolve().parent.parent / "raw"
HALF_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def clean_lines(text: str) -> str:
    for step in LINE_STEPS:
        text, _ = step(text)
    return text


def rejoined(*lines: str) -> list[str]:
    return rejoin_hard_wraps("\n".join(lines))[0].split("\n")


def raw_after_earlier_steps(name: str) -> str:
    """A seed as normalisation would leave it, for what this module looks at: half-width digits, no NBSP."""
    return (RAW / name).read_text(encoding="utf-8").translate(HALF_WIDTH).replace("\xa0", " ")


# --- rejoin_hard_wraps: the seed cases -------------------------------------------------------------

SEED_WRAPS = {
    # 004 lines 4/5
    "会/议后": (
        "托，代表市人才办对市委宣传部、市委政研室、市人事局及到会的宣传系统领导同志在全市人才工作上所做贡献"
        "和对市人才办工作给予的大力支持，表示真诚的感谢！全市人才工作会",
        "议后，在市委宣传部的统一调度和协调下，各市级新闻单位不断加大对人才工作的宣传力度。",
    ),
    # 004 lines 15/16: a short line (37 characters), joined on the word alone
    "普查工/作": (
        "今年4月，市委组织部、市人才办在全市范围内组织开展了振兴沈阳人才需求普查工",
        "作，此次人才需求普查面向全市范围，以市直、区县（市）、乡（镇）街机关，市属各级事",
    ),
    # 004 lines 58/59
    "明显存/在": (
        "有****人，仅占总数的**。1999年以来，全市仅教育卫生系统就流失专业技术人才***人。"
        "四是在一些地方和部门，人才工作得不到应有重视，见物不见人的现象明显存",
        "在。",
    ),
    # 004 lines 65/66
    "最大限/度地": (
        "才的健康成长和充分发挥人才的作用放在首要位置，对各类人才都要一视同仁地提供服务，使他们创业有机会、"
        "干事有舞台、发展有空间。要进一步加大投入，改善工作条件，最大限",
        "度地满足各类人才身心健康、相互交流和学习提高的需求；加强沟通，增进理解，努力形成",
    ),
    # 002 lines 144/145: a short line (38 characters) ending in one character of the word
    "全/国人才工作会议精神": (
        "各级人力资源社会保障部门要按照“四个落实”和“四个明确”的要求，把组织学习全",
        "国人才工作会议精神和《人才规划纲要》作为当前的重大任务，紧密结合人力资源社会保障工作实际，切实抓紧抓好。",
    ),
    # 002 lines 131/132
    "宏/大的": (
        "能力建设，推动人才结构战略性调整，创新人才工作体制机制，实行人才投资优先，实施更加开放的人才政策，"
        "加快人才工作法制建设，加强和改进党对人才工作的领导，培养造就宏",
        "大的高素质人才队伍。",
    ),
    # 002 lines 28/29
    "重/视对引进人才": (
        "引进培养青年学术技术带头人，改进管理办法，拓宽引进渠道，扩大支持范围，强化分类管理。"
        "更加重视引进人才与现有团队的紧密结合，帮助他们尽快融入我院的创新队伍；更加重",
        "视对引进人才的全面培养，强化“国情院情”教育，牢固树立“创新为民、爱国奉献”的社会和历史责任。",
    ),
    # 004 lines 139/140: `一、` here ends the word 单一 and enumerates on; it is not a list mark
    "支柱产业单/一、结构性矛盾突出": (
        "逐步走上了发展的“快车道”。但我们应当清醒地意识到，这种增长和提高，大环境的影响占了相当的比重，"
        "经济布局和结构还没有从根本上走出资源型、粗放型的圈子，支柱产业单",
        "一、结构性矛盾突出、科技含量低下等问题还没有得到根本的改变。",
    ),
    # 004 lines 16/17: no word across the break; the line is long and stops mid-sentence
    "结构/进行了分析": (
        "其它经济组织，针对目前及2024年底前各类人才需求情况进行全面普查。目前，此项工作已基本结束。"
        "市人才办已汇总出全市人才需求总数，并对目前急需的各类人才数量和结构",
        "进行了分析，形成了统计分析报告，为下一步合理调整人才布局和培养方向等人才工作宏观决策提供了初步依据。",
    ),
    # 004 lines 70/71
    "是/当前人才工作": (
        "队伍，这是我们增强产业竞争力的迫切要求，也是加快衢州制造业基地建设的必然选择。"
        "这三支队伍是相互联系、相互依赖、相互促进的统一体，其中加强企业经营管理人才建设，是",
        "当前人才工作的重中之重。",
    ),
}


@pytest.mark.parametrize("case", SEED_WRAPS, ids=list(SEED_WRAPS))
def test_seed_wraps_are_rejoined_without_space(case):
    first, second = SEED_WRAPS[case]
    assert rejoined(first, second) == [first + second]


def test_rejoin_records_the_joint_and_its_evidence():
    first, second = SEED_WRAPS["会/议后"]
    _, edits = rejoin_hard_wraps(first + "\n" + second)
    assert edits == [
        Edit(
            step="lines",
            rule="rejoin_hard_wrap",
            before="才工作会\n议后，在",
            after="才工作会议后，在",
            note="jieba word 会议",
        )
    ]


def test_the_enumeration_join_says_why():
    first, second = SEED_WRAPS["支柱产业单/一、结构性矛盾突出"]
    (edit,) = rejoin_hard_wraps(first + "\n" + second)[1]
    assert edit.note == "jieba word 单一; 一、 continues an enumeration"


def test_lines_ending_with_comma_or_enumeration_comma_continue():
    assert rejoined("近几年来，我市的人才队伍建设得到明显加强，", "人才管理机制进一步完善。") == [
        "近几年来，我市的人才队伍建设得到明显加强，人才管理机制进一步完善。"
    ]
    assert rejoined("重点是抓好党政人才、企业经营管理人才、", "专业技术人才三支队伍建设。") == [
        "重点是抓好党政人才、企业经营管理人才、专业技术人才三支队伍建设。"
    ]


def test_a_line_starting_with_closing_punctuation_continues():
    assert rejoined("近日，中共中央办公厅印发了《关于进一步加强党管人才工作的意见》", "，并发出通知。") == [
        "近日，中共中央办公厅印发了《关于进一步加强党管人才工作的意见》，并发出通知。"
    ]


# --- rejoin_hard_wraps: lines that keep their own line ----------------------------------------------

KEEP_APART = {
    # 000: numbered headings after a paragraph ending in 。, then a numbered item
    "000 heading": (
        "党管人才是党的组织制度的重要组成部分，是人才工作沿着正确方向前进的根本保证。",
        "一、充分认识进一步加强党管人才工作的重要意义",
        "1．党管人才是人才工作的重要原则。党和国家历来高度重视人才工作。",
    ),
    "000 markdown heading": (
        "### 二、加强党管人才工作的指导思想和总体要求",
        "3．指导思想。高举中国特色社会主义伟大旗帜，以邓小平理论和“三个代表”重要思想为指导。",
    ),
    # 004: a title, the speaker's title line, a salutation, the body
    "004 titles and salutation": (
        "第三篇：A市在全市人才工作会议上的讲话",
        "同志们：",
        "这次全市人才工作会议，是市委、市政府决定召开的一次十分重要的会议。",
    ),
    "004 title and body": (
        "第五篇：在B市人才工作会议上的讲话",
        "在市委九届七次全会刚刚闭幕之际，我们在这里隆重召开全市人才工作会议，充分表明了市委对人才工作的高度重视。",
    ),
    # 004 lines 133/134: the first speech is cut off mid-word (干部), the next one starts
    "004 truncated before a title": (
        "本着干部自愿、企业欢迎的原则，每年从党政机关选派一批县、科级干",
        "第五篇：在B市人才工作会议上的讲话",
    ),
    # 004 line 14: a heading without full stop before its body
    "004 list heading": (
        "三、开展振兴沈阳人才需求普查工作，为合理配置人才、实现科学决策提供依据",
        "今年4月，市委组织部、市人才办在全市范围内组织开展了振兴沈阳人才需求普查工作。",
    ),
    # 004 lines 66/67: a heading fused to the end of a paragraph; the next paragraph stays apart
    "004 fused heading": (
        "我们就同样具有吸引力，这也是做好我市人才工作的突破点所在，二、大力开发人才资源，加快实施人才强市战略",
        "今后一个时期，我市人才强市战略的总体要求是：以邓小平理论和三个代表重要思想为指导。",
    ),
    # 002 lines 171-174: signature date, source line, next title
    "002 signature and source": (
        "精心组织，周密部署，切实抓好会议精神和《人才规划纲要》的贯彻落实，不断开创政府人才工作新局面。",
        "二○一○年六月四日",
        "来源：人力资源和社会保障部 2024年6月4日",
        "第五篇：国家中长期人才发展规划纲要（2024-2024年）",
    ),
    # 002 lines 38-42: title, subtitle, table of contents
    "002 title block": (
        "第二篇：国家中长期人才发展规划纲要",
        "国家中长期人才发展规划纲要",
        "（2024-2024年）",
        "目录",
        "序言",
        "一、指导方针、战略目标和总体部署",
    ),
    # 002 lines 175-177: a long headline without comma, the byline, the body
    "002 headline and byline": (
        "新华网北京5月29日电题：抓住机遇 乘势而上 推进人才工作改革创新——中央人才工作协调小组负责人就"
        "《国家中长期人才发展规划纲要（2010－2020年）》落实情况答新华社记者问",
        "新华社记者",
        "在全国人才工作会议召开和《国家中长期人才发展规划纲要（2010－2020年）》颁布实施一周年之际，"
        "中央人才工作协调小组负责人回答了新华社记者提问。",
    ),
    # 002 lines 178/179 and 188-190: interview headings and questions
    "002 interview headings": (
        "“人才支撑发展、发展造就人才”成为社会共识",
        "记者：去年5月底，党中央、国务院召开全国人才工作会议，6月初，公开发布了人才发展规划。",
        "贯彻落实人才发展规划的重中之重",
        "推进各类人才队伍建设的重要抓手",
        "记者：人才发展规划提出10大人才政策任务，目前研究制定工作进展如何？",
    ),
    # 003 line 43: a short heading ending in a closing quote
    "003 short heading": (
        "打破部门间“藩篱”",
        "张家港在市委组织部总体协调下，成立“一办七组”，即在张家港市人才工作领导小组办公室下设综合组、信息组。",
    ),
    # 000 line 33 and 003 line 24: datelines
    "000 dateline": (
        "（中办发〔2012〕22号 2012年9月26日）",
        "为加强和改进党对人才工作的领导，根据《国家中长期人才发展规划纲要（2010—2020年）》，"
        "现就进一步加强党管人才工作提出如下意见。",
    ),
    "003 dateline": (
        "光明日报 2014年11月01日 星期六",
        "人才聚焦",
        "“党管人才”的“微观践行”",
        "——以江苏张家港市为例",
    ),
}


@pytest.mark.parametrize("case", KEEP_APART, ids=list(KEEP_APART))
def test_structural_lines_keep_their_own_line(case):
    lines = KEEP_APART[case]
    assert rejoined(*lines) == list(lines)
    assert rejoin_hard_wraps("\n".join(lines))[1] == []


def test_a_blank_line_always_separates():
    text = "全市人才工作会\n\n议后，在市委宣传部的统一调度和协调下。"
    assert rejoin_hard_wraps(text) == (text, [])


# --- rejoin_hard_wraps: text wrapped at a fixed width -----------------------------------------------

# Wrapped at 24 characters, each first line ends with a full stop: a wrap, not the end of the paragraph.
PARAGRAPHS = [
    "党管人才是党的组织制度中极为重要的一个组成部分。是人才工作沿着正确方向前进的根本保证，必须始终坚持。",
    "各级党委要把人才工作摆上重要位置，切实加强领导。党委组织部门要牵头抓总，形成合力。",
    "一、充分认识进一步加强党管人才工作的重要意义",
]


def wrapped(paragraphs: list[str], width: int = 24) -> list[str]:
    return [p[i : i + width] for p in paragraphs for i in range(0, len(p), width)]


def test_a_wrap_right_after_a_full_stop_is_joined_when_the_text_has_a_wrap_width():
    lines = wrapped(PARAGRAPHS)
    assert [len(line) for line in lines] == [24, 24, 2, 24, 17, 22]
    text, edits = rejoin_hard_wraps("\n".join(lines))
    assert text.split("\n") == PARAGRAPHS
    assert [e.note for e in edits].count("line ends a sentence at the wrap width (24 chars)") == 2


def test_a_line_of_the_wrap_width_keeps_apart_from_a_heading_or_a_title():
    lines = wrapped(PARAGRAPHS[:1])
    assert rejoined(*lines, lines[0], "一、加强领导") == [PARAGRAPHS[0], lines[0], "一、加强领导"]
    assert rejoined(*lines, lines[0], "国务院") == [PARAGRAPHS[0], lines[0], "国务院"]


def test_a_join_that_makes_a_line_as_wide_as_the_wrap_is_followed_by_the_next_pass():
    # Hypothesis found it: the join `…\n”、` makes a third line of 19, which only then gives a width.
    text = "000000000000000000：\n00000000000000000\n”、\n\n0000000000000000000"
    once, _ = rejoin_hard_wraps(text)
    assert once == "000000000000000000：00000000000000000”、\n\n0000000000000000000"
    assert rejoin_hard_wraps(once) == (once, [])


def test_without_a_wrap_width_a_full_stop_ends_the_line():
    # Lines of many lengths: no width that half of them share.
    lines = ["党管人才是党的组织制度的重要组成部分。", "是人才工作沿着正确方向前进的根本保证。", "必须坚持。"]
    assert rejoined(*lines) == lines
    # A shared length under 16 characters is a list or a table column.
    short = ["一是加强领导。", "二是完善机制。", "三是优化环境。", "四是强化保障。"]
    assert rejoined(*short) == short
    # A fixed-width wrap leaves no line longer than its width.
    longer = [*wrapped(PARAGRAPHS), "这一行比其他各行都要长，说明这篇文字并不是按照固定的宽度换行的。"]
    first, second, third = wrapped(PARAGRAPHS)[:3]
    assert rejoined(*longer)[:2] == [first, second + third]


# --- the seed documents end to end -------------------------------------------------------------------


@pytest.fixture(scope="module")
def speeches():
    return clean_lines(raw_after_earlier_steps("004_69a075c59e7323d5.txt")).split("\n")


@pytest.fixture(scope="module")
def plans():
    return clean_lines(raw_after_earlier_steps("002_3b543c07da42147c.txt")).split("\n")


def test_004_joins_every_wrap_and_only_those(speeches):
    _, joins = rejoin_hard_wraps(normalize_paragraphs(raw_after_earlier_steps("004_69a075c59e7323d5.txt"))[0])
    assert sorted({edit.after for edit in joins}) == sorted(
        {
            "才工作会议后，在",
            "求普查工作，此次",
            "量和结构进行了分",
            "象明显存在。",
            "，第三财富是**",
            "只要具有一定的知",
            "，最大限度地满足",
            "建设，是当前人才",
            "医药类及财务管理",
            "予一定额度的地方",
            "府去年出台的《关",
            "招聘广告有xxx",
            "柱产业单一、结构",
        }
    )
    text = "\n".join(speeches)
    for joined in ("全市人才工作会议后", "明显存在。", "最大限度地满足", "支柱产业单一、结构性矛盾突出"):
        assert joined in text
    for line in (
        "同志们：",
        "第五篇：在B市人才工作会议上的讲话",
        "（二）以三项工程为载体，着力构筑人才培训体系。",
    ):
        assert line in speeches


def test_002_joins_its_wraps_and_keeps_its_structure(plans):
    text = "\n".join(plans)
    for joined in ("组织学习全国人才工作会议精神", "培养造就宏大的高素质人才队伍。", "更加重视对引进人才"):
        assert joined in text
    for line in (
        "目录",
        "序言",
        "二○一○年六月四日",
        "来源：人力资源和社会保障部 2024年6月4日",
        "一、充分认识《人才规划纲要》制定实施的重要意义",
        "人才资源总量 万人 11385 15625 18025",
        "新华社记者",
    ):
        assert line in plans


# --- remove_stray_spaces ----------------------------------------------------------------------------

# 002 lines 180-207: the Xinhua interview, wrapped in a PDF; every space in these paragraphs is stray.
XINHUA = [
    "负责人：2010年，党中央、国务院召开全国人才工作会议，颁布我国第一个国家中长期人才发展规划，这是载入我国人才发展史册 的大事。"
    "全国人才工作会议后，中央人才工作协调小组召开贯彻落实人才发展规划座谈会，专门制定印发通知，"
    "把人才发展规划提出的91项重点任务分解落实到 48个部门。同时，加强对人才发展规划实施工作的组织领导。"
    "31个省区市召开人才工作会议，各部委召开党组（党委）会议或系统人才工作会议，认真贯彻落实 人才发展规划，"
    "对人才工作进行研究部署。大力开发经济社会发展 重点领域急需紧缺专门人才，统筹推进各类人才队伍建设。",
    "负责人：中央人才工作协调小组先后举办专题培训班、理论研讨班，集中开展学习宣传活动，"
    "通过新闻媒体对人才强国战略目标和新的 思想理念进行深入解读，推出一批人才优先发展、人人都能成才的典型经验和典型人物。"
    "各地各部门采取多种方式，组织广大干部特别是领导干部深入开展学习活 动，自觉树立人才发展新的思想理念。",
    "全社会尊重人才、爱惜人才、支持人才、用好人才的氛围更加浓厚，各级党委政府贯彻落实人才发展新思想新理念的行动更 加自觉。",
    "负责人：各省区市把人才优先发展纳入国民经济和社会发展总体规划，根据全国人才工作会议精神和国家人才发展规划，"
    "结合本地的发 展定位、发展目标和“十二五”时期的要求，制定各具特色的人才规划。",
    "中央人才工作协调小组把组织实施好重大人才工程作为统筹推进各类人才队伍建设的重要抓手，专门制订实施方案和若干子计划，"
    "明确 了各项工程的任务目标、主要内容、工作分工、进度安排、经费预算和组织领导机制，"
    "同时注意与科技发展规划、教育改革和发展规划提出的重大工程和现有人才工 程相衔接，形成协调一致、整体推进的工作格局。"
    "目前，中宣部牵头的“文化名家工程”、卫生部牵头的“全民健康卫 生人才保障工程”已全面启动实施。",
    "负责人：目前，“千人计划”分5批共引进1143人，其中从事科学研究的创新人才880人、创业人才263人；"
    "美国、英国、俄 罗斯等国家的科学院、工程院院士10人；世界知名高校、科研机构、企业相当于教授职务的851人。"
    "去年以来，中央人才工作协调小组陆续制定出台《“千人计 划”短期项目实施细则》、《青年海外高层次人才引进工作细则》等配套政策措施，"
    "拓展和延伸“千人计划”。同时，健全完善服务体系和工作机制，为“千人计 划”入选者提供良好服务。",
    "负责人：中央人才工作协调小组把推动实施“人才强市”战略，作为深入贯彻落实人才发展规划的重要内容和加快建设人才强国战略的 重要基础，"
    "分类指导、加力推进。各省区市把实施“人才强市”战略作为推进 科学发展、加快经济转型重要抓手，加大统筹协调和工作指导力度。"
    "各地级城市紧紧围绕本地经济社会发展现实需求以及人才工作和人才队伍建设的现状，科学制定 人才强市的战略目标和重要举措。",
    "负责人：建设人才特区关键要体现一个“特”字。人才特区要着眼解放思想、解放人 才、解放科技生产力，率先进行实践。"
    "不断探索人才培养开发、评价使 用、流动配置和激励保障等重要机制，努力创造有利于人才大量涌现和脱颖而出的良好制度环境。"
    "建设人才特区还要致力于打造人才干事创业的特殊平台，更好地集 聚海内外高端人才。",
    "二是健全完善抓落实的工作机制。制定出台完善党管人才工作格局的意见，推动各级党委加强对人才工作的领导。"
    "突出政府人力资源管 理部门抓人才工作的地位和作用，充分发挥教育、科技等部门的职能作用。"
    "建立健全党委、政府人才工作目标责任制，强化“一把手”抓“第一资源”的责任感和主 动性。"
    "2015年，要对人才发展规划 实施情况进行中期评估。",
    "四是加快培养科技创新创业人才，为转变经济发展方式服务。突出高端人才的引领带动作用，"
    "以高层次人才和高技能人才为重点，统筹 推进各类人才队伍建设。坚持育引并举，继续深入实施 “千人计划”，"
    "加强海外高层次人才创新创业基地和服务体系建设。制定实施进一步加强西部地区人才工作的 意见，统筹抓好区域人才开发工作。",
]


@pytest.mark.parametrize("paragraph", XINHUA, ids=[p[:12] for p in XINHUA])
def test_every_space_in_the_xinhua_interview_is_removed(paragraph):
    assert remove_stray_spaces(paragraph)[0] == paragraph.replace(" ", "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("目 录", "目录"),
        ("序 言", "序言"),
        ("美国、英国、俄 罗斯等国家的科学院", "美国、英国、俄罗斯等国家的科学院"),
        ("《“千人计 划”短期项目实施细则》", "《“千人计划”短期项目实施细则》"),
        # 001: numbers and their units
        ("(粤办发〔2013〕2 号)精神", "(粤办发〔2013〕2号)精神"),
        ("从2012 年起，市财政每年投入10 亿元，连续五年50亿元实施“人才东莞”战略。", None),
        ("每年组织开展1-2 次政策宣讲活动", "每年组织开展1-2次政策宣讲活动"),
        (
            "每年至少组织人才工作者参加 1 次教育培训或实践锻炼",
            "每年至少组织人才工作者参加1次教育培训或实践锻炼",
        ),
        # 003 line 95: a space after a full stop
        ("第三个层面，简称为“朋友圈”。 充分开发运用各部门的工作资源。", None),
        # no space just inside Chinese quotes, title marks and brackets; the byline's other spaces stay
        ("对教育培训“ 双师型”师资", "对教育培训“双师型”师资"),
        ("才能实现“看不见的手 ”的作用", "才能实现“看不见的手”的作用"),
        ("贯彻《人才规划纲要 》精神", "贯彻《人才规划纲要》精神"),
        ("算不算人才。— —引导素质大幅度提高", "算不算人才。——引导素质大幅度提高"),
        (
            "作者：于年中 桂昭明 《光明日报》（ 2014年11月01日 11版）",
            "作者：于年中 桂昭明 《光明日报》（2014年11月01日 11版）",
        ),
        # full-width punctuation carries its own spacing, beside Latin letters too
        ("全市GDP ，比上年增长××%。", "全市GDP，比上年增长××%。"),
        ("鼓励支持企业建立优质发xx ，社会保险", "鼓励支持企业建立优质发xx，社会保险"),
    ],
)
def test_spaces_that_split_are_removed(text, expected):
    assert remove_stray_spaces(text)[0] == (expected or text.replace(" ", ""))


@pytest.mark.parametrize(
    "line",
    [
        # 002 lines 106-111: the 专栏 table
        "指标 单位 2024年 2024年 2024年",
        "人才资源总量 万人 11385 15625 18025",
        "研发人员 人年/万人 24.8 33 43",
        "能劳动者比例 % 24.4 27 28",
        "高技能人才占技能劳动者比例 % 24.4 27 28",
        # 002 line 175: the phrases of a headline
        "新华网北京5月29日电题：抓住机遇 乘势而上 推进人才工作改革创新——中央人才工作协调小组负责人答新华社记者问",
        # 002 line 173: a source line with its date
        "来源：人力资源和社会保障部 2024年6月4日",
        # 003 line 32: the byline, before and after normalisation
        "作者:于年中 桂昭明 《光明日报》( 2014年11月01日 11版)",
        "作者：于年中 桂昭明 《光明日报》（2014年11月01日 11版）",
        "光明日报 2014年11月01日 星期六",
        "第一章 总则",
        "Hello world",
        "Copyright © 2010-2016 东莞人才发展研究院 ALL RIGHTS RESERVED 粤ICP备15113773号",
        "张家港市容 CFP",
        "CFP 张家港市容",
    ],
)
def test_spaces_that_separate_stay(line):
    assert remove_stray_spaces(line) == (line, [])


def test_a_news_dateline_keeps_its_space():
    # 002 line 130, shortened: the rest of the paragraph is prose, the dateline still separates
    line = "新华社北京2月22日电 中共中央政治局22日召开会议，讨论国务院拟提请审议的《政府工作报告》稿。"
    assert remove_stray_spaces(line) == (line, [])


def test_a_news_agency_dateline_keeps_its_space():
    line = "本报讯 记者从市人才办获悉，今年全市共引进各类人才一万余人。"
    assert remove_stray_spaces(line) == (line, [])


def test_a_label_after_a_cut_keeps_its_space():
    # 002 line 203: two paragraphs run together at a speaker label
    line = "运用新理念、新体制、新办 记者：在推进人才发展规划深入落实方面，还将采取哪些措施？"
    assert remove_stray_spaces(line) == (line, [])


def test_removed_spaces_are_recorded_with_their_evidence():
    _, edits = remove_stray_spaces(
        "突出政府人力资源管 理部门抓人才工作的地位和作用。从2012 年起，每年参加 1 次培训。"
    )
    assert [(e.rule, e.before, e.after, e.note) for e in edits] == [
        ("word_split", "管 理", "管理", "jieba word 资源管理"),
        ("number_unit", "2012 年", "2012年", "number+unit"),
        ("number_unit", "加 1 次", "加1 次", "number+unit"),
        ("number_unit", "1 次", "1次", "number+unit"),
    ]
    assert {e.step for e in edits} == {"lines"}


# --- normalize_paragraphs ---------------------------------------------------------------------------


def test_normalize_strips_indentation_and_drops_empty_lines():
    # 001 lines 7-12 and 003 lines 43-47, as the unicode step leaves them (NBSP turned into spaces)
    text = (
        "东莞市关于进一步加强党管人才工作的实施方案\n\n"
        "  为贯彻落实《关于进一步加强我省党管人才工作的意见》精神，特制定本实施方案。\n \n"
        "  一、充分认识进一步加强我市党管人才工作的重要意义\n"
        "     1.加强党管人才工作是抢占人才竞争制高点的根本保证。  \n"
        "    打破部门间“藩篱”\r\n"
        "指标  单位\t2024年\n"
    )
    out, edits = normalize_paragraphs(text)
    assert out == (
        "东莞市关于进一步加强党管人才工作的实施方案\n"
        "为贯彻落实《关于进一步加强我省党管人才工作的意见》精神，特制定本实施方案。\n"
        "一、充分认识进一步加强我市党管人才工作的重要意义\n"
        "1.加强党管人才工作是抢占人才竞争制高点的根本保证。\n"
        "打破部门间“藩篱”\n"
        "指标 单位 2024年"
    )
    folded = {(e.rule, e.before): e.count for e in edits}
    assert folded[("strip_indent", "  ")] == 2
    assert folded[("drop_empty_line", "")] == 2
    assert folded[("drop_empty_line", " ")] == 1
    assert folded[("line_break", "\r\n")] == 1
    assert folded[("collapse_spaces", "  ")] == 1
    assert folded[("collapse_spaces", "\t")] == 1
    assert folded[("strip_trailing", "  ")] == 1


def test_normalize_turns_every_line_separator_into_a_line_break():
    text = "同志们：\r今天，\u2028我们召开\u2029全市人才工作会议。\x85会议\r\n开始。"
    out, edits = normalize_paragraphs(text)
    assert out == "同志们：\n今天，\n我们召开\n全市人才工作会议。\n会议\n开始。"
    assert [(e.before, e.count) for e in edits] == [
        ("\r", 1),
        ("\u2028", 1),
        ("\u2029", 1),
        ("\x85", 1),
        ("\r\n", 1),
    ]


def test_normalize_leaves_clean_paragraphs_alone():
    text = "同志们：\n这次全市人才工作会议，是市委、市政府决定召开的一次十分重要的会议。"
    assert normalize_paragraphs(text) == (text, [])


# --- properties ----------------------------------------------------------------------------------------

# Characters of the seed cases, Chinese punctuation, digits, a few Latin letters, and plenty of spaces and
# line breaks, so that wraps, words across breaks and spaces inside words all come up.
CJK_HEAVY = st.sampled_from(
    list(
        "全市人才工作会议后普查明显存在最大限度国宏大重视单一结构第五篇同志们来源记者管理俄罗斯计划统筹推进目录序言年号次个"
    )
    + list("，。、：；！？“”（）《》")
    + list("0123456789AB")
    + [" "] * 8
    + ["\n"] * 4
    + ["\t", "\u3000"]
)
CJK_TEXT = st.one_of(
    st.text(CJK_HEAVY, max_size=200),
    st.lists(st.text(CJK_HEAVY, max_size=80), max_size=8).map("\n".join),
)
STEPS = [*LINE_STEPS, clean_lines]


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_no_step_raises(text):
    for step in STEPS:
        step(text)


@settings(max_examples=200, deadline=None)
@given(CJK_TEXT)
def test_each_step_and_the_composite_are_idempotent(text):
    for step in LINE_STEPS:
        once = step(text)[0]
        assert step(once) == (once, [])
    once = clean_lines(text)
    assert clean_lines(once) == once


@settings(max_examples=200, deadline=None)
@given(CJK_TEXT)
def test_the_composite_leaves_one_paragraph_per_line(text):
    out = clean_lines(text)
    assert "\r" not in out and "  " not in out
    if out:
        assert all(line and line == line.strip() for line in out.split("\n"))


# --- the word across a break: jieba's token, found without cutting the whole window ---------------------


def token_across(left: str, right: str) -> str | None:
    """The definition `_word_across` must meet: the Chinese token of jieba's cut that crosses the boundary."""
    if not left or not right:
        return None
    position = 0
    for word in jieba.lcut(left + right, HMM=False):
        end = position + len(word)
        if position < len(left) < end:
            return word if _HAN.search(word) else None
        position = end
    return None


def seed_windows(context: int = 6, every: int = 11) -> list[tuple[str, str]]:
    """The windows the steps look at in the seeds: every break, every space, and a cut every few characters."""
    windows = []
    for path in sorted(RAW.glob("*.txt")):
        lines = normalize_paragraphs(raw_after_earlier_steps(path.name))[0].split("\n")
        views = ["".join(line.split()) for line in lines]
        windows += [(a[-context:], b[:context]) for a, b in pairwise(views)]
        for line in lines:
            runs = line.split(" ")
            windows += [(a[-context:], b[:context]) for a, b in pairwise(runs)]
        text = "".join(views)
        windows += [
            (text[max(0, i - context) : i], text[i : i + context]) for i in range(1, len(text), every)
        ]
    return windows


def test_the_word_across_every_seed_break_and_space_is_jiebas():
    windows = seed_windows()
    found = [(left, right, token_across(left, right)) for left, right in windows]
    assert [_word_across(left, right) for left, right, _ in found] == [word for _, _, word in found]
    assert len(found) > 5000 and sum(word is not None for _, _, word in found) > 1000


# Chinese that jieba cuts as words, Chinese it splits into single characters (`㐀` extension A, `〇`,
# `鿖` past its range), and what it glues to Chinese or to each other (`A股`, `3.5%`, `-`).
WINDOW_TEXT = st.text(
    st.sampled_from(
        list("全市人才工作会议后普查明显存在最大限度国宏大重视单一结构管理俄罗斯计划统筹推进目录年号次股")
        + list("，。、：“”（）")
        + list("0123456789ABab.%-+#&_")
        + ["㐀", "〇", "鿖", "豈", " ", "\r", "\n", "\t"]
    ),
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(WINDOW_TEXT, WINDOW_TEXT)
def test_the_word_across_any_break_is_jiebas(left, right):
    assert _word_across(left, right) == token_across(left, right)


# --- rjieba cuts as jieba does: the same dictionary, routes, ties and unknown characters ----------------


def jieba_words() -> list[str]:
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as dictionary:
        return [line.split(" ", 1)[0] for line in dictionary]


def test_rjieba_knows_every_word_of_jiebas_dictionary():
    words = jieba_words()
    assert len(words) > 300_000
    assert [word for word in words if not rjieba.has_word(word)] == []


def test_rjieba_weighs_the_dictionary_as_jieba_does():
    """Three dictionary words run together, at every seventh word: each route weighs the frequencies of
    the words it could take."""
    words = jieba_words()
    runs = ["".join(words[i : i + 3]) for i in range(0, len(words) - 2, 7)]
    assert [rjieba.cut(run, False) for run in runs] == [jieba.lcut(run, HMM=False) for run in runs]


# Tiny dictionaries with counts of 1 to 3 over a tiny alphabet (`丁` unknown): exact ties everywhere.
TINY_DICTIONARY = st.dictionaries(
    st.text("甲乙丙", min_size=1, max_size=3), st.integers(1, 3), min_size=1, max_size=8
)


@settings(max_examples=300, deadline=None)
@given(TINY_DICTIONARY, st.text("甲乙丙丁", max_size=10))
def test_rjieba_breaks_ties_and_cuts_unknown_characters_as_jieba_does(words, text):
    ours, theirs = rjieba.Jieba.empty(), jieba.Tokenizer()
    theirs.FREQ, theirs.total, theirs.initialized = {}, 0, True
    for word, count in words.items():
        ours.add_word(word, count, None)
        theirs.add_word(word, count)
    assert ours.cut(text, False) == theirs.lcut(text, HMM=False)


def test_the_runs_cut_are_jiebas():
    every_character = "".join(map(chr, [*range(0xD800), *range(0xE000, 0x110000)]))
    runs = [run.span() for run in _JIEBA_RUN.finditer(every_character)]
    assert runs == [run.span() for run in jieba.re_han_default.finditer(every_character)]


# --- the space pattern -----------------------------------------------------------------------------------

SPACE_TEXT = st.text(
    st.sampled_from([" ", " ", "\t", "\u3000", "\xa0", "\n", "管", "理", "a", "。"]), max_size=12
)


@settings(max_examples=300, deadline=None)
@given(SPACE_TEXT, st.integers(0, 12))
def test_the_space_pattern_finds_what_the_plain_one_finds(text, position):
    """`_SPACES` starts with the space for speed; it must match exactly the runs the plain pattern does."""
    plain = re.compile(r"(?<=\S) +(?=\S)")
    found, expected = _SPACES.search(text, position), plain.search(text, position)
    assert (found and found.span()) == (expected and expected.span())
