"""Notebook 05 end to end: the improvement-phase client (drivers, forecast, budget), the
Turkish café, and a month-old client without spend that says what it cannot estimate."""
import pytest

from smm_nb.demo import PLANTED
from smm_nb.report.html import notebook_body
from notebook_outputs import outputs_text as _outputs

pytestmark = pytest.mark.e2e


def test_ledgerline_drivers_forecast_budget_plan(run_notebook, demo_data_dir):
    nb, rec = run_notebook("05_improvement", "ledgerline", demo_data_dir)
    f = {x["key"]: x for x in rec["findings"]}
    video = f["drivers.format.video"]
    assert video["low"] <= 1.3 <= video["high"]  # demo.FORMAT_ER_MULTIPLIER video / image
    assert f["drivers.holdout.mape"]["value"] < f["drivers.holdout.mape_naive"]["value"]
    assert f["timing.best.linkedin.window"]["value"] == "thu_18_21"
    kpi = f["forecast.kpi.followers.linkedin.20270215"]
    assert 0 <= kpi["value"] <= 1
    assert f["forecast.backtest.linkedin.followers.coverage80"]["value"] is not None
    assert f["budget.gain_per_day"]["low"] <= f["budget.gain_per_day"]["value"]
    assert f["plan.count"]["value"] >= 1
    html = _outputs(nb)
    assert "observational" in html and "Holm" in html
    sp = PLANTED["spend_response"]["linkedin"]
    assert f"{sp['a']:.0f}" in html  # the curve table is shown


def test_turkish_cafe_reads_in_turkish(run_notebook, demo_data_dir):
    nb, rec = run_notebook("05_improvement", "kahve-kosesi", demo_data_dir)
    assert rec["language"] == "tr"
    body = notebook_body(nb, "tr")
    for phrase in ("Sonuçları ne belirliyor", "takipçiye ulaşma olasılığı",
                   "Bütçe önerisi yok: harcama verisi yok", "Önerilen adımlar"):
        assert phrase in body
    assert "What drives results" not in body
    f = {x["key"]: x for x in rec["findings"]}
    fb = f["forecast.facebook.followers"]  # six weeks of Facebook: a caveat, no backtest
    assert fb["value"] is not None and "short history" in fb["text"]
    assert "kaba bir yol gösterici" in body


def test_month_old_client_without_spend(run_notebook, edge_data_dir):
    nb, rec = run_notebook("05_improvement", "month-shop", edge_data_dir)
    f = {x["key"]: x for x in rec["findings"]}
    # a month of data: forecast from four weekly cycles, flagged and not backtested
    fol = f["forecast.instagram.followers"]
    assert fol["value"] is not None and "short history" in fol["text"]
    assert not any(k.startswith("forecast.backtest.") for k in f)
    assert f["budget.gain_per_day"]["value"] is None
    html = _outputs(nb)
    assert "No budget advice: no spend data" in html
    assert "read its range as a rough guide" in html
