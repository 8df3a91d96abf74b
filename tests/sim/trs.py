"""TRS WCM (拓尔思) static-publishing district site, shaped like the captured 福州鼓楼 site.

Faithful points: the pager exists only as JS (`createPageHTML(n, 0, "index", "htm")` or the
inline `var countPage = n` expansion), pages are `index.htm`, `index_1.htm` …; items are
relative `./YYYYMM/tYYYYMMDD_<id>.htm`; the body is `.TRS_Editor`; attachments are
same-directory `./P0<digits>.pdf` with `appendix="true" download="…" OLDSRC="/protect/…"`;
departments have their own `zfxxgknb` channels. One variant is GBK with the charset only in
`<meta>` (no charset in the Content-Type header). Switch `variant: 2` renders the items as TRS
WCM's `<a><div><em>date time</em></div><h3>title</h3></a>` (no title=) and the pager as the
inline expansion below a commented-out `//createPageHTML(<stale count>, …)`.
"""

from __future__ import annotations

import math
import posixpath
import re
from datetime import datetime
from html import escape

from . import corpus, synth, titles
from .httpcore import PDF, Request, Response, not_found
from .model import FileRes, Item
from .site import CST, Column, SiteApp

PER_PAGE = 20
STYLE = (
    '<style type="text/css">.TRS_Editor P{margin-top:0;}.TRS_Editor DIV{margin-top:0;}'
    ".TRS_Editor TD{margin-top:0;}.TRS_Editor TH{margin-top:0;}.TRS_Editor SPAN{margin-top:0;}"
    ".TRS_Editor FONT{margin-top:0;}.TRS_Editor UL{margin-top:0;}.TRS_Editor LI{margin-top:0;}"
    ".TRS_Editor A{margin-top:0;}</style>"
)


class TrsSite(SiteApp):
    """TRS district portal under a `/xjwz/` root with department 年报 channels."""

    platform = "trs"
    ext = "htm"
    encoding = "utf-8"
    root = "/xjwz/"
    DEPARTMENTS: tuple[tuple[str, str], ...] = (
        ("glqzfb", "区政府办"),
        ("xzfwzxgwh", "区行政服务中心管委会"),
        ("qfgj", "区发展和改革局"),
        ("qjyj", "区教育局"),
        ("qtjj", "区统计局"),
        ("qczj", "区财政局"),
        ("qmzj", "区民政局"),
        ("qsfj", "区司法局"),
        ("qwjj", "区卫生健康局"),
    )
    docs: tuple[tuple[str, str, datetime, str], ...] = (
        # (file, channel key: "nb" or dept code, published, title or "")
        ("fj-pingtan-2019-html.html", "nb", datetime(2020, 1, 20, 15, 22), ""),
        ("fj-pingtan-2020-legacy.txt", "nb", datetime(2021, 3, 5, 10, 12), ""),
        ("fj-pingtan-2021.txt", "nb", datetime(2022, 2, 8, 16, 34), ""),
        ("fj-pingtan-2022.txt", "glqzfb", datetime(2023, 2, 20, 9, 5), ""),
    )
    pdf_doc = ("js-huaian-hongze-2023.pdf", "qtjj", datetime(2024, 1, 12, 11, 40))

    variants = (1, 2)  # 2: cs.com.cn-style items (<em>date</em><h3>title</h3>), stale pager

    def __init__(
        self,
        site_id: str = "trs-gulou",
        name: str = "福州市鼓楼区人民政府",
        region_code: str = "350102",
        seed: int = 0,
        short: str = "鼓楼区",
    ) -> None:
        super().__init__(site_id, name, region_code, seed)
        self.short = short
        self.pager_style: dict[str, str] = {}

    # ---- structure -------------------------------------------------------------------
    def chan(self, rel: str) -> str:
        return self.root + rel

    def build(self) -> None:
        rng = self.rng
        self.nb = self.chan("zfxxgk/zfxxgknb/")
        self.notice = self.chan("zfxxgk/fdzdgknr/tzgg/")
        self.columns[self.nb] = Column(self.nb, "政府信息公开年报", kind="nianbao")
        self.columns[self.notice] = Column(self.notice, "通知公告")
        self.dept_chan: dict[str, str] = {}
        for code, dname in self.DEPARTMENTS:
            path = self.chan(f"zfxxgk/qzbmptlj/qrmzfjzfgzbm/{code}/zfxxgknb/")
            self.dept_chan[code] = path
            self.columns[path] = Column(path, f"{dname}政府信息公开年报", kind="dept")
        for path in self.columns:
            self.pager_style[path] = "createPageHTML" if rng.random() < 0.6 else "inline"
        real_slots: set[tuple[str, int]] = set()
        for name, key, when, title in self.docs:
            chan = self.nb if key == "nb" else self.dept_chan[key]
            meta = corpus.manifest()[name]
            self._doc(chan, name, when, title or corpus.doc_title(name), meta)
            real_slots.add((key, meta.get("year") or 0))
        name, key, when = self.pdf_doc
        meta = corpus.manifest()[name]
        title = corpus.doc_title(name)
        f = self._file(corpus.read_bytes(name), f"{title}.pdf", when)
        self._art(
            self.dept_chan[key],
            title,
            when,
            f"<p>{escape(title)}，详见附件。</p>",
            source=meta["agency"],
            files=[f],
            report_year=meta["year"],
            agency=meta["agency"],
            report_format="pdf",
            source_file=name,
        )
        for year in range(2015, 2025):
            if ("nb", year) in real_slots:
                continue
            agency = f"{self.name.removesuffix('人民政府')}"
            self._art(
                self.nb,
                f"{agency}{year}年政府信息公开工作年度报告",
                titles.pub_datetime(rng, year + 1, report=True),
                synth.report_html(rng, agency, year),
                source=f"{self.short}政府办",
                report_year=year,
                agency=agency,
                report_format="html",
                synthetic=True,
            )
        for code, dname in self.DEPARTMENTS:
            agency = f"{self.short}{dname.removeprefix('区').removeprefix('县')}"
            for year in range(2017, 2025):
                if (code, year) in real_slots or rng.random() < 0.1:
                    continue
                item = self._art(
                    self.dept_chan[code],
                    f"{agency}{year}年政府信息公开工作年度报告",
                    titles.pub_datetime(rng, year + 1, report=True),
                    synth.report_html(rng, agency, year),
                    source=agency,
                    report_year=year,
                    agency=agency,
                    report_format="html",
                    synthetic=True,
                )
                if year >= 2023:
                    self.columns[self.nb].items.append(item.item_id)  # cross-channel repost
            self._decoys(rng, self.dept_chan[code], rng.randint(4, 10), agency)
        self._decoys(rng, self.nb, 90, self.short)
        self._decoys(rng, self.notice, 150, self.short)
        self.sort_columns()

    def _art(self, chan: str, title: str, when: datetime, body: str, **kw: object) -> Item:
        item = Item(
            item_id=self.new_id(4_700_000, 5_300_000),
            title=title,
            published=when,
            column=chan,
            body_html=body,
            **kw,
        )  # type: ignore[arg-type]
        return self.add_item(item, chan)

    def _file(self, data: bytes, showname: str, when: datetime) -> FileRes:
        key = f"P0{when:%Y%m%d}{self.rng.randrange(10**11, 10**12)}"
        return self.add_file(
            FileRes(key, showname.rsplit(".", 1)[1], data, showname, when.replace(tzinfo=CST))
        )

    def _decoys(self, rng, chan: str, count: int, unit: str) -> None:
        for _ in range(count):
            title, when, body, _unit = titles.decoy(rng, unit, dated_by_title=True)
            self._art(chan, title, when, body, source=unit)

    def _doc(self, chan: str, name: str, when: datetime, title: str, meta: dict) -> Item:
        body = corpus.report_body(name)
        return self._art(
            chan,
            title,
            when,
            body,
            source=meta.get("agency") or "",
            report_year=meta.get("year"),
            agency=meta.get("agency") or "",
            report_format="html",
            source_file=name,
        )

    # ---- addresses -------------------------------------------------------------------
    def home_path(self) -> str:
        return self.root + f"index.{self.ext}"

    def item_dir(self, item: Item) -> str:
        return f"{item.column}{item.published:%Y%m}/"

    def item_path(self, item: Item) -> str:
        return f"{self.item_dir(item)}t{item.published:%Y%m%d}_{item.item_id}.{self.ext}"

    def file_url(self, f: FileRes) -> str:
        owner = next(i for i in self.items.values() if f in i.files)
        return f"{self.base()}{self.item_dir(owner)}{f.key}.{f.ext}"

    def list_paths(self) -> list[str]:
        return [self.nb, *self.dept_chan.values()]

    # ---- rendering -------------------------------------------------------------------
    def page(self, title: str, crumbs: list[tuple[str, str]], main: str, metas: str = "") -> bytes:
        charset = "gbk" if self.encoding == "gbk" else "utf-8"
        crumb = "&gt;".join(
            f'<a href="{h}">{escape(t)}</a>' for t, h in [("首页", self.home_path()), *crumbs]
        )
        text = (
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
            '<html xmlns="http://www.w3.org/1999/xhtml">\n<head>\n'
            f'<meta http-equiv="Content-Type" content="text/html; charset={charset}" />\n'
            f"<title>{escape(title)}</title>\n"
            f'<meta name="SiteName" content="{escape(self.name)}" />\n{metas}'
            "</head>\n<body>\n"
            f'<div class="top"><div class="logo">{escape(self.name)}</div></div>\n'
            f'<div class="position">当前位置：{crumb}</div>\n{main}\n'
            f'<div class="foot">主办：{escape(self.name)}办公室</div>\n</body>\n</html>\n'
        )
        return text.encode(self.encoding, errors="xmlcharrefreplace")

    def content_type(self) -> str:
        return "text/html" if self.encoding == "gbk" else "text/html; charset=UTF-8"

    def pager(self, path: str, count: int, cur: int) -> str:
        if self.variant == 2:  # the template call TRS leaves commented out, with stale values
            return self.inline_pager(
                count, cur, f'//createPageHTML({count + 6}, 0, "index", "{self.ext}");\n'
            )
        if self.pager_style.get(path) == "createPageHTML":
            return (
                f'<div class="pagebar"><script type="text/javascript">createPageHTML({count}, '
                f'{cur}, "index", "{self.ext}");</script></div>'
            )
        return self.inline_pager(count, cur)

    def inline_pager(self, count: int, cur: int, leftover: str = "") -> str:
        return (
            f'<div class="page"><SCRIPT LANGUAGE="JavaScript">\n{leftover}'
            f"var currentPage = {cur};//所在页从0开始\nvar prevPage = currentPage-1//上一页\n"
            f"var nextPage = currentPage+1//下一页\nvar countPage = {count}//共多少页\n"
            "if(countPage>1&&currentPage!=0&&currentPage!=1)\n"
            f'\tdocument.write("<a href=\\"index"+"_" + prevPage + "."+"{self.ext}\\">上一页</a>");\n'
            "if(countPage>1&&currentPage!=(countPage-1))\n"
            f'\tdocument.write("<a href=\\"index"+"_" + nextPage + "."+"{self.ext}\\">下一页</a>");\n'
            "</SCRIPT></div>"
        )

    def rel_href(self, from_dir: str, item: Item) -> str:
        target = self.item_path(item)
        rel = posixpath.relpath(target, from_dir.rstrip("/") or "/")
        return rel if rel.startswith("../") else "./" + rel

    def render_list(self, col: Column, cur: int) -> bytes | None:
        items = self.visible(col)
        count = max(1, math.ceil(len(items) / PER_PAGE))
        if cur >= count:
            return None
        chunk = items[cur * PER_PAGE : (cur + 1) * PER_PAGE]
        if self.variant == 2:  # TRS WCM item template: date and full title inside the link
            lis = "\n".join(
                f'<li class="item"><a href="{escape(self.rel_href(col.col_id, i))}" '
                f'target="_blank"><div><em>{i.published:%Y-%m-%d %H:%M}</em></div>'
                f"<h3>{escape(i.title)}</h3><span></span></a></li>"
                for i in chunk
            )
        else:
            lis = "\n".join(
                f'<li><a href="{escape(self.rel_href(col.col_id, i))}" target="_blank" '
                f'title="{escape(i.title)}">{escape(titles.truncate(i.title, 34))}</a>'
                f"<span>{i.published:%Y-%m-%d}</span></li>"
                for i in chunk
            )
        main = (
            f'<div class="list"><h2>{escape(col.name)}</h2><ul class="list_ul">\n{lis}\n</ul>'
            f"{self.pager(col.col_id, count, cur)}</div>"
        )
        metas = f'<meta name="ColumnName" content="{escape(col.name)}" />\n'
        return self.page(col.name, self.crumbs(col.col_id), main, metas)

    def crumbs(self, path: str) -> list[tuple[str, str]]:
        out = [("政府信息公开", self.chan(f"zfxxgk/index.{self.ext}"))]
        if path in self.dept_chan.values():
            out.append(("部门信息公开", self.chan(f"zfxxgk/qzbmptlj/index.{self.ext}")))
        col = self.columns.get(path)
        if col:
            out.append((col.name, path))
        return out

    def render_item(self, item: Item) -> bytes:
        pub = item.published
        metas = (
            f'<meta name="ArticleTitle" content="{escape(item.title)}" />\n'
            f'<meta name="PubDate" content="{pub:%Y-%m-%d %H:%M}" />\n'
            f'<meta name="ContentSource" content="{escape(item.source)}" />\n'
        )
        files = ""
        if item.files:
            lis = "".join(
                f'<li><a appendix="true" data-appendix="true" needdownload="true" '
                f'href="./{f.key}.{f.ext}" title="{escape(f.showname)}" download="{escape(f.showname)}" '
                f'OLDSRC="/protect/{f.key[:8]}/{f.key[:10]}/{f.key}.{f.ext}">{escape(f.showname)}</a></li>'
                for f in item.files
            )
            files = f'<div class="article_attachment"><p>附件：</p><ul>{lis}</ul></div>'
        main = (
            f'<div class="article"><h1>{escape(item.title)}</h1>'
            f'<div class="info">来源:{escape(item.source)} 时间:{pub:%Y-%m-%d %H:%M}</div>'
            f'<div class="TRS_Editor">{STYLE}\n{item.body_html}\n</div>{files}</div>'
        )
        return self.page(item.title, self.crumbs(item.column), main, metas)

    def render_nav(self, path: str) -> bytes | None:
        x = self.chan("zfxxgk/")
        links: list[tuple[str, str]]
        if path in (x, self.chan(f"zfxxgk/index.{self.ext}")):
            name = "政府信息公开"
            links = [
                ("政府信息公开指南", self.chan("zfxxgk/zfxxgkzn/")),
                ("法定主动公开内容", self.notice),
                ("政府信息公开年报", self.nb),
                ("部门信息公开", self.chan(f"zfxxgk/qzbmptlj/index.{self.ext}")),
            ]
        elif path in (
            self.chan("zfxxgk/qzbmptlj/"),
            self.chan(f"zfxxgk/qzbmptlj/index.{self.ext}"),
        ):
            name = "部门信息公开"
            links = [(n, self.dept_chan[c]) for c, n in self.DEPARTMENTS]
        elif path in ("/", self.root, self.home_path()):
            name = self.name
            links = [
                ("政府信息公开", self.chan(f"zfxxgk/index.{self.ext}")),
                ("通知公告", self.notice),
            ]
        else:
            return None
        lis = "".join(f'<li><a href="{h}">{escape(t)}</a></li>' for t, h in links)
        return self.page(name, [], f'<div class="nav"><ul>{lis}</ul></div>')

    # ---- dispatch --------------------------------------------------------------------
    def ok(self, body: bytes, **kw: object) -> Response:
        return Response(body=body, content_type=self.content_type(), etag=True, **kw)  # type: ignore[arg-type]

    def handle(self, req: Request, role: str) -> Response:
        with self.lock:
            return self.route(req.path)

    def route(self, path: str) -> Response:
        if path == "/robots.txt":
            return Response(
                body=b"User-agent: *\nDisallow:\n", content_type="text/plain; charset=UTF-8"
            )
        nav = self.render_nav(path)
        if nav is not None:
            return self.ok(nav)
        ext = re.escape(self.ext)
        m = re.fullmatch(rf"(/.+/)(?:index(?:_(\d+))?\.{ext})?", path)
        if m and m.group(1) in self.columns:
            if path.endswith("index_0." + self.ext):
                return not_found()
            body = self.render_list(self.columns[m.group(1)], int(m.group(2) or 0))
            return self.ok(body) if body is not None else not_found()
        m = re.fullmatch(rf"(/.+/)(\d{{6}})/t(\d{{8}})_(\d+)\.{ext}", path)
        if m:
            item = self.items.get(m.group(4))
            if item is None or item.removed or self.item_path(item) != path:
                return not_found()
            return self.ok(self.render_item(item), last_modified=self.modified(item))
        m = re.fullmatch(r"(/.+/)(\d{6})/(P0\d+)\.(\w+)", path)
        if m:
            f = self.files.get(f"{m.group(3)}.{m.group(4)}")
            owner = next((i for i in self.items.values() if f is not None and f in i.files), None)
            if (
                f is None
                or owner is None
                or owner.removed
                or self.file_url(f) != self.base() + path
            ):
                return not_found()
            return Response(
                body=self.file_bytes(f, owner.version),
                content_type=PDF,
                last_modified=self.modified(owner),
                etag=True,
            )
        return not_found()


class GbkTrsSite(TrsSite):
    """A TRS county site served in GBK, charset only in <meta>, `.html` pages."""

    ext = "html"
    encoding = "gbk"
    root = "/"
    DEPARTMENTS = (
        ("xzfb", "县政府办"),
        ("xtjj", "县统计局"),
        ("xczj", "县财政局"),
        ("xmzj", "县民政局"),
        ("xjtj", "县交通运输局"),
        ("xwjj", "县卫生健康局"),
    )
    docs = (
        (
            "cq-chengkou-2020-legacy.txt",
            "nb",
            datetime(2021, 1, 28, 10, 0),
            "城口县人民政府2020年政府信息公开工作年度报告",
        ),
        ("sn-xixian-taipingzhen-2022.txt", "xzfb", datetime(2023, 1, 30, 9, 0), ""),
        ("sn-jiaxian-xizhen-2022-emptyform.txt", "xmzj", datetime(2023, 1, 20, 9, 0), ""),
        ("gx-liuzhou-tyj-2023.txt", "xjtj", datetime(2024, 1, 22, 15, 0), ""),
        ("sc-tyj-2023.txt", "xwjj", datetime(2024, 1, 26, 8, 50), ""),
    )
    pdf_doc = ("js-huaian-hongze-2023.pdf", "xczj", datetime(2024, 1, 31, 17, 0))

    def __init__(self, seed: int = 0) -> None:
        super().__init__("trs-chengkou-gbk", "城口县人民政府", "500229", seed, short="城口县")

    def home_path(self) -> str:
        return "/index.html"
