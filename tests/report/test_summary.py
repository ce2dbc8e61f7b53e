"""Executive summary cards: picked by key pattern, formatted per unit and language, robust."""
import pytest

from smm_nb.report.language import Language
from smm_nb.report.summary import cards_html, format_value, headline_cards, summary_cards

EN, TR = Language("en"), Language("tr")


def _doc(**notebooks):
    return {"client": "c", "notebooks": {nb: {"status": "ok", "findings": f}
                                         for nb, f in notebooks.items()}}


def _f(key, value, unit="ratio", text="t", **kw):
    return {"key": key, "value": value, "unit": unit, "text": text, **kw}


@pytest.mark.parametrize("value, unit, en, tr", [
    (0.041, "ratio", "4.1%", TR.percent(0.041)),
    (1.6, "rate_ratio", "1.60×", "1,60×"),
    (1234.5, "count", "1,234", "1.234"),
    (4.5, "count", "4.5", "4,5"),  # a mean count keeps its decimal
    (3.25, "per_week", "3.2 per week", "haftada 3,2"),
    (12, "days", "12 days", "12 gün"),
    (2.5, "hours", "2.5 hours", "2,5 saat"),
    (0.012, "percent_points", "+1.2 pp", "+1,2 puan"),
    (0.97, "probability", "97.0%", TR.percent(0.97)),
    ("Thursday 18-21", "text", "Thursday 18-21", "Thursday 18-21"),
    (None, "ratio", "insufficient data", "yetersiz veri"),
    (float("nan"), "ratio", "insufficient data", "yetersiz veri"),
])
def test_format_value(value, unit, en, tr):
    assert format_value(value, unit, EN) == en
    assert format_value(value, unit, TR) == tr


def test_currency_uses_babel():
    assert format_value(1234.5, "currency", TR, "TRY") == "₺1.234,50"
    assert format_value(1234.5, "currency", EN, "EUR") == "€1,234.50"


@pytest.mark.parametrize("doc", [None, {}, {"notebooks": None}, {"notebooks": {"x": None}},
                                 {"notebooks": {"x": {"findings": [None, {"value": 1}]}}}])
def test_missing_or_malformed_findings_give_five_unmeasured_cards(doc):
    cards = summary_cards(doc, EN)
    assert [c.section for c in cards] == ["goal", "happened", "why", "earned", "next"]
    assert all(c.value is None and c.text == "Not measured in this report" for c in cards)


def test_cards_pick_documented_keys_once_and_prefer_values():
    doc = _doc(
        **{"01_audit": [_f("audit.headline.1", "Instagram leads.", "text"),
                        _f("audit.engagement.er_reach_median.instagram", 0.04)],
           "03_launch_baseline": [_f("its.launch.reach_mde.instagram", 1.2, "rate_ratio"),
                                  _f("its.launch.reach.instagram", None, text="too few days"),
                                  _f("its.launch.reach.facebook", 2.9, "rate_ratio",
                                     low=2.1, high=3.8)],
           "04_management_tests": [_f("tests.hook_first.verdict", "winner", "text"),
                                   _f("tests.hook_first.p_holm", 0.01, "probability"),
                                   _f("tests.hook_first.lift", 1.3, "rate_ratio"),
                                   _f("kpi.er_reach.instagram", 0.05),
                                   _f("roi.spend.all", 1000.0, "currency"),
                                   _f("roi.roas.all", 2.5, "ratio")],
           "05_improvement": [_f("forecast.instagram.reach", 12000, "count"),
                              _f("plan.count", 3, "count", text="1. Post reels ...")]})
    cards = {c.section: c for c in summary_cards(doc, EN, "EUR")}
    assert cards["goal"].key == "kpi.er_reach.instagram"
    assert cards["happened"].key == "its.launch.reach.facebook"  # a value beats a null
    assert cards["happened"].interval == "likely range 2.10×–3.80×"
    assert cards["why"].key == "tests.hook_first.lift"
    assert cards["earned"].key == "roi.roas.all" and cards["earned"].value == "2.50×"
    assert cards["next"].key == "plan.count" and cards["next"].text.startswith("1. Post")
    assert len({c.key for c in cards.values()}) == 5


def test_documented_keys_match_a_section():
    """Every card pattern names a key family that docs/findings documents."""
    from pathlib import Path

    from smm_nb.report.summary import SECTIONS

    docs = Path(__file__).resolve().parents[2] / "docs" / "findings"
    if not docs.is_dir():
        pytest.skip("docs/findings is missing")
    text = "".join(p.read_text(encoding="utf-8") for p in docs.glob("*.md"))
    for patterns in SECTIONS.values():
        for pattern in patterns:
            parts = pattern.split(".")
            family = parts[0] if len(parts) == 1 or parts[1] == "*" else \
                f"{parts[0]}.{parts[1].split('*')[0]}"
            assert f"`{family}" in text, pattern


def test_value_none_shows_its_reason():
    doc = _doc(**{"05_improvement": [_f("forecast.instagram.reach", None,
                                        text="insufficient data: 3 weeks")]})
    card = summary_cards(doc, EN)[-1]
    assert card.value is None and card.text == "insufficient data: 3 weeks"


def test_cards_html_escapes_finding_text():
    doc = _doc(**{"01_audit": [_f("audit.engagement.er_reach_median.instagram", 0.04,
                                  text="<script>alert(1)</script>")]})
    out = cards_html(summary_cards(doc, EN))
    assert "<script>" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out


def test_headline_cards_fill_with_other_findings():
    doc = _doc(**{"x": [_f("summary.posts.count", 96, "count"), _f("other.thing", None)]})
    cards = headline_cards(doc, EN, n=3)
    assert [(c.title, c.value) for c in cards] == [("summary.posts.count", "96")]
