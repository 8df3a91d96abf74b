"""`sites explain` builds its responses the way a crawl does: the class follows the headers."""

from __future__ import annotations

from scrapy.http import HtmlResponse, JsonResponse, Request, Response, TextResponse

from crawler.explain import _response

# a real CMS page: no "<html>" or "<!doctype html>" that Scrapy's body sniffing looks for
PAGE = (
    b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">\n'
    b'<html lang="zh-CN"><head><title>\xc4\xea\xb1\xa8</title></head>'
    b"<body><a href='/a.html'>\xc4\xea\xb1\xa8</a></body></html>"
)
# the head of a PDF with a compressed (binary) stream, as every real one has
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<</Filter/FlateDecode>>stream\nx\x9c\x03\x00\x00\x00\x00\x01"


def _build(url: str, headers: dict[str, str], body: bytes) -> Response:
    return _response(url, 200, headers, body, Request(url))


def test_html_served_without_an_html_suffix_is_an_html_response() -> None:
    url = "https://gov.example.cn/col/col123/index.jsp?uid=7"
    response = _build(url, {"Content-Type": "text/html; charset=GBK"}, PAGE)
    assert type(response) is HtmlResponse
    assert response.css("title::text").get() == "年报"  # the header's charset applies
    # urllib keeps the server's spelling of the key; the class follows it all the same
    lower = _build(url, {"content-type": "text/html"}, PAGE.replace(b"GBK", b""))
    assert type(lower) is HtmlResponse


def test_the_content_type_wins_over_a_misleading_suffix() -> None:
    listing = b'{"total": 1, "data": [{"title": "\\u5e74\\u62a5", "url": "/a.html"}]}'
    response = _build(
        "https://gov.example.cn/list_1.html", {"Content-Type": "application/json"}, listing
    )
    assert type(response) is JsonResponse  # not an HtmlResponse of JSON text
    # a PDF served as a PDF from a .pdf-less download link stays binary (never parsed as text)
    pdf = _build(
        "https://gov.example.cn/download.do?id=9", {"Content-Type": "application/pdf"}, PDF
    )
    assert type(pdf) is Response and not isinstance(pdf, TextResponse)


def test_no_content_type_falls_back_to_the_url_then_the_body() -> None:
    assert type(_build("https://gov.example.cn/a.html", {}, b"plain")) is HtmlResponse
    assert type(_build("https://gov.example.cn/a", {}, PDF)) is Response
