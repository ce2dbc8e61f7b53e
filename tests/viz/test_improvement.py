"""Improvement charts: the title states the finding, thin data gives a message, Turkish."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from smm_nb.analysis.budget import optimise_budget
from smm_nb.analysis.drivers import fit_count_model
from smm_nb.analysis.forecast import forecast
from smm_nb.report.language import Language
from smm_nb.viz.improvement import drivers_chart, forecast_chart, response_curves_chart


def _title(fig: Figure) -> str:
    return fig._suptitle.get_text().replace("\n", " ")


@pytest.fixture
def drivers(rng):
    n = 400
    fmt = rng.choice(["image", "reel"], n)
    reach = rng.integers(500, 3000, n)
    y = rng.poisson(reach * 0.04 * np.where(fmt == "reel", 1.8, 1.0) * rng.gamma(4, 0.25, n))
    df = pd.DataFrame({"engagements_public": y, "format": fmt, "reach": reach})
    return fit_count_model(df, "engagements_public", ["format"], exposure="reach")


def test_drivers_chart_titles_the_clear_effect(drivers):
    fig = drivers_chart(drivers)
    rr = drivers.effect("format", "reel")["rate_ratio"]
    assert f"{rr:.2f}×" in _title(fig) and "reel" in _title(fig)
    assert "log scale" in fig.axes[0].get_xlabel()
    tr = drivers_chart(drivers, Language("tr"))
    assert "diğer her şey sabit" in _title(tr)
    # Turkish words for the levels and a decimal comma: "biçim reels: görsel düzeyinin 1,8 katı"
    assert "reels: görsel düzeyinin" in _title(tr) and f"{rr:.2f}".replace(".", ",") in _title(tr)


def test_drivers_chart_without_model_says_why(drivers):
    from dataclasses import replace

    fig = drivers_chart(replace(drivers, reason="12 usable observations"))
    assert "12 usable" in fig.texts[-1].get_text() or any(
        "12 usable" in t.get_text() for ax in fig.axes for t in ax.texts)


def test_forecast_chart_and_empty(rng):
    days = 120
    dates = pd.date_range("2026-01-01", periods=days, freq="D")
    g, lo = rng.poisson(10, days), rng.poisson(2, days)
    daily = pd.DataFrame({"platform": "instagram", "date": dates,
                          "followers": 1000 + np.cumsum(g - lo), "follower_gains": g,
                          "follower_losses": lo, "reach": rng.poisson(4000, days),
                          "impressions": rng.poisson(6000, days)})
    res = forecast(daily, repetitions=200, backtest_origins=1)
    fig = forecast_chart(res, "followers", Language("tr"))
    med = res.get("instagram", "followers").total[0]
    assert Language("tr").number(med) in _title(fig)
    assert len(fig.axes) == 1 and fig.axes[0].get_ylabel() == "takipçi"
    short = forecast(daily.head(20))
    fig2 = forecast_chart(short, "reach")
    assert any("28 needed" in t.get_text() for ax in fig2.axes for t in ax.texts)


def test_response_curves_chart(rng):
    dates = pd.date_range("2025-01-01", periods=200, freq="D")
    sp, cv = [], []
    for plat, a, b in (("linkedin", 6.0, 150.0), ("x", 1.5, 80.0)):
        s = 200 * rng.lognormal(0, 0.6, 200)
        sp.append(pd.DataFrame({"date": dates, "platform": plat, "campaign": "c", "spend": s}))
        cv.append(pd.DataFrame({"date": dates, "platform": plat, "campaign": "c",
                                "conversions": rng.poisson(a * np.log1p(s / b))}))
    res = optimise_budget(pd.concat(sp), pd.concat(cv), currency="USD", n_boot=50)
    fig = response_curves_chart(res)
    assert f"{res.gain[0]:.2f}" in _title(fig) and len(fig.axes) == 2
    assert "USD" in fig.axes[0].get_xlabel()
    none = response_curves_chart(optimise_budget(pd.DataFrame(), None))
    assert any("no spend data" in t.get_text() for ax in none.axes for t in ax.texts)


def test_forecast_months_are_named_in_the_report_language(rng):
    from smm_nb.viz.improvement import _date_axis
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    days = pd.date_range("2026-10-01", "2027-02-28", freq="D")
    ax.plot(days, np.arange(len(days)))
    _date_axis(ax, days[0], days[-1], Language("tr"))
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[0] == "Eki\n2026" and "Oca\n2027" in labels and "Kas" in labels


def test_drivers_headline_never_names_the_pooled_other_level(drivers):
    from dataclasses import replace

    eff = drivers.effects.copy()
    other = eff.iloc[[0]].assign(level="other", rate_ratio=5.0, low=3.0, high=8.0, p_holm=1e-6)
    fig = drivers_chart(replace(drivers, effects=pd.concat([eff, other], ignore_index=True)))
    assert "other" not in _title(fig) and "reel" in _title(fig)
