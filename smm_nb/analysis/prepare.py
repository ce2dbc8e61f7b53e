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
    # column by column on float arrays: a row-wise sum over a masked frame costs ~1 s
    # per million posts, this ~30 ms
    total = np.zeros(len(posts))
    seen = np.zeros(len(posts), dtype=bool)
    for col in ENGAGEMENT_PARTS:
        v = pd.to_numeric(posts[col], errors="coerce").astype("Float64") \
            .to_numpy(dtype="float64", na_value=np.nan)
        present = ~np.isnan(v)
        total += np.where(present, v, 0.0)
        seen |= present
    return pd.Series(pd.array(np.where(seen, total, np.nan), dtype="Float64"),
                     index=posts.index)


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
    d = daily.dropna(subset=["followers"])
    day = posts["published_at"].dt.tz_localize(None).dt.normalize() \
        .to_numpy(dtype="datetime64[ns]")
    plat = posts["platform"]
    from_daily = np.full(len(posts), np.nan)
    # per platform, a binary search of each post's day in the sorted daily dates (what
    # merge_asof "backward" does, without sorting and merging a million-row frame)
    for name, g in d.groupby("platform", sort=False):
        rows = np.flatnonzero(plat.eq(name).to_numpy(dtype=bool, na_value=False))
        if not len(rows):
            continue
        dates = g["date"].to_numpy(dtype="datetime64[ns]")
        order = np.argsort(dates, kind="stable")
        dates = dates[order]
        followers = g["followers"].astype("Float64").to_numpy(dtype="float64",
                                                              na_value=np.nan)[order]
        i = np.searchsorted(dates, day[rows], side="right") - 1
        from_daily[rows] = np.where(i >= 0, followers[np.maximum(i, 0)], np.nan)
    return known.fillna(pd.Series(pd.array(from_daily, dtype="Float64"), index=posts.index))


def categories_from_tags(posts: pd.DataFrame, service_lines: dict[str, list[str]]) -> pd.Series:
    """The first service line whose tags appear in a post's tags or text; else the
    existing ``category``."""
    cat = posts["category"].astype("string")
    if not service_lines:
        return cat
    need = np.flatnonzero(cat.isna().to_numpy())
    if not len(need):
        return cat  # every post has its category already: no text to search
    sub = posts if len(need) == len(posts) else posts.iloc[need]
    hay = (sub["tags"].fillna("") + " " + sub["text"].fillna("")).str.lower()
    codes = None
    head = hay.iloc[:20_000]
    if len(hay) > 20_000 and head.nunique() < len(head) // 2:
        # texts repeat (templated captions, hashtag sets): search each distinct one once;
        # with mostly unique captions the hashing would cost more than it saves
        codes, uniques = pd.factorize(hay)
        hay = pd.Series(uniques, dtype="string")
    else:
        hay = hay.reset_index(drop=True)
    derived = pd.Series(pd.NA, index=hay.index, dtype="string")
    for line, tags in service_lines.items():
        pattern = "|".join(rf"#?\b{re.escape(t.lower().lstrip('#'))}\b" for t in tags)
        if not pattern:
            continue
        hit = hay.str.contains(pattern, regex=True) & derived.isna()
        derived = derived.mask(hit, line)
    out = cat.copy()
    values = derived.to_numpy()
    out.iloc[need] = values[codes] if codes is not None else values
    return out


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
    out = pd.Series(pd.NA, index=posts.index, dtype="string")
    rows = np.flatnonzero(inside.to_numpy(dtype=bool, na_value=False))
    if not len(rows) or not experiment.arms:
        return out
    sub = posts.iloc[rows]  # match only the posts in the experiment's window
    hits = []
    for arm in experiment.arms:
        if experiment.assign_by == "post_ids":
            hit = sub["post_id"].isin([str(i) for i in arm.post_ids])
        elif experiment.assign_by == "tag":
            tag = re.escape(arm.match.lstrip("#").lower())
            hit = sub["tags"].fillna("").str.lower().str.contains(rf"(?:^|\s)#?{tag}(?:\s|$)",
                                                                 regex=True)
        else:
            hit = sub["text"].fillna("").str.contains(arm.match, regex=False)
        hits.append(hit.fillna(False).to_numpy(dtype=bool))
    matched = np.column_stack(hits)
    one = matched.sum(axis=1) == 1
    names = np.array([a.name for a in experiment.arms], dtype=object)
    out.iloc[rows[one]] = names[matched[one].argmax(axis=1)]
    return out


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
