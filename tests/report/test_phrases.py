"""Generated English phrases in a Turkish report: translated, numbers reformatted."""
from __future__ import annotations

import pytest

from smm_nb.report.phrases import localize_numbers_tr, translate_generated
from smm_nb.report.table_labels import header_label, value_label


@pytest.mark.parametrize("english, turkish", [
    ("instagram: data up to 2026-11-19", "instagram: 2026-11-19 tarihine kadar veri"),
    ("good: +21.4% followers a month (net, mean of complete months)",
     "iyi: ayda +%21,4 takipçi (net, tam ayların ortalaması)"),
    ("act: -4.2% a month (95% CI -15.6% to -0.3%)",
     "harekete geç: ayda -%4,2 (%95 GA -%15,6 ile -%0,3 arası)"),
    ("n/a: insufficient data: no complete calendar month of data (42 days)",
     "değerlendirilemedi: yetersiz veri: tam bir takvim ayı verisi yok (42 gün)"),
    ("insufficient data: 3 image posts (need 5)", "yetersiz veri: 3 görsel gönderisi (5 gerekli)"),
    ("female: 31% of the audience vs 50% target", "kadın: kitlenin %31 kadarı, hedef %50"),
    ("followers on 2026-11-19; trend reaches 1,798 by 2027-02-18",
     "2026-11-19 itibarıyla takipçi; eğilimle 2027-02-18 tarihinde 1.798"),
    ("baseline x1.73, the smallest lift a 8-week test could detect",
     "temel çizgi ×1,73, 8 haftalık bir testin saptayabileceği en küçük artış"),
    ("42 days of net adds (at least 56 needed)",
     "42 günlük net takipçi artışı verisi (en az 56 gerekli)"),
    ("Top and bottom posts (public engagements (likes + comments + shares + saves) / reach, "
     "per post)",
     "En iyi ve en zayıf gönderiler (herkese açık etkileşimler (beğeni + yorum + paylaşım + "
     "kaydetme) / erişim, gönderi başına)"),
    # reasons analyses give for an empty result, shown in charts
    ("no competitor export: share of voice not computed",
     "rakip dışa aktarımı yok: ses payı hesaplanmadı"),
    ("no spend data", "harcama verisi yok"),
    ("no daily reach data around 2026-10-09", "2026-10-09 çevresinde günlük erişim verisi yok"),
    ("12 usable observations (at least 30 needed)",
     "12 kullanılabilir gözlem (en az 30 gerekli)"),
    ("instagram: daily spend hardly varied, so its effect cannot be separated",
     "instagram: günlük harcama neredeyse hiç değişmedi, etkisi ayrıştırılamıyor"),
    ("Thu 18-21 + Sat 09-12", "Per 18-21 + Cmt 09-12"),
    ("instagram carousel vs image: insufficient data: 1 image posts (need 5)",
     "instagram karusel, görsel karşısında: yetersiz veri: 1 görsel gönderisi (5 gerekli)"),
])
def test_known_phrases_read_as_turkish(english, turkish):
    assert translate_generated(english, "tr") == turkish


def test_english_reports_and_unknown_text_are_left_alone():
    text = "instagram: data up to 2026-11-19"
    assert translate_generated(text, "en") == text
    # Not a generated phrase (a caption, a name): unchanged, numbers included.
    caption = "Our agency x 3.5 times faster, 1,200 guests!"
    assert translate_generated(caption, "tr") == caption
    assert translate_generated("", "tr") == ""


def test_numbers_turn_turkish_but_dates_and_times_stay():
    assert localize_numbers_tr("1,798 and 21.4% on 2026-11-19 13:53, x1.73") == \
        "1.798 and %21,4 on 2026-11-19 13:53, x1,73"


def test_headers_use_turkish_capitals_and_phrases():
    assert header_label("first_post", "tr") == "İlk gönderi"
    assert header_label("statistic", "tr") == "İstatistik"
    assert header_label("conversions per 100 EUR more", "tr") == "100 EUR fazlası başına dönüşüm"
    assert header_label("first_post", "en") == "First post"
    assert header_label("median_er_impressions", "tr") == "Medyan etkileşim/gösterim"


def test_word_cells_fall_back_to_phrases():
    assert value_label("good", "tr") == "iyi"
    assert value_label("impressions (sum of daily)", "tr") == "gösterim (günlük toplam)"
    assert value_label("<script>alert(1)</script>", "tr") == "<script>alert(1)</script>"


def test_numbers_outside_a_known_phrase_are_not_reread():
    # "1.500" here is already Turkish (one thousand five hundred): only the phrase changes
    assert translate_generated("Hedef 1.500 takipçi (95% CI)", "tr") == \
        "Hedef 1.500 takipçi (%95 GA)"


def test_every_kpi_and_rate_metric_has_a_turkish_name():
    from smm_nb.model.config import KPI_METRICS, RATE_METRICS

    for metric in (*KPI_METRICS, *RATE_METRICS):  # KPI and experiment charts name them
        assert value_label(metric, "tr") != metric, metric
