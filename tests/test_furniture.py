from __future__ import annotations

import dataclasses
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.clean.furniture import (
    _ANYWHERE_CLUE,
    _ANYWHERE_RULES,
    _BULLET_ITEM,
    _BULLET_STARTS,
    _COPYRIGHT_HINT,
    _COPYRIGHT_MARK,
    _COPYRIGHT_WORDS,
    _EDITOR_KEY,
    _EDITOR_PAIR,
    _META_KEY_STARTS,
    _META_KEYS,
    _META_LEAD,
    _PHOTO_CREDIT,
    _PHOTO_HINT,
    _REPRINT_NOTICE,
    _VOCAB,
    _VOCAB_CASED,
    _VOCAB_SHAPE,
    _anywhere_hits,
    _button_bar,
    _first_hit,
    _Limits,
    _strip_buttons,
    _vocab_rule,
    _vocab_shaped,
    _vocab_tokens,
    find_recurring_lines,
    strip_furniture,
)

RAW = Path(__file__).resolve().parent.parent / "raw"
SEED_001 = (RAW / "001_f679da4d0439741e.txt").read_text(encoding="utf-8")
SEED_003 = (RAW / "003_74c78534f12b628a.txt").read_text(encoding="utf-8")
CLEAN_SEEDS = ["000_9f435189388a1e93.txt", "002_3b543c07da42147c.txt", "004_69a075c59e7323d5.txt"]

_BETWEEN_HAN = r"(?<=[\u4e00-\u9fff]){}(?=[\u4e00-\u9fff])"


def normalised(text: str) -> str:
    """A crude stand-in for the unicode step: `,` and `:` between Chinese characters become full-width."""
    text = re.sub(_BETWEEN_HAN.format(","), "，", text)
    return re.sub(_BETWEEN_HAN.format(":"), "：", text)


def visible_lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()]


def squash(line: str) -> str:
    return " ".join(line.split())


FURNITURE_001 = [
    "当前位置:主页 > 人才东莞 > 人才政策 >",
    "《关于进一步加强党管人才工作的实施方案》",
    "日期:2013-03-27 / 人气:",
    "东莞市关于进一步加强党管人才工作的实施方案",
    "编辑:管理员",
    "Copyright © 2010-2016 东莞人才发展研究院 ALL RIGHTS RESERVED 粤ICP备15113773号",
    "安全网站 网上报警",
]
BODY_001 = [
    "一、充分认识进一步加强我市党管人才工作的重要意义",
    "四、完善党管人才工作运行机制",
    "六、加强党管人才工作的保障措施",
]
FIRST_BODY_001 = "为贯彻落实《中共广东省委办公厅印发〈关于进一步加强我省党管人才工作的意见〉的通知》"
LAST_BODY_001 = "23.营造人才发展良好环境。加强政策引导和舆论宣传"

FURNITURE_003 = [
    "首页English",
    "• 时政",
    "• 国际",
    "• 军事",
    "• 光明报系",
    "• 更多>>",
    "• 报 纸",
    "杂 志",
    "光明日报 2014年11月01日 星期六",
    "人才聚焦",
    "“党管人才”的“微观践行”",
    "作者:于年中 桂昭明 《光明日报》( 2014年11月01日 11版)",
    "张家港市容 CFP",
    "光明日报社概况 | 关于光明网 | 报网动态 | 联系我们 | 法律声明 | 光明网邮箱 | 网站地图",
    "光明日报版权所有",
]
BODY_003 = [
    "——以江苏张家港市为例",
    "打破部门间“藩篱”",
    "破解资源碎片化难题",
    "实现社会力量广泛参与",
    "进入新世纪新阶段",
    "“三个层面”集合了方方面面的工作资源",
]
LAST_BODY_003 = "(作者单位:于年中,张家港市人才办;桂昭明,武汉工程大学人才发展研究中心)"


def seed_forms(text: str) -> list[str]:
    return [text, normalised(text)]


# --- the real seeds ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", seed_forms(SEED_001), ids=["raw", "normalised"])
def test_seed_001_loses_its_furniture_and_keeps_its_body(text):
    cleaned, found, _ = strip_furniture(text)
    left = visible_lines(cleaned)
    for line in FURNITURE_001:
        assert squash(normalised(line)) not in left and squash(line) not in left
    assert found["date"] == "2013-03-27"
    assert found["title"] in {
        "关于进一步加强党管人才工作的实施方案",
        "东莞市关于进一步加强党管人才工作的实施方案",
        "《关于进一步加强党管人才工作的实施方案》",
    }
    assert found["source"] == "东莞人才发展研究院"
    for line in BODY_001:
        assert line in left
    assert normalised(FIRST_BODY_001) in left[0]
    assert left[-1].startswith(normalised(LAST_BODY_001))
    # every body line of the page survives: only the furniture lines are gone
    assert len(left) == len(visible_lines(text)) - len(FURNITURE_001)


@pytest.mark.parametrize("text", seed_forms(SEED_003), ids=["raw", "normalised"])
def test_seed_003_loses_its_furniture_and_keeps_its_body(text):
    cleaned, found, _ = strip_furniture(text)
    left = visible_lines(cleaned)
    for line in FURNITURE_003:
        assert squash(normalised(line)) not in left and squash(line) not in left
    assert not any(line.startswith("•") for line in left)
    assert found["date"] == "2014-11-01"
    assert found["publisher"] == "光明日报"
    assert found["authors"] == ["于年中", "桂昭明"]
    assert "人才聚焦" in found["tags"]
    assert found["title"] == "“党管人才”的“微观践行”"
    for line in BODY_003:
        assert any(kept.startswith(line) for kept in left), line
    assert left[0] == "——以江苏张家港市为例"
    assert normalised(left[-1]) == normalised(LAST_BODY_003)
    # only the 30 furniture lines are gone: 首页English, 19 tab items, 更多, 报纸, 杂志, masthead,
    # column name, title, byline, photo credit, link bar, copyright
    assert len(left) == len(visible_lines(text)) - 30


@pytest.mark.parametrize("name", CLEAN_SEEDS)
@pytest.mark.parametrize("form", ["raw", "normalised"])
def test_seeds_without_furniture_lose_nothing(name, form):
    text = (RAW / name).read_text(encoding="utf-8")
    text = normalised(text) if form == "normalised" else text
    assert strip_furniture(text) == (text, {}, [])


@pytest.mark.parametrize("text", [SEED_001, SEED_003, normalised(SEED_001), normalised(SEED_003)])
def test_seeds_are_clean_after_one_pass(text):
    cleaned, _, _ = strip_furniture(text)
    assert strip_furniture(cleaned) == (cleaned, {}, [])


def test_every_removed_line_and_every_found_value_is_an_edit():
    cleaned, _, edits = strip_furniture(SEED_003)
    removed = [e for e in edits if e.field == "text"]
    assert all(e.step == "furniture" and e.after == "" and e.note for e in removed)
    assert len(SEED_003.split("\n")) - len(cleaned.split("\n")) == len(removed)
    rules = {squash(e.before): e.rule for e in removed}
    assert rules["首页English"] == "nav_bar"
    assert rules["• 时政"] == "nav_bar"
    assert rules["光明日报 2014年11月01日 星期六"] == "masthead"
    assert rules["人才聚焦"] == "column_name"
    assert rules["“党管人才”的“微观践行”"] == "title_line"
    assert rules["张家港市容 CFP"] == "photo_credit"
    assert rules["光明日报版权所有"] == "copyright"
    assert rules[squash("作者:于年中 桂昭明 《光明日报》( 2014年11月01日\xa011版)")] == "byline"
    recorded = [(e.field, e.after) for e in edits if e.field != "text"]
    assert ("date", "2014-11-01") in recorded
    assert ("authors", "于年中") in recorded and ("authors", "桂昭明") in recorded
    assert ("tags", "人才聚焦") in recorded
    date_edit = next(e for e in edits if e.field == "date")
    assert date_edit.rule == "date_from_furniture" and date_edit.before == ""
    assert date_edit.note == "光明日报 2014年11月01日 星期六"


def test_seed_001_rules():
    _, _, edits = strip_furniture(SEED_001)
    rules = {e.before: e.rule for e in edits if e.field == "text"}
    assert rules == {
        "当前位置:主页 > 人才东莞 > 人才政策 >": "breadcrumb",
        "《关于进一步加强党管人才工作的实施方案》": "title_line",
        "日期:2013-03-27 / 人气:": "view_counter",
        "东莞市关于进一步加强党管人才工作的实施方案": "title_line",
        "编辑:管理员": "editor_line",
        "Copyright © 2010-2016 东莞人才发展研究院 ALL RIGHTS RESERVED 粤ICP备15113773号": "copyright",
        "安全网站 网上报警": "link_bar",
    }


# --- a government page, written after gov.cn ------------------------------------------------------

GOV_TITLE = "国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见"
GOV_BODY = """国发〔2019〕5号
各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
　　在市场监管领域全面推行部门联合“双随机、一公开”监管，是深化“放管服”改革、加快转变政府职能的重要举措。现提出以下意见。
　　一、总体要求
　　（一）指导思想。以习近平新时代中国特色社会主义思想为指导，全面贯彻党的十九大精神，坚持以人民为中心的发展思想。
　　（二）基本原则。坚持依法监管，坚持公正高效，坚持协同推进，提高监管效能。
　　各地区、各部门要高度重视，加强组织领导，细化工作措施，确保各项任务落到实处。
国务院
2019年1月27日
（此件公开发布）"""
GOV_HEADER = """首页 | 简体 | 繁体 | EN | 登录 | 邮箱 | 无障碍
当前位置：首页 > 政策 > 最新
"""
GOV_FOOTER = """
【我要纠错】 责任编辑：张三
扫一扫在手机打开当前页
【字体：大 中 小】【打印本页】【关闭窗口】
相关稿件
国务院办公厅关于推广随机抽查规范事中事后监管的通知
2015-08-05
版权所有：中国政府网 | 关于本网 | 网站声明 | 联系我们 | 网站纠错
主办单位：国务院办公厅 运行维护单位：中国政府网运行中心
京ICP备05070218号 京公网安备11010202000001号
网站标识码bm01000001"""
# copy-pasted from the page's table: one key or one value per line, an empty 主题词
GOV_BLOCK_PER_LINE = f"""索 引 号：
000014349/2019-00015
主题分类：
综合政务\\通知
发文机关：
国务院
成文日期：
2019年01月27日
标　　题：
{GOV_TITLE}
发文字号：
国发〔2019〕5号
发布日期：
2019年02月15日
主  题  词：
"""
GOV_BLOCK_PAIRED = f"""索引号：000014349/2019-00015　　主题分类：综合政务\\通知
发文机关：国务院　　成文日期：2019-01-27
标题：{GOV_TITLE}
发文字号：国发〔2019〕5号　　发布日期：2019-02-15
主题词：市场监管 双随机；一公开
"""


def gov_page(block: str) -> str:
    return GOV_HEADER + block + "\n" + GOV_TITLE + "\n" + GOV_BODY + GOV_FOOTER


@pytest.mark.parametrize(
    ("block", "first_line"),
    [
        (GOV_BLOCK_PER_LINE, "索 引 号："),
        (GOV_BLOCK_PAIRED, "索引号：000014349/2019-00015 主题分类：综合政务\\通知"),
    ],
    ids=["per_line", "paired"],
)
def test_government_page(block, first_line):
    cleaned, found, edits = strip_furniture(gov_page(block))
    assert visible_lines(cleaned) == visible_lines(GOV_BODY)
    assert found["title"] == GOV_TITLE
    assert found["publisher"] == "国务院"
    assert found["date"] == "2019-01-27"  # 成文日期 wins over 发布日期
    assert found["doc_number"] == "国发〔2019〕5号"
    assert found["source"] == "中国政府网"
    assert found["tags"][0] == "综合政务\\通知"
    removed = {squash(e.before): e.rule for e in edits if e.field == "text"}
    assert removed[first_line] == "metadata_block"
    assert removed[GOV_TITLE] in {"title_line", "metadata_block"}
    assert removed["京ICP备05070218号 京公网安备11010202000001号"] == "icp"
    date_edit = next(e for e in edits if e.field == "date")
    assert "成文日期" in date_edit.note and "2019" in date_edit.note


def test_government_page_keywords_split_into_tags():
    _, found, _ = strip_furniture(gov_page(GOV_BLOCK_PAIRED))
    assert found["tags"] == ["综合政务\\通知", "市场监管", "双随机", "一公开"]


def test_empty_key_does_not_eat_the_first_body_line():
    # 主题词 is empty and the body starts right under it: the addressee, then prose
    page = "发文机关：国务院\n成文日期：2019年01月27日\n主题词：\n" + GOV_BODY.split("\n", 1)[1]
    cleaned, found, _ = strip_furniture(page)
    assert visible_lines(cleaned) == visible_lines(GOV_BODY.split("\n", 1)[1])
    assert found == {"date": "2019-01-27", "publisher": "国务院"}


def test_empty_key_followed_by_the_next_key():
    page = "索引号：\n主题分类：\n综合政务\n发文字号：\n成文日期：\n2019-01-27\n" + GOV_BODY
    cleaned, found, _ = strip_furniture(page)
    assert visible_lines(cleaned) == visible_lines(GOV_BODY)
    assert found["date"] == "2019-01-27" and found["tags"] == ["综合政务"]
    assert "doc_number" not in found


def test_a_value_of_the_wrong_shape_is_not_taken():
    body = GOV_BODY.split("\n", 1)[1]
    # 发文字号 is empty and the page's title follows: not a document number, so it is the title line
    cleaned, found, edits = strip_furniture(f"发文机关：国务院\n发文字号：\n{GOV_TITLE}\n{body}")
    assert "doc_number" not in found and found["title"] == GOV_TITLE
    assert visible_lines(cleaned) == visible_lines(body)
    assert [e.rule for e in edits if e.field == "text"] == ["metadata_block", "metadata_block", "title_line"]
    # 成文日期 is empty and the addressee follows: not a date, so it stays
    cleaned, found, _ = strip_furniture(f"发文机关：国务院\n成文日期：\n{body}")
    assert "date" not in found and visible_lines(cleaned) == visible_lines(body)


def test_one_key_alone_is_not_a_block():
    text = "关键词：人才；党管人才\n本文讨论党管人才原则在县市一级的实践，分析其成效与问题，并提出建议。"
    assert strip_furniture(text) == (text, {}, [])


# --- lines that must survive ----------------------------------------------------------------------

SURVIVORS = [
    "国务院",
    "2019年1月27日",
    "二○一○年六月四日",
    "来源：人力资源和社会保障部 2010年6月4日",
    "（中办发〔2012〕22号 2012年9月26日）",
    "同志们：",
    "打破部门间“藩篱”",
    "（一）指导方针",
    "目录",
    "目 录",
    "中共中央办公厅 国务院办公厅",
    "（作者单位：于年中，张家港市人才办）",
    "新华社记者",
]
PROSE = "为深入贯彻落实人才发展规划纲要，紧紧围绕发展目标，建设一流的科技创新队伍，提出以下意见。"


PROTECTED = [
    line
    for line in SURVIVORS
    if line not in {"打破部门间“藩篱”", "新华社记者", "来源：人力资源和社会保障部 2010年6月4日"}
]


def in_every_position(line: str) -> list[str]:
    return [
        f"当前位置：首页 > 政策\n关于加强人才工作的意见\n{line}\n{PROSE}\n{PROSE}",
        f"{PROSE}\n{line}\n{PROSE}",
        f"{PROSE}\n{line}\n光明日报版权所有",
    ]


@pytest.mark.parametrize("line", SURVIVORS)
def test_body_shapes_survive_in_header_middle_and_footer(line):
    for text in in_every_position(line):
        cleaned, _, _ = strip_furniture(text)
        assert line in cleaned.split("\n"), text


def test_a_wrapped_body_line_that_names_a_copyright_holder_survives():
    # A line of a hard-wrapped paragraph; the notice words stand in its second clause.
    line = "院士10人，光明日报版权所有，研究发展政策同时考虑开花终"
    for text in in_every_position(line):
        cleaned, found, _ = strip_furniture(text)
        assert line in cleaned.split("\n"), text
        assert found.get("source") in (None, "光明日报")  # the footer's, when there is one


@pytest.mark.parametrize(
    "line", ["版权所有人享有复制权、发行权和信息网络传播权", "版权所有者可以许可他人行使上述权利"]
)
def test_a_line_about_the_copyright_owner_survives(line):
    for text in in_every_position(line):
        cleaned, _, _ = strip_furniture(text)
        assert line in cleaned.split("\n"), text


def test_a_notice_that_goes_on_after_its_first_clause_is_still_removed():
    text = f"{PROSE}\n人民网股份有限公司版权所有，未经书面授权禁止使用"
    cleaned, found, edits = strip_furniture(text)
    assert cleaned == PROSE
    assert [e.rule for e in edits if e.field == "text"] == ["copyright"]
    assert found == {"source": "人民网股份有限公司"}


@pytest.mark.parametrize("line", PROTECTED)
def test_protected_shapes_survive_even_when_recurring(line):
    for text in in_every_position(line):
        cleaned, _, _ = strip_furniture(text, frozenset({squash(line)}))
        assert line in cleaned.split("\n"), text


def test_plain_document_keeps_its_title_line():
    text = f"关于贯彻落实人才发展规划纲要的意见\n人事教育局\n院属各单位、院机关各部门：\n{PROSE}"
    assert strip_furniture(text) == (text, {}, [])


# --- furniture of other sites ---------------------------------------------------------------------

OTHER_SITES = [
    ("您现在的位置：首页 > 新闻中心 > 工作动态", "breadcrumb"),
    ("首页 > 政务公开 > 政策文件", "breadcrumb"),
    ("发布时间：2019-01-27 10:31 来源：人民网 浏览次数：", "view_counter"),
    ("2019-01-27 10:31:22 来源：新华社 【字体：大 中 小】", "page_info"),
    ("发布日期：2019年01月27日", "page_info"),
    ("本报记者 张三 李四", "byline"),
    ("【字体：大 中 小】", "print_close"),
    ("【打印本页】【关闭窗口】", "print_close"),
    ("[打印] [关闭]", "print_close"),
    ("分享到：微信 微博 QQ空间", "share_prompt"),
    ("扫一扫在手机打开当前页", "share_prompt"),
    ("京公网安备11010202000001号", "icp"),
    ("网站标识码：4419000001 粤ICP备05016342号", "icp"),
    ("上一篇：关于做好2019年人才工作的通知", "nav_bar"),
    ("（责任编辑：王五）", "editor_line"),
    ("责任编辑：张三 审核：李四", "editor_line"),
    ("（新华社记者 李学仁 摄）", "photo_credit"),
    ("图片来源：视觉中国", "photo_credit"),
    ("网站地图 | 联系我们 | 法律声明", "link_bar"),
    ("设为首页 加入收藏", "nav_bar"),
    ("返回顶部", "nav_bar"),
    ("本文链接：http://www.gov.cn/zhengce/content/2019-02/15/content_5365878.htm", "url_line"),
    ("技术支持：某某科技有限公司", "site_info"),
    ("您是第1234567位访客", "view_counter"),
    ("今天是：2019年1月27日 星期日", "date_widget"),
    ("未经书面许可不得转载", "copyright"),
]


@pytest.mark.parametrize(("line", "rule"), OTHER_SITES)
def test_furniture_of_other_sites_in_header_and_footer(line, rule):
    for text in (f"{line}\n{PROSE}", f"{PROSE}\n{line}", normalised(f"{line}\n{PROSE}")):
        cleaned, _, edits = strip_furniture(text)
        assert visible_lines(cleaned) == [PROSE]
        assert [e.rule for e in edits if e.field == "text"] == [rule], text


def test_found_values_from_other_sites():
    page = (
        "发布时间：2019-01-27 10:31 来源：人民日报 浏览次数：12\n"
        f"{PROSE}\n"
        "本文链接：http://www.gov.cn/zhengce/content/2019-02/15/content_5365878.htm\n"
        "网站标识码：4419000001 粤ICP备05016342号 东莞市人民政府网站"
    )
    _, found, _ = strip_furniture(page)
    assert found == {
        "date": "2019-01-27",
        "publisher": "人民日报",
        "source": "东莞市人民政府网站",
        "url": "http://www.gov.cn/zhengce/content/2019-02/15/content_5365878.htm",
    }


def test_weak_evidence_is_ignored_in_the_middle():
    for line in [
        "光明日报社概况 | 关于光明网 | 报网动态",
        "返回顶部",
        "发布日期：2019年01月27日",
        "• 时政\n• 国际\n• 军事",
    ]:
        text = f"{PROSE}\n{line}\n{PROSE}"
        assert strip_furniture(text) == (text, {}, [])


def test_strong_evidence_holds_in_the_middle():
    text = f"{PROSE}\n【打印本页】【关闭窗口】\n{PROSE}\n（责任编辑：王五）\n{PROSE}"
    cleaned, _, edits = strip_furniture(text)
    assert cleaned == f"{PROSE}\n{PROSE}\n{PROSE}"
    assert [e.rule for e in edits] == ["print_close", "editor_line"]


def test_source_note_with_a_clock_time_is_page_furniture():
    cleaned, found, _ = strip_furniture(f"来源：新华社 2019-01-27 10:31\n{PROSE}")
    assert cleaned == PROSE and found == {"date": "2019-01-27", "publisher": "新华社"}


NEWS_PAGE = """人民网首页
频道 | 时政 | 国际 | 财经 | 地方
人民网>>时政>>高层动态
习近平在中央人才工作会议上强调 深入实施新时代人才强国战略
2021年09月28日19:57 | 来源：新华社
小字号
新华社北京9月28日电 中央人才工作会议27日至28日在北京召开。习近平出席会议并发表重要讲话。
习近平强调，要坚持党管人才，坚持面向世界科技前沿、面向经济主战场，深入实施新时代人才强国战略。
（责编：王震、岳弘彬）
分享让更多人看到
推荐阅读
中央人才工作会议召开
2021-09-28
人民日报社概况|关于人民网|报社招聘|广告服务|网站声明|网站地图|留言板
人 民 网 股 份 有 限 公 司 版 权 所 有 ，未 经 书 面 授 权 禁 止 使 用
Copyright © 1997-2021 by www.people.com.cn. all rights reserved"""

NEWSPAPER_PAGE = """广东省人民政府门户网站
首页 新闻中心 政务公开 办事服务 互动交流
中国组织人事报
2019年01月28日 第03版
第03版：人才
本报记者 张三 李四
组工干部要当好人才“伯乐”
　　近年来，各地组织部门坚持党管人才原则，创新人才工作方式方法，涌现出一批好经验好做法。
　　（作者单位：中共某某市委组织部）
地址：广州市越秀区 邮编：510000 电话：020-12345678"""


def test_news_page():
    cleaned, found, _ = strip_furniture(NEWS_PAGE)
    assert visible_lines(cleaned) == visible_lines(NEWS_PAGE)[6:8]
    assert found == {
        "title": "习近平在中央人才工作会议上强调 深入实施新时代人才强国战略",
        "date": "2021-09-28",
        "publisher": "新华社",
        "source": "人民网股份有限公司",
    }


def test_newspaper_page_with_masthead_on_two_lines():
    cleaned, found, edits = strip_furniture(NEWSPAPER_PAGE)
    assert visible_lines(cleaned) == visible_lines(NEWSPAPER_PAGE)[7:9]
    assert found == {
        "title": "组工干部要当好人才“伯乐”",
        "date": "2019-01-28",
        "publisher": "中国组织人事报",
        "source": "广东省人民政府门户网站",
        "authors": ["张三", "李四"],
        "tags": ["人才"],
    }
    rules = [e.rule for e in edits if e.field == "text"]
    assert rules == [
        "site_name",
        "nav_bar",
        "masthead",
        "masthead",
        "masthead",
        "byline",
        "title_line",
        "site_info",
    ]


def test_signatures_of_several_issuers_survive_in_the_footer():
    text = f"{PROSE}\n中共中央 国务院 全国人大 全国政协 中央军委\n2019年1月27日"
    assert strip_furniture(text) == (text, {}, [])


# --- recurring lines ------------------------------------------------------------------------------


def site_pages(n: int) -> list[str]:
    return [
        f"联系我们\n主办：某市人才工作领导小组办公室\n第{i}号通知\n同志们：\n{PROSE}第{i}项。\n"
        "一、总体要求\n国务院\n2019年1月27日\n本站信息仅供参考"
        for i in range(n)
    ]


def test_find_recurring_lines_keeps_furniture_only():
    found = find_recurring_lines(site_pages(30))
    assert found == frozenset({"联系我们", "主办：某市人才工作领导小组办公室", "本站信息仅供参考"})


def test_a_sentence_end_that_a_hard_wrap_left_on_its_own_line_is_not_furniture():
    # `…解决实实在在的战略之举\n。`: wrapped at a fixed width, many pages have a line of just `。`.
    pages = [page.replace(f"第{i}项。", f"第{i}项\n。\n”；") for i, page in enumerate(site_pages(30))]
    assert find_recurring_lines(pages) == find_recurring_lines(site_pages(30))


def test_lines_shared_by_a_few_drafts_are_not_evidence():
    drafts = site_pages(5) + [f"独立文件{i}\n{PROSE}" for i in range(95)]
    assert find_recurring_lines(drafts) == frozenset()


def test_recurring_needs_a_share_of_the_corpus():
    texts = site_pages(25) + [f"独立文件{i}\n{PROSE}" for i in range(400)]
    assert find_recurring_lines(texts) == frozenset()
    assert "联系我们" in find_recurring_lines(texts, min_share=0.05)


def test_recurring_lines_are_removed_in_header_and_footer_only():
    recurring = find_recurring_lines(site_pages(30))
    text = f"本站信息仅供参考\n{PROSE}\n本站信息仅供参考\n{PROSE}\n国务院\n本站信息仅供参考"
    cleaned, _, edits = strip_furniture(text, recurring)
    assert cleaned == f"{PROSE}\n本站信息仅供参考\n{PROSE}\n国务院"
    assert [e.rule for e in edits] == ["recurring_line", "recurring_line"]


# --- quick checks: most lines skip a rule on one character test, which must never skip furniture -------

# Notices whose only evidence is spaced out or in an unusual case, so a quick check that missed them shows.
ODD_FURNITURE = [
    ("人 民 网 版 权 所 有", "copyright"),
    ("某某网 ALL RIGHTS RESERVED", "copyright"),
    ("COPYRıGHT 2019 某某网", "copyright"),
    ("未 经 许 可 不 得 转 载", "copyright"),
    ("张家港市容 ıC photo", "photo_credit"),
    ("张家港市容 İC PHOTO", "photo_credit"),
    ("张家港市容 Getty Images", "photo_credit"),
    ("新华社发", "photo_credit"),
    ("编辑【打印本页】：张三", "editor_line"),
    ("ENGLISH | 首页 | RSS", "nav_bar"),
    ("【打印本页】 【关闭窗口】", "print_close"),
]


@pytest.mark.parametrize(("line", "rule"), ODD_FURNITURE)
def test_odd_furniture_holds_in_the_middle(line, rule):
    cleaned, _, edits = strip_furniture(f"{PROSE}\n{line}\n{PROSE}")
    assert cleaned == f"{PROSE}\n{PROSE}"
    assert [e.rule for e in edits if e.field == "text"] == [rule]


def test_quick_checks_know_every_case_of_their_letters():
    # `copyright`, `all rights reserved`, `CFP`, `IC photo` and `Getty` are matched ignoring case, and
    # characters beyond ASCII can match their first letters that way (`ı` and `İ` match `i`)
    every_char = "".join(map(chr, range(sys.maxunicode + 1)))
    for letters, hint in (("[ca]", _COPYRIGHT_HINT), ("[cig]", _PHOTO_HINT)):
        cased = "".join(re.findall(letters, every_char, re.I))
        assert cased and hint.sub("", cased) == "", cased


def lines_of(words: str, *pieces: str) -> st.SearchStrategy[str]:
    """Lines made of these words and pieces, in any case, spaced out or not, with a little noise."""
    piece = st.sampled_from([*words.split(), *pieces])
    parts = st.lists(st.one_of(piece, piece.map(str.upper), st.text(max_size=2)), max_size=8)
    return st.tuples(parts, st.sampled_from(["", " ", "　"])).map(lambda p: p[1].join(p[0]))


# characters that change under case rules, or match another one ignoring case
ODD_CASES = " ı İ ſ K Σ"


@settings(max_examples=200, deadline=None)
@given(
    lines_of(
        "版权所有 版权归 版 权 copyright all rights reserved © 未经 许可 同意 转载 转载请注明 如有侵权 请联系删除"
        " 人民网" + ODD_CASES
    )
)
def test_copyright_quick_check_passes_every_notice(s):
    packed = "".join(s.split())
    if _COPYRIGHT_MARK.search(s) or _COPYRIGHT_WORDS.search(packed) or _REPRINT_NOTICE.search(packed):
        assert _COPYRIGHT_HINT.search(s)


@settings(max_examples=200, deadline=None)
@given(
    lines_of(
        "CFP IC photo 视觉中国 东方IC 图虫创意 Getty Images 新华社发 资料图片 供图 摄 图片来源 摄影 图"
        " 张三 （ ） ( ) ： / 拍" + ODD_CASES
    )
)
def test_photo_quick_check_passes_every_credit(s):
    if _PHOTO_CREDIT.search(s):
        assert _PHOTO_HINT.search(s)


@settings(max_examples=200, deadline=None)
@given(lines_of("责任编辑 编辑 编 辑 责编 审核 校对 一审 ： : 【打印】 【我要纠错】 【张三】 张三 、 |"))
def test_editor_quick_check_passes_every_credit(s):
    if _EDITOR_PAIR.search(_strip_buttons(s)):
        assert (":" in s or "：" in s) and _EDITOR_KEY.search(s)


@settings(max_examples=200, deadline=None)
@given(lines_of("| 【 】 > · 。 的" + ODD_CASES, *_VOCAB))
def test_furniture_words_quick_check_passes_every_bar(s):
    if _vocab_rule(_vocab_tokens(s)):
        assert _VOCAB_SHAPE.fullmatch(s.lower())


# --- properties -----------------------------------------------------------------------------------

LINES = sorted(
    {line for text in (SEED_001, SEED_003) for line in text.split("\n")}
    | set(FURNITURE_003)
    | set(SURVIVORS)
    | {line for line, _ in OTHER_SITES}
    | set(gov_page(GOV_BLOCK_PER_LINE).split("\n"))
    | set(gov_page(GOV_BLOCK_PAIRED).split("\n"))
    | set(NEWS_PAGE.split("\n"))
    | set(NEWSPAPER_PAGE.split("\n"))
    | {"", "  ", "相关链接", "索引号", "标题", "2019年01月27日", "综合政务", "国发〔2019〕3号", PROSE}
)
page_like = st.lists(st.sampled_from(LINES), max_size=40).map("\n".join)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_never_raises_and_is_idempotent_on_any_text(text):
    cleaned, found, edits = strip_furniture(text)
    assert isinstance(found, dict) and all(e.step == "furniture" for e in edits)
    assert strip_furniture(cleaned)[0] == cleaned


@settings(max_examples=200, deadline=None)
@given(page_like)
def test_idempotent_on_shuffled_page_lines(text):
    cleaned, _, edits = strip_furniture(text)
    assert strip_furniture(cleaned) == (cleaned, {}, [])
    # the removed lines and the kept lines are exactly the lines of the page
    remaining = Counter(text.split("\n"))
    remaining.subtract(e.before for e in edits if e.field == "text")
    assert min(remaining.values()) >= 0
    assert +remaining == Counter(cleaned.split("\n")) or (cleaned == "" and not +remaining)


# --- fast paths: a cheap look at a line stands in for the rules only where no rule could hold -------------

DEFAULT_LIMITS = _Limits(
    max_furniture_chars=150,
    max_nav_item_chars=8,
    min_nav_run=3,
    max_absorbed_chars=4,
    min_prose_chars=20,
    min_title_chars=5,
    max_title_chars=80,
    max_column_chars=8,
)
# so long that no rule's length bound keeps it from reading the line
NO_LENGTH_BOUND = dataclasses.replace(DEFAULT_LIMITS, max_furniture_chars=10**6)

ANYWHERE_WORDS = (
    "版权所有 版权归 版 权 copyright all rights reserved © 未经 书面 许可 授权 不得 转载 转载请注明 如有侵权"
    " 请联系删除 ICP 备 证 号 15113773 -1 公网安备 网站标识码 bm01000001 扫一扫 扫描二维码 扫码关注 分享到"
    " 分享 一键分享 在手机上打开 在手机 当前 您现在的 位置 上一篇 下一篇 上一页 前一篇 后一篇 无 责任编辑"
    " 编辑 审核 张三 CFP IC photo 视觉中国 东方IC 图虫创意 Getty Images 新华社发 资料图片 供图 摄 图片来源"
    " 图 拍 （ ） ( ) 【 】 [ ] ： : / 人民网 微信 打印"
)


@settings(max_examples=300, deadline=None)
@given(lines_of(ANYWHERE_WORDS + ODD_CASES))
def test_anywhere_quick_check_passes_every_rule(s):
    # `_button_bar` has its own quick check, `_VOCAB_CASED`
    for limits in (DEFAULT_LIMITS, NO_LENGTH_BOUND):
        if any(rule(s, limits) for rule in _ANYWHERE_RULES if rule is not _button_bar):
            assert _ANYWHERE_CLUE.search(s), s


def test_anywhere_quick_check_knows_every_case_and_space():
    every_char = "".join(map(chr, range(sys.maxunicode + 1)))
    # the first letters of `copyright`, `all rights reserved`, `ICP`, `CFP`, `IC photo` and `Getty` in any case
    cased = "".join(re.findall("[acgi]", every_char, re.I))
    assert _ANYWHERE_CLUE.sub("", cased) == ""
    # `版 权` is `版权` once `str.split` whitespace is gone, and the quick check reads it with `\s`
    assert re.sub(r"\s", "", every_char) == "".join(every_char.split())


# one line for each clue of the anywhere rules, with no other clue on it
CLUE_LINES = [
    *("上一篇", "【下一篇】", "上一条", "下一条", "上一页", "下一页", "前一篇", "后一篇"),
    *("扫一扫", "扫码关注", "一键分享", "在手机上打开"),
    *("视觉中国", "新华社发", "资料图", "张三 摄", "（张三摄）", "图：张三", "张家港市容 ıC photo"),
    *("版权所有", "版 权 归 人民网", "如有侵权", "请联系删除", "转载请注明出处", "未经授权禁止使用"),
    *("粤ICP备15113773号", "粤ıcp备15113773号", "京公网安备11010202000001号", "网站标识码bm01000001"),
    *("ALL RIGHTS RESERVED", "copyright 人民网", "您现在的位置：首页"),
]


def odd_lines() -> list[str]:
    """Lines past the quick checks' length tiers, and furniture in every shape the rules know."""
    return [
        PROSE * 3,
        "责任编辑：张三 " * 12,
        "编辑：张三 审核：李四 " * 10,
        "【打印本页】" * 30,
        "首页 | English | RSS " * 10,
        "Copyright © 2010-2016 东莞人才发展研究院 " * 5,
        "张家港市容 " * 25 + "CFP",
        "分享到：微信 微博" + " " * 40,
        *(line for line, _ in ODD_FURNITURE),
        *CLUE_LINES,
    ]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(LINES + odd_lines()), lines_of(ANYWHERE_WORDS + ODD_CASES))))
def test_anywhere_hits_are_the_rules_asked_one_by_one(lines):
    for limits in (DEFAULT_LIMITS, NO_LENGTH_BOUND):
        expected = {
            i: hit for i, s in enumerate(lines) if s and (hit := _first_hit(_ANYWHERE_RULES, s, limits))
        }
        assert _anywhere_hits(lines, limits) == expected


def test_anywhere_hits_on_the_known_lines():
    lines = LINES + odd_lines()
    expected = {
        i: hit for i, s in enumerate(lines) if s and (hit := _first_hit(_ANYWHERE_RULES, s, DEFAULT_LIMITS))
    }
    assert len(expected) >= 20
    assert _anywhere_hits(lines, DEFAULT_LIMITS) == expected


def test_furniture_shape_before_lower_casing_knows_every_case():
    # a character outside `_VOCAB_CASED` never lower-cases into furniture characters; `Σ` lower-cases
    # to `ς` at the end of a word, which `str.lower` of the character alone does not show
    every_char = "".join(map(chr, range(sys.maxunicode + 1)))
    changing = [c for c in every_char if c.lower() != c]
    assert [c for c in changing if _VOCAB_SHAPE.fullmatch(c.lower()) and not _VOCAB_CASED.fullmatch(c)] == []
    assert not _VOCAB_SHAPE.fullmatch("ς") and not _VOCAB_SHAPE.fullmatch("σ")


@settings(max_examples=300, deadline=None)
@given(lines_of("| 【 】 > · 。 的 ΣΑ" + ODD_CASES, *_VOCAB))
def test_furniture_shape_is_the_lower_cased_line(s):
    assert _vocab_shaped(s) == bool(_VOCAB_SHAPE.fullmatch(s.lower()))


@settings(max_examples=200, deadline=None)
@given(lines_of(" ".join([*_META_KEYS, "索 引 号", "标　　题", "：", ":", "国务院", "综合政务"]) + ODD_CASES))
def test_metadata_key_opens_with_a_known_character(s):
    if _META_LEAD.match(s):
        assert s[:1] in _META_KEY_STARTS


def test_bullet_item_opens_with_a_bullet():
    for line in ("• 时政", "· 更多>>", "▶国际", "■ 报 纸"):
        assert _BULLET_ITEM.match(line) and line[:1] in _BULLET_STARTS
    assert all(_BULLET_ITEM.match(bullet + " 时政") for bullet in _BULLET_STARTS)


def test_pages_of_one_site_are_read_alike():
    # rule verdicts are remembered across pages; a page read again gives the same result
    page = NEWS_PAGE + "\n" + gov_page(GOV_BLOCK_PAIRED)
    first = strip_furniture(page)
    assert first[2] and strip_furniture(page) == first
    assert strip_furniture(page, max_furniture_chars=10) != first
