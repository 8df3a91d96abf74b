"""An Anhui county site on the /public/column/ disclosure platform (site-structures.md §7).

The 年报 column `/public/column/<organId>?type=4&catId=<catId>&action=list&nav=3` lists rows
`<ul class="clearfix xxgk_nav_list"><li><a title=…>…</a><span class="date">…</span></li>`,
15 a page, with 下一页 links `…&pageIndex=N`; details `/public/<organId>/<id>.html`. Switch
`variant: 2` is the script-filled kind: the column page holds only a `<?=el.…?>` template, and
the rows come from the data URL `/site/label/8888?…labelName=publicInfoList&pageIndex=N…
&result=暂无相关信息&file=…` as an HTML fragment (`暂无相关信息` past the last page). The
registry's list URL is then that data URL; from the home page alone the crawl can only say the
platform is recognised and not supported.
"""

from __future__ import annotations

import math
from datetime import datetime
from html import escape
from urllib.parse import urlencode

from . import synth, titles
from .httpcore import Request, Response, not_found
from .model import Item
from .site import Column, SiteApp

ORGAN = "6595"
NB_CAT = "7049"
NOTICE_CAT = "7031"
PER_PAGE = 15
SITE_ID = "6786551"
TEMPLATE = "/c3/fx/publicInfoList_newest"
EMPTY = "暂无相关信息"


class LonsunSite(SiteApp):
    """肥西-like county site: a 年报 column and a 通知公告 column on /public/column/."""

    platform = "lonsun"
    variants = (1, 2)

    def __init__(self, seed: int = 0) -> None:
        super().__init__("lonsun-feixi", "肥西县人民政府", "340123", seed)
        self.short = "肥西县"

    def build(self) -> None:
        rng = self.rng
        self.columns[NB_CAT] = Column(NB_CAT, "政府信息公开年报", kind="nianbao")
        self.columns[NOTICE_CAT] = Column(NOTICE_CAT, "通知公告")
        for year in range(2012, 2026):
            agency = f"{self.short}人民政府"
            self._add(
                NB_CAT,
                f"{agency}{year}年政府信息公开工作年度报告",
                titles.pub_datetime(rng, year + 1, report=True),
                synth.report_html(rng, agency, year),
                source=f"{self.short}政府办公室",
                report_year=year,
                agency=agency,
                report_format="html",
                synthetic=True,
            )
        for year in (2022, 2023, 2024):
            self._add(
                NB_CAT,
                f"《{self.short}人民政府{year}年政府信息公开工作年度报告》政策解读",
                titles.pub_datetime(rng, year + 1, report=True),
                titles.decoy_body(rng, "解读", self.short),
                source=f"{self.short}政府办公室",
            )
        units = [self.short, f"{self.short}人民政府办公室", f"{self.short}财政局"]
        for col, count in ((NB_CAT, 10), (NOTICE_CAT, 40)):
            for _ in range(count):
                title, when, body, unit = titles.decoy(rng, units)
                self._add(col, title, when, body, source=unit)
        self.sort_columns()

    def _add(self, col: str, title: str, when: datetime, body: str, **kw: object) -> Item:
        item = Item(
            item_id=self.new_id(40_000_000, 59_999_999),
            title=title,
            published=when,
            column=col,
            body_html=body,
            **kw,
        )  # type: ignore[arg-type]
        return self.add_item(item, col)

    # ---- addresses -------------------------------------------------------------------
    def home_path(self) -> str:
        return "/index.html"

    def column_path(self, cat: str, page: int = 1) -> str:
        more = f"&pageIndex={page}" if page > 1 else ""
        return f"/public/column/{ORGAN}?type=4&catId={cat}&action=list&nav=3{more}"

    def data_path(self, cat: str, page: int = 1) -> str:
        query = {
            "IsAjax": "1",
            "dataType": "html",
            "labelName": "publicInfoList",
            "siteId": SITE_ID,
            "pageSize": str(PER_PAGE),
            "pageIndex": str(page),
            "action": "list",
            "isDate": "true",
            "dateFormat": "yyyy-MM-dd",
            "length": "50",
            "organId": ORGAN,
            "type": "4",
            "catId": cat,
            "cId": "",
            "result": EMPTY,
            "file": TEMPLATE,
        }
        return "/site/label/8888?" + urlencode(query)

    def item_path(self, item: Item) -> str:
        return f"/public/{ORGAN}/{item.item_id}.html"

    def file_url(self, f) -> str:  # no attachments on this site
        raise KeyError(f)

    def list_paths(self) -> list[str]:
        return [self.data_path(NB_CAT) if self.variant == 2 else self.column_path(NB_CAT)]

    # ---- rendering -------------------------------------------------------------------
    def shell(self, title: str, main: str) -> bytes:
        nav = "".join(
            f'<li><a href="{escape(self.column_path(c))}">{escape(col.name)}</a></li>'
            for c, col in self.columns.items()
        )
        return (
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
            f'<meta name="SiteId" content="{SITE_ID}"><title>{escape(title)}</title></head>'
            f'<body><div class="header">{escape(self.name)}</div><ul class="nav">{nav}</ul>'
            f'{main}<div class="footer">主办：{escape(self.name)}办公室</div></body></html>\n'
        ).encode()

    def rows(self, col: Column, page: int) -> tuple[str, int] | None:
        items = self.visible(col)
        pages = max(1, math.ceil(len(items) / PER_PAGE))
        if not 1 <= page <= pages:
            return None
        lis = "".join(
            f'<li><a href="{self.item_path(i)}" target="_blank" title="{escape(i.title)}">'
            f"{escape(titles.truncate(i.title, 30))}</a>"
            f'<span class="date">{i.published:%Y-%m-%d}</span></li>'
            for i in items[(page - 1) * PER_PAGE : page * PER_PAGE]
        )
        return f'<ul class="clearfix xxgk_nav_list">{lis}</ul>', pages

    def render_column(self, cat: str, page: int) -> bytes | None:
        col = self.columns[cat]
        if self.variant == 2:  # rows filled in by script from the data URL
            template = (
                '<div id="public_info_list"></div><script type="text/html" id="tpl">'
                '<ul class="clearfix xxgk_nav_list"><? for(var i=0,l=data.length; i<l; i++){ ?>'
                '<? var el = data[i] ?><li><a href="<?=el.link?>" title="<?=el.title?>">'
                "<?=el.title?></a></li><? } ?></ul></script>"
                f'<script>var yxCatId = "{cat}";</script>'
            )
            return self.shell(col.name, template)
        found = self.rows(col, page)
        if found is None:
            return None
        lis, pages = found
        bar = []
        if page > 1:
            bar.append(f'<a href="{escape(self.column_path(cat, page - 1))}">上一页</a>')
        if page < pages:
            bar.append(f'<a href="{escape(self.column_path(cat, page + 1))}">下一页</a>')
        main = (
            f'<div class="xxgk_nav_con"><h2>{escape(col.name)}</h2>{lis}'
            f'<div class="pagination">{"".join(bar)}<span>共{pages}页</span></div></div>'
        )
        return self.shell(col.name, main)

    def render_data(self, req: Request) -> Response:
        cat, page = req.param("catId") or "", int(req.param("pageIndex") or 1)
        if req.param("labelName") != "publicInfoList" or cat not in self.columns:
            return not_found()
        found = self.rows(self.columns[cat], page)
        body = found[0] if found else f'<div class="xxgk_nav_con">{EMPTY}</div>'
        return Response(body=body.encode())

    def render_item(self, item: Item) -> bytes:
        main = (
            f'<div class="newstitle"><h1 class="newstitle">{escape(item.title)}</h1></div>'
            f'<div class="div_table_suoyin"><table><tr><td>发布机构</td><td>{escape(item.source)}'
            f"</td><td>发布日期</td><td>{item.published:%Y-%m-%d}</td></tr></table></div>"
            f'<div id="zoom">{item.body_html}</div>'
        )
        return self.shell(item.title, main)

    # ---- dispatch --------------------------------------------------------------------
    def handle(self, req: Request, role: str) -> Response:
        with self.lock:
            path = req.path
            if path in ("/", "/index.html"):
                links = "".join(
                    f'<li><a href="{escape(self.column_path(c))}">{escape(col.name)}</a></li>'
                    for c, col in self.columns.items()
                )
                return Response(body=self.shell(self.name, f"<ul>{links}</ul>"), etag=True)
            if path == "/robots.txt":
                return Response(
                    body=b"User-agent: *\nDisallow:\n", content_type="text/plain; charset=UTF-8"
                )
            if path == f"/public/column/{ORGAN}":
                cat = req.param("catId") or ""
                if cat not in self.columns:
                    return not_found()
                body = self.render_column(cat, int(req.param("pageIndex") or 1))
                return Response(body=body, etag=True) if body else not_found()
            if path == "/site/label/8888":
                return self.render_data(req)
            if path.startswith(f"/public/{ORGAN}/") and path.endswith(".html"):
                item = self.items.get(path.rsplit("/", 1)[1].removesuffix(".html"))
                if item is not None and not item.removed and self.item_path(item) == path:
                    return Response(
                        body=self.render_item(item), last_modified=self.modified(item), etag=True
                    )
            return not_found()
