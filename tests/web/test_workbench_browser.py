"""A real browser (Debian's chromium + chromium-driver, headless) clicks numbers on the
report page and checks that the highlight lands on the cell that prints them.

Screenshots of every step are kept under the test's tmp folder (`artifacts/`).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from workbench_data import Built, specs

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

pytestmark = [
    pytest.mark.integration,  # a real server and a real browser
    pytest.mark.xdist_group("browser"),  # one server and one browser (module fixtures) for all
    pytest.mark.skipif(
        CHROMIUM is None or CHROMEDRIVER is None,
        reason="needs Debian's chromium and chromium-driver (make test installs them when root)",
    ),
]


@pytest.fixture(scope="module")
def live_url(built: Built) -> Iterator[str]:
    """The workbench served by uvicorn on a free loopback port, in a thread."""
    import uvicorn

    from web.app import create_app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(built.paths), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:  # uvicorn offers a flag, not an event
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the workbench server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="module")
def driver() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or ""
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1600,1000",
        "--lang=zh-CN",
    ):
        options.add_argument(arg)
    d = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    d.set_page_load_timeout(60)
    yield d
    d.quit()


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("artifacts")


def _pick(built: Built, name: str) -> dict:
    """A number with a located cell whose raw text is unusual enough to identify its cell."""
    metrics = [m for m in built.results[name]["metrics"] if m["raw"] and m["value"]]
    if name == "pdf":
        metrics = [m for m in metrics if "bbox" in m["location"]]
    return max(metrics, key=lambda m: (m["value"], m["key"]))


_HIGHLIGHT = """
const el = document.getElementById(arguments[0]);
if (!el) { return null; }
const target = el.classList.contains('gk-box') ? el : el.parentElement;
const r = target.getBoundingClientRect();
const s = getComputedStyle(target);
const img = target.parentElement.querySelector('img');
const ir = img ? img.getBoundingClientRect() : null;
return {tag: target.tagName, text: target.innerText, outline: s.outlineStyle,
        outlineWidth: s.outlineWidth, x: r.left, y: r.top, w: r.width, h: r.height,
        vw: window.innerWidth, vh: window.innerHeight, matches: target.matches(':target') ||
        target.matches(':has(> a.gk-anchor:target)') || target.matches(':has(a.gk-anchor:target)'),
        img: ir ? {x: ir.left, y: ir.top, w: ir.width, h: ir.height,
                   complete: img.complete && img.naturalWidth > 0} : null};
"""


def _text_in_pdf_box(body: bytes, page: int, box: tuple[float, float, float, float]) -> str:
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(body)) as pdf:
        p = pdf.pages[page - 1]
        x0, top, x1, bottom = box
        return (
            p.crop(
                (max(0, x0), max(0, top), min(p.width, x1), min(p.height, bottom)), strict=False
            ).extract_text()
            or ""
        )


@pytest.mark.parametrize("name", ["pdf", "html", "docx", "md_v2", "gkmlpt"])
def test_click_a_number_highlights_its_cell(
    name: str, built: Built, live_url: str, driver, artifacts: Path
) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    metric = _pick(built, name)
    key, raw = metric["key"], metric["raw"]
    driver.get(f"{live_url}/reports/{built.ids[name]}")
    button = driver.find_element(By.CSS_SELECTOR, f'button.num[data-key="{key}"]')
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    frame = driver.find_element(By.ID, "source")
    WebDriverWait(driver, 20).until(lambda d: frame.get_attribute("src").endswith(f"#gk-{key}"))
    info = driver.find_element(By.ID, "cellinfo").text
    assert key in info and raw in info
    driver.switch_to.frame(frame)
    try:
        box = WebDriverWait(driver, 20).until(
            lambda d: (
                lambda b: (
                    b if b and b["matches"] and (b["img"] is None or b["img"]["complete"]) else None
                )
            )(d.execute_script(_HIGHLIGHT, f"gk-{key}"))
        )
    finally:
        driver.switch_to.default_content()
    driver.save_screenshot(str(artifacts / f"{name}-{key}.png"))
    # the highlight is drawn (the :target style) and scrolled into the frame's view
    assert box["outline"] == "solid" and box["outlineWidth"] == "3px"
    assert box["w"] > 2 and box["h"] > 2
    assert box["y"] >= 0 and box["y"] + box["h"] <= box["vh"]
    assert box["x"] >= 0 and box["x"] + box["w"] <= box["vw"]
    if name != "pdf":
        assert raw in box["text"]
        return
    # a PDF: the box over the page image, mapped back to PDF points, holds the raw text
    page = metric["location"]["page"]
    body = next(s.body for s in specs() if s.name == "pdf")
    from web.sources import pdf_page_sizes

    width, height = pdf_page_sizes(body)[page - 1]
    img = box["img"]
    sx, sy = width / img["w"], height / img["h"]
    pts = (
        (box["x"] - img["x"]) * sx,
        (box["y"] - img["y"]) * sy,
        (box["x"] + box["w"] - img["x"]) * sx,
        (box["y"] + box["h"] - img["y"]) * sy,
    )
    assert raw in _text_in_pdf_box(body, page, pts).split()


def test_report_page_screenshot_is_kept(
    built: Built,
    live_url: str,
    driver,  # type: ignore[no-untyped-def]
    artifacts: Path,
) -> None:
    driver.get(f"{live_url}/")
    path = artifacts / "index.png"
    driver.save_screenshot(str(path))
    assert path.stat().st_size > 10_000
    assert "政府信息公开工作年度报告" in driver.page_source


_AFTER = """
const td = document.getElementById(arguments[0]).parentElement;
return getComputedStyle(td, '::after').content;
"""


def test_click_a_cell_in_the_original_shows_its_number_and_key(
    built: Built, live_url: str, driver, artifacts: Path
) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    metric = _pick(built, "docx")
    driver.get(f"{live_url}/reports/{built.ids['docx']}")
    driver.switch_to.frame(driver.find_element(By.ID, "source"))
    try:
        assert driver.execute_script(_AFTER, f"gk-{metric['key']}") in ("none", "normal")
        cell = driver.find_element(By.ID, f"gk-{metric['key']}").find_element(By.XPATH, "..")
        cell.click()
        shown = driver.execute_script(_AFTER, f"gk-{metric['key']}")
    finally:
        driver.switch_to.default_content()
    driver.save_screenshot(str(artifacts / "docx-cell-clicked.png"))
    assert metric["key"] in shown and f"= {metric['raw']}" in shown
    # （七）总计 总计: the 9th printed row (3 header rows), the 8th printed cell of its row
    assert metric["key"] == "app.result.total.total"
    assert "表1 第9行 第8列" in shown
