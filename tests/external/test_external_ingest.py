"""Conformance over the real export files in ../shared/external (never copied here).

Every data file ingests without error into valid canonical tables, and its row
count and column totals (impressions, engagements, spend, ...) equal what plain
pandas computes from the raw file on its own.
"""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from smm_nb.ingest import IngestContext, ingest_files
from smm_nb.model.schemas import TABLES, validate_frame

DOCS = {".md", ".txt"}  # descriptions shipped next to the data, not exports


def _raw(path: Path, **kw) -> pd.DataFrame:
    return pd.read_csv(path, **kw)


def _fb_posts(p):
    return _raw(p, encoding="utf-8-sig", skiprows=[1])


#: file pattern -> (plain pandas reader, canonical table, {canonical column: raw total},
#: how many canonical rows the raw file makes)
def _expect(path: Path):
    name = path.name
    if name.startswith("tweet_activity_metrics"):
        raw = _raw(path)
        return "posts", len(raw), {"impressions": raw["impressions"].sum(),
                                   "engagements": raw["engagements"].sum(),
                                   "likes": raw["likes"].sum()}
    if name.startswith("daily_tweet_activity_metrics"):
        raw = _raw(path)
        return "account_daily", len(raw), {"impressions": raw["impressions"].sum(),
                                           "engagements": raw["engagements"].sum()}
    if name.startswith("Facebook Insights Data Export ("):
        raw = _fb_posts(path)
        tot = {"impressions": raw["Lifetime Post Total Impressions"].sum()}
        if "Lifetime Engaged Users" in raw:
            tot["engagements"] = raw["Lifetime Engaged Users"].sum()
        return "posts", len(raw), tot
    if name.startswith("Facebook Insights Data Export -"):
        raw = _raw(path, encoding="cp1252", skiprows=[1])
        return "account_daily", len(raw), {"impressions": raw["Daily Total Impressions"].sum(),
                                           "engagements": raw["Daily Page Engaged Users"].sum()}
    if name == "dataset_Facebook.csv":
        raw = _raw(path, sep=";")
        return "posts", len(raw), {"impressions": raw["Lifetime Post Total Impressions"].sum(),
                                   "engagements": raw["Lifetime Engaged Users"].sum()}
    if name == "women_in_ai_usa_clean.csv":
        raw = _raw(path)
        return "account_daily", len(raw), {"impressions": raw["Impressions (total)"].sum(),
                                           "engagements": raw["Total Engagement"].sum()}
    if name == "women_in_ai_usa_followers.csv":
        raw = _raw(path)
        return "account_daily", len(raw), {"net_followers": raw["Total followers"].sum()}
    if name.endswith("Table data.csv"):
        raw = _raw(path)
        raw = raw[raw["Content"] != "Total"]
        return "posts", len(raw), {"impressions": raw["Impressions"].sum(),
                                   "video_views": raw["Views"].sum()}
    if name.endswith("Chart data.csv"):
        raw = _raw(path)
        return "posts", raw["Content"].nunique(), {}
    if name.endswith("Totals.csv"):
        raw = _raw(path)
        return "account_daily", len(raw), {"video_views": raw["Views"].sum()}
    if name == "KAG_conversion_data.csv":
        raw = _raw(path, encoding="utf-8-sig")
        return "spend", raw["xyz_campaign_id"].nunique(), {
            "spend": raw["Spent"].sum(), "impressions": raw["Impressions"].sum(),
            "clicks": raw["Clicks"].sum()}
    if name in ("control_group.csv", "test_group.csv"):
        raw = _raw(path, sep=";")
        return "spend", len(raw), {"spend": raw["Spend [USD]"].sum(),
                                   "impressions": raw["# of Impressions"].sum()}
    raise AssertionError(f"no expectation written for {name}: add one")


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() not in DOCS)


def test_every_external_file_is_covered(external_dir):
    files = _files(external_dir)
    assert len(files) >= 30
    for p in files:
        _expect(p)  # raises for a file nobody wrote an expectation for


# the same place the ``external_dir`` fixture looks, to name one test per file
EXTERNAL = Path(os.environ.get("SMM_NB_EXTERNAL",
                               Path(__file__).resolve().parents[2].parent / "shared" / "external"))


def _ids():
    return [str(p.relative_to(EXTERNAL)) for p in _files(EXTERNAL)] if EXTERNAL.is_dir() \
        else ["absent"]


@pytest.mark.parametrize("rel", _ids())
def test_external_file_conforms(rel, external_dir):
    path = external_dir / rel
    table, n_rows, totals = _expect(path)
    result = ingest_files([path], IngestContext("Europe/Stockholm", "USD"))
    assert result.ok
    for name, df in result.tables.items():
        validate_frame(df, TABLES[name])
    report = result.files[0]
    assert report.adapter not in (None, "canonical")
    df = result.tables[table]
    assert len(df) == n_rows
    assert report.rows_read >= n_rows
    for col, expected in totals.items():
        if col == "net_followers":
            got = df["follower_gains"].sum() - df["follower_losses"].sum()
        else:
            got = df[col].sum()
        assert float(got) == pytest.approx(float(expected), rel=1e-9), col
    assert set(df["source_file"]) == {path.name}


def test_x_year_of_exports_merges(external_dir):
    """Twelve monthly X exports make one year with one row a day and every tweet once."""
    folder = external_dir / "x-twitter-debruine"
    files = sorted(folder.glob("*.csv"))
    result = ingest_files(files, IngestContext("Europe/London", "GBP"))
    raw_posts = pd.concat([_raw(p) for p in files if p.name.startswith("tweet_")])
    posts = result.tables["posts"]
    assert len(posts) == raw_posts["Tweet id"].nunique()
    daily = result.tables["account_daily"]
    assert len(daily) == daily["date"].nunique() == 365
