"""Column headers and common cell words of report tables, in the report's language.

Analyses name their columns in snake_case (``share_of_posts``); a client should read
"Share of posts" or, in Turkish, "Gönderi payı". Headers missing here are humanised
(underscores to spaces) rather than left raw; cell values are translated only when the
whole cell is one of the known words, so captions and names are never altered.
"""
from __future__ import annotations

#: header -> Turkish
HEADERS_TR: dict[str, str] = {
    "platform": "platform", "platforms": "platformlar", "low": "alt", "high": "üst", "n": "n",
    "posts": "gönderi", "metric": "metrik", "status": "durum", "p_value": "p değeri",
    "level": "düzey", "rate_ratio": "oran çarpanı", "rate ratio": "oran çarpanı",
    "share_of_posts": "gönderi payı", "reference": "referans", "note": "not",
    "basis": "temel", "source": "kaynak", "p_holm": "p (Holm)", "p (Holm)": "p (Holm)",
    "value": "değer", "target": "hedef", "n_reference": "n (referans)", "weekday": "gün",
    "statistic": "istatistik", "rate": "oran", "rank": "sıra", "hour_block": "saat aralığı",
    "verdict": "karar", "shrunk_rate": "büzülmüş oran", "share_inside": "persona içi pay",
    "reason": "gerekçe", "posts_per_week": "haftalık gönderi", "months": "ay",
    "lift_low": "artış alt", "lift_high": "artış üst", "lift": "artış", "handle": "hesap",
    "forecast": "tahmin", "flag": "uyarı", "first_post": "ilk gönderi", "direction": "yön",
    "dimension": "boyut", "client / benchmark": "müşteri / kıyas", "client": "müşteri",
    "benchmark": "kıyas", "arm": "kol", "80% interval": "%80 aralık",
    "survey_year": "anket yılı", "planned": "planlanan", "followers_start": "başta takipçi",
    "followers_end": "sonda takipçi", "engagements": "etkileşim", "95% interval": "%95 aralık",
    "why": "neden", "which": "hangisi", "weeks": "hafta", "weekly trend change":
    "haftalık eğilim değişimi", "variable": "değişken", "trend": "eğilim", "text": "metin",
    "term": "terim", "target_posts_per_week": "hedef haftalık gönderi", "table": "tablo",
    "spend_on_posts": "gönderi harcaması", "spend": "harcama", "source_file": "kaynak dosya",
    "smallest detectable": "saptanabilir en küçük", "share": "pay", "rows": "satır",
    "roi": "yatırım getirisi", "roas_low": "ROAS alt", "roas_high": "ROAS üst", "roas": "ROAS",
    "revenue": "gelir", "recent_growth_pct": "son büyüme %", "reachable_share":
    "ulaşılabilir pay", "q_bh": "q (BH)", "q3": "3. çeyrek", "q1": "1. çeyrek",
    "published": "yayın", "problems": "sorunlar", "probability": "olasılık",
    "presence": "varlık", "posts_per_week_recent": "son haftalık gönderi",
    "posts_per_week_last_4w": "son 4 hafta haftalık gönderi",
    "posts_per_arm_for_20pct": "%20 için kol başına gönderi", "posts tested": "test edilen "
    "gönderi", "per_week": "haftada", "p": "p", "origins": "başlangıçlar", "opened": "açılış",
    "online": "çevrimiçi", "net_total": "net toplam", "n_posts": "gönderi sayısı",
    "min_detectable_lift": "saptanabilir en küçük artış", "method": "yöntem",
    "messages": "mesaj", "median_reach": "medyan erişim", "median_post_rate":
    "gönderi oranı medyanı", "median_hours": "medyan saat", "median_er_reach":
    "medyan etkileşim/erişim", "median_er_impressions": "medyan etkileşim/gösterim",
    "median_er_followers": "medyan etkileşim/takipçi",
    "median APE": "medyan APE", "mean_post_rate":
    "gönderi oranı ortalaması", "longest_gap_days": "en uzun boşluk (gün)",
    "level change": "düzey değişimi", "last_post": "son gönderi", "last_day": "son gün",
    "last 90 days": "son 90 gün", "last": "son", "largest_gap": "en büyük fark",
    "in_persona": "persona içi", "impressions": "gösterim", "hours": "saat",
    "growth": "büyüme", "groups": "gruplar", "gaps_over_week": "bir haftadan uzun boşluk",
    "gap": "fark", "format": "biçim", "first_data_day": "ilk veri günü", "first": "ilk",
    "expected": "beklenen", "event": "olay", "engagement": "etkileşim",
    "empty_weeks": "boş hafta", "empty_week_share": "boş hafta payı",
    "dissimilarity": "farklılık", "dispersion": "aşırı yayılım", "denominator": "payda",
    "days_since": "geçen gün", "days before": "önceki gün", "days ahead": "ileriki gün",
    "days after": "sonraki gün", "date": "tarih", "data": "veri", "cut": "kesit",
    "cpm": "CPM", "cpc": "CPC", "cpa": "CPA", "conversions": "dönüşüm",
    "configured": "tanımlı", "community": "topluluk", "clicks": "tıklama", "check": "kontrol",
    "change_per_month": "aylık değişim", "category": "kategori", "cadence_reached":
    "sıklığa ulaşıldı", "by": "tarih", "bucket": "dilim", "before_growth_pct":
    "önceki büyüme %", "baseline": "temel çizgi", "balanced": "dengeli", "area": "alan",
    "answered_share": "yanıtlanan pay", "activity": "etkinlik", "active": "aktif",
    "MAE seasonal naive": "MAE mevsimsel naif", "MAE model": "MAE model",
    "KPI": "KPI", "95% low": "%95 alt", "95% high": "%95 üst",
    "95% interval coverage": "%95 aralık kapsaması", "80% interval coverage":
    "%80 aralık kapsaması", "share_posts": "gönderi payı", "share_pct": "pay %",
    "proposed_low": "önerilen alt", "proposed_high": "önerilen üst", "proposed": "önerilen",
    "posts per arm": "kol başına gönderi", "population": "nüfus", "kind": "tür",
    "is_client": "müşteri mi", "growth_pct": "büyüme %", "experiment": "deney",
    "expected effect (95% interval)": "beklenen etki (%95 aralık)", "evidence": "dayanak",
    "er_followers": "etkileşim/takipçi", "er_reach": "etkileşim/erişim",
    "er_impressions": "etkileşim/gösterim", "days": "gün", "current": "mevcut",
    "change": "değişim", "campaign": "kampanya", "action": "eylem", "account": "hesap",
    "share_engagements": "etkileşim payı", "reach": "erişim", "followers": "takipçi",
    "likes": "beğeni", "comments": "yorum", "shares": "paylaşım", "saves": "kaydetme",
    "start": "başlangıç", "end": "bitiş", "paid": "ücretli", "median": "medyan",
    "mean": "ortalama", "estimate": "tahmin", "interval": "aralık", "step": "adım",
    "posts_per_arm": "kol başına gönderi", "Posts per arm": "kol başına gönderi",
    "profile_url": "profil adresi", "planned_posts_per_arm": "planlanan kol başına gönderi",
}

#: whole-cell words -> Turkish
VALUES_TR: dict[str, str] = {
    "ok": "iyi", "good": "iyi", "watch": "izle", "act": "harekete geç", "median": "medyan",
    "mean": "ortalama", "ratio": "oran", "reach": "erişim", "impressions": "gösterim",
    "followers": "takipçi", "at_least": "en az", "at_most": "en çok", "top": "en iyi",
    "bottom": "en zayıf", "gender": "cinsiyet", "age": "yaş", "country": "ülke",
    "city": "şehir", "language": "dil", "image": "görsel", "video": "video",
    "reel": "reels", "carousel": "karusel", "story": "hikâye", "text": "metin",
    "link": "bağlantı", "paid": "ücretli", "organic": "organik", "all": "tümü",
    "above": "üstünde", "below": "altında", "met": "ulaşıldı", "not met": "ulaşılmadı",
    "male": "erkek", "female": "kadın", "other": "diğer", "business": "mesai içi",
    "off": "mesai dışı", "weekend": "hafta sonu", "none": "yok", "yes": "evet", "no": "hayır",
    "True": "evet", "False": "hayır", "insufficient data": "yetersiz veri",
    "launch": "lansman", "format": "biçim", "category": "kategori", "weekday": "gün",
    "hour_block": "saat aralığı", "check source": "kaynağı kontrol edin",
    "significant": "anlamlı", "not significant": "anlamlı değil", "within noise": "gürültü içinde",
    "not set": "belirlenmedi", "no benchmark": "kıyas yok", "on track": "yolunda",
    "off track": "yolunda değil", "duplicate post id": "yinelenen gönderi kimliği",
    "engagements below likes": "etkileşim beğeniden az", "reach above impressions":
    "erişim gösterimden fazla", "missing days in daily data": "günlük veride eksik günler",
    "followers at the end": "dönem sonunda takipçi", "per unit": "birim başına",
    "level": "düzey", "model": "model", "naive": "naif", "posts": "gönderi",
    "messages": "mesajlar", "audience": "kitle", "account_daily": "günlük hesap verisi",
    "net_adds": "net takipçi artışı", "reach_per_post": "gönderi başına erişim",
    "impressions_per_post": "gönderi başına gösterim", "posts_per_week": "haftalık gönderi",
    "follower_gains": "kazanılan takipçi", "follower_growth_per_day": "günlük takipçi büyümesi",
    "er_reach": "etkileşim/erişim", "er_impressions": "etkileşim/gösterim",
    "er_followers": "etkileşim/takipçi", "winner": "kazanan", "inconclusive": "sonuçsuz",
    "no detectable difference": "saptanabilir fark yok",
    "duplicate post (same time and text)": "yinelenen gönderi (aynı zaman ve metin)",
    "Posts per arm": "kol başına gönderi", "not configured": "tanımsız", "stale": "eski",
    "no data": "veri yok",
    "Mon": "Pzt", "Tue": "Sal", "Wed": "Çar", "Thu": "Per", "Fri": "Cum", "Sat": "Cmt",
    "Sun": "Paz", "roas": "ROAS", "cpa": "CPA", "cpc": "CPC", "cpm": "CPM", "ctr": "CTR",
    "save_rate": "kaydetme oranı", "share_rate": "paylaşım oranı",
    "view_rate": "izlenme oranı", "net_follower_growth_monthly": "aylık net takipçi büyümesi",
    "engagements_per_post": "gönderi başına etkileşim",
    "conversions_monthly": "aylık dönüşüm", "response_time_hours": "yanıt süresi (saat)",
}


def humanize(header: str, language: str = "en") -> str:
    """``share_of_posts`` -> ``Share of posts``; other headers keep their case.

    Turkish has a dotted capital İ: ``ilk gönderi`` -> ``İlk gönderi``, not ``Ilk``.
    """
    if "_" not in header and header != header.lower():
        return header
    text = header.replace("_", " ")
    first = text[:1]
    if language == "tr":
        first = {"i": "İ", "ı": "I"}.get(first, first.upper())
    return first.upper() + text[1:]


def header_label(header: object, language: str) -> str:
    h = str(header)
    if language == "tr":
        h = HEADERS_TR.get(h, h)
        if h not in HEADERS_TR.values():
            from smm_nb.report.phrases import translate_generated

            h = translate_generated(h, language)
    return humanize(h, language)


def value_label(value: object, language: str) -> object:
    """A cell of a word-like column in ``language``: a known word, else a known phrase."""
    if isinstance(value, bool) and language != "tr":
        return "yes" if value else "no"
    if language == "tr" and isinstance(value, (str, bool)):
        if str(value) in VALUES_TR:
            return VALUES_TR[str(value)]
        if isinstance(value, str):
            from smm_nb.report.phrases import translate_generated

            return translate_generated(value, language)
    return value
