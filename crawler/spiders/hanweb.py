"""Hanweb JCMS (大汉版通) column lists.

Platform: classic Hanweb JCMS (Zhejiang, Jiangsu, Gansu, Shandong … district portals).
Listing: a column page `/col/col<id>/index.html` embeds the first group of records in a
  `<script type="text/xml"><datastore>` island (invisible to text extractors); the rest comes
  from `dataproxy.jsp` with the parameters of `var param_<unitid> = {…}` as a form POST and the
  record window `startrecord/endrecord/perpage` in the query. The proxy lives at one of
  /module/jpage/, /module/web/jpage/ or /module/jslib/jquery/jpage/.
Caveats: record markup is per-site (li, tr …), so a record is read as "its first link, its
  title= or text, any date"; some servers answer only GET or only `page=<group>`, so an empty
  POST window is retried once as GET with `page=`; a 404 proxy path falls back to the others.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from scrapy.http import Request, Response, TextResponse
from scrapy.selector import Selector

from crawler.spiders.base import ReportSpider

ISLAND = re.compile(
    r"(?:<div[^>]*\bid=['\"]?(\w+)['\"]?[^>]*>\s*)?<script[^>]*>\s*"
    r"<datastore>(.*?)</datastore>",
    re.DOTALL | re.IGNORECASE,
)
RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.DOTALL)
PARAM = re.compile(r"var\s+param_(\w+)\s*=\s*\{([^}]*)\}")
PAIR = re.compile(r"(\w+)\s*:\s*(?:'([^']*)'|\"([^\"]*)\"|([^,'\"]*))")
JPAGE = re.compile(r"\$\(['\"]#(\w+)['\"]\)\.jpage\(\{(.*?)\}\)", re.DOTALL)
PROXY_PATHS = (
    "/module/jpage/dataproxy.jsp",
    "/module/web/jpage/dataproxy.jsp",
    "/module/jslib/jquery/jpage/dataproxy.jsp",
)


def js_object(body: str) -> dict[str, str]:
    """The flat `{key:value,…}` literals Hanweb writes into column pages."""
    return {
        m.group(1): next(g for g in m.groups()[1:] if g is not None).strip()
        for m in PAIR.finditer(body)
    }


def records(xml: str) -> list[tuple[str, str, str | None]]:
    """(href, title, date) of every `<record>` in a datastore island or proxy response."""
    out = []
    for chunk in RECORD.findall(xml):
        sel = Selector(text=chunk)
        link = sel.css("a[href]")
        if not link:
            continue
        text = " ".join(link[0].css("::text").getall())
        title = link[0].attrib.get("title") or text
        out.append(
            (
                link[0].attrib["href"],
                title,
                ReportSpider.listed_date(" ".join(sel.css("::text").getall())),
            )
        )
    return out


class HanwebSpider(ReportSpider):
    """Hanweb JCMS: datastore islands + dataproxy.jsp paging."""

    name = "hanweb"
    platform = "hanweb"
    fingerprint = re.compile(r"dataproxy\.jsp|<datastore>|var\s+param_\w+\s*=")
    detect_order = 10

    def parse_list(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            return
        text = response.text
        islands = {unit or f"_{i}": body for i, (unit, body) in enumerate(ISLAND.findall(text))}
        params = {unit: js_object(body) for unit, body in PARAM.findall(text)}
        if not islands and not params:
            return
        self.mark_parsed(response)
        for body in islands.values():
            yield from self.follow_records(response, body)
        inits = {unit: js_object(body) for unit, body in JPAGE.findall(text)}
        for unit, param in params.items():
            init = inits.get(unit, {})
            total = int(init.get("totalRecord") or _search(r"totalRecord\s*:\s*(\d+)", text) or 0)
            have = len(RECORD.findall(islands.get(unit, "")))
            if total <= have:
                continue
            per = int(init.get("perPage") or 15)
            step = per * int(init.get("groupSize") or 3)
            proxy = init.get("proxyUrl") or _nextgroup_path(islands.get(unit, "")) or PROXY_PATHS[0]
            for start in range(have + 1, total + 1, step):
                request = self.proxy_request(response, proxy, param, start, start + step - 1, per)
                if request is not None:
                    yield request

    def follow_records(self, response: Response, xml: str) -> Iterator[Request]:
        for href, title, listed in records(xml):
            request = self.follow_entry(response, href, title, listed)
            if request is not None:
                yield request

    def proxy_request(
        self,
        response: Response,
        proxy: str,
        param: dict[str, str],
        start: int,
        end: int,
        per: int,
        *,
        method: str = "POST",
    ) -> Request | None:
        """One record window from dataproxy.jsp (POST form; GET with `page=` as fallback)."""
        window = {"startrecord": str(start), "endrecord": str(end), "perpage": str(per)}
        site_id = response.meta["gongkai_site_id"]
        meta: dict[str, Any] = {
            "hanweb": (proxy, param, start, end, per, method),
            "found_on": response.url,
        }
        url = self.absolute(response, proxy)
        if method == "GET":
            query = {**param, **window, "page": str((start - 1) // (end - start + 1) + 1)}
            return self.request(
                site_id,
                f"{url}?{urlencode(query)}",
                self.parse_proxy,
                role="proxy",
                errback=self.proxy_error,
                dont_filter=True,
                **meta,
            )
        return self.request(
            site_id,
            f"{url}?{urlencode(window)}",
            self.parse_proxy,
            role="proxy",
            errback=self.proxy_error,
            method="POST",
            formdata=param,
            headers={"Referer": response.url},
            dont_filter=True,
            **meta,
        )

    def parse_proxy(self, response: Response) -> Iterator[Any]:
        xml = response.text if isinstance(response, TextResponse) else ""
        if RECORD.search(xml):
            yield from self.follow_records(response.replace(url=response.meta["found_on"]), xml)
            return
        proxy, param, start, end, per, method = response.meta["hanweb"]
        if method == "POST":  # some servers only answer GET with a group number
            request = self.proxy_request(
                response.replace(url=response.meta["found_on"]),
                proxy,
                param,
                start,
                end,
                per,
                method="GET",
            )
            if request is not None:
                yield request
        else:
            self.crawler.stats.inc_value(
                f"gongkai/{response.meta['gongkai_site_id']}/lists_unparsed"
            )

    def proxy_error(self, failure: Any) -> Iterator[Request]:
        """A 404 proxy path: try the next of the three known locations once."""
        request = failure.request
        proxy, param, start, end, per, method = request.meta["hanweb"]
        response = getattr(failure.value, "response", None)
        path = urlsplit(urljoin(request.url, proxy)).path
        if response is not None and response.status == 404 and path in PROXY_PATHS:
            following = PROXY_PATHS[PROXY_PATHS.index(path) + 1 :]
            if following and not request.meta.get("gongkai_blocked"):
                page = Response(request.meta["found_on"], request=request)
                retry = self.proxy_request(page, following[0], param, start, end, per)
                if retry is not None:
                    yield retry
                return
        self.on_error(failure)


def _search(pattern: str, text: str) -> str | None:
    found = re.search(pattern, text)
    return found.group(1) if found else None


def _nextgroup_path(island: str) -> str | None:
    found = re.search(r"<nextgroup>.*?href=['\"]([^'\"?]+)", island, re.DOTALL)
    return found.group(1) if found else None
