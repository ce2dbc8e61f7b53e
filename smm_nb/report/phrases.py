"""Turkish for the sentences the analyses write into tables and captions.

Analyses explain themselves in English (``"instagram: data up to 2026-11-19"``,
``"insufficient data: 12 posts (need 20)"``); a Turkish client should read those in
Turkish too. The analyses stay language-free, and this module, at the last step before
display, recognises their generated phrases and rewrites them, numbers included
(``+21.4%`` -> ``+%21,4``, ``1,798`` -> ``1.798``).

Only text the workbook generated is passed here: captions, post texts, names and
anything else from an export never are, so a client's words are never rewritten.
A phrase that is not in the catalogue stays English rather than half-guessed;
``tests/report/test_phrases.py`` runs a Turkish report and fails on leftovers.
"""
from __future__ import annotations

import re
from typing import Callable

#: Single words that appear inside generated phrases.
WORDS_TR = {
    "reach": "erişim", "impressions": "gösterim", "followers": "takipçi", "posts": "gönderi",
    "net adds": "net takipçi artışı", "net_adds": "net takipçi artışı", "clicks": "tıklama",
    "conversions": "dönüşüm", "engagements": "etkileşim", "male": "erkek", "female": "kadın",
    "other": "diğer", "above": "üstünde", "below": "altında", "level": "düzeyinde",
    "good": "iyi", "watch": "izle", "act": "harekete geç", "n/a": "değerlendirilemedi",
    "launch": "lansman", "management": "yönetim", "improvement": "iyileştirme",
    "age": "yaş", "gender joint": "cinsiyet (ortak dağılım)", "gender": "cinsiyet",
    "country": "ülke", "city": "şehir", "language": "dil", "days": "gün",
    "messages": "mesaj", "weeks": "hafta",
}


WEEKDAYS_TR = {"Mon": "Pzt", "Tue": "Sal", "Wed": "Çar", "Thu": "Per", "Fri": "Cum",
               "Sat": "Cmt", "Sun": "Paz"}


def _w(word: str) -> str:
    return WORDS_TR.get(word, word)


def _header(word: str) -> str:
    """A variable's name (``hour_block``) as the tables' headers say it."""
    from smm_nb.report.table_labels import HEADERS_TR

    return HEADERS_TR.get(word, word.replace("_", " "))


def _value(word: str) -> str:
    """A category word (``image``, ``reel``) as the tables show it."""
    from smm_nb.report.table_labels import VALUES_TR

    return VALUES_TR.get(word, word)


_Rule = tuple["re.Pattern[str]", "str | Callable[[re.Match[str]], str]"]


def _rules(pairs: list[tuple[str, str | Callable[[re.Match[str]], str]]]) -> list[_Rule]:
    return [(re.compile(p), r) for p, r in pairs]


_N = r"[-+]?[\d.,]+(?:e[-+]?\d+)?%?"  # an English-formatted number, maybe signed or a percent
_D = r"\d{4}-\d{2}-\d{2}"
_ER = "herkese açık etkileşimler (beğeni + yorum + paylaşım + kaydetme)"

#: Whole generated sentences and clauses, most specific first. Each is applied with
#: ``re.sub``, so a clause inside a longer text is translated where it stands.
RULES_TR: list[_Rule] = _rules([
    # --- scorecard: "good: <reason>" (the status word, then the reason is translated too)
    (r"^(good|watch|act|n/a): ", lambda m: f"{_w(m[1])}: "),
    # --- presence, growth, activity, trend, community, data (audit and scorecard)
    (r"(\w+): data up to (" + _D + ")", r"\1: \2 tarihine kadar veri"),
    (r"(\w+): data found but no account in client\.yaml",
     r"\1: veri var ama client.yaml içinde hesap yok"),
    (r"(\w+): account configured, no posts or daily data",
     r"\1: hesap tanımlı, gönderi ya da günlük veri yok"),
    (r"(\w+): latest data (" + _D + r") is (\d+) days old \(more than (\d+)\)",
     r"\1: en son veri \2, \3 günlük (\4 günden eski)"),
    (r"no complete calendar month of data \((\d+) days\)",
     r"tam bir takvim ayı verisi yok (\1 gün)"),
    (r"no complete month", "tam ay yok"),
    (r"no daily follower data", "günlük takipçi verisi yok"),
    (r"(" + _N + r") followers a month \(net, mean of complete months\)",
     r"ayda \1 takipçi (net, tam ayların ortalaması)"),
    (r"(" + _N + r") posts/week lately vs (" + _N + r") \(",
     r"son dönemde haftada \1 gönderi, kıyas \2 ("),
    (r"(" + _N + r") posts/week lately; (\d+) of (\d+) weeks without a post "
     r"\(no cadence benchmark\)",
     r"son dönemde haftada \1 gönderi; \3 haftanın \2 kadarı gönderisiz (sıklık kıyası yok)"),
    (r"median (" + _N + r") by (reach|impressions|followers) vs (" + _N + r") \((.*)\); "
     r"(above|below|level)$",
     lambda m: f"{_w(m[2])} bazında medyan {m[1]}, kıyas {m[3]} ({m[4]}); {_w(m[5])}"),
    (r"median (" + _N + r") by (reach|impressions|followers); no benchmark of the same "
     r"denominator",
     lambda m: f"{_w(m[2])} bazında medyan {m[1]}; aynı paydada kıyas yok"),
    (r"(" + _N + r") a month \(95% CI (" + _N + r") to (" + _N + r")\)",
     r"ayda \1 (%95 GA \2 ile \3 arası)"),
    (r"median first reply (" + _N + r") h; (" + _N + r") answered",
     r"ilk yanıt medyanı \1 sa; \2 yanıtlandı"),
    (r"no messages for this platform", "bu platform için mesaj yok"),
    (r"no daily account data", "günlük hesap verisi yok"),
    (r"(\d+) days missing in the daily export", r"günlük dışa aktarımda \1 gün eksik"),
    (r"(\d+) missing days, (\d+) suspect rows", r"\1 eksik gün, \2 şüpheli satır"),
    (r"(\d+) days, no gaps, no suspect rows", r"\1 gün, boşluk yok, şüpheli satır yok"),
    (r"^no posts$", "gönderi yok"),
    # --- insufficient data and its reasons
    (r"insufficient data: ", "yetersiz veri: "),
    (r"fewer than (\d+) months with posts", r"gönderili ay sayısı \1'ten az"),
    (r"fewer than (\d+) posts", r"\1 gönderiden az"),
    (r"no engagement rate", "etkileşim oranı yok"),
    (r"(\d+) (\w+) posts \(need (\d+)\)",
     lambda m: f"{m[1]} {_value(m[2])} gönderisi ({m[3]} gerekli)"),
    (r"(\d+) posts \(need (\d+)\)", r"\1 gönderi (\2 gerekli)"),
    (r"(\d+) days of (net adds|reach|impressions|followers) \(at least (\d+) needed\)",
     lambda m: f"{m[1]} günlük {_w(m[2])} verisi (en az {m[3]} gerekli)"),
    (r"(\d+) usable observations \(at least (\d+) needed\)",
     r"\1 kullanılabilir gözlem (en az \2 gerekli)"),
    (r"(\d+) days with spend and (\w+) \(at least (\d+) needed\)",
     lambda m: f"harcama ve {_w(m[2])} olan {m[1]} gün (en az {m[3]} gerekli)"),
    (r"(\d+) (\w+) in the launch window \(at least (\d+) needed\)",
     lambda m: f"lansman penceresinde {m[1]} {_w(m[2])} (en az {m[3]} gerekli)"),
    (r"(\d+) posts in the launch window \(at least (\d+) needed\)",
     r"lansman penceresinde \1 gönderi (en az \2 gerekli)"),
    (r"no posts in the window", "pencerede gönderi yok"),
    # "instagram carousel vs image: insufficient data: ..." (a rate ratio not estimated)
    (r"^([a-z]+) (\w+) vs (\w+): (?=yetersiz veri)",
     lambda m: f"{m[1]} {_value(m[2])}, {_value(m[3])} karşısında: "),
    (r"^no data$", "veri yok"),
    # --- audience
    (r"^(.+): (" + _N + r") of the audience vs (" + _N + r") target$",
     lambda m: f"{_w(m[1])}: kitlenin {m[2]} kadarı, hedef {m[3]}"),
    (r", location assumed independent of age and gender",
     ", konumun yaş ve cinsiyetten bağımsız olduğu varsayıldı"),
    (r"^((?:age|gender joint|gender|country|city|language)(?: x (?:age|gender joint|gender|"
     r"country|city|language))*)(?=,|$)",
     lambda m: " x ".join(_w(part) for part in m[1].split(" x "))),
    # --- benchmarks
    (r"no published median by (reach|impressions|followers) for (\w+)",
     lambda m: f"{m[2]} için {_w(m[1])} bazında yayımlanmış medyan yok"),
    (r"no posting-frequency benchmark for (\w+)", r"\1 için gönderi sıklığı kıyası yok"),
    # --- launch baseline, interrupted time series, KPI targets
    (r"no daily data before (" + _D + r") \(the (\w+) data start on (" + _D + r")\): "
     r"there is no 'before' to compare with",
     r"\1 öncesine ait günlük veri yok (\2 verisi \3 tarihinde başlıyor): "
     r"karşılaştırılacak bir 'önce' yok"),
    (r"(\d+) days before and (\d+) days after (" + _D + r"); at least (\d+) on each side "
     r"are needed",
     r"\3 öncesinde \1, sonrasında \2 gün; her iki yanda en az \4 gün gerekli"),
    (r"no measurable change yet", "henüz ölçülebilir değişim yok"),
    (r"baseline x(" + _N + r"), the smallest lift a (\d+)-week test could detect",
     r"temel çizgi ×\1, \2 haftalık bir testin saptayabileceği en küçük artış"),
    (r"keep the launch cadence, at least (\d+) posts a week",
     r"lansman sıklığını koruyun, haftada en az \1 gönderi"),
    (r"no target: baseline or test plan not available",
     "hedef yok: temel çizgi ya da test planı yok"),
    (r"agreed cadence in client\.yaml", "client.yaml içinde kararlaştırılan sıklık"),
    (r"followers on (" + _D + r"); trend reaches (" + _N + r") by (" + _D + ")",
     r"\1 itibarıyla takipçi; eğilimle \3 tarihinde \2"),
    (r"followers on (" + _D + ")", r"\1 itibarıyla takipçi"),
    (r"(\d+) posts with er_(\w+) in the window",
     lambda m: f"pencerede etkileşim/{_w(m[2])} değeri olan {m[1]} gönderi"),
    (r"(\d+) posts in the window", r"pencerede \1 gönderi"),
    (r"posts in the last (\d+) days / (" + _N + r") weeks",
     r"son \1 gündeki gönderi / \2 hafta"),
    (r"engagements_public / (reach|impressions|followers), median of (\d+) posts, "
     r"last (\d+) days",
     lambda m: f"herkese açık etkileşim / {_w(m[1])}, {m[2]} gönderinin medyanı, "
               f"son {m[3]} gün"),
    (r"(reach|impressions|clicks) per post, median of (\d+) posts",
     lambda m: f"gönderi başına {_w(m[1])}, {m[2]} gönderinin medyanı"),
    (r"(reach|impressions) per post, median of posts",
     lambda m: f"gönderi başına {_w(m[1])}, gönderilerin medyanı"),
    (r"net new followers per day \(gains - losses\), median of days; (\d+)-day block "
     r"bootstrap",
     r"günlük net yeni takipçi (kazanılan - kaybedilen), günlerin medyanı; \1 günlük blok "
     r"bootstrap"),
    (r"net new followers, last (\d+) days \(scaled\)", r"net yeni takipçi, son \1 gün (ölçekli)"),
    (r"posts / weeks in window \((" + _N + r")\); exact Poisson interval; IQR of (\d+)-day "
     r"counts",
     r"gönderi / penceredeki hafta (\1); kesin Poisson aralığı; \2 günlük sayımların IQR'si"),
    (r": sum over posts / sum of (reach|impressions|followers) \(ratio of sums\); "
     r"post bootstrap",
     lambda m: f": gönderilerin toplamı / {_w(m[1])} toplamı (toplamların oranı); "
               "gönderi bootstrap'i"),
    (r"(revenue|spend) / (spend|conversions|clicks), last (\d+) days",
     lambda m: f"{dict(revenue='gelir', spend='harcama')[m[1]]} / "
               f"{dict(spend='harcama', conversions='dönüşüm', clicks='tıklama')[m[2]]}, "
               f"son {m[3]} gün"),
    (r"conversions per (\d+) days", r"\1 günde dönüşüm"),
    (r"median hours to first reply, (\d+) messages",
     r"ilk yanıta kadar medyan saat, \1 mesaj"),
    (r"conversions per (" + _N + r") (\w{3}) more", r"\1 \2 fazlası başına dönüşüm"),
    # --- drivers of post performance (finding sentences)
    (r"^(\w+) = (.+) vs (.+): x(" + _N + r") \(95% CI (" + _N + r")-(" + _N + r"), "
     r"Holm p = (" + _N + r")\)$",
     lambda m: f"{_header(m[1])} = {_value(m[2])}, {_value(m[3])} karşısında: ×{m[4]} "
               f"(%95 GA {m[5]}–{m[6]}, Holm p = {m[7]})"),
    # --- return on spend
    (r"no spend export: (\d+) boosted posts report (" + _N + r") (\w{3}) of spend, but "
     r"without campaign spend and conversions no return can be computed",
     r"harcama dışa aktarımı yok: \1 öne çıkarılmış gönderi \2 \3 harcama bildiriyor; "
     r"kampanya harcaması ve dönüşümler olmadan getiri hesaplanamaz"),
    # --- forecasts
    (r"short history: fitted on the (\d+) days since the change on (" + _D + r"); not "
     r"backtested \(needs (\d+) days\)",
     r"kısa geçmiş: \2 tarihindeki değişimden bu yana \1 günle kuruldu; geriye dönük "
     r"sınanmadı (\3 gün gerekli)"),
    (r"short history: fitted on the (\d+) days of data; not backtested \(needs (\d+) days\)",
     r"kısa geçmiş: \1 günlük veriyle kuruldu; geriye dönük sınanmadı (\2 gün gerekli)"),
    (r"fitted on the (\d+) days since the change on (" + _D + ")",
     r"\2 tarihindeki değişimden bu yana \1 günle kuruldu"),
    (r"(\d+) days of (net adds|reach|impressions|followers) since the change on (" + _D + r") "
     r"\(at least (\d+) needed\)",
     lambda m: f"{m[3]} tarihindeki değişimden bu yana {m[1]} günlük {_w(m[2])} verisi "
               f"(en az {m[4]} gerekli)"),
    (r"net follower adds \(sum\)", "net takipçi artışı (toplam)"),
    (r"(reach|impressions) \(sum of daily\)", lambda m: f"{_w(m[1])} (günlük toplam)"),
    # --- reasons an analysis gives for an empty result (shown in charts and tables)
    (r"no competitor export: share of voice not computed",
     "rakip dışa aktarımı yok: ses payı hesaplanmadı"),
    (r"no inbox or comments export: response times not computed",
     "gelen kutusu ya da yorum dışa aktarımı yok: yanıt süreleri hesaplanmadı"),
    (r"no audience \(demographics\) export", "kitle (demografi) dışa aktarımı yok"),
    (r"no Pew age rows in platform_usage\.csv", "platform_usage.csv içinde Pew yaş satırı yok"),
    (r"no online-followers export \(activity table\)",
     "çevrim içi takipçi dışa aktarımı yok (etkinlik tablosu)"),
    (r"no post matches a service line \(tags in client\.yaml\)",
     "hiçbir gönderi bir hizmet alanına uymuyor (client.yaml içindeki etiketler)"),
    (r"no follower counts in the daily export", "günlük dışa aktarımda takipçi sayısı yok"),
    (r"^no spend data$", "harcama verisi yok"),
    (r"no daily (\w+) to relate spend to",
     lambda m: f"harcamayla ilişkilendirilecek günlük {_w(m[1])} yok"),
    (r"daily spend hardly varied, so its effect cannot be separated",
     "günlük harcama neredeyse hiç değişmedi, etkisi ayrıştırılamıyor"),
    (r"^no (conversions|clicks|revenue) recorded$",
     lambda m: f"kayıtlı {dict(revenue='gelir').get(m[1], _w(m[1]))} yok"),
    (r"a split needs response curves on at least two platforms with current spend",
     "bütçeyi bölüştürmek için, şu anda harcaması olan en az iki platformda yanıt eğrisi "
     "gerekir"),
    (r"no daily (reach|impressions|follower_gains|followers) data around (" + _D + ")",
     lambda m: f"{m[2]} çevresinde günlük {_w(m[1]) if m[1] != 'follower_gains' else 'yeni takipçi'}"
               " verisi yok"),
    (r"^(reach|impressions|follower_gains) is zero on every day$",
     lambda m: f"{_w(m[1]) if m[1] != 'follower_gains' else 'yeni takipçi'} her gün sıfır"),
    (r"the model could not be fitted \(too little variation\)",
     "model kurulamadı (değişkenlik çok az)"),
    (r"the model did not converge", "model yakınsamadı"),
    (r"no follower forecast for (.+)$", r"\1 için takipçi tahmini yok"),
    (r"the export has no daily follower counts",
     "dışa aktarımda günlük takipçi sayısı yok"),
    (r"the export has no daily (net_adds|reach|impressions)",
     lambda m: f"dışa aktarımda günlük {_w(m[1])} yok"),
    (r"no spend is recorded for this client: there is no paid activity to evaluate",
     "bu müşteri için kayıtlı harcama yok: değerlendirilecek ücretli faaliyet yok"),
    # --- weekday + hour block of a posting window (drivers' "window" term): Thu 18-21
    (r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d{2}-\d{2})\b",
     lambda m: f"{WEEKDAYS_TR[m[1]]} {m[2]}"),
    # --- captions (titles of result tables)
    (r"^Presence: accounts configured against data found$",
     "Varlık: tanımlı hesaplar ve bulunan veri"),
    (r"^Activity: posts per week and gaps$", "Etkinlik: haftalık gönderi ve boşluklar"),
    (r"^Audience growth: net followers per month$", "Kitle büyümesi: aylık net takipçi"),
    (r"^Monthly engagement rate \(", "Aylık etkileşim oranı ("),
    (r"^Rate ratio by format \(", "Biçime göre oran çarpanı ("),
    (r"^Rate ratio by category \(", "Kategoriye göre oran çarpanı ("),
    (r"^Rate ratio by paid \(", "Ücretli ve organik gönderilerde oran çarpanı ("),
    (r"rate ratio of post counts model", "gönderi sayımı modelinden oran çarpanı"),
    (r"adjusted for format", "biçime göre düzeltilmiş"),
    (r"^Competitors: share of voice, engagement rate and follower growth$",
     "Rakipler: ses payı, etkileşim oranı ve takipçi büyümesi"),
    (r"^Community: inbound messages and first-response time$",
     "Topluluk: gelen mesajlar ve ilk yanıt süresi"),
    (r"^Engagement rate against published benchmarks \(same platform, denominator, "
     r"statistic\)$",
     "Yayımlanmış kıyaslara göre etkileşim oranı (aynı platform, payda ve istatistik)"),
    (r"^Forecast of the next (\d+) days \(median, 80% and 95% intervals\)$",
     r"Önümüzdeki \1 günün tahmini (medyan, %80 ve %95 aralıklar)"),
    (r"^Platform fit: share of the persona's age groups using each platform$",
     "Platform uyumu: personanın yaş gruplarında her platformu kullananların payı"),
    (r"^Response of daily conversions to daily spend \(observational\)$",
     "Günlük dönüşümün günlük harcamaya tepkisi (gözleme dayalı)"),
    (r"^Scorecard: good / watch / act per platform and area$",
     "Karne: platform ve alan başına iyi / izle / harekete geç"),
    (r"^Service lines by platform \(", "Platforma göre hizmet kolları ("),
    (r"^Top and bottom posts \(", "En iyi ve en zayıf gönderiler ("),
    (r"^Audience against the target persona$", "Hedef personaya göre kitle"),
    (r"^When followers are online \(client time zone\)$",
     "Takipçiler ne zaman çevrimiçi (müşterinin saat diliminde)"),
    # --- engagement-rate definitions, last so that the clauses above match first
    (r"public engagements \(likes \+ comments \+ shares \+ saves\)", _ER),
    (r" / (reach|impressions|followers)\b", lambda m: f" / {_w(m[1])}"),
    (r"engagements_public", "herkese açık etkileşim"),
    (r"ratio of sums", "toplamların oranı"),
    (r"median of posts", "gönderilerin medyanı"),
    (r"mean of posts", "gönderilerin ortalaması"),
    (r", per post\)", ", gönderi başına)"),
    (r"95% CI", "%95 GA"),
])

_NUMBER = re.compile(r"\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2})?|\d{1,2}:\d{2}"  # dates, times: keep
                     r"|(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+|\d+)(?P<pct>%)?")


def localize_numbers_tr(text: str) -> str:
    """English number formatting inside ``text`` rewritten the Turkish way.

    ``1,798`` -> ``1.798``, ``21.4%`` -> ``%21,4``, ``x1.73`` -> ``x1,73``; dates and
    clock times are left alone.
    """
    def fix(m: re.Match[str]) -> str:
        if m["num"] is None:
            return m[0]
        num = m["num"].replace(",", "\0").replace(".", ",").replace("\0", ".")
        return f"%{num}" if m["pct"] else num

    return _NUMBER.sub(fix, text)


class _Localized:
    """A match whose groups have Turkish numbers: ``m[1]``, ``m.expand(r"\\1 ...")``."""

    def __init__(self, m: re.Match[str]):
        self._groups = [m[0]] + [None if g is None else localize_numbers_tr(g)
                                 for g in m.groups()]

    def __getitem__(self, i: int) -> str | None:
        return self._groups[i]

    def expand(self, template: str) -> str:
        return re.sub(r"\\(\d)", lambda t: self._groups[int(t[1])] or "", template)


def _substitute(m: re.Match[str], repl: str | Callable) -> str:
    loc = _Localized(m)
    return repl(loc) if callable(repl) else loc.expand(repl)


def translate_generated(text: str, language: str) -> str:
    """``text`` written by an analysis, in the report's ``language``.

    English is returned unchanged. For Turkish, every known phrase is rewritten, and
    the numbers it holds are reformatted (only those: a number outside any known phrase
    may already be Turkish, ``1.500``, and must not be read as English); an unknown
    phrase stays as it is.
    """
    if language != "tr" or not isinstance(text, str) or not text:
        return text
    out = text
    for pattern, repl in RULES_TR:
        out = pattern.sub(lambda m, r=repl: _substitute(m, r), out)
    return out
