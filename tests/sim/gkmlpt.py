"""Guangdong 政府信息公开目录管理平台 (gkmlpt), the province-wide disclosure catalogue platform.

`/gkmlpt/index` carries `window._CONFIG = { SID:'…', TREE:[…], SERVICE_AREA_ID:'…' }` — a
JavaScript object literal (unquoted keys, single-quoted strings), not JSON; lists come only from
`/gkmlpt/api/all/<catId>?page=n&sid=s` JSON (100 per page, `total`, `articles[]` with `url`,
`post_url`, `display_publish_time` in unix seconds, `create_time`); detail pages
`/gkmlpt/content/<a>/<b>/post_<id>.html` embed the body as a string in `_CONFIG.DETAIL`.

Variants (switch `variant`): 1 = pages numbered from 1, 年报 categories in TREE; 2 = pages
numbered from 0 and no 年报 category in TREE (reports filed under 其他), so only `api/all/0`
(every article of the site) finds them.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from html import escape

from . import corpus, synth, titles
from .httpcore import JSON, PDF, Request, Response, not_found
from .model import FileRes, Item
from .site import CST, Column, SiteApp

PAGE_SIZE = 100
_IDENT = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


def js_literal(value: object) -> str:
    """A JavaScript object literal as gkmlpt pages write it: bare keys, single quotes."""
    if isinstance(value, dict):
        return (
            "{"
            + ",".join(
                f"{k if _IDENT.fullmatch(k) else js_literal(k)}:{js_literal(v)}"
                for k, v in value.items()
            )
            + "}"
        )
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(js_literal(v) for v in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value).replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
    return "'" + text.replace("\r", "\\r").replace("</", "<\\/") + "'"


class GkmlptSite(SiteApp):
    """A Guangdong county on gkmlpt (HTTP only, JSON lists)."""

    platform = "gkmlpt"
    sid = "759031"
    variants = (1, 2)

    def __init__(self, seed: int = 0) -> None:
        super().__init__("gkmlpt-xuwen", "徐闻县人民政府", "440825", seed)
        self.short = "徐闻县"

    def build(self) -> None:
        rng = self.rng
        self.cats = {
            "3488": Column("3488", "政府信息公开年报", kind="nianbao"),
            "3490": Column("3490", "部门政府信息公开年报", kind="dept"),
            "3471": Column("3471", "通知公告"),
            "3475": Column("3475", "财政预决算"),
        }
        self.columns.update(self.cats)
        docs = (
            (
                "gd-xuwen-sfj-noyear.txt",
                "3490",
                datetime(2022, 1, 21, 10, 0),
                "徐闻县司法局政府信息公开工作年度报告",
            ),
            ("gd-guangzhou-tyj-2023-mirror-trad.txt", "3490", datetime(2024, 1, 19, 16, 0), ""),
            ("hn-changsha-tyj-2019-mirror-legacy.txt", "3490", datetime(2020, 1, 17, 9, 0), ""),
        )
        for name, cat, when, title in docs:
            meta = corpus.manifest()[name]
            self._post(
                cat,
                title or corpus.doc_title(name),
                when,
                corpus.report_body(name),
                publisher=meta.get("agency") or "徐闻县司法局",
                report_year=meta.get("year"),
                agency=meta.get("agency") or "徐闻县司法局",
                report_format="html",
                source_file=name,
            )
        for year in range(2014, 2025):
            agency = f"{self.short}人民政府"
            self._post(
                "3488",
                f"{agency}{year}年政府信息公开工作年度报告",
                titles.pub_datetime(rng, year + 1, report=True),
                synth.report_html(rng, agency, year),
                publisher=f"{self.short}人民政府办公室",
                report_year=year,
                agency=agency,
                report_format="html",
                synthetic=True,
            )
        for dept in (
            "县教育局",
            "县财政局",
            "县卫生健康局",
            "县民政局",
            "县自然资源局",
            "县统计局",
        ):
            agency = f"{self.short}{dept.removeprefix('县')}"
            for year in range(2019, 2025):
                if rng.random() < 0.15:
                    continue
                self._post(
                    "3490",
                    f"{agency}{year}年政府信息公开工作年度报告",
                    titles.pub_datetime(rng, year + 1, report=True),
                    synth.report_html(rng, agency, year),
                    publisher=agency,
                    report_year=year,
                    agency=agency,
                    report_format="html",
                    synthetic=True,
                )
        units = [self.short, f"{self.short}人民政府办公室", f"{self.short}财政局"]
        for cat, count in (("3488", 12), ("3490", 20), ("3471", 230), ("3475", 60)):
            for _ in range(count):
                title, when, body, unit = titles.decoy(rng, units)
                self._post(cat, title, when, body, publisher=unit)
        when = datetime(2024, 9, 10, 9, 0)
        f = FileRes(
            str(self.rng.randint(10**6, 10**7)),
            "pdf",
            corpus.read_bytes("neg-sh-putuo-shgzb-2024-juesuan.pdf"),
            "2024年度部门决算.pdf",
            when.replace(tzinfo=CST),
        )
        self.add_file(f)
        self._post(
            "3475",
            f"{self.short}2024年度部门决算",
            when,
            "<p>详见附件。</p>",
            publisher=f"{self.short}财政局",
            files=[f],
        )
        self.sort_columns()

    def _post(
        self, cat: str, title: str, when: datetime, body: str, publisher: str, **kw: object
    ) -> Item:
        item = Item(
            item_id=self.new_id(2_000_000, 4_999_999),
            title=title,
            published=when,
            column=cat,
            body_html=body,
            source=publisher,
            **kw,
        )  # type: ignore[arg-type]
        return self.add_item(item, cat)

    # ---- addresses -------------------------------------------------------------------
    def home_path(self) -> str:
        return "/gkmlpt/index"

    def item_path(self, item: Item) -> str:
        n = int(item.item_id)
        return f"/gkmlpt/content/{n // 1_000_000}/{n // 1000}/post_{n}.html"

    def file_url(self, f: FileRes) -> str:
        n = int(f.key)
        return f"{self.base()}/attachment/0/{n // 1000}/{n}.{f.ext}"

    def first_page(self) -> int:
        return 0 if self.variant == 2 else 1

    def list_paths(self) -> list[str]:
        cats = ("0",) if self.variant == 2 else ("3488", "3490")
        return [f"/gkmlpt/api/all/{c}?page={self.first_page()}&sid={self.sid}" for c in cats]

    # ---- rendering -------------------------------------------------------------------
    def article_json(self, item: Item, absolute: bool = True) -> dict:
        """API record; detail pages embed it with site-relative URLs so bytes stay stable."""
        base = self.base() if absolute else ""
        ts = int(item.published.replace(tzinfo=CST).timestamp())
        return {
            "id": int(item.item_id),
            "title": item.title,
            "url": base + self.item_path(item),
            "post_url": self.item_path(item),
            "publisher": item.source,
            "display_publish_time": ts,
            "create_time": ts - 3600,
            "created_at": item.published.strftime("%Y-%m-%d %H:%M:%S"),
            "document_number": "",
            "identifier": f"{self.region_code}-{item.published:%Y}-{int(item.item_id) % 100000:05d}",
            "keywords": "",
            "abstract": "",
            "classify_main": int(item.column),
            "classify_main_name": self.cats[item.column].name,
            "classify_genre_name": "其他",
            "classify_theme_name": "政务公开",
            "is_expired": 0,
            "is_abolished": 0,
            "attachment": [
                {
                    "name": f.showname,
                    "url": self.file_url(f).removeprefix(self.base() if not absolute else ""),
                }
                for f in item.files
            ],
            "relation": [],
        }

    def tree(self) -> list[dict]:
        def node(c: Column) -> dict:
            return {
                "id": int(c.col_id),
                "name": c.name,
                "children": [],
                "jump_url": "",
                "post_count": len(self.visible(c)),
            }

        xxgk = {
            "id": 3400,
            "name": "法定主动公开内容",
            "jump_url": "",
            "post_count": 0,
            "children": [node(self.cats["3471"]), node(self.cats["3475"])],
        }
        nb = node(self.cats["3488"])
        nb["children"] = [node(self.cats["3490"])]
        if self.variant == 2:  # the reports are filed under categories not named 年报
            nb["name"], nb["children"][0]["name"] = "其他", "其他文件"
        return [xxgk, nb]

    def render_index(self) -> bytes:
        config = {"SID": self.sid, "TREE": self.tree(), "SERVICE_AREA_ID": self.region_code}
        page = (
            '<!DOCTYPE html><html><head><meta charset="utf-8">'
            f"<title>{escape(self.name)}政府信息公开</title></head><body>"
            '<div id="app"></div>\n<script>\n    window._CONFIG = '
            + js_literal(config)
            + ';\n</script><script src="/gkmlpt/static/js/app.js"></script></body></html>'
        )
        return page.encode("utf-8")

    def render_item(self, item: Item) -> bytes:
        detail = {**self.article_json(item, absolute=False), "content": item.body_html}
        config = {"SID": self.sid, "DETAIL": detail}
        page = (
            '<!DOCTYPE html><html><head><meta charset="utf-8">'
            f"<title>{escape(item.title)}</title>"
            f'<meta name="ArticleTitle" content="{escape(item.title)}">'
            f'<meta name="PubDate" content="{item.published:%Y-%m-%d %H:%M}">'
            f'<meta name="ContentSource" content="{escape(item.source)}"></head><body>'
            '<div id="app"></div>\n<script>\n    window._CONFIG = '
            + js_literal(config)
            + ";\n</script></body></html>"
        )
        return page.encode("utf-8")

    def render_api(self, req: Request, cat: str) -> Response:
        if cat == "0":  # api/all/0: every article of the site, newest first
            items = sorted(
                (i for c in self.cats.values() for i in self.visible(c)),
                key=lambda i: (i.published, i.item_id),
                reverse=True,
            )
        else:
            col = self.cats.get(cat)
            items = self.visible(col) if col is not None else []
        if req.param("sid") != self.sid:
            items = []
        first = self.first_page()
        try:
            page = max(first, int(req.param("page") or first))
        except ValueError:
            page = first
        chunk = items[(page - first) * PAGE_SIZE : (page - first + 1) * PAGE_SIZE]
        body = {
            "total": len(items),
            "articles": [self.article_json(i) for i in chunk],
            "classify": {"id": int(cat) if cat.isdigit() else 0, "post_count": len(items)},
        }
        return Response(body=json.dumps(body, ensure_ascii=False).encode(), content_type=JSON)

    # ---- dispatch --------------------------------------------------------------------
    def handle(self, req: Request, role: str) -> Response:
        with self.lock:
            path = req.path
            if path in ("/", "/gkmlpt", "/gkmlpt/", "/gkmlpt/index", "/gkmlpt/policy"):
                return Response(
                    body=self.render_index(), etag=True, content_type="text/html; charset=utf-8"
                )
            if path == "/robots.txt":
                return Response(
                    body=b"User-agent: *\nAllow: /\n", content_type="text/plain; charset=UTF-8"
                )
            m = re.fullmatch(r"/gkmlpt/api/all/(\d+)", path)
            if m:
                return self.render_api(req, m.group(1))
            m = re.fullmatch(r"/gkmlpt/content/\d+/\d+/post_(\d+)\.html", path)
            if m:
                item = self.items.get(m.group(1))
                if item is None or item.removed or self.item_path(item) != path:
                    return not_found()
                return Response(
                    body=self.render_item(item),
                    last_modified=self.modified(item),
                    etag=True,
                    content_type="text/html; charset=utf-8",
                )
            m = re.fullmatch(r"/attachment/0/\d+/(\d+)\.pdf", path)
            if m:
                f = self.files.get(f"{m.group(1)}.pdf")
                if f is None or self.file_url(f) != self.base() + path:
                    return not_found()
                return Response(body=f.data, content_type=PDF, last_modified=f.modified, etag=True)
            return not_found()
