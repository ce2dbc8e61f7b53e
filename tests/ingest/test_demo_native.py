"""The demo clients' native exports ingest back to the simulated canonical tables."""
from __future__ import annotations

import pandas as pd
import pytest

from smm_nb.demo import NATIVE_PLATFORMS, demo_specs, simulate_client, write_exports
from smm_nb.ingest import IngestContext, export_files, ingest_files

COLUMNS = ["format", "reach", "impressions", "likes", "comments", "shares", "saves", "clicks",
           "video_views"]
DAILY = ["followers", "follower_gains", "follower_losses", "impressions", "reach",
         "profile_visits", "website_clicks"]


def test_boost_spend_only_on_posts_stays_canonical(tmp_path):
    spec = {s.slug: s for s in demo_specs()}["kahve-kosesi"]
    paths = write_exports(simulate_client(spec), tmp_path)
    assert sorted(p.name for p in paths)[:2] == ["account_daily.csv", "activity.csv"]
    assert "posts.csv" in {p.name for p in paths}


@pytest.mark.parametrize("slug", ["nordwind-shop"])
def test_native_demo_exports_round_trip(tmp_path, slug):
    spec = {s.slug: s for s in demo_specs()}[slug]
    sim = simulate_client(spec)
    paths = write_exports(sim, tmp_path)
    assert any(p.name.startswith("Instagram_content") for p in paths)
    tz = spec.config["timezone"]
    res = ingest_files(export_files(tmp_path), IngestContext(tz, spec.config["currency"]))
    adapters = {f.adapter for f in res.files}
    assert {"meta-business-suite-content", "meta-business-suite-overview"} <= adapters

    got = res.tables["posts"].set_index(["platform", "post_id"]).sort_index()
    want = sim["posts"].set_index(["platform", "post_id"]).sort_index()
    assert got.index.equals(want.index)
    native = want.index.get_level_values(0).isin(NATIVE_PLATFORMS)
    assert native.any()
    for col in COLUMNS:
        a = got[col].astype("string").fillna("<NA>")
        b = want[col].astype("Float64").astype("Int64").astype("string").fillna("<NA>") \
            if col != "format" else want[col].astype("string")
        assert (a == b).all(), col
    want_ts = pd.to_datetime(want["published_at"], utc=True, format="ISO8601")
    got_ts = got["published_at"].dt.tz_convert("UTC")
    assert (got_ts == want_ts).all()  # to the minute, across DST changes
    assert str(got["published_at"].dt.tz) == tz
    # hashtags live in the native caption: tags come back from it, the caption keeps them
    nat_got, nat_want = got[native], want[native]
    assert (nat_got["tags"].fillna("") == nat_want["tags"].fillna("").str.lower()).all()
    assert all(g.startswith(w) for g, w in zip(nat_got["text"], nat_want["text"]))
    paid = nat_want["paid"].astype(str).str.lower() == "true"
    assert (nat_got["paid"].fillna(False).to_numpy() == paid.to_numpy()).all()

    d_got = res.tables["account_daily"].set_index(["platform", "date"]).sort_index()
    d_want = sim["account_daily"].assign(date=pd.to_datetime(sim["account_daily"]["date"])) \
        .set_index(["platform", "date"]).sort_index()
    assert d_got.index.equals(d_want.index)
    for col in DAILY:
        assert (d_got[col].astype("Int64") == d_want[col].astype("Int64")).all(), col


def test_prepared_posts_unchanged(tmp_path):
    """What the analyses see (format, ER, category, arm) is the same as before."""
    from smm_nb.analysis.prepare import prepare_posts
    from smm_nb.model.config import ClientConfig
    from smm_nb.model.schemas import TABLES, conform

    spec = {s.slug: s for s in demo_specs()}["nordwind-shop"]
    sim = simulate_client(spec)
    tz = spec.config["timezone"]
    cfg = ClientConfig.model_validate(spec.config)
    write_exports(sim, tmp_path)
    res = ingest_files(export_files(tmp_path), IngestContext(tz, "EUR"))
    before_posts = conform(sim["posts"], TABLES["posts"], tz=tz, source="sim")
    before_daily = conform(sim["account_daily"], TABLES["account_daily"], tz=tz, source="sim")
    a = prepare_posts(before_posts, before_daily, cfg).set_index(["platform", "post_id"])
    b = prepare_posts(res.tables["posts"], res.tables["account_daily"], cfg) \
        .set_index(["platform", "post_id"]).loc[a.index]
    for col in ("format", "er_reach", "er_impressions", "er_followers", "category",
                "experiment", "arm", "hour_block", "weekday"):
        pd.testing.assert_series_equal(a[col], b[col], check_dtype=False, check_names=False,
                                       obj=col)
