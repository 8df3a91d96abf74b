"""A plain static CMS (Shanghai-district-like): `<ul>` list pages linked by 下一页.

No JS at all: `list.html`, `list_2.html` … with 下一页/尾页 anchors; detail pages
`/<channel>/<YYYYMMDD>/<32hex>.html` with `#ivs_content`. The lowest-common-denominator site
every crawler should handle; it hosts the Shanghai documents of the corpus. Switch
`variant: 2` writes the rows as `<dl><dd><a>title</a></dd><dd>date</dd></dl>` (平潭's list).
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from html import escape

from . import corpus, synth, titles
from .httpcore import Request, Response, not_found
from .model import Item
from .site import Column, SiteApp

PER_PAGE = 15


class StaticSite(SiteApp):
    """Static district portal with 年报 and 通知公告 channels."""

    platform = "static"
    variants = (1, 2)

    def __init__(self, seed: int = 0) -> None:
        super().__init__("static-huangpu", "上海市黄浦区人民政府", "310101", seed)
        self.short = "黄浦区"

    def build(self) -> None:
        rng = self.rng
        self.nb = "/zwgk/zfxxgknb/"
        self.notice = "/zwgk/tzgg/"
        self.columns[self.nb] = Column(self.nb, "政府信息公开年报", kind="nianbao")
        self.columns[self.notice] = Column(self.notice, "通知公告")
        docs = (
            ("sh-gov-office-2019-legacy.html", datetime(2020, 1, 31, 10, 0)),
            ("sh-stcsm-2024.md", datetime(2025, 1, 24, 14, 0)),
            ("sh-city-2022.txt", datetime(2023, 3, 30, 17, 0)),
            ("sh-gov-office-2020-mirror-trad.txt", datetime(2021, 2, 1, 9, 30)),
            ("unk-saintpaulhem-2023-mirror-legacyform.txt", datetime(2024, 1, 25, 9, 0)),
        )
        for name, when in docs:
            meta = corpus.manifest()[name]
            agency = meta.get("agency") or self.name
            self._page(
                self.nb,
                corpus.doc_title(name),
                when,
                corpus.report_body(name),
                source=agency,
                report_year=meta.get("year"),
                agency=agency,
                report_format="html",
                source_file=name,
            )
        for name, title, when in (
            (
                "neg-365bet-spam-mirror-2024.txt",
                "转载：某市2024年政府信息公开工作年度报告（镜像）",
                datetime(2025, 2, 2, 12, 0),
            ),
            (
                "neg-iaiso-redacted-mirror-2020.txt",
                "住房公积金管理中心年报（聚合转载）",
                datetime(2021, 3, 3, 12, 0),
            ),
        ):
            self._page(self.nb, title, when, corpus.report_body(name), source="网站编辑部")
        for year in range(2015, 2025):
            agency = f"上海市{self.short}人民政府"
            self._page(
                self.nb,
                f"{agency}{year}年政府信息公开工作年度报告",
                titles.pub_datetime(rng, year + 1, report=True),
                synth.report_html(rng, agency, year),
                source=f"{self.short}政府办公室",
                report_year=year,
                agency=agency,
                report_format="html",
                synthetic=True,
            )
        units = [self.short, f"{self.short}人民政府办公室", f"{self.short}财政局"]
        for col, count in ((self.nb, 45), (self.notice, 160)):
            for _ in range(count):
                title, when, body, unit = titles.decoy(rng, units)
                self._page(col, title, when, body, source=unit)
        self.sort_columns()

    def _page(self, col: str, title: str, when: datetime, body: str, **kw: object) -> Item:
        item = Item(
            item_id=titles.hex32(self.rng),
            title=title,
            published=when,
            column=col,
            body_html=body,
            **kw,
        )  # type: ignore[arg-type]
        return self.add_item(item, col)

    def new_id(self, low: int = 1_000_000, high: int = 9_999_999) -> str:
        """Ids in this platform's shape (32 hex digits), for reports added by a test too."""
        while True:
            candidate = titles.hex32(self.rng)
            if candidate not in self.items:
                return candidate

    def item_path(self, item: Item) -> str:
        return f"{item.column}{item.published:%Y%m%d}/{item.item_id}.html"

    def home_path(self) -> str:
        return "/index.html"

    def list_paths(self) -> list[str]:
        return [self.nb + "list.html"]

    def file_url(self, f) -> str:  # no attachments on this site
        raise KeyError(f)

    def shell(self, title: str, main: str, metas: str = "") -> bytes:
        nav = (
            f'<ul class="nav"><li><a href="/index.html">首页</a></li>'
            f'<li><a href="{self.nb}list.html">政府信息公开年报</a></li>'
            f'<li><a href="{self.notice}list.html">通知公告</a></li></ul>'
        )
        text = (
            f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title>{metas}</head><body>"
            f'<div class="header">{escape(self.name)}</div>{nav}{main}'
            '<div class="footer">版权所有</div></body></html>\n'
        )
        return text.encode("utf-8")

    def render_list(self, col: Column, n: int) -> bytes | None:
        items = self.visible(col)
        pages = max(1, math.ceil(len(items) / PER_PAGE))
        if not 1 <= n <= pages:
            return None
        chunk = items[(n - 1) * PER_PAGE : n * PER_PAGE]
        if self.variant == 2:  # 平潭-style rows: the date in a sibling cell, not the link's
            lis = "".join(
                f'<dl><dd class="title"><a href="{self.item_path(i)}" target="_blank">'
                f'{escape(i.title)}</a></dd><dd class="date">{i.published:%Y-%m-%d}</dd></dl>'
                for i in chunk
            )
        else:
            lis = "".join(
                f'<li><a href="{self.item_path(i)}" title="{escape(i.title)}">'
                f'{escape(i.title)}</a><span class="date">{i.published:%Y-%m-%d}</span></li>'
                for i in chunk
            )

        def name(k: int) -> str:
            return "list.html" if k == 1 else f"list_{k}.html"

        bar = [f'<a href="{name(1)}">首页</a>']
        if n > 1:
            bar.append(f'<a href="{name(n - 1)}">上一页</a>')
        if n < pages:
            bar.append(f'<a href="{name(n + 1)}">下一页</a>')
        bar.append(f'<a href="{name(pages)}">尾页</a><span>共{pages}页 第{n}页</span>')
        main = (
            f'<div class="list"><h2>{escape(col.name)}</h2><ul class="uli14">{lis}</ul>'
            f'<div class="page">{" ".join(bar)}</div></div>'
        )
        return self.shell(col.name, main)

    def render_item(self, item: Item) -> bytes:
        metas = (
            f'<meta name="ArticleTitle" content="{escape(item.title)}">'
            f'<meta name="PubDate" content="{item.published:%Y-%m-%d %H:%M}">'
            f'<meta name="ContentSource" content="{escape(item.source)}">'
        )
        main = (
            f'<div class="article"><h1>{escape(item.title)}</h1>'
            f'<div class="info">发布机构：{escape(item.source)} 发布时间：{item.published:%Y-%m-%d}</div>'
            f'<div id="ivs_content" class="Article_content">{item.body_html}</div></div>'
        )
        return self.shell(item.title, main, metas)

    def handle(self, req: Request, role: str) -> Response:
        with self.lock:
            path = req.path
            if path in ("/", "/index.html"):
                main = "".join(
                    f'<p><a href="{c}list.html">{escape(self.columns[c].name)}</a></p>'
                    for c in self.columns
                )
                return Response(body=self.shell(self.name, main), etag=True)
            if path == "/robots.txt":
                return Response(
                    body=b"User-agent: *\nDisallow:\n", content_type="text/plain; charset=UTF-8"
                )
            m = re.fullmatch(r"(/.+/)list(?:_(\d+))?\.html", path)
            if m and m.group(1) in self.columns:
                if m.group(2) == "1":
                    return not_found()
                body = self.render_list(self.columns[m.group(1)], int(m.group(2) or 1))
                return Response(body=body, etag=True) if body else not_found()
            m = re.fullmatch(r"(/.+/)\d{8}/([0-9a-f]{32})\.html", path)
            if m:
                item = self.items.get(m.group(2))
                if item is None or item.removed or self.item_path(item) != path:
                    return not_found()
                return Response(
                    body=self.render_item(item), last_modified=self.modified(item), etag=True
                )
            return not_found()
