"""Shanghai district disclosure sites shaped like 闵行 and 浦东 (site-structures.md §5).

A separate CMS under `/mh-xxgk-cms/website/mh_xxgk/`: one channel per 年报 (`gknb_qzfnb` for the
district, `xxgk_<dept>_gknb` per department), channel lists `<channel>/List/list_0.htm`,
`list_1.htm` … (numbered from 0; past the end → 404), details `<channel>/content/<uuid>.htm`
with `来源:… 发布时间:2026年2月4日`, files under `/mh-xxgk-cms/UploadPath/uploadfile/<date>/
<uuid>.pdf`. Switch `variant: 2` links details Yangpu-style by query id
(`/yp-zwgk/zwgk/buffersInformation/details?id=<uuid>`).
"""

from __future__ import annotations

import json
import math
import re
import uuid
from datetime import datetime
from html import escape

from . import corpus, synth, titles
from .httpcore import PDF, Request, Response, not_found
from .model import FileRes, Item
from .site import CST, Column, SiteApp

ROOT = "/mh-xxgk-cms/website/mh_xxgk/"
DETAIL = "/yp-zwgk/zwgk/buffersInformation/details"
PER_PAGE = 15
DEPARTMENTS = (
    ("lhsrj", "区绿化和市容管理局"),
    ("jyj", "区教育局"),
    ("tjj", "区统计局"),
    ("mzj", "区民政局"),
)


class MinhangSite(SiteApp):
    """闵行-like: uuid content pages, `List/list_N.htm` channels, departments' own channels."""

    platform = "shanghai"
    variants = (1, 2)

    def __init__(self, seed: int = 0) -> None:
        super().__init__("shanghai-minhang", "上海市闵行区人民政府", "310112", seed)
        self.short = "闵行区"

    def new_id(self, low: int = 0, high: int = 0) -> str:
        while True:
            candidate = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
            if candidate not in self.items:
                return candidate

    def build(self) -> None:
        rng = self.rng
        self.columns["gknb_qzfnb"] = Column("gknb_qzfnb", "区政府年报", kind="nianbao")
        for code, name in DEPARTMENTS:
            self.columns[f"xxgk_{code}_gknb"] = Column(
                f"xxgk_{code}_gknb", f"{name}年报", kind="dept"
            )
        self.columns["xxgk_tzgg"] = Column("xxgk_tzgg", "通知公告")
        district = f"上海市{self.short}人民政府"
        for year in range(2013, 2026):
            title = (
                f"{year}年{self.short}政府信息公开工作年度报告"
                if year >= 2020
                else f"{district}{year}年政府信息公开工作年度报告"
            )
            self._add(
                "gknb_qzfnb",
                title,
                titles.pub_datetime(rng, year + 1, report=True),
                synth.report_html(rng, district, year),
                source=f"{district}办公室",
                report_year=year,
                agency=district,
                report_format="html",
                synthetic=True,
            )
        for code, name in DEPARTMENTS:
            agency = f"上海市{self.short}{name.removeprefix('区')}"
            for year in range(2019, 2026):
                if rng.random() < 0.2:
                    continue
                self._add(
                    f"xxgk_{code}_gknb",
                    f"{year}年{agency}政府信息公开工作年度报告",
                    titles.pub_datetime(rng, year + 1, report=True),
                    synth.report_html(rng, agency, year),
                    source=agency,
                    report_year=year,
                    agency=agency,
                    report_format="html",
                    synthetic=True,
                )
        when = datetime(2025, 1, 20, 10, 0)
        pdf = FileRes(
            self.new_id(),
            "pdf",
            corpus.read_bytes("js-huaian-hongze-2023.pdf"),
            "2024年上海市闵行区统计局政府信息公开工作年度报告.pdf",
            when.replace(tzinfo=CST),
        )
        self.add_file(pdf)
        self._add(
            "xxgk_tjj_gknb",
            "2024年上海市闵行区统计局政府信息公开工作年度报告（附件版）",
            when,
            "<p>详见附件。</p>",
            source="上海市闵行区统计局",
            files=[pdf],
            report_year=2024,
            agency="上海市闵行区统计局",
            report_format="pdf",
        )
        for lookalike in (
            "图解：{y}年{u}政府信息公开工作年度报告",
            "一图读懂{y}年{u}政府信息公开工作年度报告",
            "{y}年{u}政府信息公开工作年度报告解读",
        ):
            for year in (2023, 2024):
                self._add(
                    "gknb_qzfnb",
                    lookalike.format(y=year, u=self.short),
                    titles.pub_datetime(rng, year + 1, report=True),
                    titles.decoy_body(rng, "解读", self.short),
                    source=district,
                )
        units = [self.short, f"{self.short}人民政府办公室", f"{self.short}财政局"]
        for col, count in (("gknb_qzfnb", 8), ("xxgk_tzgg", 70)):
            for _ in range(count):
                title, when, body, unit = titles.decoy(rng, units)
                self._add(col, title, when, body, source=unit)
        self.sort_columns()

    def _add(self, col: str, title: str, when: datetime, body: str, **kw: object) -> Item:
        item = Item(
            item_id=self.new_id(), title=title, published=when, column=col, body_html=body, **kw
        )  # type: ignore[arg-type]
        return self.add_item(item, col)

    # ---- addresses -------------------------------------------------------------------
    def home_path(self) -> str:
        return ROOT + "index.htm"

    def item_path(self, item: Item) -> str:
        if self.variant == 2:
            return f"{DETAIL}?id={item.item_id}"
        return f"{ROOT}{item.column}/content/{item.item_id}.htm"

    def file_url(self, f: FileRes) -> str:
        return f"{self.base()}/mh-xxgk-cms/UploadPath/uploadfile/{f.modified:%Y-%m-%d}/{f.key}.pdf"

    def list_paths(self) -> list[str]:
        return [f"{ROOT}{c}/" for c, col in self.columns.items() if col.kind != "list"]

    # ---- rendering -------------------------------------------------------------------
    def shell(self, title: str, main: str, metas: str = "") -> bytes:
        text = (
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
            f"<title>{escape(title)}-闵行区政府信息公开</title>{metas}</head><body>"
            f'<div class="header"><a href="{ROOT}index.htm">闵行信息公开</a></div>'
            f'<div class="main">{main}</div><div class="footer">主办：{escape(self.name)}办公室</div>'
            "</body></html>\n"
        )
        return text.encode("utf-8")

    def render_home(self) -> bytes:
        main = (
            '<ul class="nav">'
            f'<li><a href="{ROOT}xxgk_zn/">政府信息公开指南</a></li>'
            f'<li><a href="{ROOT}gknb/">政府信息公开年报</a></li>'
            f'<li><a href="{ROOT}xxgk_tzgg/">通知公告</a></li></ul>'
        )
        return self.shell(self.name, main)

    def render_nianbao_nav(self) -> bytes:
        links = "".join(
            f'<li><a href="{ROOT}{c}/">{escape(col.name)}</a></li>'
            for c, col in self.columns.items()
            if col.kind != "list"
        )
        return self.shell(
            "公开年报", f'<div class="crumb">当前位置: 公开年报</div><ul>{links}</ul>'
        )

    def render_list(self, col: Column, n: int) -> bytes | None:
        items = self.visible(col)
        pages = max(1, math.ceil(len(items) / PER_PAGE))
        if not 0 <= n < pages:
            return None
        chunk = items[n * PER_PAGE : (n + 1) * PER_PAGE]
        lis = "".join(
            f'<li><a href="{escape(self.item_path(i))}" target="_blank" title="{escape(i.title)}">'
            f"{escape(titles.truncate(i.title, 30))}</a><span>{i.published:%Y-%m-%d}</span></li>"
            for i in chunk
        )
        bar = [f'<a href="{ROOT}{col.col_id}/List/list_0.htm">首页</a>']
        if n > 0:
            bar.append(f'<a href="{ROOT}{col.col_id}/List/list_{n - 1}.htm">上一页</a>')
        if n < pages - 1:
            bar.append(f'<a href="{ROOT}{col.col_id}/List/list_{n + 1}.htm">下一页</a>')
        main = (
            f'<div class="crumb">当前位置: 公开年报 &gt; {escape(col.name)}</div>'
            f'<ul class="list">{lis}</ul><div class="page">{" ".join(bar)}'
            f"<span>共{pages}页</span></div>"
        )
        return self.shell(col.name, main)

    def render_item(self, item: Item) -> bytes:
        when = f"{item.published.year}年{item.published.month}月{item.published.day}日"
        files = "".join(
            f'<p><a href="{escape(self.file_url(f).removeprefix(self.base()))}">'
            f"{escape(f.showname)}</a></p>"
            for f in item.files
        )
        main = (
            f'<div class="crumb">当前位置:</div><h1>{escape(item.title)}</h1>'
            f'<div class="info">来源:{escape(item.source)}  发布时间:{when}</div>'
            f'<div class="article-content">{item.body_html}{files}</div>'
        )
        return self.shell(item.title, main)

    # ---- dispatch --------------------------------------------------------------------
    def handle(self, req: Request, role: str) -> Response:
        with self.lock:
            return self.route(req)

    def route(self, req: Request) -> Response:
        path = req.path
        if path in ("/", ROOT, ROOT + "index.htm"):
            return Response(body=self.render_home(), etag=True)
        if path == "/robots.txt":
            return Response(
                body=b"User-agent: *\nDisallow:\n", content_type="text/plain; charset=UTF-8"
            )
        if path == ROOT + "gknb/":
            return Response(body=self.render_nianbao_nav(), etag=True)
        m = re.fullmatch(re.escape(ROOT) + r"(\w+)/(?:List/list_(\d+)\.htm)?", path)
        if m and m.group(1) in self.columns:
            body = self.render_list(self.columns[m.group(1)], int(m.group(2) or 0))
            return Response(body=body, etag=True) if body else not_found()
        m = re.fullmatch(re.escape(ROOT) + r"(\w+)/content/([0-9a-f-]{36})\.htm", path)
        if path == DETAIL and self.variant == 2:
            item = self.items.get(req.param("id") or "")
        elif m and self.variant == 1:
            item = self.items.get(m.group(2))
            item = item if item is not None and item.column == m.group(1) else None
        else:
            item = None
        if item is not None and not item.removed:
            return Response(
                body=self.render_item(item), last_modified=self.modified(item), etag=True
            )
        m = re.fullmatch(r"/mh-xxgk-cms/UploadPath/uploadfile/[\d-]+/([0-9a-f-]{36})\.pdf", path)
        if m:
            f = self.files.get(f"{m.group(1)}.pdf")
            if f is not None and self.file_url(f) == self.base() + path:
                return Response(body=f.data, content_type=PDF, last_modified=f.modified, etag=True)
        return not_found()


PUDONG_CHANNEL = "/zwgk/zwgk_zfxxgknb_qzf_gknb/"
AFFAIR_API = "/zwgk-search-front/api/data/affair"


class PudongSite(SiteApp):
    """浦东-like: the 年报 channel page fills its list from a JSON POST API (§5).

    `POST /zwgk-search-front/api/data/affair` with
    `{"channelList":["5144"],"pageNo":1,"pageSize":20}` → `{"code":0,"data":{"pageNo":1,
    "pageSize":20,"totalPage":P,"totalCount":N,"list":[{title,url,display_date}]}}`, newest
    first, pages counted from 1 (the shape public clients of this service read). The server
    serves at most MAX_PAGE_SIZE rows a page whatever is asked, so a crawl has to page; a
    GET, or a body that is not JSON, is refused (405/400). Details
    `/zwgk/zwgk_zfxxgknb_qzf_gknb/<upload year>/<n>/<id>.html` with `#ivs_content`.
    """

    platform = "shanghai"
    channel_id = "5144"
    MAX_PAGE_SIZE = 10

    def __init__(self, seed: int = 0) -> None:
        super().__init__("shanghai-pudong", "上海市浦东新区人民政府", "310115", seed)

    def build(self) -> None:
        rng = self.rng
        self.columns[self.channel_id] = Column(self.channel_id, "区政府年报", kind="nianbao")
        for year in range(2010, 2026):
            agency = "上海市浦东新区人民政府"
            title = (
                f"上海市浦东新区政府{year}年信息公开工作年度报告"
                if year < 2012
                else f"上海市浦东新区{year}年政府信息公开工作年度报告"
            )
            self._add(
                title,
                titles.pub_datetime(rng, year + 1, report=True),
                synth.report_html(rng, agency, year),
                source="区政府",
                report_year=year,
                agency=agency,
                report_format="html",
                synthetic=True,
            )
        for year in (2022, 2023, 2024):
            self._add(
                f"一图读懂上海市浦东新区{year}年政府信息公开工作年度报告",
                titles.pub_datetime(rng, year + 1, report=True),
                titles.decoy_body(rng, "一图读懂", "浦东新区"),
                source="区政府",
            )
        for _ in range(12):
            title, when, body, unit = titles.decoy(rng, ["浦东新区", "浦东新区人民政府办公室"])
            self._add(title, when, body, source=unit)
        self.sort_columns()

    def _add(self, title: str, when: datetime, body: str, **kw: object) -> Item:
        item = Item(
            item_id=self.new_id(200_000, 399_999),
            title=title,
            published=when,
            column=self.channel_id,
            body_html=body,
            **kw,
        )  # type: ignore[arg-type]
        return self.add_item(item, self.channel_id)

    def home_path(self) -> str:
        return "/index.html"

    def item_path(self, item: Item) -> str:
        return (
            f"{PUDONG_CHANNEL}{item.published.year}/{int(item.item_id) % 400}/{item.item_id}.html"
        )

    def file_url(self, f: FileRes) -> str:  # no attachments on this site
        raise KeyError(f)

    def list_paths(self) -> list[str]:
        return [PUDONG_CHANNEL + "index.html"]

    def shell(self, title: str, main: str) -> bytes:
        return (
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title></head><body>{main}</body></html>\n"
        ).encode()

    def render_item(self, item: Item) -> bytes:
        return self.shell(
            item.title,
            (
                f"<h1>{escape(item.title)}</h1><table><tr><td>索引号</td><td>{item.item_id}</td>"
                f"<td>发布机构</td><td>{escape(item.source)}</td><td>公开类别</td><td>主动公开</td>"
                f"<td>发布时间</td><td>{item.published:%Y-%m-%d}</td></tr></table>"
                f'<div id="ivs_content">{item.body_html}</div>'
            ),
        )

    def render_channel(self) -> bytes:
        return self.shell(
            "区政府年报",
            (
                '<div class="crumb">首页 &gt; 政务公开 &gt; 政府信息公开年报 &gt; 区政府年报</div>'
                '<ul id="list"></ul><script>\n$.ajax({url: "/zwgk-search-front/api/data/affair", '
                'type: "POST", contentType: "application/json",\n  data: JSON.stringify('
                f'{{channelList: ["{self.channel_id}"], pageSize: 20}}),\n'
                "  success: function (res) { render(res.data.list); }});\n</script>"
            ),
        )

    def render_api(self, req: Request) -> Response:
        if req.method != "POST":
            return Response(
                status=405,
                body=b'{"code":405,"msg":"Request method not supported"}',
                content_type="application/json",
            )
        try:
            ask = json.loads(req.body or b"")
            channels, size = [str(c) for c in ask["channelList"]], int(ask.get("pageSize", 20))
            page = max(1, int(ask.get("pageNo", 1)))
        except (ValueError, KeyError, TypeError):
            return Response(
                status=400,
                body=b'{"code":400,"msg":"bad request"}',
                content_type="application/json",
            )
        items = self.visible(self.columns[self.channel_id]) if self.channel_id in channels else []
        size = min(max(1, size), self.MAX_PAGE_SIZE)
        rows = [
            {
                "title": i.title,
                "url": self.base() + self.item_path(i),
                "display_date": f"{i.published:%Y-%m-%d}",
            }
            for i in items[(page - 1) * size : page * size]
        ]
        data = {
            "pageNo": page,
            "pageSize": size,
            "totalPage": math.ceil(len(items) / size),
            "totalCount": len(items),
            "list": rows,
        }
        body = {"code": 0, "message": "success", "data": data}
        return Response(
            body=json.dumps(body, ensure_ascii=False).encode(),
            content_type="application/json;charset=UTF-8",
        )

    def handle(self, req: Request, role: str) -> Response:
        with self.lock:
            path = req.path
            if path in ("/", "/index.html"):
                return Response(
                    body=self.shell(
                        self.name,
                        (
                            f'<ul><li><a href="{PUDONG_CHANNEL}index.html">政府信息公开年报</a></li>'
                            '<li><a href="/zwgk/tzgg/index.html">通知公告</a></li></ul>'
                        ),
                    ),
                    etag=True,
                )
            if path == "/robots.txt":
                return Response(
                    body=b"User-agent: *\nDisallow:\n", content_type="text/plain; charset=UTF-8"
                )
            if path == PUDONG_CHANNEL + "index.html":
                return Response(body=self.render_channel(), etag=True)
            if path == AFFAIR_API:
                return self.render_api(req)
            m = re.fullmatch(re.escape(PUDONG_CHANNEL) + r"\d{4}/\d+/(\d+)\.html", path)
            item = self.items.get(m.group(1)) if m else None
            if item is not None and not item.removed and self.item_path(item) == path:
                return Response(
                    body=self.render_item(item), last_modified=self.modified(item), etag=True
                )
            return not_found()
