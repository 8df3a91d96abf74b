"""Hanweb JPaaS (集约化平台) district site, shaped like the captured 杭州滨江 site.

The column page carries only a unit element with `queryData="{…}"`; items come from
`GET /api-gateway/jpaas-publish-server/front/page/build/unit?…&paramJson={"pageNo":n,
"pageSize":m}` as JSON whose `data.html` is an HTML fragment with `count="N"`. Without
paramJson only the latest 10 come back. Articles: `/col/col<id>/art/<YYYY>/art_<32hex>.html`.
Switch `variant: 2` renders the unit as 建德 does (`ul.ajax-ul > li.cf.border-line`, full title
as text, no `title=`).
"""

from __future__ import annotations

import json
import math
import re
from datetime import datetime
from html import escape
from urllib.parse import quote

from . import titles
from .hanweb import MAKETIME, HanwebSite, attr
from .httpcore import JSON, Request, Response, not_found
from .model import FileRes, Item
from .site import Column

BUILD_UNIT = "/api-gateway/jpaas-publish-server/front/page/build/unit"
DOWNLOAD = "/api-gateway/jpaas-web-server/front/document/download"
ART = re.compile(r"^/col/col(\d+)/(?:[a-z]+/)?art/(\d{4})/art_([0-9a-f]{32})\.html$")


class JpaasSite(HanwebSite):
    """JPaaS portal: JSON unit-build API, 32-hex article ids, OSS attachment host."""

    platform = "jpaas"
    col_base = 1487000
    unit_base = 0
    nb_decoys = 75
    notice_decoys = 60
    tpl_set = "quSyqDUrFfjv1nGRQhEEH"
    tag = "阳光政务_分页列表"
    DEPARTMENTS = (
        "区政府办公室",
        "区发展和改革局",
        "区统计局",
        "区卫生健康局",
        "西兴街道",
        "长河街道",
        "浦沿街道",
    )

    variants = (1, 2)

    def __init__(self, seed: int = 0) -> None:
        super().__init__(
            site_id="jpaas-binjiang",
            name="杭州市滨江区人民政府",
            region_code="330108",
            seed=seed,
            short="滨江区",
            webid=2945,
        )

    # ---- content ---------------------------------------------------------------------
    def new_id(self, low: int = 0, high: int = 0) -> str:
        while True:
            candidate = titles.hex32(self.rng)
            if candidate not in self.items:
                return candidate

    def _real_reports(self) -> None:
        self.place_doc("xj-xfj-2024.txt", self.col_nb, datetime(2025, 1, 16, 14, 0))
        self.place_doc(
            "hl-wuchang-beiyinhe-2022-notables.txt",
            self.dept_cols["西兴街道"],
            datetime(2023, 1, 18, 10, 30),
        )
        self.place_doc(
            "js-huaian-hongze-2023.pdf",
            self.dept_cols["区政府办公室"],
            datetime(2024, 2, 1, 9, 0),
            as_file=True,
            role="oss",
        )

    # ---- addresses -------------------------------------------------------------------
    def item_path(self, item: Item) -> str:
        sub = "zfxxgknb/" if self.columns[item.column].kind == "dept" else ""
        return f"/col/col{item.column}/{sub}art/{item.published.year}/art_{item.item_id}.html"

    def oss_prefix(self) -> str:
        return f"/jpaas-jpaas-web-server/wcm/{self.webid}/attach/"

    def file_url(self, f: FileRes) -> str:
        if f.host_role == "oss":
            return f"{self.base('oss')}{self.oss_prefix()}{f.key}.{f.ext}"
        return f"{self.base()}{DOWNLOAD}?fileName={f.key}.{f.ext}"

    def file_href(self, f: FileRes) -> str:
        return self.file_url(f) if f.host_role == "oss" else f"{DOWNLOAD}?fileName={f.key}.{f.ext}"

    def query_data(self, col: Column) -> dict[str, str]:
        return {
            "webId": str(self.webid),
            "tplSetId": self.tpl_set,
            "tagId": self.tag,
            "pageId": col.col_id,
        }

    # ---- rendering -------------------------------------------------------------------
    def render_list_col(self, col: Column) -> str:
        qd = json.dumps(self.query_data(col), ensure_ascii=False).replace('"', "'")
        sibs = self.nav[self.col_bmml if col.kind == "dept" else self.col_fdzdgk][1]
        left = "".join(
            f'<li><a href="{self.col_path(c)}">{escape(self.col_name(c))}</a></li>' for c in sibs
        )
        main = (
            f'<div class="main"><div class="left"><ul class="sub-nav">{left}</ul></div>'
            f'<div class="right"><h2>{escape(col.name)}</h2>\n'
            f'<div id="{self.tag}" class="jpaas-unit" queryData="{escape(qd, quote=False)}"></div>\n'
            '<script src="/static/jpaas/unit-build.js"></script>\n'
            "<script>jpaasUnit.load('#" + self.tag + "', {pageSize:15});</script>\n</div></div>"
        )
        metas = self.col_metas(col.name) + f'<meta name="ColId" content="{col.col_id}">\n'
        return self.chrome(col.name, self._crumbs_for(col.col_id), main, metas)

    def fragment(self, col: Column, items: list[Item], total: int, page: int, size: int) -> str:
        if self.variant == 2:  # 建德-style unit: ul.ajax-ul > li.cf.border-line, no title=
            lis = "".join(
                f'<li class="cf border-line"><a href="{attr(self.item_href(i))}" '
                f'target="_blank">{escape(i.title)}</a><span>{i.published:%Y-%m-%d}</span></li>'
                for i in items
            )
            return (
                f'<div class="ajax-list" count="{total}" pageNo="{page}">'
                f'<ul class="ajax-ul">{lis}</ul></div>'
            )
        lis = "".join(
            f'<li><a class="news" href="{attr(self.item_href(i))}" title="{attr(i.title)}" '
            f'target="_blank">{escape(titles.truncate(i.title, 32))}</a>'
            f'<span class="time">{i.published:%Y-%m-%d}</span></li>'
            for i in items
        )
        return (
            f'<div class="pagination-list" id="{self.tag}" count="{total}" pageNo="{page}" '
            f'pageSize="{size}" pageCount="{max(1, math.ceil(total / size))}">'
            f'<ul class="page-content">{lis}</ul></div>'
        )

    def render_unit(self, req: Request) -> Response:
        col = self.columns.get(req.param("pageId"))
        ok = (
            col is not None
            and req.param("webId") == str(self.webid)
            and req.param("tplSetId") == self.tpl_set
            and req.param("tagId") == self.tag
        )
        if not ok or col is None:
            body = {"code": 500, "success": False, "message": "参数错误", "data": None}
            return Response(body=json.dumps(body, ensure_ascii=False).encode(), content_type=JSON)
        items = self.visible(col)
        raw = req.param("paramJson")
        page, size = 1, 10
        if raw:
            try:
                pj = json.loads(raw)
                page, size = (
                    max(1, int(pj.get("pageNo", 1))),
                    max(1, min(100, int(pj.get("pageSize", 10)))),
                )
            except (ValueError, TypeError, AttributeError):
                page, size = 1, 10
        chunk = items[(page - 1) * size : page * size]
        data = {"html": self.fragment(col, chunk, len(items), page, size)}
        body = {"code": 200, "success": True, "message": "操作成功", "data": data}
        return Response(body=json.dumps(body, ensure_ascii=False).encode(), content_type=JSON)

    def render_item(self, item: Item) -> bytes:
        pub = item.published
        metas = (
            self.col_metas(self.col_name(item.column))
            + f'<meta name="ColId" content="{item.column}">\n'
            + f'<meta name="ArticleTitle" content="{attr(item.title)}">\n'
            + f'<meta name="PubDate" content="{pub:%Y-%m-%d %H:%M}">\n'
            + f'<meta name="ContentSource" content="{attr(item.source)}">\n'
            + f"<meta name='Maketime' content='{MAKETIME}'>\n"
        )
        files = "".join(
            f'<p><a href="{attr(self.file_href(f))}" target="_blank">{escape(f.showname)}</a></p>'
            for f in item.files
        )
        body = (
            f'<div class="main"><div class="article"><h1 class="title">{escape(item.title)}</h1>'
            f'<div class="info">发布时间：{pub:%Y-%m-%d %H:%M} 点击率：<span id="hits"></span> '
            "字体：[ 大 中 小 ]</div>"
            '<div id="ivs_content" class="infocontent"><!--ZJEG_RSS.content.begin-->'
            f"{item.body_html}\n{files}<!--ZJEG_RSS.content.end--></div></div></div>"
        )
        return self.chrome(item.title, self._crumbs_for(item.column), body, metas).encode("utf-8")

    # ---- dispatch --------------------------------------------------------------------
    def handle_main(self, req: Request) -> Response:
        path = req.path
        if path == BUILD_UNIT:
            return self.render_unit(req)
        m = ART.match(path)
        if m:
            item = self.items.get(m.group(3))
            if item is None or item.removed or self.item_path(item) != path:
                return not_found()
            return Response(
                body=self.render_item(item), last_modified=self.modified(item), etag=True
            )
        if path == DOWNLOAD:
            resp = self.serve_file(req.param("fileName"), "main")
            f = self.files.get(req.param("fileName"))
            if resp.status == 200 and f is not None:
                resp.headers["Content-Disposition"] = (
                    f"attachment; filename*=UTF-8''{quote(f.showname)}"
                )
            return resp
        if path.startswith(("/art/", "/attach/", "/module/")):
            return not_found()
        return super().handle_main(req)
