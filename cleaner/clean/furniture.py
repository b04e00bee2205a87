"""Web page furniture: remove it from the text and carry what it says into columns.

Scraped pages keep lines that belong to the site, not to the document: navigation and tab bars,
breadcrumbs, `日期:2013-03-27 / 人气:` info lines, editor lines, copyright, ICP and 公网安备 footers,
print/close buttons, share prompts, photo credits, newspaper mastheads, bylines, government metadata
blocks (`索引号` `主题分类` `发文机关` ...) and the page's own title line. `strip_furniture` removes them
and returns what they say (title, date, publisher, source, authors, tags, doc_number, url), so the
pipeline can fill empty columns instead of losing it.

Where a line may be removed:
- anywhere, when its shape cannot be body text: copyright notices, registration numbers (ICP, 公网安备,
  网站标识码), share prompts, print/close/font buttons, `当前位置：` breadcrumbs, editor lines, photo
  credits, 上一篇/下一篇 links, and metadata blocks of at least two known keys;
- only in the page header (before the first prose line) or footer (after the last prose line), on
  weaker evidence: tab bars, separator-dense link bars and breadcrumbs, info lines and bylines,
  mastheads, recurring lines, site info, related-link lists, the title line and the column name above
  it.
A prose line is long and has sentence punctuation, so headings, list items, signatures and source notes
between the first and last prose lines are never looked at by the weaker rules. In the header and footer,
salutations (`同志们：`), list items, headings (`目录`), dates, organisation names (`国务院`),
document numbers and bracketed notes are protected from the rules that judge by position or recurrence.

The title line: when the header holds furniture, the line that is the page's title (and any copy of it,
e.g. `《关于…方案》` and `东莞市关于…方案`) is removed and its text goes to the `title` column, which
carries it; keeping it would duplicate it. The longest copy is the title. A subtitle (`——以江苏张家港市为例`)
stays in the text: it is a line of the article, and gluing it to the title would make a title the page
never had. Without header furniture nothing is taken as a title, so a plain document keeps its first line.

Blank lines are left for the lines step, so every removal is exactly one line and one edit.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cleaner.documents import Edit

STEP = "furniture"

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{_CJK}]")

# How far a found value is trusted, best first: the document's own metadata (成文日期, 发文机关,
# 标题, the copyright holder), what the newspaper printed (masthead, byline), what the web page added
# (发布时间, 来源, registration lines).
_DECLARED, _PRINTED, _PAGE = 0, 1, 2

_SCALAR_FIELDS = ("title", "date", "publisher", "source", "doc_number", "url")
_LIST_FIELDS = ("authors", "tags")

# --- shapes --------------------------------------------------------------------------------------

# `2013-03-27`, `2014年11月01日`, `2019/1/27`, `2019.01.27`
_DATE_PATTERN = (
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:年|[-/.．])\s*(?P<m>\d{1,2})\s*(?:月|[-/.．])"
    r"\s*(?P<d>\d{1,2})(?!\d)\s*日?"
)
_DATE = re.compile(_DATE_PATTERN)
# `10:31`, `10：31：22`
_TIME_PATTERN = r"(?<!\d)\d{1,2}[:：]\d{2}(?:[:：]\d{2})?(?!\d)"
_TIME = re.compile(_TIME_PATTERN)
# `星期六`, `周日`
_WEEKDAY_PATTERN = r"(?:星期|周)[一二三四五六日天]"
# A date alone, as a signature or dateline: `2019年1月27日`, `（2012年9月26日）`
_DATE_ONLY = re.compile(rf"^[（(]?\s*{_DATE_PATTERN}\s*[)）]?$")
# A page timestamp: `2019-01-27 10:31:22`, `2014年11月01日 星期六`
_DATETIME_ONLY = re.compile(
    rf"^[（(]?\s*{_DATE_PATTERN}\s*(?:{_TIME_PATTERN})?\s*(?:{_WEEKDAY_PATTERN})?\s*[)）]?$"
)
# `二○一○年六月四日`
_CN_DATE_ONLY = re.compile(
    r"^[（(]?[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日[)）]?$"
)
# `国发〔2019〕3号`, `中办发〔2012〕22号`, `人社部发[2010]40号`
_DOC_NUMBER = re.compile(
    rf"[{_CJK}]{{1,12}}\s*[〔\[［(（]\s*(?:19|20)\d{{2}}\s*[〕\]］)）]\s*第?\s*\d{{1,5}}\s*号"
)
# `000014349/2019-00015`, `11440300MB2C92/2020-00123`
_INDEX_VALUE = re.compile(r"[0-9A-Za-z][0-9A-Za-z\-_/.．·]{3,60}")

# `（一）指导方针`, `一、充分认识…`, `1.加强…`, `第三章 …`
_LIST_ITEM = re.compile(
    r"^(?:[（(][一二三四五六七八九十百零〇\d]{1,4}[)）]|[一二三四五六七八九十百]{1,3}[、.．]"
    r"|\d{1,3}[、.．](?!\d)|第[一二三四五六七八九十百零〇\d]{1,4}[章节条篇部分编款])"
)
_HEADING_WORDS = frozenset(
    {"目录", "序言", "前言", "引言", "附件", "附录", "说明", "后记", "结束语", "正文", "全文"}
)
# `国务院`, `人力资源和社会保障部`, `光明日报社`: a signature or issuer, never furniture by position alone
_ORG_NAME = re.compile(
    rf"[{_CJK}]{{1,30}}(?:部|厅|局|委|院|会|办|府|室|处|署|中心|党委|党组|公司|集团|大学|学院|社|所)"
)
# `（此件公开发布）`, `（中办发〔2012〕22号 2012年9月26日）`, `（作者单位：…）`
_BRACKETED_NOTE = re.compile(r"^[（(].*[)）]$")
# What a hard wrap leaves on a line of its own, the end of a sentence: `。`, `”。`, `）；`.
_SENTENCE_TAIL = re.compile(r"[，。、；：！？…”’）》」』,.;:!?)\s]+")
# A prose line has `。` or two clause marks: `为贯彻落实…精神,更好实施人才东莞战略,特制定本实施方案。`
_SENTENCE_END = re.compile(r"[。！？!?]")
_CLAUSE_MARK = re.compile(r"[，,；;]")

# --- vocabulary: words that on their own make a line furniture --------------------------------------

_NAV_WORDS = """首页 主页 网站首页 返回首页 回到首页 english 中文 中文版 英文版 简体 繁体 繁體 简体中文
繁體中文 无障碍 无障碍浏览 长者模式 关怀版 适老化 登录 登陆 注册 退出 搜索 检索 高级搜索 高级检索
站内搜索 全文检索 请输入关键字 请输入关键词 更多 导航 网站导航 手机版 移动版 客户端 设为首页 加入收藏
收藏本站 报纸 杂志 数字报 电子报 电子版 往期回顾 版面导航 上一版 下一版 返回 返回顶部 返回列表 返回上页
返回上一页 顶部 打开 rss wap app"""
_LINK_WORDS = """网站地图 站点地图 联系我们 关于我们 关于本网 本网介绍 网站声明 法律声明 免责声明
版权声明 隐私政策 隐私声明 使用帮助 帮助 网站纠错 意见反馈 网上报警 安全网站 可信网站 诚信网站
不良信息举报 违法和不良信息举报 举报中心 网站说明 网站管理 招聘信息 广告服务 投稿 订阅 友情链接 网站简介
网站介绍 服务条款 用户协议 政务微博 政务微信 网站支持ipv6 ipv6"""
_PRINT_WORDS = """打印 打印本页 打印此页 打印文章 打印正文 打印页面 关闭 关闭窗口 关闭本页 关闭页面 收藏
字体 字号 大 中 小 默认 放大 缩小 大字号 中字号 小字号 默认字号 保存 下载 纠错 我要纠错 视力保护色
背景色 朗读 全文朗读"""
_SHARE_WORDS = """分享 分享到 转发 扫一扫 微信 微博 新浪微博 腾讯微博 qq qq空间 空间 朋友圈 二维码 豆瓣
人人网 抖音 头条"""
_VOCAB: dict[str, str] = {
    word: rule
    for rule, words in (
        ("nav_bar", _NAV_WORDS),
        ("link_bar", _LINK_WORDS),
        ("print_close", _PRINT_WORDS),
        ("share_prompt", _SHARE_WORDS),
    )
    for word in words.split()
}
# Furniture words are read between separators and brackets: `【打印本页】【关闭窗口】`, `首页 | English`
_VOCAB_SEPARATORS = r"\s|｜丨│┊•·▪>＞»›→/／\\【】\[\]()（）<>《》:：,，、;；—\-_=+*#~!！?？。.…\"“”'‘’"
_VOCAB_SPLIT = re.compile(f"[{_VOCAB_SEPARATORS}]+")
_VOCAB_CHARS = "".join(sorted({char for word in _VOCAB for char in word}))
# A line of furniture words has, once lower-cased, only their characters and separators: `【打印本页】`.
# Most lines fail this at their first characters, before any word is looked up.
_VOCAB_SHAPE = re.compile(f"[{_VOCAB_SEPARATORS}{re.escape(_VOCAB_CHARS)}]*")
# The same before lower-casing, so that body lines fail it without being lower-cased: the characters whose
# lower case is in `_VOCAB_SHAPE`. The words are lower case and their only letters ASCII, so these are
# their characters in both cases (`İ` lower-cases to `i` and a combining dot, `Σ` to `σ` or `ς`, and none
# of those is a furniture character).
_VOCAB_CASED = re.compile(f"[{_VOCAB_SEPARATORS}{re.escape(_VOCAB_CHARS + _VOCAB_CHARS.upper())}]*")
# and between scripts: `首页English` -> `首页`, `English`
_SCRIPT_RUN = re.compile(rf"[{_CJK}]+|[A-Za-z0-9]+|[^{_CJK}A-Za-z0-9]")
# A button in brackets inside another line: `【我要纠错】`, `【字体：大 中 小】`, `[打印]`
_BRACKET_GROUP = re.compile(r"[【\[]([^【】\[\]]{0,24})[】\]]")

# --- anywhere rules --------------------------------------------------------------------------------

# `Copyright © 2010-2016 东莞人才发展研究院 ALL RIGHTS RESERVED`
_COPYRIGHT_MARK = re.compile(r"©|copyright|all\s+rights\s+reserved", re.I)
# `光明日报版权所有`, `版权归中国政府网所有`; not the nouns `版权所有人`, `版权所有者` (copyright owner) and
# `版权所有权`, which are prose (`版权所有人享有下列权利`).
_COPYRIGHT_WORDS = re.compile(r"版权所有(?![人者权])|版权归")
# Notice words stand in the first clause of a notice (`人民网版权所有，未经书面授权禁止使用`); in a later one
# they are prose (`院士10人，光明日报版权所有，研究…`, a line of a hard-wrapped paragraph).
_FIRST_CLAUSE = re.compile(r"[^，。；,;]*")
# `未经书面许可不得转载`, `转载请注明出处`, `如有侵权请联系删除`
_REPRINT_NOTICE = re.compile(
    r"未经.{0,12}(?:许可|授权|同意).{0,12}(?:转载|复制|镜像|使用)|转载请注明|如有侵权|请联系删除"
)
# Every notice above has one of these characters, spaced out or not: `版 权 所 有` has `版`, `未经…许可`
# has `未`, `copyright` its `c` and `all rights reserved` its `a`, which no other character matches
# case-insensitively.
_COPYRIGHT_HINT = re.compile(r"[©版未转侵删cCaA]")
# `粤ICP备15113773号`, `京ICP证030173号-1`, `京公网安备11010202000001号`, `网站标识码bm01000001`
_REGISTRATION = re.compile(
    r"ICP\s*[备证]\s*[A-Za-z]*\d[\dA-Za-z\-]*\s*号?(?:\s*-\s*\d+)?|公网安备\s*\d+\s*号?"
    r"|网站标识码\s*[:：]?\s*[A-Za-z]*\d+",
    re.I,
)
# What is left of a copyright or registration line once the notice words are gone is the site's name.
_NOT_SITE_NAME = re.compile(
    r"copyright|all\s+rights\s+reserved|版权所有|版权归|所有|©"
    r"|(?<!\d)(?:19|20)\d{2}(?:\s*[-–—~至]\s*(?:19|20)\d{2})?(?!\d)",
    re.I,
)
# `版权所有：中国政府网 | 关于本网` -> `中国政府网`, `关于本网`
_NAME_SPLIT = re.compile(r"[\s|｜丨│:：,，、;；()（）\[\]【】]+")
# `www.people.com.cn`
_DOMAIN = re.compile(r"(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+", re.I)
# `扫一扫在手机打开当前页`, `分享到：微信 微博`, `分享让更多人看到`
_SHARE = re.compile(
    r"扫一扫|扫描二维码|扫码(?:阅读|关注|分享|打开)|^分享(?:到|至|给|让|本文|此文)|一键分享"
    r"|在手机上?(?:打开|浏览|阅读)"
)
_MAX_SHARE_CHARS = 40
# `当前位置:主页 > 人才东莞 > 人才政策 >`, `您现在的位置：首页 > 政策`
_BREADCRUMB_LEAD = re.compile(r"^(?:当前|您的|你的|您现在的|你现在的|您当前的|您所在的|所在)?位置\s*[:：]")
# `上一篇：关于…的通知`, `下一篇：无`
_PREV_NEXT = re.compile(
    r"^[【\[]?(?:上一篇|下一篇|上一条|下一条|上一页|下一页|前一篇|后一篇)[】\]]?\s*(?:[:：]|$)"
)
# `责任编辑`, `审核`: who edited or checked the page
_EDITOR_KEYS = (
    "责任编辑|值班编辑|网络编辑|文字编辑|编辑|责编|审核|校对|终审|初审|复审|审校|编审|一审|二审|三审"
)
# `编辑:管理员`, `（责任编辑：张三）`, `编辑：张三 审核：李四`
_EDITOR_PAIR = re.compile(rf"(?:{_EDITOR_KEYS})\s*[:：]\s*[^\s:：，。；,;【】\[\]()（）]{{0,20}}")
# `审核` in `编辑：张三 审核：李四`: a line without a key has no credit
_EDITOR_KEY = re.compile(_EDITOR_KEYS)
_PAIR_FILLER = " /|｜、,，;；()（）【】[]"
# `张家港市容 CFP`, `新华社记者 李学仁 摄`, `（本报记者 张三摄）`, `图片来源：视觉中国`
_PHOTO_CREDIT = re.compile(
    r"(?:^|\s)(?:CFP|IC\s*photo|视觉中国|东方IC|图虫创意|Getty\s*Images|新华社发|资料图片?|供图)\s*[)）]?$"
    r"|\s摄\s*[)）]?$"
    r"|^[（(][^（）()]{0,30}(?<![拍航录])摄[)）]$"
    r"|^(?:图片来源|图片提供|图源|摄影|图)\s*[:：/／]",
    re.I,
)
_MAX_PHOTO_CREDIT_CHARS = 120
# Every photo credit above has one of these characters: `摄`, `供图`, `视觉中国`, `新华社发`, and the
# first letter of `CFP`, `IC photo` or `Getty Images` in any case (`ı` and `İ` match `i` case-insensitively).
_PHOTO_HINT = re.compile(r"[摄图觉华cCiIıİgG]")

# --- header and footer rules -----------------------------------------------------------------------

_INFO_KEY_GROUPS = {
    "date": "发布时间 发布日期 发表时间 发表日期 更新时间 更新日期 发稿时间 录入时间 上传时间 日期 时间",
    "publisher": "信息来源 文章来源 稿件来源 新闻来源 来源",
    "authors": "作者 撰稿 撰文 记者",
    "counter": "浏览次数 浏览量 浏览 阅读次数 阅读量 阅读数 阅读 点击次数 点击数 点击量 点击率 点击 "
    "访问量 访问次数 人气 热度",
    "tags": "所属栏目 栏目 频道 版名",
    "other": "版面 字号 字体 发布者 发布人 发布单位 供稿单位 供稿 通讯员 录入 摄影 "
    + _EDITOR_KEYS.replace("|", " "),
}
_INFO_GROUP = {key: group for group, keys in _INFO_KEY_GROUPS.items() for key in keys.split()}
# `日期:2013-03-27 / 人气:`, `发布时间：2019-01-27 来源：国务院办公厅`, `作者:于年中 桂昭明`
_INFO_KEY = re.compile("(?P<key>" + "|".join(sorted(_INFO_GROUP, key=len, reverse=True)) + r")\s*[:：]")
# A 来源 or 作者 value that names nobody
_NOBODY = frozenset(
    {"本网", "本站", "原创", "网络", "互联网", "未知", "佚名", "管理员", "admin", "综合", "本报"}
)
# `本报记者`, `新华社记者`: a role before the names in a byline
_REPORTER_ROLE = re.compile(r"^\S{0,6}?(?:记者|通讯员|作者|特约撰稿)\s*")
# `于年中`, `桂昭明`, `Smith`
_NAME = re.compile(rf"[{_CJK}A-Za-z·.\-]{{2,20}}")
# `本报记者 张三 李四`, `通讯员：王五`; not `新华社记者` alone, which names nobody
_REPORTER_LINE = re.compile(
    rf"^\S{{0,8}}?(?:记者|通讯员)\s*[:：]?\s*(?P<names>[{_CJK}]{{2,4}}(?:[\s、，,]+[{_CJK}]{{2,4}})*)$"
)
# `光明日报 2014年11月01日 星期六`, `人民日报（2019年01月28日 第01版）`, `2019年01月28日 第03版`
_MASTHEAD = re.compile(
    rf"^(?:《?(?P<name>[{_CJK}]{{2,12}})》?)?\s*[（(]?\s*{_DATE_PATTERN}\s*(?P<page>第?\s*\d{{1,3}}\s*版)?\s*[)）]?"
    rf"\s*(?P<weekday>{_WEEKDAY_PATTERN})?$"
)
_PRESS_SUFFIX = ("报", "刊", "杂志", "报社")
# `第05版：要闻`, `11版`: the printed page, and the page's column
_PAGE_NUMBER = re.compile(rf"^第?\s*\d{{1,3}}\s*版\s*[:：]?\s*(?P<column>[{_CJK}]{{0,10}})$")
# `中国组织人事报` on the line above an issue date
_PAPER_NAME = re.compile(rf"《?[{_CJK}]{{2,12}}(?:报|刊|杂志|周刊)》?")
# `首页 > 新闻 > 正文`, `首页 » 政策`
_CRUMB_SEP = re.compile(r"\s*(?:->|>>?|＞|»|›|→)\s*")
# `光明日报社概况 | 关于光明网 | 联系我们`, `首页 · 新闻 · 图片`
_BAR_SEP = re.compile(r"\s*[|｜丨│┊]\s*|\s+[·•/／]\s+")
# `本文链接：http://www.gov.cn/zhengce/content/2019-02/15/content_5365878.htm`
_URL_LINE = re.compile(
    r"^(?:(?:(?:本文|原文|文章|本页)?(?:链接|地址|网址)|URL)\s*[:：]?\s*)?(?P<url>https?://\S+)$", re.I
)
# `主办单位：国务院办公厅 运行维护单位：中国政府网运行中心`, `技术支持：某某科技有限公司`
_SITE_INFO = re.compile(
    r"^(?:主办|承办|协办|主管|运行维护|运维|技术支持|网站维护|维护)(?:单位)?\s*[:：]"
    r"|(?:主办单位|承办单位|协办单位|技术支持|运行维护单位|网站维护单位)\s*[:：]"
    r"|建议(?:使用|采用).{0,20}(?:浏览器|分辨率)|最佳浏览"
)
# `地址：北京市西城区 邮编：100000 电话：010-12345678`: three contact keys make a site footer
_CONTACT_KEY = re.compile(r"(地址|邮编|邮政编码|电话|传真|邮箱|E-?mail)\s*[:：]", re.I)
# `中国政府网`, `广东省人民政府门户网站`: the site's name above the page
_SITE_NAME_LINE = re.compile(rf"[{_CJK}]{{2,20}}(?:门户网站|网站|政府网|官方网站|官网|网)")
# `首页 新闻中心 政务公开 办事服务 互动交流`: a menu of short words between spaces
_MENU_ITEM = re.compile(rf"[{_CJK}A-Za-z]{{2,8}}")
# `人民网首页`, `返回网站首页`
_HOME_LINK = re.compile(rf"[{_CJK}A-Za-z]{{0,8}}首页")
# `您是第123456位访客`, `总访问量：123456`
_VISITOR = re.compile(r"第\s*\d+\s*位访(?:客|问者)|总访问量|访问人次\s*[:：]")
# `今天是：2019年1月27日 星期日` is today's date on the site, not the document's
_TODAY = re.compile(r"^(?:今天是|今日是|当前时间|现在时间)\s*[:：]?")
_BULLETS = "•▪▫◦‣⁃●■□◆◇►▶·"
_BULLET_STARTS = frozenset(_BULLETS)
# `  • 时政`, `· 更多>>`
_BULLET_ITEM = re.compile(rf"^[{_BULLETS}]\s*(?P<item>\S.*)$")
# `相关链接`, `【相关阅读】`, `延伸阅读：`
_RELATED_HEADING = re.compile(
    r"^[【\[]?(?:相关链接|相关新闻|相关阅读|相关稿件|相关文章|相关文档|相关文件|相关解读|相关推荐|延伸阅读"
    r"|推荐阅读|热点推荐|热门推荐|热门文章|猜你喜欢|最新文章|热点新闻|图片新闻)[】\]]?\s*[:：]?$"
)
# What makes a line a better title candidate: `关于…的通知`, `…实施方案`, `“党管人才”的“微观践行”`
_TITLE_WORDS = re.compile(
    r"关于|意见|通知|决定|办法|规定|方案|讲话|报告|纲要|条例|规划|细则|公告|通报|批复|函|指引|指南|实施|纪要|解读"
)
_QUOTE_MARKS = re.compile(r"[《》“”「」『』\"]")
_TITLE_END = tuple("。：:；;，,、")

# --- government metadata blocks --------------------------------------------------------------------

# key: (column, trust, shape of its value)
_META_KEYS: dict[str, tuple[str | None, int, str]] = {
    "索引号": (None, _DECLARED, "index"),
    "信息索引号": (None, _DECLARED, "index"),
    "索取号": (None, _DECLARED, "index"),
    "主题分类": ("tags", _DECLARED, "tags"),
    "信息分类": (None, _DECLARED, "text"),
    "组配分类": (None, _DECLARED, "text"),
    "体裁分类": (None, _DECLARED, "text"),
    "公开目录": (None, _DECLARED, "text"),
    "发文机关": ("publisher", _DECLARED, "text"),
    "发布机构": ("publisher", _DECLARED, "text"),
    "发布机关": ("publisher", _DECLARED, "text"),
    "制发机关": ("publisher", _DECLARED, "text"),
    "发文单位": ("publisher", _DECLARED, "text"),
    "成文单位": ("publisher", _DECLARED, "text"),
    "成文日期": ("date", _DECLARED, "date"),
    "印发日期": ("date", _DECLARED, "date"),
    "签发日期": ("date", _DECLARED, "date"),
    "发文日期": ("date", _DECLARED, "date"),
    "发布日期": ("date", _PAGE, "date"),
    "发布时间": ("date", _PAGE, "date"),
    "公开日期": ("date", _PAGE, "date"),
    "生成日期": ("date", _PAGE, "date"),
    "实施日期": (None, _DECLARED, "date"),
    "施行日期": (None, _DECLARED, "date"),
    "废止日期": (None, _DECLARED, "date"),
    "标题": ("title", _DECLARED, "title"),
    "文件名称": ("title", _DECLARED, "title"),
    "名称": ("title", _DECLARED, "title"),
    "分类": ("tags", _DECLARED, "tags"),
    "信息名称": ("title", _DECLARED, "title"),
    "发文字号": ("doc_number", _DECLARED, "doc_number"),
    "文号": ("doc_number", _DECLARED, "doc_number"),
    "发文文号": ("doc_number", _DECLARED, "doc_number"),
    "文件编号": ("doc_number", _DECLARED, "doc_number"),
    "主题词": ("tags", _DECLARED, "tags"),
    "关键词": ("tags", _DECLARED, "tags"),
    "关键字": ("tags", _DECLARED, "tags"),
    "有效性": (None, _DECLARED, "text"),
    "时效性": (None, _DECLARED, "text"),
    "效力状态": (None, _DECLARED, "text"),
    "是否有效": (None, _DECLARED, "text"),
    "公开方式": (None, _DECLARED, "text"),
    "公开范围": (None, _DECLARED, "text"),
    "公开形式": (None, _DECLARED, "text"),
    "公开时限": (None, _DECLARED, "text"),
    "所属机构": (None, _DECLARED, "text"),
}
# Copy-pasted tables space keys out: `索 引 号：`, `标　　题：`.
_META_ALTERNATIVES = "|".join(
    r"\s*".join(map(re.escape, key)) for key in sorted(_META_KEYS, key=len, reverse=True)
)
# A key opening a line, with or without a colon: `索引号：000014349/2019-00015`, `主题词：`, `发文机关 国务院`
_META_LEAD = re.compile(rf"(?P<key>{_META_ALTERNATIVES})\s*(?:[:：]|(?=\s)|$)")
# The first characters of the keys: a line that starts with none of them opens with no key
_META_KEY_STARTS = frozenset(key[0] for key in _META_KEYS)
# A further key on the same line needs its colon: `索引号：000014349/2019-00015 主题分类：综合政务`
_META_NEXT = re.compile(rf"(?<=\s)(?P<key>{_META_ALTERNATIVES})\s*[:：]")
# `市场监管 双随机；一公开` -> three tags; also splits names in `于年中 桂昭明`
_TAG_SPLIT = re.compile(r"[\s；;，,、]+")


@dataclass(frozen=True)
class _Limits:
    max_furniture_chars: int
    max_nav_item_chars: int
    min_nav_run: int
    max_absorbed_chars: int
    min_prose_chars: int
    min_title_chars: int
    max_title_chars: int
    max_column_chars: int


@dataclass(frozen=True)
class _Hit:
    """Why a line is furniture, and what it says: (column, value, trust) triples."""

    rule: str
    note: str
    found: tuple[tuple[str, str, int], ...] = ()
    evidence: str = ""  # what the found values' edits cite, when the line alone does not say it


def strip_furniture(
    text: str,
    recurring: frozenset[str] = frozenset(),
    *,
    max_furniture_chars: int = 150,
    max_nav_item_chars: int = 8,
    min_nav_run: int = 3,
    max_absorbed_chars: int = 4,
    min_prose_chars: int = 20,
    min_title_chars: int = 5,
    max_title_chars: int = 80,
    max_column_chars: int = 8,
) -> tuple[str, dict[str, object], list[Edit]]:
    """Remove page furniture lines; return the text, the metadata they carried, and the edits.

    `recurring` holds lines (whitespace-collapsed) that `find_recurring_lines` found on many pages of
    the site; they count as furniture in the header and footer only. Thresholds: a furniture line is at
    most `max_furniture_chars` long; a tab bar is a run of at least `min_nav_run` bullet items of at most
    `max_nav_item_chars` characters, and takes adjacent lines of at most `max_absorbed_chars` with it; a
    prose line has at least `min_prose_chars` characters and sentence punctuation; a title line has
    `min_title_chars` to `max_title_chars` characters; a column name above it at most `max_column_chars`.

    >>> body = "为贯彻落实精神,更好实施人才东莞战略,特制定本方案。"
    >>> page = ["当前位置:主页 > 人才政策 >", "日期:2013-03-27 / 人气:", body, "编辑:管理员"]
    >>> cleaned, found, edits = strip_furniture("\\n".join(page))
    >>> cleaned
    '为贯彻落实精神,更好实施人才东莞战略,特制定本方案。'
    >>> found
    {'date': '2013-03-27'}
    >>> [e.rule for e in edits]
    ['breadcrumb', 'view_counter', 'editor_line', 'date_from_furniture']
    """
    limits = _Limits(
        max_furniture_chars=max_furniture_chars,
        max_nav_item_chars=max_nav_item_chars,
        min_nav_run=min_nav_run,
        max_absorbed_chars=max_absorbed_chars,
        min_prose_chars=min_prose_chars,
        min_title_chars=min_title_chars,
        max_title_chars=max_title_chars,
        max_column_chars=max_column_chars,
    )
    lines = text.split("\n")
    stripped = [line.strip() for line in lines]
    # a key opens the line, so a line whose first character opens no key has none
    meta_pairs = [_meta_pairs(s) if s[:1] in _META_KEY_STARTS else [] for s in stripped]
    verdicts = _LineVerdicts(recurring, limits)
    # Removing a line can make its neighbours furniture (two metadata keys that a now-removed line kept
    # apart), so classify again until nothing more is found: the result is a fixed point, which is what
    # makes the step idempotent. The anywhere rules read a line alone, so the first pass finds, and
    # removes, every line they hold on, and the later passes start without them.
    hits: dict[int, _Hit] = {}
    alive = list(range(len(lines)))
    found = _classify(stripped, meta_pairs, _anywhere_hits(stripped, limits), verdicts)
    while found:
        hits.update({alive[k]: hit for k, hit in found.items()})
        alive = [i for k, i in enumerate(alive) if k not in found]
        found = _classify([stripped[i] for i in alive], [meta_pairs[i] for i in alive], {}, verdicts)
    if not hits:
        return text, {}, []
    edits = [
        Edit(step=STEP, rule=hits[i].rule, before=lines[i], after="", note=hits[i].note) for i in sorted(hits)
    ]
    metadata, found_edits = _collect(stripped, hits)
    return "\n".join(lines[i] for i in alive), metadata, edits + found_edits


class _LineVerdicts:
    """Whether a line of a page is prose, worked out once per distinct line: the page is classified again
    after every removal, and the lines that stay are the same strings.
    """

    def __init__(self, recurring: frozenset[str], limits: _Limits) -> None:
        self.recurring = recurring
        self.limits = limits
        self._prose: dict[str, bool] = {}

    def prose(self, s: str) -> bool:
        if s not in self._prose:
            self._prose[s] = _is_prose(s, self.limits)
        return self._prose[s]


def _classify(
    stripped: list[str],
    pairs_of: list[list[tuple[str, str]]],
    hits: dict[int, _Hit],
    verdicts: _LineVerdicts,
) -> dict[int, _Hit]:
    """One look at the page: the furniture lines by index, with why and what they say.

    `pairs_of` holds the metadata keys and values of each line (`_meta_pairs`), `hits` the lines already
    known to be furniture; it is filled in and returned.
    """
    limits = verdicts.limits
    hits.update(_metadata_blocks(stripped, pairs_of, hits, limits))

    # whether a line is prose is asked from the ends of the page inwards
    n = len(stripped)
    first = next((i for i in range(n) if i not in hits and verdicts.prose(stripped[i])), n)
    last = next((i for i in reversed(range(first, n)) if i not in hits and verdicts.prose(stripped[i])), -1)

    def in_zone(i: int) -> bool:
        return i < first or i > last

    # the header and the footer, top to bottom (the whole page when it has no prose)
    zone = (*range(first), *range(max(first, last + 1), n))
    for i in zone:
        s = stripped[i]
        if s and i not in hits:
            hit = _zone_hit(s, i < first, verdicts.recurring, limits)
            if hit:
                hits[i] = hit
    hits.update(_paper_names(stripped, hits))
    # a tab bar is a run of bullet items in the header or footer, and most pages have no bullet there
    if any(stripped[i][:1] in _BULLET_STARTS for i in zone):
        hits.update(_nav_runs(stripped, hits, in_zone, limits))
    hits.update(_related_links(stripped, hits, last))
    hits.update(_title_lines(stripped, hits, first, limits))
    return hits


def find_recurring_lines(
    texts: list[str], min_documents: int = 20, max_length: int = 40, min_share: float = 0.1
) -> frozenset[str]:
    """Short lines that recur on many pages: furniture evidence for `strip_furniture(recurring=...)`.

    Pass the texts of one site (or of the whole corpus). A line counts once per document, after
    whitespace is collapsed; it is returned when it is at most `max_length` characters long and occurs
    in at least `min_documents` documents and at least `min_share` of them. Drafts of one speech share
    whole paragraphs and headings across a handful of documents, so the bar is high: 20 documents and a
    tenth of the texts by default. Lines that are never furniture by recurrence alone (salutations,
    list items, headings, dates, organisation names, document numbers, bracketed notes) are skipped.

    >>> pages = [f"首页 | 新闻 | 政务\\n第{n}号文件。\\n国务院\\n主办单位：某市人民政府" for n in range(30)]
    >>> sorted(find_recurring_lines(pages))
    ['主办单位：某市人民政府', '首页 | 新闻 | 政务']
    """
    return recurring_lines(count_short_lines(texts, max_length), len(texts), min_documents, min_share)


def count_short_lines(texts: Iterable[str], max_length: int = 40) -> Counter[str]:
    """In how many of `texts` each line of at most `max_length` characters occurs, whitespace collapsed.

    The map of `find_recurring_lines`: count parts of a corpus apart, add the counters, then call
    `recurring_lines`.
    """
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(
            {
                key
                for key in (" ".join(line.split()) for line in text.split("\n"))
                if key and len(key) <= max_length
            }
        )
    return counts


def recurring_lines(
    counts: Counter[str], documents: int, min_documents: int = 20, min_share: float = 0.1
) -> frozenset[str]:
    """The lines of `count_short_lines` over `documents` texts that `find_recurring_lines` returns."""
    needed = max(min_documents, math.ceil(min_share * documents))
    # judged on the few lines that recur, not on every line of the corpus
    return frozenset(key for key, n in counts.items() if n >= needed and not _is_protected(key))


# --- line predicates ---------------------------------------------------------------------------------


def _is_prose(s: str, limits: _Limits) -> bool:
    return len(s) >= limits.min_prose_chars and (
        bool(_SENTENCE_END.search(s)) or len(_CLAUSE_MARK.findall(s)) >= 2
    )


def _is_key(word: str) -> bool:
    key = "".join(word.split())
    return key in _INFO_GROUP or key in _META_KEYS


def _is_salutation(s: str) -> bool:
    """`同志们：`, `各省、自治区、直辖市人民政府，国务院各部委、各直属机构：`"""
    return (
        s.endswith(("：", ":")) and len(s) <= 60 and s.count("：") + s.count(":") == 1 and not _is_key(s[:-1])
    )


def _is_protected(s: str) -> bool:
    """Lines that position or recurrence alone never make furniture."""
    return bool(
        _is_salutation(s)
        or _LIST_ITEM.match(s)
        or "".join(s.split()) in _HEADING_WORDS
        or _DATE_ONLY.match(s)
        or _CN_DATE_ONLY.match(s)
        or _DOC_NUMBER.search(s)
        or _BRACKETED_NOTE.match(s)
        or _SENTENCE_TAIL.fullmatch(s)
        or all(_ORG_NAME.fullmatch(part) for part in s.split())
    )


def _iso_date(text: str) -> str | None:
    for match in _DATE.finditer(text):
        year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def _cjk_share(s: str) -> float:
    visible = "".join(s.split())
    return len(_CJK_CHAR.findall(visible)) / len(visible) if visible else 0.0


def _vocab_tokens(s: str) -> list[str]:
    """`首页English` -> [首页, english]; `报 纸` -> [报纸]."""
    chunks = [chunk for chunk in _VOCAB_SPLIT.split(s) if chunk]
    collapsed = "".join(chunks).lower()
    if collapsed in _VOCAB:
        return [collapsed]
    tokens: list[str] = []
    for chunk in chunks:
        lower = chunk.lower()
        tokens.extend([lower] if lower in _VOCAB else (piece.lower() for piece in _SCRIPT_RUN.findall(chunk)))
    return tokens


def _words_rule(s: str) -> str | None:
    """The rule for a line made only of furniture words: `【打印本页】【关闭窗口】` -> print_close."""
    return _vocab_rule(_vocab_tokens(s)) if _vocab_shaped(s) else None


def _vocab_shaped(s: str) -> bool:
    """Whether `s`, lower-cased, has only the characters of furniture words and separators: `【打印本页】`."""
    # body lines fail `_VOCAB_CASED` at their first characters, before they are lower-cased
    return bool(_VOCAB_CASED.fullmatch(s) and _VOCAB_SHAPE.fullmatch(s.lower()))


def _vocab_rule(tokens: list[str]) -> str | None:
    """The rule for a line made only of furniture words (at least one of two characters or more)."""
    words = [t for t in tokens if len(t) >= 2]
    if not words or not all(t in _VOCAB for t in tokens):
        return None
    return Counter(_VOCAB[t] for t in words).most_common(1)[0][0]


def _strip_buttons(s: str) -> str:
    """Drop bracketed buttons (`【我要纠错】`, `【字体：大 中 小】`) so the rest of the line can be read."""
    return _BRACKET_GROUP.sub(lambda m: " " if _words_rule(m.group(1)) else m.group(0), s)


def _site_name(s: str) -> str | None:
    """`Copyright © 2010-2016 东莞人才发展研究院 ALL RIGHTS RESERVED 粤ICP备15113773号` -> 东莞人才发展研究院

    The notice words, years and registration numbers go; the first name-like chunk left is the site.
    """
    rest = _NOT_SITE_NAME.sub(" ", _REGISTRATION.sub(" ", s))
    for chunk in _NAME_SPLIT.split(rest):
        chunk = chunk.strip(".-_·")
        if len(chunk) < 2:
            continue
        if _CJK_CHAR.search(chunk) and not _words_rule(chunk) and not _SITE_INFO.match(chunk + "："):
            return chunk
        if _DOMAIN.fullmatch(chunk):
            return chunk
    return None


def _names(value: str) -> list[str]:
    """`于年中 桂昭明 《光明日报》( 2014年11月01日 11版)` -> [于年中, 桂昭明]"""
    head = re.split(r"[《(（\[【]|\d", value, maxsplit=1)[0]
    head = _REPORTER_ROLE.sub("", head.strip())
    return [
        name
        for name in _TAG_SPLIT.split(head)
        if _NAME.fullmatch(name) and name not in _NOBODY and not _REPORTER_ROLE.match(name)
    ]


def _first_hit(
    rules: Iterable[Callable[[str, _Limits], _Hit | None]], s: str, limits: _Limits
) -> _Hit | None:
    for rule in rules:
        hit = rule(s, limits)
        if hit:
            return hit
    return None


# --- rules that hold anywhere ------------------------------------------------------------------------


def _copyright(s: str, limits: _Limits) -> _Hit | None:
    if len(s) > limits.max_furniture_chars or not _COPYRIGHT_HINT.search(s):
        return None
    # spaced-out notices are common: `人 民 网 股 份 有 限 公 司 版 权 所 有 ，未 经 书 面 授 权 禁 止 使 用`
    packed = "".join(s.split())
    marked = _COPYRIGHT_MARK.search(s) or (
        _COPYRIGHT_WORDS.search(_FIRST_CLAUSE.match(packed).group())
        and len(packed) <= 60
        and "。" not in packed[:-1]
    )
    if not (marked or (_REPRINT_NOTICE.search(packed) and len(packed) <= 80)):
        return None
    name = (
        _site_name(s if _COPYRIGHT_MARK.search(s) or _COPYRIGHT_WORDS.search(s) else packed)
        if marked
        else None
    )
    return _Hit("copyright", "copyright notice", (("source", name, _DECLARED),) if name else ())


def _registration(s: str, limits: _Limits) -> _Hit | None:
    if len(s) > limits.max_furniture_chars or "。" in s:
        return None
    match = _REGISTRATION.search(s)
    if not match:
        return None
    name = _site_name(s)
    return _Hit("icp", f"registration number {match.group(0)}", (("source", name, _PAGE),) if name else ())


def _share_prompt(s: str, limits: _Limits) -> _Hit | None:
    found = len(s) <= _MAX_SHARE_CHARS and _SHARE.search(s)
    return _Hit("share_prompt", "share or QR prompt") if found else None


def _breadcrumb_lead(s: str, limits: _Limits) -> _Hit | None:
    if len(s) <= limits.max_furniture_chars and _BREADCRUMB_LEAD.match(s):
        return _Hit("breadcrumb", "starts with 位置：")
    return None


def _prev_next(s: str, limits: _Limits) -> _Hit | None:
    if len(s) <= limits.max_furniture_chars and _PREV_NEXT.match(s):
        return _Hit("nav_bar", "previous/next article link")
    return None


def _editor_line(s: str, limits: _Limits) -> _Hit | None:
    # a credit has a key and a colon, and buttons taken out of the line only leave spaces behind
    if not (":" in s or "：" in s) or not _EDITOR_KEY.search(s):
        return None
    rest = _strip_buttons(s)
    position, pairs = 0, 0
    for match in _EDITOR_PAIR.finditer(rest):
        if rest[position : match.start()].strip(_PAIR_FILLER):
            return None
        position, pairs = match.end(), pairs + 1
    if pairs and not rest[position:].strip(_PAIR_FILLER):
        return _Hit("editor_line", "editor or reviewer credit")
    return None


def _photo_credit(s: str, limits: _Limits) -> _Hit | None:
    found = len(s) <= _MAX_PHOTO_CREDIT_CHARS and _PHOTO_HINT.search(s) and _PHOTO_CREDIT.search(s)
    return _Hit("photo_credit", "photo credit") if found else None


def _button_bar(s: str, limits: _Limits) -> _Hit | None:
    """Two or more furniture words and nothing else: `【打印本页】【关闭窗口】`, `首页English`."""
    if not _vocab_shaped(s):
        return None
    tokens = _vocab_tokens(s)
    rule = len(tokens) >= 2 and _vocab_rule(tokens)
    return _Hit(rule, "only furniture words: " + " ".join(tokens)) if rule else None


_ANYWHERE_RULES = (
    _copyright,
    _registration,
    _share_prompt,
    _breadcrumb_lead,
    _prev_next,
    _editor_line,
    _photo_credit,
    _button_bar,
)
# Every line of every page meets the rules above, and nearly all are body text, so one look at the line
# decides whether any rule but `_button_bar` could hold. Each rule can only hold on a line that has its
# clue: copyright `©`, the first letter of `copyright` or `all rights reserved` in any case, or a notice
# word, spaced out or not (`\s` is the whitespace `str.split` drops); registration `ICP` (its `I` in any
# case), `公网安备` or `网站标识码`; a share prompt `扫`, `分享` or `在手机`; a `位置：` breadcrumb and an
# editor credit their colon; a previous/next link its word; a photo credit `摄`, `图`, `视觉中国`,
# `新华社发` or the first letter of `CFP`, `IC photo` or `Getty Images` in any case.
# Every alternative opens with a literal, so that `re` skips ahead to the characters that can start one.
_ANYWHERE_CLUE = re.compile(
    r"©|c|C|a|A|版\s*权|未\s*经|转\s*载|侵\s*权|删\s*除"
    "|i|I|ı|İ|公网安备|网站标识码"
    "|扫|分享|在手机"
    "|:|："
    "|上一篇|下一篇|上一条|下一条|上一页|下一页|前一篇|后一篇"
    "|摄|图|视觉中国|新华社发|g|G"
)


def _anywhere_hits(stripped: list[str], limits: _Limits) -> dict[int, _Hit]:
    """The lines, by index, that one of `_ANYWHERE_RULES` holds on, and the first that does.

    `["为贯彻落实精神，特制定本方案。", "【打印本页】【关闭窗口】"]` -> {1: print_close}
    """
    # past this length only an editor credit (which has a colon) or a button bar is left
    longest = max(limits.max_furniture_chars, _MAX_PHOTO_CREDIT_CHARS, _MAX_SHARE_CHARS)
    hits: dict[int, _Hit] = {}
    for i, s in enumerate(stripped):
        if not s:
            continue
        clue = (":" in s or "：" in s) if len(s) > longest else _ANYWHERE_CLUE.search(s)
        # without a clue only a bar of furniture words is left, a shape most lines fail at once
        if (clue or _VOCAB_CASED.fullmatch(s)) and (hit := _anywhere_rule_hit(s, limits)):
            hits[i] = hit
    return hits


# the same footers, button bars and credits are on many pages of a site
@functools.lru_cache(maxsize=4096)
def _anywhere_rule_hit(s: str, limits: _Limits) -> _Hit | None:
    return _first_hit(_ANYWHERE_RULES, s, limits)


# --- rules for the header and footer ---------------------------------------------------------------


def _page_info(s: str, limits: _Limits) -> _Hit | None:
    """`日期:2013-03-27 / 人气:`, `作者:于年中 桂昭明 《光明日报》( 2014年11月01日 11版)`."""
    if len(s) > limits.max_furniture_chars or "。" in s:
        return None
    rest = _strip_buttons(s)
    matches = list(_INFO_KEY.finditer(rest))
    if not matches:
        return None
    prefix = rest[: matches[0].start()].strip(_PAIR_FILLER)
    if prefix and not _DATETIME_ONLY.match(prefix):
        return None
    pairs = []
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        value = rest[match.end() : following.start() if following else len(rest)].strip(_PAIR_FILLER + "-—·•")
        pairs.append((_INFO_GROUP[match["key"]], match["key"], value))
    if not (prefix or len(pairs) >= 2 or _single_info_pair(*pairs[0])):
        return None

    found: list[tuple[str, str, int]] = []
    if prefix:
        found.append(("date", _iso_date(prefix) or "", _PAGE))
    for group, _key, value in pairs:
        if group == "date":
            found.append(("date", _iso_date(value) or "", _PAGE))
        elif group == "publisher":
            publisher = re.split(rf"{_DATE_PATTERN}|{_TIME_PATTERN}", value, maxsplit=1)[0].strip(
                _PAIR_FILLER
            )
            if 2 <= len(publisher) <= 30 and publisher not in _NOBODY:
                found.append(("publisher", publisher.strip("《》"), _PAGE))
            found.append(("date", _iso_date(value) or "", _PAGE))
        elif group == "authors":
            found += [("authors", name, _PRINTED) for name in _names(value)]
            found += [
                ("publisher", paper, _PRINTED) for paper in re.findall(r"《([^《》]{2,20})》", value)[:1]
            ]
            found.append(("date", _iso_date(value) or "", _PRINTED))
        elif group == "tags" and value:
            found.append(("tags", value, _PAGE))
    groups = {group for group, _, _ in pairs}
    rule = "view_counter" if "counter" in groups else "byline" if "authors" in groups else "page_info"
    keys = " ".join(key for _, key, _ in pairs)
    return _Hit(rule, f"page info keys: {keys}", tuple(f for f in found if f[1]))


def _single_info_pair(group: str, key: str, value: str) -> bool:
    """Whether one key and its value make an info line on their own.

    `来源：人力资源和社会保障部 2010年6月4日` is a source note of the document and stays; with a clock
    time (`来源：新华社 2019-01-27 10:31`) it is the page's.
    """
    if group == "counter":
        return not value or value.isdigit()
    if group == "date":
        return key != "时间" and bool(_DATETIME_ONLY.match(value))
    if group == "publisher":
        return bool(_TIME.search(value))
    if group == "authors":
        return len(value) <= 60 and bool(_names(value))
    if group == "tags":
        return 2 <= len(value) <= 12 and _cjk_share(value) == 1.0
    return False


def _reporter_line(s: str, limits: _Limits) -> _Hit | None:
    match = _REPORTER_LINE.match(s)
    names = _names(match["names"]) if match else []
    return (
        _Hit("byline", "reporters", tuple(("authors", name, _PRINTED) for name in names)) if names else None
    )


def _masthead(s: str, limits: _Limits) -> _Hit | None:
    page = _PAGE_NUMBER.match(s)
    if page:
        column = page["column"]
        return _Hit("masthead", "printed page number", (("tags", column, _PAGE),) if column else ())
    match = _MASTHEAD.match(s)
    name = match and match["name"]
    if not match or not (match["weekday"] or match["page"] or (name and name.endswith(_PRESS_SUFFIX))):
        return None
    date = _iso_date(s)
    found = ((("publisher", name, _PRINTED),) if name else ()) + ((("date", date, _PRINTED),) if date else ())
    return _Hit("masthead", "newspaper name and issue date", found)


def _breadcrumb(s: str, limits: _Limits) -> _Hit | None:
    if len(s) > limits.max_furniture_chars or _CLAUSE_MARK.search(s) or _SENTENCE_END.search(s):
        return None
    parts = [part for part in _CRUMB_SEP.split(s) if part.strip()]
    separators = len(_CRUMB_SEP.findall(s))
    if not parts or any(len(part) > 20 for part in parts):
        return None
    if separators >= 2 or (separators == 1 and _VOCAB.get(parts[0].strip().lower()) == "nav_bar"):
        return _Hit("breadcrumb", f"{separators} path separators")
    return None


def _link_bar(s: str, limits: _Limits) -> _Hit | None:
    if s.startswith(("|", "｜")) or len(s) > limits.max_furniture_chars or _SENTENCE_END.search(s):
        return None
    parts = [part.strip() for part in _BAR_SEP.split(s) if part.strip()]
    if len(parts) >= 3 and all(len(part) <= 20 for part in parts) and not _CLAUSE_MARK.search(s):
        return _Hit("link_bar", f"{len(parts)} links between bars")
    return None


def _single_word(s: str, limits: _Limits) -> _Hit | None:
    """One furniture word alone on its line: `English`, `返回顶部`, `报 纸`, `人民网首页`."""
    rule = _words_rule(s) or (_HOME_LINK.fullmatch(s) and "nav_bar")
    return _Hit(rule, "furniture word") if rule else None


def _menu_line(s: str, limits: _Limits) -> _Hit | None:
    """At least three short words between spaces, with a furniture word among them or at least five."""
    items = s.split()
    if len(items) < 3 or not all(_MENU_ITEM.fullmatch(item) for item in items) or _is_protected(s):
        return None
    if len(items) >= 5 or any(item.lower() in _VOCAB for item in items):
        return _Hit("nav_bar", f"menu of {len(items)} short words")
    return None


def _site_name_line(s: str, limits: _Limits) -> _Hit | None:
    if _SITE_NAME_LINE.fullmatch(s) and "的" not in s and not _TITLE_WORDS.search(s):
        return _Hit("site_name", "name of the site above the page", (("source", s, _PAGE),))
    return None


def _url_line(s: str, limits: _Limits) -> _Hit | None:
    match = _URL_LINE.match(s)
    return _Hit("url_line", "address of the page", (("url", match["url"], _PAGE),)) if match else None


def _site_info(s: str, limits: _Limits) -> _Hit | None:
    if len(s) > limits.max_furniture_chars or "。" in s:
        return None
    if len({key for key in _CONTACT_KEY.findall(s)}) >= 3 and not _CLAUSE_MARK.search(s):
        return _Hit("site_info", "contact details of the site")
    if _VISITOR.search(s):
        return _Hit("view_counter", "visitor counter")
    if _TODAY.match(s):
        return _Hit("date_widget", "today's date on the site, not the document's")
    return _Hit("site_info", "who runs the site") if _SITE_INFO.search(s) else None


def _page_timestamp(s: str, limits: _Limits) -> _Hit | None:
    """`2019-01-27 10:31`: a date with a clock time is the page's; a bare date may be a dateline."""
    if _DATETIME_ONLY.match(s) and _TIME.search(s):
        date = _iso_date(s)
        return _Hit("page_info", "publication timestamp", (("date", date, _PAGE),) if date else ())
    return None


def _zone_hit(s: str, top: bool, recurring: frozenset[str], limits: _Limits) -> _Hit | None:
    hit = _zone_rule_hit(s, top, limits)
    if hit:
        return hit
    if " ".join(s.split()) in recurring and not _is_protected(s):
        return _Hit("recurring_line", "recurs on many pages of the corpus")
    return None


# the same nav bars and footers close many pages of a site
@functools.lru_cache(maxsize=4096)
def _zone_rule_hit(s: str, top: bool, limits: _Limits) -> _Hit | None:
    # signatures (`中共中央 国务院 中央军委 …`) sit at the bottom: space-separated menus count at the top only
    rules = (_page_info, _masthead, _site_name_line, _menu_line) if top else (_page_info,)
    return _first_hit(
        (
            *rules,
            _reporter_line,
            _page_timestamp,
            _breadcrumb,
            _link_bar,
            _single_word,
            _url_line,
            _site_info,
        ),
        s,
        limits,
    )


# --- rules that read neighbouring lines -----------------------------------------------------------


def _metadata_blocks(
    stripped: list[str], pairs_of: list[list[tuple[str, str]]], hits: dict[int, _Hit], limits: _Limits
) -> dict[int, _Hit]:
    """Government metadata blocks: `索引号：…` / `主题分类：…` / … in one line, or a key and its value
    on separate lines. A key's value may be empty; the next line is taken as its value only when it has
    the value's shape, so the body line after an empty `主题词：` stays. Lines already furniture are
    skipped, blank lines are allowed, and a block needs two different keys. `pairs_of` holds the
    `_meta_pairs` of each line.
    """
    found: dict[int, _Hit] = {}
    # a block opens at a line with a key, and most pages have none
    if not any(pairs_of):
        return found
    n = len(stripped)

    def next_line(j: int) -> int:
        while j < n and (not stripped[j] or j in hits):
            j += 1
        return j

    i = next_line(0)
    while i < n:
        if not pairs_of[i]:
            i = next_line(i + 1)
            continue
        block: list[tuple[int, list[tuple[str, str]]]] = []
        title = ""
        j = i
        while j < n and (pairs := pairs_of[j]):
            block.append((j, pairs))
            title = title or next((v for k, v in pairs if _META_KEYS[k][0] == "title" and v), "")
            j = next_line(j + 1)
            key, value = pairs[-1]
            if not value and j < n and not pairs_of[j] and _fits(key, stripped[j], title, limits):
                block.append((j, [(key, stripped[j])]))
                title = title or (stripped[j] if _META_KEYS[key][0] == "title" else "")
                j = next_line(j + 1)
        keys = list(dict.fromkeys(key for _, pairs in block for key, _ in pairs))
        if len(keys) >= 2:
            note = "metadata block: " + " ".join(keys)
            for index, pairs in block:
                evidence = "" if pairs_of[index] else f"{pairs[0][0]}：{pairs[0][1]}"
                found[index] = _Hit("metadata_block", note, tuple(_meta_found(pairs)), evidence)
        i = next_line(max(j, i + 1))
    return found


def _meta_pairs(s: str) -> list[tuple[str, str]]:
    """The keys and values on one line, the first key opening it.

    `索引号：000014349/2019-00015 主题分类：综合政务`
    -> [(索引号, 000014349/2019-00015), (主题分类, 综合政务)]
    """
    lead = _META_LEAD.match(s)
    if not lead:
        return []
    matches = [lead, *_META_NEXT.finditer(s, lead.end())]
    return [
        ("".join(match["key"].split()), s[match.end() : following.start() if following else len(s)].strip())
        for match, following in zip(matches, [*matches[1:], None], strict=True)
    ]


def _fits(key: str, s: str, title: str, limits: _Limits) -> bool:
    """Whether line `s` has the shape of `key`'s value (it follows the key, which was empty)."""
    shape = _META_KEYS[key][2]
    if s.endswith(("：", ":")) or len(s) > limits.max_furniture_chars:
        return False
    if shape == "index":
        return bool(_INDEX_VALUE.fullmatch(s))
    if shape == "date":
        return bool(_DATETIME_ONLY.match(s))
    if shape == "doc_number":
        return bool(_DOC_NUMBER.fullmatch(s)) or s == "无"
    if shape == "title":
        return limits.min_title_chars <= len(s) <= limits.max_title_chars and not _SENTENCE_END.search(s)
    if shape == "tags":
        words = [w for w in _TAG_SPLIT.split(s) if w]
        return (
            len(s) <= 60
            and all(len(w) <= 12 for w in words)
            and not _SENTENCE_END.search(s)
            and not (title and _same_title(s, title))
        )
    return len(s) <= 40 and not (_SENTENCE_END.search(s) or _CLAUSE_MARK.search(s))


def _meta_found(pairs: list[tuple[str, str]]) -> Iterable[tuple[str, str, int]]:
    for key, value in pairs:
        column, trust, _ = _META_KEYS[key]
        if not column or not value or value == "无":
            continue
        if column == "tags":
            yield from ((column, word, trust) for word in _TAG_SPLIT.split(value) if word)
        elif column == "date":
            date = _iso_date(value)
            if date:
                yield column, date, trust
        elif column == "doc_number":
            yield column, "".join(value.split()), trust
        else:
            yield column, _unwrap_title(value) if column == "title" else value, trust


def _paper_names(stripped: list[str], hits: dict[int, _Hit]) -> dict[int, _Hit]:
    """A newspaper's name alone above a masthead that has only the date.

    `中国组织人事报` above `2019年01月28日 第03版`.
    """
    found = {}
    for i, hit in hits.items():
        if hit.rule != "masthead" or any(column == "publisher" for column, _, _ in hit.found):
            continue
        above = i - 1
        while above >= 0 and not stripped[above]:
            above -= 1
        if above >= 0 and above not in hits and _PAPER_NAME.fullmatch(stripped[above]):
            name = stripped[above].strip("《》")
            found[above] = _Hit(
                "masthead", "newspaper name above its issue date", (("publisher", name, _PRINTED),)
            )
    return found


def _nav_runs(
    stripped: list[str], hits: dict[int, _Hit], in_zone: Callable[[int], bool], limits: _Limits
) -> dict[int, _Hit]:
    """Tab bars: runs of short bullet items (`  • 时政` / `  • 国际` / …) in the header or footer.

    Lines already furniture do not break a run; short lines right next to a run (`杂 志` under `• 报 纸`)
    go with it.
    """
    found: dict[int, _Hit] = {}
    run: list[int] = []

    def close(run: list[int]) -> None:
        if len(run) < limits.min_nav_run:
            return
        note = f"tab bar of {len(run)} items"
        for i in run:
            found[i] = _Hit("nav_bar", note)
        for step in (1, -1):
            j = (run[-1] if step == 1 else run[0]) + step
            while (
                0 <= j < len(stripped)
                and in_zone(j)
                and (j in hits or j in found or _absorbable(stripped[j], limits))
            ):
                if j not in hits:
                    found[j] = _Hit("nav_bar", "short line next to a " + note)
                j += step

    for i, s in enumerate(stripped):
        if i in hits:
            continue
        match = in_zone(i) and _BULLET_ITEM.match(s)
        if match and len("".join(match["item"].split())) <= limits.max_nav_item_chars:
            run.append(i)
            continue
        close(run)
        run = []
    close(run)
    return found


def _absorbable(s: str, limits: _Limits) -> bool:
    visible = "".join(s.split())
    return (
        0 < len(visible) <= limits.max_absorbed_chars
        and bool(re.fullmatch(rf"[{_CJK}A-Za-z]+", visible))
        and not _is_protected(s)
    )


def _related_links(stripped: list[str], hits: dict[int, _Hit], last: int) -> dict[int, _Hit]:
    """A `相关链接` heading in the footer and everything after it: titles and dates of other pages."""
    start = next(
        (i for i in range(last + 1, len(stripped)) if i not in hits and _RELATED_HEADING.match(stripped[i])),
        None,
    )
    if start is None:
        return {}
    found = {start: _Hit("related_links", "heading of a related-links list")}
    for i in range(start + 1, len(stripped)):
        if stripped[i] and i not in hits:
            found[i] = _Hit("related_links", "listed under " + stripped[start])
    return found


def _title_lines(stripped: list[str], hits: dict[int, _Hit], first: int, limits: _Limits) -> dict[int, _Hit]:
    """The page's title line(s) in a header that holds furniture, and a column name right above them."""
    header = range(min(first, len(stripped)))
    if not any(i in hits for i in header):
        return {}
    candidates = [
        i
        for i in header
        if stripped[i]
        and i not in hits
        and not _is_protected(stripped[i])
        and _title_shaped(stripped[i], limits)
    ]
    if not candidates:
        return {}
    declared = next(
        (value for hit in hits.values() for column, value, _ in hit.found if column == "title"), None
    )
    anchor = declared or stripped[max(candidates, key=lambda i: (_title_score(stripped[i]), -i))]
    group = [i for i in candidates if _same_title(stripped[i], anchor)]
    if not group:
        return {}
    longest = max(group, key=lambda i: len(stripped[i]))
    found = {}
    for i in group:
        title = (("title", _unwrap_title(stripped[i]), _PRINTED),) if i == longest and not declared else ()
        found[i] = _Hit("title_line", "title of the page, kept in the title column", title)

    above = group[0] - 1
    while above >= 0 and not stripped[above]:
        above -= 1
    # `人才聚焦`: a column name between the masthead and the title
    if (
        above >= 0
        and above not in hits
        and 2 <= len(stripped[above]) <= limits.max_column_chars
        and re.fullmatch(f"[{_CJK}]+", stripped[above])
        and not _is_protected(stripped[above])
        and any(i in hits for i in range(above))
    ):
        found[above] = _Hit(
            "column_name", "section name above the title", (("tags", stripped[above], _PAGE),)
        )
    return found


def _title_shaped(s: str, limits: _Limits) -> bool:
    return (
        limits.min_title_chars <= len(s) <= limits.max_title_chars
        and not s.endswith(_TITLE_END)
        and not s.startswith(("—", "－", "-"))
        and not re.search(r"[|｜>»]", s)
        and _cjk_share(s) >= 0.5
        and not _is_prose(s, limits)
    )


def _title_score(s: str) -> float:
    return 2 * bool(_TITLE_WORDS.search(s)) + bool(_QUOTE_MARKS.search(s)) + min(len(s), 40) / 40


def _title_key(s: str) -> str:
    return "".join(_QUOTE_MARKS.sub("", s).split())


def _same_title(a: str, b: str) -> bool:
    """`《关于…方案》` and `东莞市关于…方案` name the same document."""
    short, long = sorted((_title_key(a), _title_key(b)), key=len)
    return bool(short) and short in long and 2 * len(short) >= len(long)


def _unwrap_title(s: str) -> str:
    return s[1:-1].strip() if s.startswith("《") and s.endswith("》") and s.count("《") == 1 else s


# --- the metadata found ---------------------------------------------------------------------------


def _collect(stripped: list[str], hits: dict[int, _Hit]) -> tuple[dict[str, object], list[Edit]]:
    """Choose one value per column (most trusted, then first on the page) and every list item once."""
    best: dict[str, tuple[int, str, str]] = {}
    items: dict[str, dict[str, str]] = {column: {} for column in _LIST_FIELDS}
    for i in sorted(hits):
        source = hits[i].evidence or stripped[i]
        for column, value, trust in hits[i].found:
            if column in items:
                items[column].setdefault(value, source)
            elif column not in best or trust < best[column][0]:
                best[column] = (trust, value, source)
    metadata: dict[str, object] = {}
    edits = []
    for column in _SCALAR_FIELDS:
        if column in best:
            _, value, source = best[column]
            metadata[column] = value
            edits.append(_found_edit(column, value, source))
    for column in _LIST_FIELDS:
        if items[column]:
            metadata[column] = list(items[column])
            edits += [_found_edit(column, value, source) for value, source in items[column].items()]
    return metadata, edits


def _found_edit(column: str, value: str, source: str) -> Edit:
    return Edit(step=STEP, rule=f"{column}_from_furniture", before="", after=value, note=source, field=column)
