"""The report's own words (headings, labels) in English and Turkish.

Sentences about numbers live next to the numbers (``lang.text(en=..., tr=...)``); this
module holds only the fixed words of the report frame, so a new language is one
column here plus a locale in :mod:`smm_nb.report.language`.
"""
from __future__ import annotations

from smm_nb.report.language import Language

#: notebook -> (English, Turkish) chapter title
CHAPTERS: dict[str, tuple[str, str]] = {
    "01_audit": ("Audit", "Denetim"),
    "02_audience": ("Audience", "Hedef kitle"),
    "03_launch_baseline": ("Launch baseline", "Lansman temel çizgisi"),
    "04_management_tests": ("Management tests", "Yönetim testleri"),
    "05_improvement": ("Improvement plan", "İyileştirme planı"),
}

LABELS: dict[str, tuple[str, str]] = {
    "report": ("Social media report", "Sosyal medya raporu"),
    "contents": ("Contents", "İçindekiler"),
    "summary": ("Executive summary", "Yönetici özeti"),
    "period": ("Period", "Dönem"),
    "run_date": ("Report date", "Rapor tarihi"),
    "platforms": ("Platforms", "Platformlar"),
    "goal": ("Goal", "Hedef"),
    "happened": ("Against the baseline", "Temel çizgiye göre"),
    "why": ("Why", "Neden"),
    "earned": ("What it earned", "Getirisi"),
    "next": ("What comes next", "Sırada ne var"),
    "not_measured": ("Not measured in this report", "Bu raporda ölçülmedi"),
    "no_data": ("insufficient data", "yetersiz veri"),
    "range": ("likely range", "olası aralık"),
    "per_week": ("per week", "haftada"),
    "per_day": ("per day", "günde"),
    "days": ("days", "gün"),
    "hours": ("hours", "saat"),
    "points": ("pp", "puan"),
    "top": ("Back to contents", "İçindekilere dön"),
    "generated": ("Prepared with smm-nb", "smm-nb ile hazırlandı"),
    "chapter_failed": ("This chapter could not be produced in this run.",
                       "Bu bölüm bu çalıştırmada üretilemedi."),
}


def label(lang: Language, key: str) -> str:
    en, tr = LABELS[key]
    return lang.text(en, tr)


def chapter_title(lang: Language, notebook: str) -> str:
    en, tr = CHAPTERS.get(notebook, (notebook, notebook))
    return lang.text(en, tr)
