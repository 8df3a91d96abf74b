"""Two other generations of the Hanweb dataproxy list interface.

* `/module/web/jpage/dataproxy.jsp` (Jiangsu-like): `?page=N` group index via GET or POST,
  `<nextgroup>` in the answer, and the look-ahead quirk (groups after the first repeat the
  previous group's last record). `/module/jpage/dataproxy.jsp` is 404 there.
* `/module/jslib/jquery/jpage/dataproxy.jsp` (older, Nantong-like): table-row records, params
  in the query string with GET.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from . import titles
from .hanweb import HanwebSite, attr
from .httpcore import Request
from .model import Item
from .site import Column


class JiangsuHanwebSite(HanwebSite):
    """淮安洪泽-like district on the `/module/web/jpage/` proxy."""

    proxy_path = "/module/web/jpage/dataproxy.jsp"
    per_page = 20
    col_base = 1229610020
    unit_base = 303271
    nb_decoys = 95
    notice_decoys = 120
    DEPARTMENTS = (
        "区政府办公室",
        "区发展和改革委员会",
        "区教育体育局",
        "区财政局",
        "区农业农村局",
        "区卫生健康委员会",
        "区水利局",
    )

    def __init__(self, seed: int = 0) -> None:
        super().__init__(
            site_id="hanweb-hongze",
            name="淮安市洪泽区人民政府",
            region_code="320813",
            seed=seed,
            short="洪泽区",
            webid=67,
        )

    def _real_reports(self) -> None:
        # The district's own 2023 report as a direct PDF list item (no article page).
        self.place_doc(
            "js-huaian-hongze-2023.pdf",
            self.col_nb,
            datetime(2024, 1, 30, 16, 20),
            as_file=True,
            direct=True,
        )
        self.real_slots.add(("__district__", 2023))
        self.place_doc("hb-laifeng-zwfwj-2021.txt", self.col_nb, datetime(2022, 1, 25, 10, 0))

    def record(self, item: Item) -> str:
        return (
            f'<li class="cf"><a target="_blank" href="{attr(self.item_href(item))}" '
            f'title="{attr(item.title)}">{escape(titles.truncate(item.title, 30))}</a>'
            f"<span>{item.published:%Y-%m-%d}</span></li>"
        )

    def proxy_window(self, req: Request, items: list[Item]) -> tuple[list[Item], int]:
        page = req.param("page")
        if not page or req.param("startrecord"):
            return super().proxy_window(req, items)
        group = self.per_page * self.group_size
        n = max(1, int(page))
        start = (n - 1) * group
        if n > 1:
            start -= 1  # look-ahead quirk: repeat the previous group's last record
        return items[start : n * group], self.per_page

    def proxy_head(self, col: Column) -> str:
        link = f'<a href="{self.proxy_path}?page=1&appid=1&{self.proxy_query(col)}"></a>'
        return f"<nextgroup><![CDATA[{link}]]></nextgroup>\n"


class JslibHanwebSite(HanwebSite):
    """Older Hanweb site (`/module/jslib/jquery/jpage/`), table-row records."""

    proxy_path = "/module/jslib/jquery/jpage/dataproxy.jsp"
    col_base = 31650
    unit_base = 80325
    nb_decoys = 70
    notice_decoys = 90
    DEPARTMENTS = ("县政府办公室", "县统计局", "县财政局", "县民政局", "县交通运输局")

    def __init__(self, seed: int = 0) -> None:
        super().__init__(
            site_id="hanweb-laifeng",
            name="来凤县人民政府",
            region_code="422827",
            seed=seed,
            short="来凤县",
            webid=60,
        )

    def _real_reports(self) -> None:
        self.place_doc("jl-changchun-styj-2023.txt", self.col_nb, datetime(2024, 1, 15, 9, 30))
        self.place_doc(
            "sc-jinkouhe-wgltj-2024-notables.txt", self.col_nb, datetime(2025, 1, 20, 15, 0)
        )

    def record(self, item: Item) -> str:
        return (
            '<tr><td width=15 valign="middle"><IMG src="/picture/0/090604143856634.gif" '
            "align=absMiddle></td><td style='border-bottom:1px dashed #999999;'>"
            f"<a href='{attr(self.item_href(item))}' title='{attr(item.title)}' target='_blank'>"
            f"{escape(titles.truncate(item.title, 24))}</a></td>"
            f"<td width='100' align='right'>[{item.published:%Y-%m-%d}]</td></tr>"
        )
