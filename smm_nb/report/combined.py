"""One ``report.html`` per client: cover, contents and the notebooks as chapters."""
from __future__ import annotations

import html
from pathlib import Path

from smm_nb.report.html import notebook_body, page
from smm_nb.report.language import Language

CHAPTERS = {
    "01_audit": ("Audit", "Denetim"),
    "02_audience": ("Audience", "Hedef kitle"),
    "03_launch_baseline": ("Launch baseline", "Lansman temel çizgisi"),
    "04_management_tests": ("Management tests", "Yönetim testleri"),
    "05_improvement": ("Improvement plan", "İyileştirme planı"),
}


def combined_report(client_name: str, notebooks: dict[str, dict], out_path: Path,
                    lang: Language, run_date) -> Path:
    nav, chapters = [], []
    for name, nb in notebooks.items():
        en, tr = CHAPTERS.get(name, (name, name))
        title = lang.text(en, tr)
        nav.append(f'<li><a href="#{name}">{html.escape(title)}</a></li>')
        chapters.append(f'<section id="{name}">{notebook_body(nb, lang.code)}</section>')
    cover = (f'<header><p class="smm-note">{html.escape(lang.text("Social media report", "Sosyal medya raporu"))}'
             f'</p><h1>{html.escape(client_name)}</h1>'
             f'<p class="smm-note">{html.escape(lang.date(run_date))}</p></header>'
             f'<nav><ol>{"".join(nav)}</ol></nav>')
    out_path.write_text(page(client_name, cover + "\n".join(chapters), lang.code),
                        encoding="utf-8")
    return out_path
