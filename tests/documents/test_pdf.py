"""Optional PDF export through LibreOffice."""

from __future__ import annotations

import shutil

import pytest

from forms import documents
from forms.documents import PdfExportUnavailable, ReceiptContext, render, to_pdf

HAS_LIBREOFFICE = bool(shutil.which("soffice") or shutil.which("libreoffice"))


def test_without_libreoffice_pdf_export_says_so(monkeypatch, receipt: ReceiptContext):
    monkeypatch.setattr(documents.shutil, "which", lambda name: None)
    with pytest.raises(PdfExportUnavailable, match="LibreOffice, which is not installed"):
        to_pdf(render("01", receipt))


@pytest.mark.slow
@pytest.mark.skipif(
    not HAS_LIBREOFFICE,
    reason="PDF export is optional and needs LibreOffice (soffice), which is not installed here",
)
def test_receipt_converts_to_a_pdf_with_its_text(receipt: ReceiptContext):
    pdf = to_pdf(render("01", receipt))
    assert pdf.startswith(b"%PDF-")
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        return
    import subprocess

    text = subprocess.run(
        [pdftotext, "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "08 giờ 15 phút, ngày 24/11/2026" in text
