"""A DOC (legacy Word) original is shown through its LibreOffice conversion's table grid."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from docx_report import docx_report_bytes

pytestmark = [
    pytest.mark.integration,  # LibreOffice runs in a subprocess
    pytest.mark.skipif(
        shutil.which("soffice") is None,
        reason="needs LibreOffice (make test installs it when root)",
    ),
]


def _to_doc(tmp_path: Path) -> bytes:
    src = tmp_path / "report.docx"
    src.write_bytes(docx_report_bytes())
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            "doc",
            "--outdir",
            str(tmp_path),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return (tmp_path / "report.doc").read_bytes()


def test_doc_numbers_are_anchored_on_their_cells(tmp_path: Path) -> None:
    from extract.api import extract_bytes
    from extract.readers.office import convert_to_docx
    from storage.models import MetricValue
    from web.sources import refs, render_docx

    doc = _to_doc(tmp_path)
    result = extract_bytes(doc)
    assert result["format"] == "doc"
    metrics = [
        MetricValue(
            extraction_id=0, key=m["key"], value=m["value"], raw=m["raw"], location=m["location"]
        )
        for m in result["metrics"]
    ]
    view = render_docx(convert_to_docx(doc), refs(metrics))
    page = BeautifulSoup(view.body, "lxml")
    checked = 0
    for m in result["metrics"]:
        if m["raw"]:
            cell = page.find(id=f"gk-{m['key']}").parent
            assert m["raw"] in cell.get_text()
            checked += 1
    assert checked >= 30
