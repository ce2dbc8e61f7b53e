"""From the canonical ``posts`` table to the frame every analysis works on.

Native exports do not carry everything an analysis needs: no platform reports which
experiment arm a post belongs to, few report the follower count at posting, and the
service line of a post lives in its tags. :func:`prepare_posts` derives these, the
same way for every notebook, and adds the engagement-rate columns with their
definitions spelled out:

* ``engagements_public`` = likes + comments + shares + saves (missing parts count as 0;
  all parts missing gives missing). The platform's own ``engagements`` total (X counts
  clicks and expands) is never mixed into it.
* ``er_reach`` = engagements_public / reach, ``er_impressions`` = ... / impressions,
  ``er_followers`` = ... / followers_at_post; missing where the denominator is missing
  or zero.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from smm_nb.model.config import ClientConfig, Experiment

ENGAGEMENT_PARTS = ("likes", "comments", "shares", "saves")
ER_BASES = {"reach": "reach", "impressions": "impressions", "followers": "followers_at_post"}
ER_DEFINITION = "public engagements (likes + comments + shares + saves)"

#: Hour blocks used for posting-time analyses (local time, start inclusive).
HOUR_BLOCKS = ((0, 6), (6, 9), (9, 12), (12, 15), (15, 18), (18, 21), (21, 24))


def hour_block_label(start: int, end: int) -> str:
    return f"{start:02d}-{end:02d}"


def hour_block(hours: pd.Series) -> pd.Series:
    edges = [b[0] for b in HOUR_BLOCKS] + [24]
    labels = [hour_block_label(a, b) for a, b in HOUR_BLOCKS]
    return pd.cut(hours, bins=edges, right=False, labels=labels)


def engagements_public(posts: pd.DataFrame) -> pd.Series:
    parts = posts[list(ENGAGEMENT_PARTS)].astype("Float64")
    total = parts.fillna(0).sum(axis=1)
    return total.where(parts.notna().any(axis=1)).astype("Float64")


def _rate(num: pd.Series, den: pd.Series) -> pd.Series:
    num = num.astype("float64")
    den = den.astype("Float64").astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        r = num / den
    return r.where(den > 0)


def attach_followers(posts: pd.DataFrame, daily: pd.DataFrame) -> pd.Series:
    """``followers_at_post`` where reported, else the platform's follower count on the
    last day at or before the post (from ``account_daily``)."""
    known = posts["followers_at_post"].astype("Float64")
    if daily is None or daily.empty or daily["followers"].isna().all():
        return known
    d = daily.dropna(subset=["followers"])[["platform", "date", "followers"]].sort_values("date")
    p = posts[["platform", "published_at"]].copy()
    p["_day"] = p["published_at"].dt.tz_localize(None).dt.normalize().astype("datetime64[ns]")
    p["_i"] = np.arange(len(p))
    p = p.sort_values("_day")
    d = d.assign(date=d["date"].astype("datetime64[ns]"))
    merged = pd.merge_asof(p, d, left_on="_day", right_on="date", by="platform",
                           direction="backward")
    from_daily = pd.Series(merged["followers"].to_numpy(), index=merged["_i"].to_numpy())
    from_daily = from_daily.sort_index().astype("Float64")
    from_daily.index = posts.index
    return known.fillna(from_daily)


def categories_from_tags(posts: pd.DataFrame, service_lines: dict[str, list[str]]) -> pd.Series:
    """The first service line whose tags appear in a post's tags or text; else the
    existing ``category``."""
    cat = posts["category"].astype("string")
    if not service_lines:
        return cat
    hay = (posts["tags"].fillna("") + " " + posts["text"].fillna("")).str.lower()
    derived = pd.Series(pd.NA, index=posts.index, dtype="string")
    for line, tags in service_lines.items():
        pattern = "|".join(rf"#?\b{re.escape(t.lower().lstrip('#'))}\b" for t in tags)
        if not pattern:
            continue
        hit = hay.str.contains(pattern, regex=True) & derived.isna()
        derived = derived.mask(hit, line)
    return cat.fillna(derived)


def assign_arms(posts: pd.DataFrame, experiment: Experiment) -> pd.Series:
    """The arm of each post in ``experiment`` (missing for posts outside it).

    A post is in the experiment when it is on the experiment's platform (if set),
    published between ``start`` and ``end`` (inclusive, client-local days) and matches
    exactly one arm by tag, caption marker or explicit post id. A post that matches
    two arms is ambiguous and left out.
    """
    local_day = posts["published_at"].dt.tz_localize(None).dt.normalize()
    inside = (local_day >= pd.Timestamp(experiment.start)) & \
             (local_day <= pd.Timestamp(experiment.end))
    if experiment.platform:
        inside &= posts["platform"] == experiment.platform
    hits = {}
    for arm in experiment.arms:
        if experiment.assign_by == "post_ids":
            hit = posts["post_id"].isin([str(i) for i in arm.post_ids])
        elif experiment.assign_by == "tag":
            tag = re.escape(arm.match.lstrip("#").lower())
            hit = posts["tags"].fillna("").str.lower().str.contains(rf"(?:^|\s)#?{tag}(?:\s|$)",
                                                                   regex=True)
        else:
            hit = posts["text"].fillna("").str.contains(arm.match, regex=False)
        hits[arm.name] = hit.fillna(False) & inside
    matched = pd.DataFrame(hits)
    one = matched.sum(axis=1) == 1
    arm = matched.idxmax(axis=1).where(one)
    return arm.astype("string")


def prepare_posts(posts: pd.DataFrame, daily: pd.DataFrame | None = None,
                  config: ClientConfig | None = None) -> pd.DataFrame:
    """The canonical posts plus derived columns every analysis shares.

    Adds ``engagements_public``, ``er_reach``, ``er_impressions``, ``er_followers``,
    ``weekday`` (0 = Monday), ``hour``, ``hour_block``, ``week`` (Monday of the week),
    ``month``; fills ``followers_at_post`` from daily follower counts, ``category`` from
    the service lines of ``client.yaml``, and ``experiment`` / ``arm`` from its
    experiments (keeping values already present in the export).
    """
    df = posts.copy()
    if daily is not None:
        df["followers_at_post"] = attach_followers(df, daily).round().astype("Int64")
    if config is not None:
        df["category"] = categories_from_tags(df, config.persona.service_lines)
        for exp in config.experiments:
            arm = assign_arms(df, exp)
            fill = df["arm"].isna() & arm.notna()
            df.loc[fill, "experiment"] = exp.name
            df.loc[fill, "arm"] = arm[fill]
    df["engagements_public"] = engagements_public(df)
    for basis, col in ER_BASES.items():
        df[f"er_{basis}"] = _rate(df["engagements_public"], df[col])
    local = df["published_at"].dt.tz_localize(None)
    df["weekday"] = local.dt.day_of_week.astype("int64")
    df["hour"] = local.dt.hour.astype("int64")
    df["hour_block"] = hour_block(df["hour"])
    df["week"] = (local.dt.normalize() - pd.to_timedelta(df["weekday"], unit="D")) \
        .astype("datetime64[ns]")
    df["month"] = local.dt.to_period("M")
    return df
