"""Shanghai district disclosure site shaped like 闵行 (site-structures.md §5).

A separate CMS under `/mh-xxgk-cms/website/mh_xxgk/`: one channel per 年报 (`gknb_qzfnb` for the
district, `xxgk_<dept>_gknb` per department), channel lists `<channel>/List/list_0.htm`,
`list_1.htm` … (numbered from 0; past the end → 404), details `<channel>/content/<uuid>.htm`
with `来源:… 发布时间:2026年2月4日`, files under `/mh-xxgk-cms/UploadPath/uploadfile/<date>/
<uuid>.pdf`. Switch `variant: 2` links details Yangpu-style by query id
(`/yp-zwgk/zwgk/buffersInformation/details?id=<uuid>`).
"""

from __future__ import annotations

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
DEPARTMENTS = (("lhsrj", "区绿化和市容管理局"), ("jyj", "区教育局"), ("tjj", "区统计局"),
               ("mzj", "区民政局"))


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
            self.columns[f"xxgk_{code}_gknb"] = Column(f"xxgk_{code}_gknb", f"{name}年报",
                                                       kind="dept")
        self.columns["xxgk_tzgg"] = Column("xxgk_tzgg", "通知公告")
        district = f"上海市{self.short}人民政府"
        for year in range(2013, 2026):
            title = (f"{year}年{self.short}政府信息公开工作年度报告" if year >= 2020
                     else f"{district}{year}年政府信息公开工作年度报告")
            self._add("gknb_qzfnb", title, titles.pub_datetime(rng, year + 1, report=True),
                      synth.report_html(rng, district, year), source=f"{district}办公室",
                      report_year=year, agency=district, report_format="html", synthetic=True)
        for code, name in DEPARTMENTS:
            agency = f"上海市{self.short}{name.removeprefix('区')}"
            for year in range(2019, 2026):
                if rng.random() < 0.2:
                    continue
                self._add(f"xxgk_{code}_gknb", f"{year}年{agency}政府信息公开工作年度报告",
                          titles.pub_datetime(rng, year + 1, report=True),
                          synth.report_html(rng, agency, year), source=agency,
                          report_year=year, agency=agency, report_format="html", synthetic=True)
        when = datetime(2025, 1, 20, 10, 0)
        pdf = FileRes(self.new_id(), "pdf", corpus.read_bytes("js-huaian-hongze-2023.pdf"),
                      "2024年上海市闵行区统计局政府信息公开工作年度报告.pdf", when.replace(tzinfo=CST))
        self.add_file(pdf)
        self._add("xxgk_tjj_gknb", "2024年上海市闵行区统计局政府信息公开工作年度报告（附件版）",
                  when, "<p>详见附件。</p>", source="上海市闵行区统计局", files=[pdf],
                  report_year=2024, agency="上海市闵行区统计局", report_format="pdf")
        for lookalike in ("图解：{y}年{u}政府信息公开工作年度报告", "一图读懂{y}年{u}政府信息公开工作年度报告",
                          "{y}年{u}政府信息公开工作年度报告解读"):
            for year in (2023, 2024):
                self._add("gknb_qzfnb", lookalike.format(y=year, u=self.short),
                          titles.pub_datetime(rng, year + 1, report=True),
                          titles.decoy_body(rng, "解读", self.short), source=district)
        units = [self.short, f"{self.short}人民政府办公室", f"{self.short}财政局"]
        for col, count in (("gknb_qzfnb", 8), ("xxgk_tzgg", 70)):
            for _ in range(count):
                title, when, body, unit = titles.decoy(rng, units)
                self._add(col, title, when, body, source=unit)
        self.sort_columns()

    def _add(self, col: str, title: str, when: datetime, body: str, **kw: object) -> Item:
        item = Item(item_id=self.new_id(), title=title, published=when, column=col,
                    body_html=body, **kw)  # type: ignore[arg-type]
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
            for c, col in self.columns.items() if col.kind != "list"
        )
        return self.shell("公开年报", f'<div class="crumb">当前位置: 公开年报</div><ul>{links}</ul>')

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
        main = (f'<div class="crumb">当前位置: 公开年报 &gt; {escape(col.name)}</div>'
                f'<ul class="list">{lis}</ul><div class="page">{" ".join(bar)}'
                f"<span>共{pages}页</span></div>")
        return self.shell(col.name, main)

    def render_item(self, item: Item) -> bytes:
        when = f"{item.published.year}年{item.published.month}月{item.published.day}日"
        files = "".join(
            f'<p><a href="{escape(self.file_url(f).removeprefix(self.base()))}">'
            f"{escape(f.showname)}</a></p>" for f in item.files
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
            return Response(body=b"User-agent: *\nDisallow:\n",
                            content_type="text/plain; charset=UTF-8")
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
            return Response(body=self.render_item(item), last_modified=self.modified(item),
                            etag=True)
        m = re.fullmatch(r"/mh-xxgk-cms/UploadPath/uploadfile/[\d-]+/([0-9a-f-]{36})\.pdf", path)
        if m:
            f = self.files.get(f"{m.group(1)}.pdf")
            if f is not None and self.file_url(f) == self.base() + path:
                return Response(body=f.data, content_type=PDF, last_modified=f.modified,
                                etag=True)
        return not_found()
