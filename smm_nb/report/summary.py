"""The executive summary: five KPI cards read from ``findings.json``.

The cards answer, in order: what was the goal, what happened against the baseline, why,
what it earned, and what comes next. Each card takes the first recorded finding whose
key matches one of its patterns (in :data:`SECTIONS` order, then notebook order); a
finding is used once. Missing notebooks, keys or values never break the summary: a
section without a finding says so, and a finding recorded with ``value: null`` shows
its reason.
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any, Iterable

from smm_nb.report.i18n import label
from smm_nb.report.language import Language
from smm_nb.report.phrases import translate_generated

#: section -> key patterns (fnmatch; "*.x.*" also matches a key starting "x."), best
#: first. The keys are documented per notebook in docs/findings/<notebook>.md.
SECTIONS: dict[str, tuple[str, ...]] = {
    # the goal: KPI targets from client.yaml (04), else the targets proposed at launch (03)
    "goal": ("kpi.*", "targets.*", "forecast.kpi.*", "setup.cadence_reached.*"),
    # against the baseline: level change at an event (03), then the benchmark and growth
    "happened": ("its.*", "audit.benchmark.er_*", "audit.growth.monthly_growth.*",
                 "audit.engagement.er_reach_median.*", "audit.engagement.*", "baseline.*"),
    # why: tested lifts (04), then what drives engagement (05, 01, 02)
    "why": ("tests.*.lift", "plan.format.*", "drivers.*", "audit.format_lift.*", "timing.best.*",
            "audience.timing.best.*", "audit.category.*"),
    # what it earned: return on spend (04), budget gain (05)
    "earned": ("roi.roas.all", "roi.roas.*", "roi.cpa.all", "budget.gain_per_day", "roi.spend.all"),
    # what comes next: the ranked plan and the 90-day forecast (05), the next targets (03)
    "next": ("plan.count", "plan.*", "forecast.*.reach", "forecast.*.followers",
             "budget.*.proposed_daily_spend", "targets.*"),
}

#: "ratio" findings that are multipliers (revenue / spend, client / benchmark), not shares:
#: a card shows them as 5.34×, not 534%
MULTIPLIERS: tuple[str, ...] = ("*.roas.*", "roi.roas*", "audit.benchmark.*")

#: keys that qualify a headline rather than make one (power, p-values, diagnostics, labels)
EXCLUDE: tuple[str, ...] = (
    "*_mde.*", "*_slope.*", "*.p_holm", "*.power", "*.early_look", "*.posts_more_per_arm",
    "*.dispersion_alpha", "*.holdout.*", "*.coverage80", "*.window", "*.verdict",
    "audit.quality.*", "audit.scorecard.*", "audit.presence.*", "audit.headline.*",
    "drivers.model", "tests.count")


@dataclass(frozen=True)
class Card:
    section: str
    title: str
    value: str | None  # formatted for the report's language; None = not measured
    interval: str | None
    text: str
    key: str | None = None
    notebook: str | None = None


def _num(x: Any) -> float | None:
    if x is None or isinstance(x, bool):
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def format_value(value: Any, unit: str, lang: Language, currency: str | None = None) -> str:
    """A finding's value as the client reads it, by its unit."""
    if unit == "text" or isinstance(value, str):
        return str(value)
    v = _num(value)
    if v is None:
        return label(lang, "no_data")
    if unit in ("ratio", "probability"):
        return lang.percent(v, 1)
    if unit == "rate_ratio":
        return lang.ratio(v, 2)
    if unit == "currency":
        return lang.money(v, currency) if currency else lang.number(v, 2)
    if unit == "percent_points":
        # recorded as a difference of ratios (0.012), shown in points (+1.2 pp)
        sign = "+" if v > 0 else ""
        return f"{sign}{lang.number(v * 100, 1)} {label(lang, 'points')}"
    digits = 0 if abs(v) >= 100 or v.is_integer() else 1  # 4.5 posts is not "4"
    n = lang.number(v, digits)
    if unit in ("per_week", "per_day"):
        return lang.text(f"{n} {label(lang, unit)}", f"{label(lang, unit)} {n}")
    if unit in ("days", "hours"):
        return f"{n} {label(lang, unit)}"
    return n


def format_interval(f: dict, lang: Language, currency: str | None = None) -> str | None:
    low, high = _num(f.get("low")), _num(f.get("high"))
    if low is None or high is None:
        return None
    unit = f.get("unit", "ratio")
    return (f"{label(lang, 'range')} {format_value(low, unit, lang, currency)}"
            f"–{format_value(high, unit, lang, currency)}")


def _all_findings(doc: dict | None) -> list[tuple[str, dict]]:
    """(notebook, finding) in notebook order, skipping anything malformed."""
    out = []
    notebooks = (doc or {}).get("notebooks") or {}
    if not isinstance(notebooks, dict):
        return out
    for nb in sorted(notebooks):
        entry = notebooks[nb]
        found = entry.get("findings") if isinstance(entry, dict) else None
        for f in found or []:
            if isinstance(f, dict) and isinstance(f.get("key"), str):
                out.append((nb, f))
    return out


def _matches(key: str, pattern: str) -> bool:
    # "*.test.*" also matches a key that starts with "test."
    return fnmatchcase(key, pattern) or fnmatchcase("." + key, pattern)


def _eligible(f: dict) -> bool:
    """A card shows a number: text findings (labels, verdicts) and qualifiers stay in
    their chapter."""
    if f.get("unit") == "text" or isinstance(f.get("value"), str):
        return False
    return not any(_matches(f["key"], x) for x in EXCLUDE)


def _card(section: str, nb: str, f: dict, lang: Language, currency: str | None) -> Card:
    if f.get("unit") == "ratio" and any(_matches(f["key"], m) for m in MULTIPLIERS):
        f = {**f, "unit": "rate_ratio"}
    value = f.get("value")
    shown = None if value is None else format_value(value, f.get("unit", "ratio"), lang,
                                                   currency)
    return Card(section, label(lang, section), shown,
                None if value is None else format_interval(f, lang, currency),
                card_text(translate_generated(str(f.get("text") or ""), lang.code)),
                f["key"], nb)


def card_text(text: str, limit: int = 200) -> str:
    """A card holds a sentence, not a paragraph: the first item of a numbered plan, or the
    text cut at a sentence (else word) boundary; the chapter has the rest."""
    import re

    items = re.split(r"\s(?=2\.\s)", text, maxsplit=1)  # "1. ... 2. ..." -> first item
    text = items[0].strip()
    if len(text) <= limit:
        return text + (" …" if len(items) > 1 else "")
    cut = text[:limit]
    for sep in (". ", "; ", " — ", ", "):
        at = cut.rfind(sep)
        if at >= limit // 2:
            return cut[:at + 1].rstrip(",;") + " …"
    return cut[:cut.rfind(" ")] + " …"


def summary_cards(doc: dict | None, lang: Language, currency: str | None = None,
                  sections: dict[str, tuple[str, ...]] = SECTIONS) -> list[Card]:
    """One card per section, from the findings document ``doc`` (``findings.json``)."""
    found = [(nb, f) for nb, f in _all_findings(doc) if _eligible(f)]
    used: set[str] = set()
    cards = []
    for section, patterns in sections.items():
        pick = None
        for prefer_value in (True, False):  # any real number beats an "insufficient data"
            for pattern in patterns:
                for nb, f in found:
                    if f["key"] in used or not _matches(f["key"], pattern):
                        continue
                    if prefer_value and f.get("value") is None:
                        continue
                    pick = (nb, f)
                    break
                if pick:
                    break
            if pick:
                break
        if pick:
            used.add(pick[1]["key"])
            cards.append(_card(section, *pick, lang, currency))
        else:
            cards.append(Card(section, label(lang, section), None, None,
                              label(lang, "not_measured")))
    return cards


def headline_cards(doc: dict | None, lang: Language, currency: str | None = None,
                   n: int = 3) -> list[Card]:
    """Up to ``n`` measured cards for the portfolio index (summary order first, then any
    finding with a value)."""
    cards = [c for c in summary_cards(doc, lang, currency) if c.value is not None]
    if len(cards) < n:
        taken = {c.key for c in cards}
        for nb, f in _all_findings(doc):
            if len(cards) >= n:
                break
            if f["key"] not in taken and f.get("value") is not None:
                card = _card("happened", nb, f, lang, currency)
                cards.append(Card("finding", f["key"], card.value, card.interval, card.text,
                                  f["key"], nb))
                taken.add(f["key"])
    return cards[:n]


def cards_html(cards: Iterable[Card]) -> str:
    """The cards as escaped HTML (every text is escaped: findings text is data)."""
    parts = []
    for c in cards:
        cls = "smm-card" + (" smm-missing" if c.value is None else "")
        value = html.escape(c.value) if c.value is not None else "–"
        interval = (f'<div class="smm-interval">{html.escape(c.interval)}</div>'
                    if c.interval else "")
        text = f"<p>{html.escape(c.text)}</p>" if c.text else ""
        parts.append(f'<div class="{cls}"><h3>{html.escape(c.title)}</h3>'
                     f'<div class="smm-value">{value}</div>{interval}{text}</div>')
    return f'<div class="smm-cards">{"".join(parts)}</div>'


def summary_html(doc: dict | None, lang: Language, currency: str | None = None) -> str:
    return (f'<section id="summary" class="smm-summary"><h2>{html.escape(label(lang, "summary"))}'
            f"</h2>{cards_html(summary_cards(doc, lang, currency))}</section>")
