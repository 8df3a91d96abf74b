"""Jiangxi-style site whose lists are script data (site-structures.md §7, "script_json").

The 年报 column page holds no list markup: `var listData = {articleList:[{title, showTitle,
pubDate, urls:"{\\"pc\\":\\"…\\",\\"h5\\":\\"…\\"}"}], total, pageSize, pageIndex}` (a JS object
literal; `urls` is a JSON *string*), 15 articles a page, `index.html`, `index_2.html` … linked by
a plain pager. Detail pages keep the body in script as `content:{"content":"<html>"}`.
"""

from __future__ import annotations

import json
import math
import re
from datetime import datetime
from html import escape

from . import synth, titles
from .gkmlpt import js_literal
from .httpcore import Request, Response, not_found
from .model import FileRes, Item
from .site import Column, SiteApp

COLUMN = "/col/col4975/"
PER_PAGE = 15


class JiangxiSite(SiteApp):
    """A county on the Jiangxi site group, lists as `listData` script objects."""

    platform = "jiangxi"

    def __init__(self, seed: int = 0) -> None:
        super().__init__("jiangxi-anyuan", "安远县人民政府", "360726", seed)
        self.short = "安远县"

    def build(self) -> None:
        rng = self.rng
        self.columns[COLUMN] = Column(COLUMN, "政府信息公开年报", kind="nianbao")
        for year in range(2012, 2026):
            agency = f"{self.short}人民政府"
            self._add(
                f"{agency}{year}年政府信息公开工作年度报告",
                titles.pub_datetime(rng, year + 1, report=True),
                synth.report_html(rng, agency, year),
                source=f"{agency}办公室",
                report_year=year,
                agency=agency,
                report_format="html",
                synthetic=True,
            )
        for dept in ("县教育体育局", "县财政局", "县统计局"):
            agency = f"{self.short}{dept.removeprefix('县')}"
            for year in range(2020, 2026):
                self._add(
                    f"{agency}{year}年政府信息公开工作年度报告",
                    titles.pub_datetime(rng, year + 1, report=True),
                    synth.report_html(rng, agency, year),
                    source=agency,
                    report_year=year,
                    agency=agency,
                    report_format="html",
                    synthetic=True,
                )
        for year in (2023, 2024):
            self._add(
                f"图解：{self.short}人民政府{year}年政府信息公开工作年度报告",
                titles.pub_datetime(rng, year + 1, report=True),
                titles.decoy_body(rng, "图解", self.short),
                source=self.short,
            )
        for _ in range(10):
            title, when, body, unit = titles.decoy(rng, [self.short, f"{self.short}财政局"])
            self._add(title, when, body, source=unit)
        self.sort_columns()

    def _add(self, title: str, when: datetime, body: str, **kw: object) -> Item:
        item = Item(
            item_id=self.new_id(), title=title, published=when, column=COLUMN, body_html=body, **kw
        )  # type: ignore[arg-type]
        return self.add_item(item, COLUMN)

    def home_path(self) -> str:
        return "/index.html"

    def item_path(self, item: Item) -> str:
        p = item.published
        return f"/art/{p.year}/{p.month}/{p.day}/art_4975_{item.item_id}.html"

    def file_url(self, f: FileRes) -> str:  # no attachments on this site
        raise KeyError(f)

    def list_paths(self) -> list[str]:
        return [COLUMN + "index.html"]

    def shell(self, title: str, main: str) -> bytes:
        return (
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title></head><body>{main}</body></html>\n"
        ).encode()

    def render_list(self, n: int) -> bytes | None:
        items = self.visible(self.columns[COLUMN])
        pages = max(1, math.ceil(len(items) / PER_PAGE))
        if not 1 <= n <= pages:
            return None
        articles = [
            {
                "title": i.title,
                "showTitle": titles.truncate(i.title, 24),
                "pubDate": f"{i.published:%Y-%m-%d}",
                "urls": json.dumps({"pc": self.item_path(i), "h5": "/h5" + self.item_path(i)}),
            }
            for i in items[(n - 1) * PER_PAGE : n * PER_PAGE]
        ]
        data = {"articleList": articles, "total": len(items), "pageSize": PER_PAGE, "pageIndex": n}

        def name(k: int) -> str:
            return "index.html" if k == 1 else f"index_{k}.html"

        bar = "".join(f'<a href="{name(k)}">{k}</a>' for k in range(1, pages + 1) if k != n)
        if n < pages:
            bar += f'<a href="{name(n + 1)}">下一页</a>'
        return self.shell(
            "政府信息公开年报",
            (
                '<div class="crumb">首页 &gt; 政府信息公开 &gt; 政府信息公开年报</div><ul id="list"></ul>'
                f"<script>\nvar listData = {js_literal(data)};\n</script>"
                f'<div class="page">{bar}</div>'
            ),
        )

    def render_item(self, item: Item) -> bytes:
        page = {
            "title": item.title,
            "pubDate": f"{item.published:%Y-%m-%d}",
            "content": {"content": item.body_html},
        }
        text = json.dumps(page["content"], ensure_ascii=False, separators=(",", ":"))
        text = text.replace("</", "<\\/")
        return self.shell(
            item.title,
            (
                '<div id="app"></div><script>\nvar pageData = {title:'
                + js_literal(item.title)
                + ",pubDate:'"
                + page["pubDate"]
                + "',content:"
                + text
                + "};\n</script>"
            ),
        )

    def handle(self, req: Request, role: str) -> Response:
        with self.lock:
            path = req.path
            if path in ("/", "/index.html"):
                return Response(
                    body=self.shell(
                        self.name,
                        (
                            f'<ul><li><a href="/col/col4970/index.html">政府信息公开</a></li>'
                            f'<li><a href="{COLUMN}index.html">政府信息公开年报</a></li></ul>'
                        ),
                    ),
                    etag=True,
                )
            if path == "/robots.txt":
                return Response(
                    body=b"User-agent: *\nDisallow:\n", content_type="text/plain; charset=UTF-8"
                )
            m = re.fullmatch(re.escape(COLUMN) + r"index(?:_(\d+))?\.html", path)
            if m and m.group(1) != "1":
                body = self.render_list(int(m.group(1) or 1))
                return Response(body=body, etag=True) if body else not_found()
            m = re.fullmatch(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_4975_(\d+)\.html", path)
            item = self.items.get(m.group(1)) if m else None
            if item is not None and not item.removed and self.item_path(item) == path:
                return Response(
                    body=self.render_item(item), last_modified=self.modified(item), etag=True
                )
            return not_found()
