"""Recommendations: contrasts checked against a refit with another reference, actions only
where the interval excludes no effect, ranking, both languages, thin data said so."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from smm_nb.analysis.drivers import fit_count_model, fit_drivers
from smm_nb.analysis.prepare import prepare_posts
from smm_nb.analysis.recommend import Action, Plan, contrast, recommend
from smm_nb.analysis.timing import post_timing
from smm_nb.model.config import parse_config
from smm_nb.model.workspace import load_client
from smm_nb.report.language import Language


def _posts(rng, n=500):
    fmt = rng.choice(["image", "reel", "text"], n, p=[0.5, 0.2, 0.3])
    reach = rng.integers(300, 3000, n)
    mult = np.select([fmt == "reel", fmt == "text"], [1.8, 0.8], 1.0)
    y = rng.poisson(reach * 0.05 * mult * rng.gamma(4, 0.25, n))
    t = pd.Timestamp("2026-01-01", tz="UTC") + pd.to_timedelta(np.sort(rng.uniform(0, 300, n)),
                                                               unit="D")
    return pd.DataFrame({"platform": "instagram", "format": fmt, "reach": reach,
                         "engagements_public": y.astype(float), "published_at": t})


def test_contrast_equals_refit_with_other_reference(rng):
    df = _posts(rng)
    res = fit_count_model(df, "engagements_public", ["format"], exposure="reach")
    rr, lo, hi = contrast(res, "format", "reel", "text")
    other = fit_count_model(df, "engagements_public", ["format"], exposure="reach",
                            references={"format": "text"})
    e = other.effect("format", "reel")
    assert rr == pytest.approx(e["rate_ratio"], rel=1e-3)
    assert (lo, hi) == pytest.approx((e["low"], e["high"]), rel=2e-3)
    assert contrast(res, "format", "image", "image")[0] == pytest.approx(1.0)


def test_clear_format_change_is_recommended_in_both_languages(rng):
    df = _posts(rng)
    res = fit_count_model(df, "engagements_public", ["format"], exposure="reach")
    en = recommend(res, df, lang="en")
    fmt = [a for a in en.actions if a.kind == "format"]
    assert len(fmt) == 1 and "reel instead of image" in fmt[0].text
    assert fmt[0].low > 1 and fmt[0].value == pytest.approx(contrast(res, "format", "reel",
                                                                      "image")[0])
    tr = recommend(res, df, lang=Language("tr"))
    assert "görsel yerine daha çok reels" in tr.actions[0].text
    assert "1,8" in tr.actions[0].effect or "1,7" in tr.actions[0].effect  # Turkish decimals
    assert list(tr.summary_frame().columns)[1] == "adım"
    assert any("zamanlama" in n for n in tr.notes)  # no timing given: said, in Turkish


def test_unclear_effects_become_an_experiment_with_posts_needed(rng):
    from smm_nb.analysis.power import info_per_post, posts_needed
    from smm_nb.analysis.recommend import _experiment_action

    df = _posts(rng, n=300)
    res = fit_count_model(df, "engagements_public", ["format"], exposure="reach")
    unclear = [{"kind": "format", "platform": "instagram", "level": "reel", "versus": "image",
                "ratio": 1.3, "low": 0.9, "high": 1.8}]
    exp = _experiment_action(unclear, df, res, Language("en"))
    n = posts_needed(1.3, info_per_post(df["engagements_public"].to_numpy(), res.alpha))
    assert exp.kind == "experiment" and exp.value == n and f"{n} posts per arm" in exp.text
    # with no real difference in the data, no format change is recommended
    flat = df.assign(format=rng.choice(["image", "reel"], len(df)))
    flat_res = fit_count_model(flat, "engagements_public", ["format"], exposure="reach")
    assert all(a.kind != "format" for a in recommend(flat_res, flat).actions)


def test_ranking_puts_the_surest_first():
    def act(kind, low):
        return Action(kind, None, kind, "", "", 1.0, low, 2.0, "rate_ratio", math.log(low))
    p = Plan((act("a", 1.5), act("b", 1.1)), ())
    assert [a.kind for a in p.actions] == ["a", "b"]
    f = p.to_findings("plan")
    assert f[0].key == "plan.count" and f[0].value == 2


def test_cadence_below_target_from_kpi(rng):
    df = _posts(rng, n=200)
    cfg = parse_config({"name": "T", "slug": "t", "timezone": "UTC", "currency": "EUR",
                        "platforms": {"instagram": {"handle": "@t"}},
                        "phases": {"launch_start": "2026-01-01"},
                        "kpis": [{"metric": "posts_per_week", "target": 10,
                                  "platform": "instagram"}]})
    res = fit_count_model(df, "engagements_public", ["format"], exposure="reach")
    plan = recommend(res, df, config=cfg)
    cad = [a for a in plan.actions if a.kind == "cadence"]
    assert len(cad) == 1 and cad[0].low <= cad[0].value <= cad[0].high
    per_week = len(df[df["published_at"] > df["published_at"].max() - pd.Timedelta(weeks=8)]) / 8
    assert f"now {per_week:.1f}" in cad[0].text


def test_demo_plan_uses_drivers_timing_and_budget(demo_data_dir):
    from smm_nb.analysis.budget import optimise_budget

    ws = load_client("nordwind-shop", demo_data_dir)
    posts = prepare_posts(ws.posts, ws.account_daily, ws.config)
    d = fit_drivers(posts)
    tm = post_timing(posts, basis="reach")
    b = optimise_budget(ws.spend, ws.conversions, currency="EUR", n_boot=100)
    plan = recommend(d, posts, tm, b, ws.config, "en")
    kinds = [a.kind for a in plan.actions]
    assert "format" in kinds and "budget" in kinds
    assert kinds[-1] == "experiment" or "experiment" not in kinds
    for a in plan.actions:
        if a.kind != "experiment":
            assert a.low is not None and a.score > 0
    assert {f.key for f in plan.to_findings("plan")} >= {"plan.count", "plan.budget.all"}


def test_format_interval_is_bonferroni_over_the_formats_compared(rng):
    df = _posts(rng)
    res = fit_count_model(df, "engagements_public", ["format"], exposure="reach")
    act = next(a for a in recommend(res, df).actions if a.kind == "format")
    # image is the most used; two other formats compared -> 97.5% interval
    assert (act.low, act.high) == pytest.approx(contrast(res, "format", "reel", "image",
                                                         0.975)[1:])
    assert "3 formats" in act.evidence


def test_timing_sentences_in_turkish(demo_data_dir, edge_data_dir):
    from smm_nb.analysis.recommend import timing_sentences

    ws = load_client("ledgerline", demo_data_dir)
    tm = post_timing(prepare_posts(ws.posts, ws.account_daily, ws.config), basis="impressions")
    en = timing_sentences(tm, "en")
    assert len(en) == 3 and all("Thursday 18-21" in s for s in en)
    thin = load_client("month-shop", edge_data_dir)
    tr = timing_sentences(post_timing(prepare_posts(thin.posts, thin.account_daily,
                                                    thin.config)), Language("tr"))
    assert all("veri yetersiz" in s for s in tr)
