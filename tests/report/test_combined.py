"""The combined client report: cover, contents, summary, chapters; escaped; one language."""
import datetime as dt
import re

from smm_nb.report.combined import render_report
from smm_nb.report.language import Language


def _nb(title_en, title_tr, html_out):
    return {"cells": [
        {"cell_type": "markdown", "source": f"# {title_en}", "metadata": {"tags": ["lang-en"]}},
        {"cell_type": "markdown", "source": f"# {title_tr}", "metadata": {"tags": ["lang-tr"]}},
        {"cell_type": "code", "source": "x", "metadata": {"tags": ["parameters"]},
         "outputs": [{"output_type": "stream", "name": "stdout", "text": "/home/secret"}]},
        {"cell_type": "code", "source": "show(x)", "metadata": {}, "outputs": [
            {"output_type": "display_data", "data": {"text/html": html_out}}]}]}


def test_turkish_report_structure_and_escaping():
    nbs = {"01_audit": _nb("Audit", "Denetim", "<p class='smm-finding'>ok</p>"),
           "extra": "<h1>Ek bölüm</h1><p>x</p>",
           "05_improvement": None}
    findings = {"notebooks": {"04_management_tests": {"findings": [
        {"key": "roi.roas.all", "value": 2.5, "unit": "ratio", "text": "<img src=x onerror=1>"}]}}}
    out = render_report("<script>alert(1)</script> Kafe", nbs, Language("tr"),
                        dt.date(2026, 11, 23), findings=findings,
                        period=(dt.date(2026, 7, 31), dt.date(2026, 11, 19)),
                        platforms=["instagram"], currency="TRY")
    assert '<html lang="tr">' in out and "<script" not in out and "onerror=1>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Kafe" in out
    assert "23 Kasım 2026" in out and "Yönetici özeti" in out and "Getirisi" in out
    nav = re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', out)
    assert nav == [("summary", "Yönetici özeti"), ("ch-1", "1. Denetim"),
                   ("ch-2", "2. Ek bölüm"), ("ch-3", "3. İyileştirme planı")]
    for anchor, _ in nav:
        assert f'id="{anchor}"' in out
    assert "<h2>Denetim</h2>" in out and "<h1>Denetim" not in out  # chapters under the cover
    assert "Audit" not in out and "/home/secret" not in out
    assert "Bu bölüm bu çalıştırmada üretilemedi." in out
    assert "2,50×" in out
