"""The benchmark guard: like with like only, closest edition, blank denominators refused."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smm_nb.analysis import benchmarks as B
from smm_nb.analysis.metrics import engagement_rates
from smm_nb.errors import AnalysisError

REF = Path(__file__).resolve().parents[2] / "data" / "reference" / "engagement_benchmarks.csv"


def _bench() -> B.Benchmarks:
    cols = ["source", "report_year", "data_year", "platform", "industry", "metric",
            "denominator", "statistic", "value", "unit", "url", "notes"]
    rows = [
        ("Pub A", 2023, "2022", "Instagram", "All industries", "engagement_rate_per_post",
         "followers", "median", 0.47, "percent", "u", ""),
        ("Pub A", 2025, "2024", "Instagram", "All industries", "engagement_rate_per_post",
         "followers", "median", 0.36, "percent", "u", ""),
        ("Pub A", 2025, "2024", "Instagram", "Retail", "engagement_rate_per_post",
         "followers", "median", 0.16, "percent", "u", "unverified"),
        ("Pub B", 2025, "2024", "Instagram", "All accounts", "engagement_rate_per_post",
         "impressions", "median", 1.16, "percent", "u", ""),
        ("Pub C", 2025, "2025-Q1", "Instagram", "All industries", "engagement_rate_per_post",
         None, "median", 12.0, "percent", "u", "denominator unknown"),
        ("Pub A", 2025, "2024", "X (Twitter)", "All industries", "engagement_rate_per_post",
         "followers", "median", 0.015, "percent", "u", ""),
        ("Pub A", 2025, "2024", "X (Twitter)", "Health & Beauty", "engagement_rate_per_post",
         "followers", "median", 0.0, "percent", "u", ""),
        ("Pub A", 2025, "2024", "Instagram", "All industries", "posts_per_week", None,
         "median", 4.5, "posts_per_week", "u", ""),
    ]
    return B.Benchmarks(pd.DataFrame(rows, columns=cols))


def test_platform_names_are_mapped():
    assert B.platform_id("X (Twitter)") == "x"
    assert B.platform_id("Instagram") == "instagram"
    assert B.platform_id("LinkedIn") == "linkedin"
    assert B.platform_id("Instagram Reels") is None
    assert B.platform_id("Any social media") is None


def test_closest_edition_and_industry_first():
    b = _bench()
    row = b.pick("instagram", "followers", "median", period=2023.0)
    assert row.report_year == 2023 and row.value == pytest.approx(0.0047)
    row = b.pick("instagram", "followers", "median", period=2025.5)
    assert row.report_year == 2025 and row.industry == "All industries"
    retail = b.pick("instagram", "followers", "median", period=2025.5, industry="Retail")
    assert retail.industry == "Retail" and retail.flagged
    assert "2025" in retail.label and "Pub A" in retail.label
    # a zero (median brand did not post) is not a benchmark
    assert b.pick("x", "followers", "median", 2025.0, industry="Health & Beauty").value > 0
    assert b.pick("instagram", "reach", "median", 2025.0) is None


def test_mismatched_denominator_is_refused():
    b = _bench()
    by_followers = b.pick("instagram", "followers", "median", 2025.0)
    with pytest.raises(AnalysisError, match="denominator"):
        B.compare("instagram", "impressions", "median", 0.02, by_followers)
    with pytest.raises(AnalysisError, match="instagram"):
        B.compare("x", "followers", "median", 0.02, by_followers)
    with pytest.raises(AnalysisError, match="statistic"):
        B.compare("instagram", "followers", "mean", 0.02, by_followers)
    with pytest.raises(AnalysisError, match="ratio"):
        B.compare("instagram", "followers", "ratio", 0.02, by_followers)
    ok = B.compare("instagram", "followers", "median", 0.0072, by_followers, 0.006, 0.008)
    assert ok.ratio == pytest.approx(2.0) and ok.verdict == "above"


def test_blank_denominator_rows_are_context_only():
    b = _bench()
    ctx = b.context("instagram")
    assert len(ctx) == 1
    with pytest.raises(AnalysisError, match="context only"):
        b.pick("instagram", None, "median", 2025.0)
    row = B._row(ctx.iloc[0])
    with pytest.raises(AnalysisError, match="context only"):
        B.compare("instagram", "followers", "median", 0.01, row)


def test_compare_rates_matches_only_like_with_like():
    posts = pd.DataFrame({"platform": ["instagram"] * 3,
                          "engagements_public": [10.0, 20.0, 30.0], "reach": [100, 100, 100],
                          "impressions": [1000, 1000, 1000],
                          "followers_at_post": [5000, 5000, 5000]})
    er = engagement_rates(posts, statistics=("median", "ratio"), n_boot=50)
    res = B.compare_rates(er, _bench(), period=2025.0)
    got = {(c.basis, c.statistic) for c in res.comparisons}
    assert got == {("followers", "median"), ("impressions", "median")}
    assert ("instagram", "reach", "median") in {m[:3] for m in res.missing}
    frame = res.summary_frame()
    assert (frame.loc[frame["verdict"] != "no benchmark", "source"].str.contains("Pub")).all()
    keys = [f.key for f in res.to_findings("audit.benchmark")]
    assert "audit.benchmark.er_followers_median.instagram" in keys


def test_cadence_comparison():
    res = B.compare_cadence({"instagram": 9.0, "tiktok": 2.0}, _bench(), 2025.0)
    assert res.comparisons[0].ratio == pytest.approx(2.0)
    assert res.missing[0][0] == "tiktok"


def test_reference_file_loads():
    if not REF.exists():
        pytest.skip("no reference file")
    b = B.Benchmarks(pd.read_csv(REF))
    assert set(b.frame["platform_id"].dropna()) >= {"instagram", "facebook", "x", "tiktok"}
    row = b.pick("instagram", "followers", "median", 2025.0)
    assert 0 < row.value < 0.05
    assert np.isfinite(B.period_of(pd.Series(pd.to_datetime(["2025-01-01", "2025-12-31"]))))
