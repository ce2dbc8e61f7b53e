"""Scorecard rules and headline sentences built from results (en and tr)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from smm_nb.analysis import audit as A
from smm_nb.analysis import benchmarks as B
from smm_nb.analysis import community as CM
from smm_nb.analysis import competitors as C
from smm_nb.analysis import metrics as M
from smm_nb.analysis import quality as Q
from smm_nb.analysis import scorecard as S
from smm_nb.analysis.prepare import prepare_posts
from smm_nb.model.workspace import load_client
from smm_nb.report.language import Language

REF = Path(__file__).resolve().parents[2] / "data" / "reference" / "engagement_benchmarks.csv"


def _results(ws):
    t = ws.tables()
    p = prepare_posts(ws.posts, ws.account_daily, ws.config)
    bench = B.Benchmarks(pd.read_csv(REF))
    basis = ws.config.engagement_rate_basis
    act = A.activity(p, A.data_end(t))
    er = M.engagement_rates(p, n_boot=200)
    per = B.period_of(p["published_at"])
    return dict(
        presence=A.presence(ws.config, t), activity=act, growth=A.growth(ws.account_daily),
        rates=er, trend=A.monthly_trend(p, basis, n_boot=100), quality=Q.data_quality(t),
        cadence=B.compare_cadence(act.posts_per_week(), bench, per, ws.config.industry),
        benchmarks=B.compare_rates(er, bench, per, ws.config.industry),
        community=CM.community(ws.messages), basis=basis), p


@pytest.mark.parametrize("client", ["nordwind-shop", "kahve-kosesi"])
def test_scorecard_and_sentences(demo_data_dir, client):
    ws = load_client(client, demo_data_dir)
    r, posts = _results(ws)
    sc = S.scorecard(**r)
    assert set(sc.frame["status"]) <= {S.GOOD, S.WATCH, S.ACT, S.NA}
    assert sc.frame["reason"].str.len().gt(0).all()
    wide = sc.summary_frame()
    assert set(wide["platform"]) == set(ws.config.platforms)
    lang = Language(ws.config.language)
    sentences = S.headline_sentences(
        lang, format_lift=M.rate_ratios(posts, "format"), rates=r["rates"],
        benchmarks=r["benchmarks"], growth=r["growth"], activity=r["activity"],
        trend=r["trend"], competitors=C.compare_competitors(ws.competitors, posts,
                                                            ws.account_daily),
        community=r["community"], basis=r["basis"])
    assert 3 <= len(sentences) <= 7
    assert all(any(ch.isdigit() for ch in s) for s in sentences[:3])
    assert not any("nan" in s.lower() or "{" in s for s in sentences)
    if client == "kahve-kosesi":
        assert any("takipçi" in s or "etkileşim" in s for s in sentences)
        assert any("," in s for s in sentences)  # Turkish decimal comma
    else:
        assert "reels" in sentences[0] and "1.6" in sentences[0]


def test_rules_on_a_declining_platform():
    trend = A.MonthlyTrend(pd.DataFrame(), pd.DataFrame(
        {"platform": ["x"], "change_per_month": [-0.05], "low": [-0.08], "high": [-0.02],
         "months": [12]}), "reach", "d")
    growth = A.Growth(pd.DataFrame(), pd.DataFrame(
        {"platform": ["x"], "followers_start": [100.0], "followers_end": [90.0],
         "net_total": [-10.0], "months": [6], "recent_growth_pct": [-0.01],
         "before_growth_pct": [float("nan")], "reason": [""]}))
    presence = A.Presence(pd.DataFrame({"platform": ["x"], "status": ["stale"],
                                        "reason": ["x: stale"]}), None, 14)
    activity = A.Activity(pd.DataFrame(
        {"platform": ["x"], "posts": [10], "weeks": [20], "posts_per_week": [0.5],
         "posts_per_week_recent": [0.1], "empty_weeks": [12], "empty_week_share": [0.6],
         "longest_gap_days": [40], "gaps_over_week": [5]}), pd.DataFrame())
    quality = Q.DataQuality(pd.DataFrame(), pd.DataFrame(columns=["platform", "days"]),
                            pd.DataFrame(columns=["platform"]), {"x": 100})
    sc = S.scorecard(presence, activity, growth, None, trend, quality)
    assert sc.status("x", "presence") == S.ACT
    assert sc.status("x", "activity") == S.ACT
    assert sc.status("x", "growth") == S.ACT
    assert sc.status("x", "trend") == S.ACT
    assert sc.status("x", "engagement") == S.NA
    assert sc.status("x", "data") == S.GOOD
