"""Hanweb JCMS (大汉) district site, shaped like the captured 杭州拱墅 district site.

What makes it faithful: the list is invisible to text extractors (records sit in a
`<script type="text/xml">` datastore island, first group of 45 only); the rest comes from
`/module/jpage/dataproxy.jsp` with params scattered in `var param_<unitid>`; article URLs
`/art/Y/M/D/art_<col>_<id>.html` are not zero-padded; files go through `downfile.jsp` → 302
→ `/attach/0/<hex>.pdf` or live on a separate OSS host.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from html import escape
from urllib.parse import quote

from . import corpus, synth, titles
from .httpcore import PDF, XML, Request, Response, html, not_found, redirect
from .model import FileRes, Item
from .site import CST, Column, SiteApp

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MIME = {"pdf": PDF, "docx": DOCX, "doc": "application/msword", "xls": "application/vnd.ms-excel"}
MAKETIME = "2025-11-03 02:14:37"  # whole-site rebuild time: never the publication date
ART = re.compile(r"^/art/(\d{4})/(\d{1,2})/(\d{1,2})/art_(\d+)_(\d+)\.html$")


def attr(text: str) -> str:
    return escape(text, quote=True)


class HanwebSite(SiteApp):
    """Classic Hanweb JCMS district portal with a department directory."""

    platform = "hanweb"
    roles = ("main", "oss")
    proxy_path = "/module/jpage/dataproxy.jsp"
    per_page = 15
    group_size = 3
    col_base = 1229781430
    unit_base = 4535233
    nb_decoys = 80
    notice_decoys = 140

    def __init__(
        self,
        site_id: str = "hanweb-gongshu",
        name: str = "杭州市拱墅区人民政府",
        region_code: str = "330105",
        seed: int = 0,
        short: str = "拱墅区",
        webid: int = 2096,
    ) -> None:
        super().__init__(site_id, name, region_code, seed)
        self.short = short
        self.webid = webid
        self.nav: dict[str, tuple[str, list[str]]] = {}  # nav column id -> (name, children)

    # ---- structure -------------------------------------------------------------------
    DEPARTMENTS: tuple[str, ...] = (
        "区政府办公室",
        "区发展和改革局",
        "区教育局",
        "区财政局",
        "区统计局",
        "区综合行政执法局",
        "区住房和城乡建设局",
        "区卫生健康局",
        "区民政局",
        "区司法局",
        "区市场监督管理局",
        "区人力资源和社会保障局",
    )

    def _ids(self) -> None:
        base = self.col_base
        self.col_xxgk = str(base + 6)  # 政府信息公开
        self.col_fdzdgk = str(base + 10)  # 法定主动公开内容
        self.col_nb = str(base + 11)  # 政府信息公开年报
        self.col_tzgg = str(base + 14)  # 通知公告
        self.col_bmml = str(base + 20)  # 信息公开部门目录
        self.col_guide = str(base + 7)  # 政府信息公开指南
        self.col_zd = str(base + 8)  # 政府信息公开制度
        self.col_ysq = str(base + 9)  # 依申请公开

    def build(self) -> None:
        self._ids()
        rng = self.rng
        self.columns[self.col_nb] = Column(
            self.col_nb, "政府信息公开年报", unit_id=str(self.unit_base), kind="nianbao"
        )
        self.columns[self.col_tzgg] = Column(
            self.col_tzgg, "通知公告", unit_id=str(self.unit_base + 7)
        )
        self.dept_cols: dict[str, str] = {}
        for i, dept in enumerate(self.DEPARTMENTS):
            col_id = str(self.col_base + 30 + i * 7)
            self.dept_cols[dept] = col_id
            self.columns[col_id] = Column(
                col_id, dept, unit_id=str(self.unit_base + 67 + i), kind="dept"
            )
        self.nav = {
            self.col_xxgk: (
                "政府信息公开",
                [
                    self.col_guide,
                    self.col_zd,
                    self.col_fdzdgk,
                    self.col_nb,
                    self.col_ysq,
                    self.col_bmml,
                ],
            ),
            self.col_fdzdgk: ("法定主动公开内容", [self.col_nb, self.col_tzgg]),
            self.col_bmml: ("信息公开部门目录", list(self.dept_cols.values())),
            self.col_guide: ("政府信息公开指南", []),
            self.col_zd: ("政府信息公开制度", []),
            self.col_ysq: ("依申请公开", []),
            self.col_extra(0): ("新闻动态", [self.col_tzgg]),
            self.col_extra(1): ("政务服务", []),
            self.col_extra(2): ("互动交流", []),
        }
        self.real_slots: set[tuple[str, int]] = set()
        self._real_reports()
        self._district_reports(rng)
        self._dept_content(rng)
        self._decoys(rng, self.col_nb, self.nb_decoys)
        self._decoys(rng, self.col_tzgg, self.notice_decoys)
        self._negative_files(rng)
        self.sort_columns()

    # ---- content ---------------------------------------------------------------------
    def _art(self, col: str, title: str, published: datetime, body: str, **kw: object) -> Item:
        item = Item(
            item_id=self.new_id(59_000_000, 59_999_999),
            title=title,
            published=published,
            column=col,
            body_html=body,
            **kw,
        )  # type: ignore[arg-type]
        return self.add_item(item, col)

    def _file(
        self, data: bytes, showname: str, ext: str, modified: datetime, role: str = "main"
    ) -> FileRes:
        return self.add_file(
            FileRes(titles.hex32(self.rng), ext, data, showname, modified.replace(tzinfo=CST), role)
        )

    def _real_reports(self) -> None:
        rng = self.rng
        # The seed: 综合行政执法局 2023, rebuilt tables in #zoom, department column + 年报 column.
        seed_name = "seed-gongshu-zfj-2023.txt"
        zfj = self.dept_cols["区综合行政执法局"]
        self.seed_item = self._art(
            zfj,
            corpus.seed_title_lines(seed_name),
            datetime(2024, 1, 19, 15, 32),
            corpus.report_body(seed_name),
            source="区综合行政执法局",
            report_year=2023,
            agency="拱墅区综合行政执法局",
            report_format="html",
            source_file=seed_name,
        )
        self.columns[self.col_nb].items.append(self.seed_item.item_id)
        # A real PDF report as an attachment through downfile.jsp -> /attach/0/<hex>.pdf.
        pdf_name = "js-huaian-hongze-2023.pdf"
        meta = corpus.manifest()[pdf_name]
        published = datetime(2024, 1, 26, 10, 5)
        showname = "淮安市洪泽区人民政府2023年政府信息公开工作年度报告.pdf"
        pdf = self._file(corpus.read_bytes(pdf_name), showname, "pdf", published)
        self.pdf_item = self._art(
            self.col_nb,
            "淮安市洪泽区人民政府2023年政府信息公开工作年度报告",
            published,
            "<p>淮安市洪泽区人民政府2023年政府信息公开工作年度报告详见附件。</p>",
            source="区政府办公室",
            files=[pdf],
            report_year=2023,
            agency=meta["agency"],
            report_format="pdf",
            source_file=pdf_name,
        )
        # The same PDF republished by 区政府办 with the file on the OSS host.
        oss_pdf = self._file(corpus.read_bytes(pdf_name), showname, "pdf", published, role="oss")
        self.oss_item = self._art(
            self.dept_cols["区政府办公室"],
            "淮安市洪泽区人民政府2023年政府信息公开工作年度报告（转载）",
            datetime(2024, 1, 29, 9, 40),
            "<p>转载。附件：</p>",
            source="区政府办公室",
            files=[oss_pdf],
            report_year=2023,
            agency=meta["agency"],
            report_format="pdf",
            source_file=pdf_name,
        )
        # A real (truncated) department report from the corpus: 区统计局 2023.
        tj_name = "unk-qu-tongjiju-2023.txt"
        self.tj_item = self._art(
            self.dept_cols["区统计局"],
            f"{self.short}统计局2023年政府信息公开工作年度报告",
            datetime(2024, 1, 23, 11, 2),
            corpus.report_body(tj_name),
            source="区统计局",
            report_year=2023,
            agency=f"{self.short}统计局",
            report_format="html",
            source_file=tj_name,
        )
        self.real_slots |= {("区综合行政执法局", 2023), ("区统计局", 2023)}
        _ = rng

    def place_doc(
        self,
        name: str,
        col: str,
        published: datetime,
        title: str | None = None,
        as_file: bool = False,
        direct: bool = False,
        role: str = "main",
    ) -> Item:
        """Publish a corpus report: as an article body, or as an attached/direct file."""
        meta = corpus.manifest()[name]
        year = meta.get("year")
        agency = meta.get("agency") or self.name
        title = title or corpus.doc_title(name)
        common = {"source": agency, "report_year": year, "agency": agency, "source_file": name}
        if as_file:
            ext = name.rsplit(".", 1)[1]
            f = self._file(corpus.read_bytes(name), f"{title}.{ext}", ext, published, role=role)
            return self._art(
                col,
                title,
                published,
                f"<p>{escape(title)}详见附件。</p>",
                files=[f],
                direct_file=direct,
                report_format=ext,
                **common,
            )
        return self._art(
            col, title, published, corpus.report_body(name), report_format="html", **common
        )

    def _district_reports(self, rng) -> None:
        for year in range(2014, 2025):
            if ("__district__", year) in self.real_slots:
                continue
            agency = f"{self.short}人民政府"
            title = f"{agency}{year}年政府信息公开工作年度报告"
            if year < 2017:
                title = f"{self.short}{year}年政府信息公开工作年度报告"
            if year == 2018:
                title = f"{agency}{year}年度政府信息公开工作年度报告"
            self._art(
                self.col_nb,
                title,
                titles.pub_datetime(rng, year + 1, report=True),
                synth.report_html(rng, agency, year),
                source="区政府办公室",
                report_year=year,
                agency=f"{self.name}",
                report_format="html",
                synthetic=True,
            )

    def _dept_content(self, rng) -> None:
        for dept, col in self.dept_cols.items():
            short = dept.removeprefix("区").removeprefix("县")
            agency = f"{self.short}{short}"
            for year in range(2016, 2025):
                if (dept, year) in self.real_slots:
                    continue  # the real corpus report stands for that year
                if rng.random() < 0.12:
                    continue  # some years are missing, as on real sites
                title = f"{agency}{year}年政府信息公开工作年度报告"
                if rng.random() < 0.15:
                    title = f"{year}年{agency}政府信息公开工作年度报告"  # year-first variant
                item = self._art(
                    col,
                    title,
                    titles.pub_datetime(rng, year + 1, report=True),
                    synth.report_html(rng, agency, year),
                    source=dept,
                    report_year=year,
                    agency=agency,
                    report_format="html",
                    synthetic=True,
                )
                if year >= 2022:
                    self.columns[self.col_nb].items.append(item.item_id)  # republished in 年报
            self._decoys(rng, col, rng.randint(8, 16), unit=agency)

    def _decoys(self, rng, col: str, count: int, unit: str | None = None) -> None:
        units = unit or [self.short, f"{self.short}人民政府", f"{self.short}人民政府办公室"]
        for _ in range(count):
            title, when, body, who = titles.decoy(rng, units, first_year=2015, dated_by_title=True)
            self._art(col, title, when, body, source=who)

    def _negative_files(self, rng) -> None:
        """Non-report files that look like reports: a 决算 PDF (OSS) and a blank format DOCX."""
        when = datetime(2024, 9, 12, 10, 0)
        js = self._file(
            corpus.read_bytes("neg-sh-putuo-shgzb-2024-juesuan.pdf"),
            "2024年度部门决算.pdf",
            "pdf",
            when,
            role="oss",
        )
        self._art(
            self.col_nb,
            f"{self.short}2024年度部门决算",
            when,
            "<p>部门决算详见附件。</p>",
            source="区财政局",
            files=[js],
            direct_file=True,
        )
        when = datetime(2021, 12, 20, 16, 30)
        docx = self._file(
            corpus.read_bytes("template-blank-2021-format.docx"),
            "政府信息公开工作年度报告格式.docx",
            "docx",
            when,
        )
        self._art(
            self.col_nb,
            "关于印发政府信息公开工作年度报告格式的通知",
            when,
            "<p>各部门：现将年度报告格式印发给你们，请遵照执行。</p>",
            source="区政府办公室",
            files=[docx],
        )
        _ = rng

    # ---- addresses -------------------------------------------------------------------
    def item_path(self, item: Item) -> str:
        p = item.published
        return f"/art/{p.year}/{p.month}/{p.day}/art_{item.column}_{item.item_id}.html"

    def col_extra(self, n: int) -> str:
        return str(self.col_base - 30 + n)

    def col_path(self, col_id: str) -> str:
        return f"/col/col{col_id}/index.html"

    def oss_prefix(self) -> str:
        return f"/jcms_files/jcms1/web{self.webid}/site/attach/0/"

    def file_url(self, f: FileRes) -> str:
        if f.host_role == "oss":
            return f"{self.base('oss')}{self.oss_prefix()}{f.key}.{f.ext}"
        return f"{self.base()}/attach/0/{f.key}.{f.ext}"

    def file_href(self, f: FileRes) -> str:
        """Link as written in pages: downfile.jsp on the main host, absolute URL on OSS."""
        if f.host_role == "oss":
            return self.file_url(f)
        return (
            f"/module/download/downfile.jsp?classid=0&filename={f.key}.{f.ext}"
            f"&showname={quote(f.showname)}"
        )

    def file_link(self, f: FileRes) -> str:
        href = self.file_href(f)
        return href if href.startswith("http") else self.base() + href

    def list_paths(self) -> list[str]:
        nb = self.col_path(getattr(self, "drifted_from", self.col_nb))
        return [nb] + [self.col_path(c) for c in self.dept_cols.values()]

    def drift_column(self) -> None:
        """Site revision: the 年报 column gets a new id; the old /col/col<id>/ answers 404."""
        with self.lock:
            old, new = self.col_nb, str(int(self.col_nb) + 68_955)
            col = self.columns.pop(old)
            col.col_id = new
            self.columns[new] = col
            for item in self.items.values():
                if item.column == old:
                    item.column = new
            for _name, children in list(self.nav.values()):
                children[:] = [new if c == old else c for c in children]
            self.col_nb = new
            self.drifted_from = old

    def item_href(self, item: Item) -> str:
        return (
            self.file_href(item.files[0])
            if item.direct_file and item.files
            else self.item_path(item)
        )

    # ---- rendering -------------------------------------------------------------------
    def chrome(self, title: str, crumbs: list[tuple[str, str]], main: str, metas: str = "") -> str:
        nav = "".join(
            f'<li><a href="{h}">{escape(t)}</a></li>'
            for t, h in [
                ("首页", "/"),
                ("新闻动态", self.col_path(self.col_extra(0))),
                ("政府信息公开", self.col_path(self.col_xxgk)),
                ("政务服务", self.col_path(self.col_extra(1))),
                ("互动交流", self.col_path(self.col_extra(2))),
            ]
        )
        crumb = " &gt; ".join(f'<a href="{h}">{escape(t)}</a>' for t, h in [("首页", "/"), *crumbs])
        return (
            '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="UTF-8">\n'
            f"<title>{escape(title)}</title>\n"
            f'<meta name="SiteName" content="{attr(self.name)}">\n'
            f'<meta name="SiteIDCode" content="{self.region_code}0001">\n{metas}'
            '<link rel="stylesheet" href="/images/style.css">\n'
            '<script src="/module/jslib/jquery/jquery.js"></script>\n'
            "</head>\n<body>\n"
            f'<div class="header"><div class="logo">{escape(self.name)}</div><ul class="nav">{nav}</ul></div>\n'
            f'<div class="location">当前位置：{crumb}</div>\n{main}\n'
            f'<div class="footer">主办单位：{escape(self.name)}办公室 网站标识码：{self.region_code}0001</div>\n'
            "</body>\n</html>\n"
        )

    def _crumbs_for(self, col_id: str) -> list[tuple[str, str]]:
        x = (self.col_xxgk, self.col_fdzdgk)
        if col_id in (self.col_nb, self.col_tzgg):
            trail = [*x, col_id]
        elif col_id in self.dept_cols.values():
            trail = [self.col_xxgk, self.col_bmml, col_id]
        elif col_id == self.col_xxgk:
            trail = [col_id]
        elif col_id in (self.col_fdzdgk, self.col_bmml):
            trail = [self.col_xxgk, col_id]
        else:
            trail = [self.col_xxgk, col_id]
        return [(self.col_name(c), self.col_path(c)) for c in trail]

    def col_name(self, col_id: str) -> str:
        if col_id in self.columns:
            return self.columns[col_id].name
        return self.nav.get(col_id, ("栏目", []))[0]

    def render_home(self) -> str:
        links = "".join(
            f'<li><a href="{self.col_path(c)}" target="_blank">{escape(self.col_name(c))}</a></li>'
            for c in [self.col_xxgk, self.col_fdzdgk, self.col_nb, self.col_bmml]
        )
        news = "".join(
            f'<li><a href="{self.item_path(i)}" title="{attr(i.title)}">{escape(titles.truncate(i.title))}</a>'
            f"<span>{i.published:%m-%d}</span></li>"
            for i in self.visible(self.columns[self.col_tzgg])[:8]
        )
        main = (
            f'<div class="main"><div class="zwgk"><h3>政务公开</h3><ul>{links}</ul></div>'
            f'<div class="news"><h3>通知公告</h3><ul>{news}</ul></div></div>'
        )
        return self.chrome(self.name, [], main)

    def render_nav_col(self, col_id: str) -> str:
        name, children = self.nav[col_id]
        links = "".join(
            f'<li><a href="{self.col_path(c)}">{escape(self.col_name(c))}</a></li>'
            for c in children
        )
        body = f'<div class="main"><div class="left"><h2>{escape(name)}</h2><ul class="sub-nav">{links}</ul></div>'
        if not children:
            body += f'<div class="right"><p>{escape(name)}内容正在完善中。</p></div>'
        body += "</div>"
        return self.chrome(name, self._crumbs_for(col_id), body, self.col_metas(name))

    def col_metas(self, name: str) -> str:
        return f'<meta name="ColumnName" content="{attr(name)}">\n<meta name="ColumnType" content="{attr(name)}">\n'

    def record(self, item: Item) -> str:
        return (
            f"<li><a href='{attr(self.item_href(item))}' title='{attr(item.title)}' target=\"_blank\">"
            f"{escape(titles.truncate(item.title))}</a><span>{item.published:%Y-%m-%d}</span></li>"
        )

    def proxy_query(self, col: Column) -> str:
        return (
            f"appid=1&webid={self.webid}&path=/&columnid={col.col_id}&unitid={col.unit_id}"
            f"&webname={quote(self.name)}&permissiontype=0"
        )

    def render_list_col(self, col: Column) -> str:
        items = self.visible(col)
        first = items[: self.per_page * self.group_size]
        records = "\n".join(f"<record><![CDATA[{self.record(i)}]]></record>" for i in first)
        nextgroup = f'<a href="{self.proxy_path}?page=1&{self.proxy_query(col)}"></a>'
        island = (
            f'<div id="{col.unit_id}"><script type="text/xml"><datastore>\n'
            f"<nextgroup><![CDATA[{nextgroup}]]></nextgroup>\n<recordset>\n{records}\n"
            "</recordset>\n</datastore></script></div>"
        )
        param = (
            f"var param_{col.unit_id} = {{col:1,webid:{self.webid},path:'/',columnid:{col.col_id},"
            f"sourceContentType:1,unitid:'{col.unit_id}',webname:'{self.name}',permissiontype:0}};"
        )
        init = (
            f"$(function(){{ $('#{col.unit_id}').jpage({{totalRecord:{len(items)},"
            f"proxyUrl:'{self.proxy_path}',perPage:{self.per_page},groupSize:{self.group_size},"
            f"barPosition:'bottom',ajaxParam:param_{col.unit_id},dataStore:''}}); }});"
        )
        left = ""
        sibs = self.nav[self.col_bmml][1] if col.kind == "dept" else self.nav[self.col_fdzdgk][1]
        left = "".join(
            f'<li><a href="{self.col_path(c)}">{escape(self.col_name(c))}</a></li>' for c in sibs
        )
        main = (
            f'<div class="main"><div class="left"><ul class="sub-nav">{left}</ul></div>'
            f'<div class="right"><h2>{escape(col.name)}</h2>\n{island}\n'
            f'<script src="/module/jpage/jpage.js"></script>\n<script>\n{param}\n{init}\n</script>\n'
            "</div></div>"
        )
        return self.chrome(col.name, self._crumbs_for(col.col_id), main, self.col_metas(col.name))

    def render_item(self, item: Item) -> bytes:
        pub = item.published
        col_name = self.col_name(item.column)
        metas = (
            self.col_metas(col_name) + f'<meta name="ArticleTitle" content="{attr(item.title)}">\n'
            f'<meta name="PubDate" content="{pub:%Y-%m-%d %H:%M}">\n'
            f'<meta name="ContentSource" content="{attr(item.source)}">\n'
            f"<meta name='Maketime' content='{MAKETIME}'>\n"
        )
        seq = int(item.item_id) % 100000
        group = "政府信息公开年报" if item.is_report else col_name
        meta_table = (
            '<table class="xxgk_table"><tbody>'
            f"<tr><td>索引号:</td><td>0025{self.region_code}/{pub.year}-{seq:05d}</td><td>文号:</td><td></td></tr>"
            "<tr><td>主题分类:</td><td>政务综合类</td><td>公开方式:</td><td>主动公开</td></tr>"
            f"<tr><td>体裁分类:</td><td>其他</td><td>发布机构:</td><td>{escape(item.source)}</td></tr>"
            f"<tr><td>成文日期:</td><td>{pub:%Y-%m-%d}</td><td>组配分类:</td><td>{escape(group)}</td></tr>"
            "<tr><td>公开范围:</td><td>面向全社会</td><td></td><td></td></tr></tbody></table>"
        )
        files = ""
        if item.files:
            links = "".join(
                f'<p><a href="{attr(self.file_href(f))}" target="_blank">{escape(f.showname)}</a></p>'
                for f in item.files
            )
            files = f"<p>附件：</p>{links}"
        body = (
            f'<div class="main"><div class="article">{meta_table}'
            f'<h1 class="title">{escape(item.title)}</h1>'
            f'<div class="info">发布日期: {pub:%Y-%m-%d %H:%M} &nbsp; 浏览次数:<span id="views"></span></div>'
            '<div id="zoom"><!--<$[信息内容]>begin--><!--ZJEG_RSS.content.begin-->'
            f'<meta name="ContentStart">\n{item.body_html}\n{files}\n<meta name="ContentEnd">'
            "<!--ZJEG_RSS.content.end--><!--<$[信息内容]>end--></div></div></div>"
        )
        page = self.chrome(item.title, self._crumbs_for(item.column), body, metas)
        return page.encode("utf-8")

    def render_proxy(self, req: Request) -> Response:
        col = self.columns.get(req.param("columnid"))
        if (
            col is None
            or req.param("unitid") != col.unit_id
            or req.param("webid") != str(self.webid)
        ):
            items: list[Item] = []
        else:
            items = self.visible(col)
        total = len(items)
        try:
            chunk, per = self.proxy_window(req, items)
        except ValueError:
            chunk, per = [], self.per_page
        recs = "\n".join(f"<record><![CDATA[{self.record(i)}]]></record>" for i in chunk)
        head = self.proxy_head(col) if col is not None else ""
        xml = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n{head}'
            f"<totalrecord>{total}</totalrecord>\n<totalpage>{math.ceil(total / per)}</totalpage>\n"
            f"<recordset>\n{recs}\n</recordset>\n</datastore>\n"
        )
        return Response(body=xml.encode("utf-8"), content_type=XML)

    def proxy_window(self, req: Request, items: list[Item]) -> tuple[list[Item], int]:
        """Records for startrecord..endrecord (1-based, inclusive); perpage only sets totalpage."""
        per = max(1, int(req.param("perpage") or self.per_page))
        start = max(1, int(req.param("startrecord") or 1))
        end = int(req.param("endrecord") or start + per * self.group_size - 1)
        return items[start - 1 : end], per

    def proxy_head(self, col: Column) -> str:
        return ""

    # ---- dispatch --------------------------------------------------------------------
    def serve_file(self, key: str, role: str) -> Response:
        f = self.files.get(key)
        if f is None or f.host_role != role:
            return not_found()
        owner = next((i for i in self.items.values() if f in i.files), None)
        version = owner.version if owner else 1
        when = f.modified if owner is None else self.modified(owner)
        return Response(
            body=self.file_bytes(f, version),
            content_type=MIME.get(f.ext, "application/octet-stream"),
            last_modified=when,
            etag=True,
            headers={"Accept-Ranges": "bytes"},
        )

    def handle(self, req: Request, role: str) -> Response:
        with self.lock:
            if role == "oss":
                return self.handle_oss(req)
            return self.handle_main(req)

    def handle_oss(self, req: Request) -> Response:
        path = req.path
        if path.startswith(self.oss_prefix()):
            return self.serve_file(path.removeprefix(self.oss_prefix()), "oss")
        denied = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>'
            "<Message>You have no right to access this object.</Message></Error>\n"
        )
        return Response(
            status=403, body=denied.encode(), content_type="application/xml; charset=UTF-8"
        )

    def handle_main(self, req: Request) -> Response:
        path = req.path
        if path in ("/", "/index.html"):
            return html(self.render_home(), etag=True)
        if path == "/robots.txt":
            return Response(
                body=b"User-agent: *\nAllow: /\n", content_type="text/plain; charset=UTF-8"
            )
        m = re.fullmatch(r"/col/col(\d+)/index\.html", path)
        if m:
            col_id = m.group(1)
            if col_id in self.columns:
                return html(self.render_list_col(self.columns[col_id]), etag=True)
            if col_id in self.nav:
                return html(self.render_nav_col(col_id), etag=True)
            return not_found()
        if path == self.proxy_path and req.method in ("GET", "POST"):
            return self.render_proxy(req)
        m = ART.match(path)
        if m:
            item = self.items.get(m.group(5))
            if item is None or item.removed or self.item_path(item) != path:
                return not_found()
            return Response(
                body=self.render_item(item), last_modified=self.modified(item), etag=True
            )
        if path == "/module/download/downfile.jsp":
            key = req.param("filename")
            f = self.files.get(key)
            if f is None or f.host_role != "main":
                return not_found()
            return redirect(f"/attach/0/{key}")
        if path.startswith("/attach/0/"):
            return self.serve_file(path.removeprefix("/attach/0/"), "main")
        return not_found()
