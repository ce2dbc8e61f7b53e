"""Seeded demo clients with known, planted effects.

Three clients follow the life cycle of the workbook:

* ``kahve-kosesi``: a Turkish café (Istanbul, ``language: tr``) that launched on
  Instagram and Facebook six weeks before :data:`AS_OF` (phase 1).
* ``nordwind-shop``: an e-commerce brand in the management phase on Instagram,
  Facebook, X and TikTok, with two content experiments and paid spend (phase 2).
* ``ledgerline``: a B2B software company two years in on LinkedIn, X and YouTube,
  in the improvement phase, with competitors, spend and conversions (phase 3).

:data:`PLANTED` lists every effect the generator builds in; the analysis tests
check that the notebooks recover them inside their intervals. The data are
generated as canonical tables and written as exports by :func:`write_exports`.
"""
from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

#: The demo's "today": data end the day before. Fixed so that demo reports are reproducible.
AS_OF = dt.date(2026, 11, 20)

#: Engagement-rate (engagements / reach) multipliers by format, relative to ``image``.
FORMAT_ER_MULTIPLIER = {"image": 1.0, "carousel": 1.25, "reel": 1.6, "video": 1.3, "story": 0.6,
                        "text": 0.8, "link": 0.7}
#: Reach multipliers by format (reels are shown to more non-followers).
FORMAT_REACH_MULTIPLIER = {"image": 1.0, "carousel": 1.1, "reel": 2.0, "video": 1.4, "story": 0.5,
                           "text": 0.8, "link": 0.7}
#: Gamma shape of the per-post random effect: CV = 1/sqrt(shape) = 0.5 (over-dispersion).
POST_DISPERSION_SHAPE = 4.0

#: Everything planted, for tests and docs/demo-data.md.
PLANTED = {
    "format_er_lift": {"numerator": "reel", "denominator": "image", "ratio": 1.6,
                       "basis": "er_reach"},
    "best_window": {"weekday": 3, "hours": (18, 21), "er_multiplier": 1.5,
                    "note": "Thursday 18:00-20:59 local time"},
    "launch_level_shift": {"client": "kahve-kosesi", "platform": "instagram",
                           "metric": "reach", "ratio": 3.0},
    "weekly_seasonality": {"kahve-kosesi": "weekend reach x1.3",
                           "nordwind-shop": "Sunday reach x1.25",
                           "ledgerline": "weekend reach x0.5"},
    "post_dispersion_cv": 0.5,
    "follower_trend": "daily gains grow linearly: base + slope * days since launch",
    "spend_response": {"client": "ledgerline", "form": "conversions/day = a * log1p(spend/b)",
                       "linkedin": {"a": 6.0, "b": 150.0}, "x": {"a": 1.5, "b": 80.0},
                       "youtube": {"a": 3.0, "b": 200.0}},
    "experiments": {"nordwind-shop": {"hook_first": 1.3, "ugc_vs_studio": 1.0}},
    "paid_reach_multiplier": 1.8,
}

SERVICE_LINES = {
    "kahve-kosesi": {"kahve": ["kahve", "espresso"], "tatlı": ["tatli", "pasta"],
                     "etkinlik": ["etkinlik"]},
    "nordwind-shop": {"outerwear": ["jackets", "outerwear"], "knitwear": ["knit"],
                      "accessories": ["accessories", "bags"]},
    "ledgerline": {"payroll": ["payroll"], "invoicing": ["invoicing"],
                   "compliance": ["compliance"]},
}


@dataclass
class PlatformSpec:
    name: str
    followers0: int
    gains_base: float
    gains_slope: float  # per day
    losses: float
    posts_per_week: float
    formats: dict[str, float]
    reach_rate: float  # median share of followers reached by an organic image post
    er_reach: float  # engagements / reach of an image post outside the best window
    start: dt.date  # first day of data (account opened / export start)
    paid_share: float = 0.0
    ctr: float = 0.01


@dataclass
class ClientSpec:
    slug: str
    seed: int
    config: dict
    platforms: list[PlatformSpec]
    weekday_reach: list[float]  # Monday..Sunday
    captions: list[str]
    launch_shift: dict[str, float] = field(default_factory=dict)  # platform -> ratio
    experiments: list[dict] = field(default_factory=list)
    spend: dict[str, dict] = field(default_factory=dict)  # platform -> {a, b, mean, aov}
    competitors: list[dict] = field(default_factory=list)
    messages_per_day: float = 0.0


def _hour_weights() -> np.ndarray:
    """When social media managers tend to post (local time)."""
    w = np.array([0.1] * 7 + [0.6, 1.0, 1.2, 1.0, 1.0, 1.3, 1.0, 0.9, 0.9, 1.0, 1.1, 1.4,
                              1.5, 1.3, 1.0, 0.6, 0.3])
    return w / w.sum()


def _window_multiplier(ts: pd.Series) -> np.ndarray:
    bw = PLANTED["best_window"]
    inside = (ts.dt.day_of_week == bw["weekday"]) & (ts.dt.hour >= bw["hours"][0]) & \
             (ts.dt.hour < bw["hours"][1])
    return np.where(inside, bw["er_multiplier"], 1.0)


def _simulate_posts(rng: np.random.Generator, spec: ClientSpec, p: PlatformSpec,
                    followers: pd.Series, tz: str, fast: bool = False) -> pd.DataFrame:
    """One platform's posts. ``fast`` draws the per-post text, tags and engagement split
    as whole arrays (a different random stream, same distributions) and keeps
    ``published_at`` as a time-zone aware column: what the large client needs for a
    million posts. The demo clients keep ``fast=False``, whose output tests pin."""
    days = pd.date_range(p.start, AS_OF - dt.timedelta(days=1), freq="D")
    n_per_day = rng.poisson(p.posts_per_week / 7, len(days))
    dates = np.repeat(days.values, n_per_day)
    n = len(dates)
    hours = rng.choice(24, n, p=_hour_weights())
    minutes = rng.integers(0, 60, n)
    local = pd.to_datetime(dates) + pd.to_timedelta(hours, "h") + pd.to_timedelta(minutes, "m")
    published = pd.Series(local).dt.tz_localize(tz, ambiguous=False,
                                                nonexistent="shift_forward")
    fmt_names = list(p.formats)
    fmt_p = np.array(list(p.formats.values()))
    formats = rng.choice(fmt_names, n, p=fmt_p / fmt_p.sum())
    lines = spec.config["persona"]["service_lines"]
    categories = rng.choice(list(lines), n)
    if fast:
        tags = np.empty(n, dtype=object)
        for c, words in lines.items():
            rows = np.flatnonzero(categories == c)
            tags[rows] = np.asarray(["#" + w for w in words], dtype=object)[
                rng.integers(0, len(words), len(rows))]
    else:
        tags = [" ".join("#" + t for t in rng.choice(lines[c], 1)) for c in categories]
    paid = rng.random(n) < p.paid_share
    arm_mult = np.ones(n)
    experiment = np.array([None] * n, dtype=object)
    arm = np.array([None] * n, dtype=object)
    if fast:
        texts = np.asarray(spec.captions, dtype=object)[rng.integers(0, len(spec.captions), n)]
    else:
        texts = [str(rng.choice(spec.captions)) for _ in range(n)]
    for exp in spec.experiments:
        if exp["platform"] != p.name:
            continue
        start, end = pd.Timestamp(exp["start"]), pd.Timestamp(exp["end"])
        local_days = published.dt.tz_localize(None).dt.normalize()
        in_window = np.flatnonzero(((local_days >= start) & (local_days <= end)).values)
        rng.shuffle(in_window)
        per_arm = min(exp["posts_per_arm"], len(in_window) // 2)
        for k, a in enumerate(exp["arms"]):
            idx = in_window[k * per_arm:(k + 1) * per_arm]
            experiment[idx] = exp["name"]
            arm[idx] = a["name"]
            arm_mult[idx] = a["lift"]
            formats[idx] = exp["format"]
            paid[idx] = False  # tests run organically so paid reach does not confound them
            for i in idx:
                if exp["assign_by"] == "tag":
                    tags[i] = tags[i] + " #" + a["match"].lstrip("#")
                else:
                    texts[i] = f"{a['match']} {texts[i]}"
    local_date = published.dt.tz_localize(None).dt.normalize()
    f_at = followers.reindex(local_date.values).to_numpy(dtype=float)
    f_at = np.where(np.isnan(f_at), p.followers0, f_at)
    wd = published.dt.day_of_week.to_numpy()
    reach_mean = (f_at * p.reach_rate * np.array(spec.weekday_reach)[wd]
                  * np.array([FORMAT_REACH_MULTIPLIER[f] for f in formats])
                  * np.where(paid, PLANTED["paid_reach_multiplier"], 1.0))
    for plat, ratio in spec.launch_shift.items():
        if plat == p.name:
            launch = pd.Timestamp(spec.config["phases"]["launch_start"])
            reach_mean = reach_mean * np.where(local_date.values >= launch.to_datetime64(),
                                               1.0, 1.0 / ratio)
    reach = rng.poisson(reach_mean * rng.gamma(8.0, 1 / 8.0, n)).clip(1)
    impressions = (reach * rng.uniform(1.1, 1.6, n)).round().astype(int)
    er = (p.er_reach * np.array([FORMAT_ER_MULTIPLIER[f] for f in formats])
          * _window_multiplier(published) * arm_mult)
    shape = POST_DISPERSION_SHAPE
    lam = reach * er * rng.gamma(shape, 1 / shape, n)
    engagements = np.minimum(rng.poisson(lam), reach)
    split = np.array([0.78, 0.08, 0.07, 0.07])
    if fast:
        parts = rng.multinomial(engagements, split).reshape(n, 4)
    else:
        parts = np.array([rng.multinomial(e, split) for e in engagements]).reshape(n, 4)
    clicks = rng.binomial(impressions, p.ctr)
    video = np.isin(formats, ["reel", "video"])
    video_views = np.where(video, (impressions * rng.uniform(0.5, 0.9, n)).astype(int), 0)
    spend = np.where(paid, rng.uniform(20, 120, n).round(2), 0.0)
    if fast:
        post_id = pd.Series(np.arange(n)).astype("string").str.zfill(7).radd(
            f"{p.name[:2]}{spec.seed}").array
        published_at = published
    else:
        post_id = [f"{p.name[:2]}{spec.seed}{i:05d}" for i in range(n)]
        published_at = published.dt.strftime("%Y-%m-%dT%H:%M:%S%z").str.replace(
            r"(\d\d)(\d\d)$", r"\1:\2", regex=True)
    return pd.DataFrame({
        "platform": p.name,
        "post_id": post_id,
        "published_at": published_at,
        "format": formats, "category": categories, "tags": tags, "text": texts,
        "paid": paid, "spend": spend, "impressions": impressions, "reach": reach,
        "likes": parts[:, 0], "comments": parts[:, 1], "shares": parts[:, 2],
        "saves": parts[:, 3], "clicks": clicks,
        "video_views": np.where(video, video_views, pd.NA),
        "followers_at_post": f_at.round().astype(int),
        "experiment": experiment, "arm": arm,
    })


def _simulate_daily(rng: np.random.Generator, spec: ClientSpec, p: PlatformSpec
                    ) -> pd.DataFrame:
    days = pd.date_range(p.start, AS_OF - dt.timedelta(days=1), freq="D")
    t = np.arange(len(days))
    launch = pd.Timestamp(spec.config["phases"]["launch_start"])
    since = np.clip((days - launch).days.to_numpy(), 0, None)
    shift = np.ones(len(days))
    if p.name in spec.launch_shift:
        shift = np.where(days >= launch, 1.0, 1.0 / spec.launch_shift[p.name])
        gains_mean = np.where(days >= launch, p.gains_base + p.gains_slope * since,
                              p.gains_base / spec.launch_shift[p.name])
    else:
        gains_mean = p.gains_base + p.gains_slope * t
    gains = rng.poisson(np.clip(gains_mean, 0.05, None))
    losses = rng.poisson(p.losses, len(days))
    followers = p.followers0 + np.cumsum(gains - losses)
    followers = np.maximum(followers, 0)
    wd = days.day_of_week.to_numpy()
    ar = np.zeros(len(days))
    eps = rng.normal(0, 0.15, len(days))
    for i in range(1, len(days)):
        ar[i] = 0.5 * ar[i - 1] + eps[i]
    reach = (followers * p.reach_rate * 1.6 * np.array(spec.weekday_reach)[wd] * shift
             * np.exp(ar)).round().astype(int)
    impressions = (reach * rng.uniform(1.3, 1.7, len(days))).round().astype(int)
    return pd.DataFrame({
        "platform": p.name, "date": days.strftime("%Y-%m-%d"), "followers": followers,
        "follower_gains": gains, "follower_losses": losses, "impressions": impressions,
        "reach": reach, "profile_visits": rng.poisson(reach * 0.02),
        "website_clicks": rng.poisson(reach * 0.004),
    })


def simulate_client(spec: ClientSpec, fast: bool = False) -> dict[str, pd.DataFrame]:
    """Canonical tables (as strings/numbers ready to write) for one demo client.

    ``fast`` is the vectorised path for a million posts (:func:`large_client`): ``posts``
    and ``messages`` then carry typed (time-zone aware) timestamps.
    """
    rng = np.random.default_rng(spec.seed)
    tz = spec.config["timezone"]
    posts, daily, audience, activity = [], [], [], []
    for p in spec.platforms:
        d = _simulate_daily(rng, spec, p)
        followers = pd.Series(d["followers"].to_numpy(), index=pd.to_datetime(d["date"]))
        daily.append(d)
        posts.append(_simulate_posts(rng, spec, p, followers, tz, fast=fast))
        audience.append(_audience(rng, spec, p))
        activity.append(_activity(rng, p, int(followers.iloc[-1])))
    post_frame = pd.concat(posts, ignore_index=True)
    if fast:
        post_frame["video_views"] = pd.array(post_frame["video_views"], dtype="Int64")
        for col in ("experiment", "arm", "text", "tags", "format", "category"):
            post_frame[col] = post_frame[col].astype("string")
    tables = {
        "posts": post_frame,
        "account_daily": pd.concat(daily, ignore_index=True),
        "audience": pd.concat(audience, ignore_index=True),
        "activity": pd.concat(activity, ignore_index=True),
    }
    if spec.spend:
        tables["spend"], tables["conversions"] = _spend(rng, spec)
    if spec.competitors:
        tables["competitors"] = _competitors(rng, spec)
    if spec.messages_per_day:
        tables["messages"] = (_messages_fast if fast else _messages)(rng, spec)
    return tables


AGE_BUCKETS = ["13-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+"]


def _audience(rng, spec: ClientSpec, p: PlatformSpec) -> pd.DataFrame:
    key = spec.slug if spec.slug in SERVICE_LINES else "nordwind-shop"
    profile = {
        "kahve-kosesi": [0.03, 0.30, 0.34, 0.18, 0.09, 0.04, 0.02],
        "nordwind-shop": [0.04, 0.22, 0.33, 0.22, 0.11, 0.05, 0.03],
        "ledgerline": [0.0, 0.06, 0.30, 0.31, 0.20, 0.10, 0.03],
    }[key]
    age = rng.dirichlet(np.array(profile) * 400 + 0.01)
    female = {"kahve-kosesi": 0.62, "nordwind-shop": 0.57, "ledgerline": 0.41}[key]
    countries = {"kahve-kosesi": {"TR": 0.86, "DE": 0.05, "GB": 0.03, "US": 0.02, "NL": 0.04},
                 "nordwind-shop": {"DE": 0.58, "AT": 0.14, "CH": 0.11, "NL": 0.09, "PL": 0.08},
                 "ledgerline": {"US": 0.71, "CA": 0.11, "GB": 0.09, "IN": 0.05, "AU": 0.04}
                 }[key]
    cities = {"kahve-kosesi": {"İstanbul": 0.71, "Ankara": 0.07, "İzmir": 0.06, "Bursa": 0.03},
              "nordwind-shop": {"Berlin": 0.18, "Hamburg": 0.12, "München": 0.10, "Wien": 0.08},
              "ledgerline": {"New York": 0.16, "Chicago": 0.08, "Austin": 0.06,
                             "Toronto": 0.05}}[key]
    rows = []
    snap = (AS_OF - dt.timedelta(days=1)).isoformat()
    for b, s in zip(AGE_BUCKETS, age):
        rows.append(("age", b, s))
        rows.append(("age_gender", f"{b}|female", s * female))
        rows.append(("age_gender", f"{b}|male", s * (1 - female) * 0.97))
        rows.append(("age_gender", f"{b}|other", s * (1 - female) * 0.03))
    rows += [("gender", "female", female), ("gender", "male", (1 - female) * 0.97),
             ("gender", "other", (1 - female) * 0.03)]
    rows += [("country", k, v) for k, v in countries.items()]
    rows += [("city", k, v) for k, v in cities.items()]
    df = pd.DataFrame(rows, columns=["dimension", "bucket", "share"])
    df.insert(0, "snapshot_date", snap)
    df.insert(0, "platform", p.name)
    df["share"] = df["share"].round(4)
    return df


def _activity(rng, p: PlatformSpec, followers: int) -> pd.DataFrame:
    rows = []
    bw = PLANTED["best_window"]
    for wd in range(7):
        for h in range(24):
            base = 0.05 + 0.25 * np.exp(-((h - 19) ** 2) / 18) + 0.1 * np.exp(-((h - 12) ** 2) / 8)
            if wd == bw["weekday"] and bw["hours"][0] <= h < bw["hours"][1]:
                base *= 1.3
            rows.append((p.name, wd, h, round(followers * base * rng.uniform(0.95, 1.05))))
    return pd.DataFrame(rows, columns=["platform", "weekday", "hour", "online_followers"])


def _spend(rng, spec: ClientSpec) -> tuple[pd.DataFrame, pd.DataFrame]:
    spends, convs = [], []
    start = pd.Timestamp(spec.config["phases"].get("management_start")
                         or spec.config["phases"]["launch_start"])
    days = pd.date_range(start, AS_OF - dt.timedelta(days=1), freq="D")
    for plat, s in spec.spend.items():
        for campaign, kind, share in s["campaigns"]:
            # daily budgets move around so that the response curve is identifiable
            daily = s["mean"] * share * rng.lognormal(0, 0.6, len(days))
            daily = np.where(rng.random(len(days)) < 0.1, 0.0, daily).round(2)
            impressions = rng.poisson(daily * 1000 / s.get("cpm", 8.0))
            clicks = rng.binomial(impressions, 0.012)
            conv = rng.poisson(s["a"] * share * np.log1p(daily / (s["b"] * share)))
            revenue = (conv * s["aov"] * rng.lognormal(0, 0.25, len(days))).round(2)
            spends.append(pd.DataFrame({
                "date": days.strftime("%Y-%m-%d"), "platform": plat, "campaign": campaign,
                "kind": kind, "spend": daily, "currency": spec.config["currency"],
                "impressions": impressions, "reach": (impressions * 0.7).astype(int),
                "clicks": clicks}))
            convs.append(pd.DataFrame({
                "date": days.strftime("%Y-%m-%d"), "platform": plat, "campaign": campaign,
                "conversions": conv, "revenue": revenue,
                "currency": spec.config["currency"]}))
    return pd.concat(spends, ignore_index=True), pd.concat(convs, ignore_index=True)


def _competitors(rng, spec: ClientSpec) -> pd.DataFrame:
    rows = []
    weeks = pd.date_range(AS_OF - dt.timedelta(weeks=52), AS_OF - dt.timedelta(days=1),
                          freq="W-MON")
    for c in spec.competitors:
        followers = c["followers"]
        for w in weeks:
            followers += int(rng.normal(c["growth"], abs(c["growth"]) * 0.3 + 5))
            posts = int(rng.poisson(c["posts_per_week"]))
            eng = int(rng.poisson(max(followers * c["er"] * posts, 0)))
            rows.append((c["platform"], c["handle"], w.strftime("%Y-%m-%d"), max(followers, 0),
                         posts, eng))
    return pd.DataFrame(rows, columns=["platform", "handle", "date", "followers", "posts",
                                       "engagements"])


def _messages(rng, spec: ClientSpec) -> pd.DataFrame:
    tz = spec.config["timezone"]
    start = pd.Timestamp(spec.config["phases"]["launch_start"])
    days = pd.date_range(start, AS_OF - dt.timedelta(days=1), freq="D")
    rows = []
    i = 0
    plats = [p.name for p in spec.platforms][:2]
    for d in days:
        for _ in range(rng.poisson(spec.messages_per_day)):
            ts = d + pd.Timedelta(hours=float(rng.uniform(7, 23)))
            business = d.weekday() < 5 and 9 <= ts.hour < 18
            delay_h = rng.gamma(2.0, 0.6 if business else 4.0)
            replied = rng.random() < 0.92
            local = pd.Timestamp(ts).tz_localize(tz)
            rows.append((str(rng.choice(plats)), f"m{spec.seed}{i:06d}", local.isoformat(),
                         (local + pd.Timedelta(hours=float(delay_h))).isoformat()
                         if replied else "", str(rng.choice(["dm", "comment"], p=[0.6, 0.4]))))
            i += 1
    return pd.DataFrame(rows, columns=["platform", "message_id", "received_at",
                                       "first_reply_at", "channel"])


# --------------------------------------------------------------------------- the clients

def _weeks_before(weeks: int) -> dt.date:
    return AS_OF - dt.timedelta(weeks=weeks)


def demo_specs() -> list[ClientSpec]:
    cafe_launch = _weeks_before(6)
    cafe = ClientSpec(
        slug="kahve-kosesi", seed=11,
        config={
            "name": "Kahve Köşesi", "slug": "kahve-kosesi", "industry": "Food & Beverage",
            "timezone": "Europe/Istanbul", "currency": "TRY", "language": "tr",
            "platforms": {"instagram": {"handle": "@kahvekosesi"},
                          "facebook": {"handle": "kahvekosesi", "opened": cafe_launch.isoformat()}},
            "persona": {"ages": ["18-24", "25-34"], "genders": ["female", "male"],
                        "countries": ["TR"], "cities": ["İstanbul"],
                        "interests": ["kahve", "tatlı", "çalışma mekânları"],
                        "service_lines": SERVICE_LINES["kahve-kosesi"]},
            "phases": {"launch_start": cafe_launch.isoformat()},
            "kpis": [{"metric": "posts_per_week", "target": 4, "platform": "instagram"},
                     {"metric": "er_reach", "target": 0.05, "platform": "instagram"},
                     {"metric": "followers", "target": 1500, "platform": "instagram",
                      "by": (AS_OF + dt.timedelta(days=90)).isoformat()}],
            "engagement_rate_basis": "reach",
            "monthly_budget": {"instagram": 3000, "facebook": 1000},
        },
        platforms=[
            PlatformSpec("instagram", 420, 9.0, 0.15, 1.2, 4.5,
                         {"image": 0.45, "reel": 0.3, "carousel": 0.2, "story": 0.05},
                         0.35, 0.055, _weeks_before(16), paid_share=0.05),
            PlatformSpec("facebook", 60, 3.0, 0.05, 0.4, 3.0,
                         {"image": 0.6, "video": 0.2, "link": 0.2}, 0.2, 0.03, cafe_launch),
        ],
        weekday_reach=[0.9, 0.9, 0.95, 1.0, 1.05, 1.3, 1.3],
        captions=["Günün kahvesi: Etiyopya Yirgacheffe ☕", "Şöyle bir çay molası mı? 🍵",
                  "Yeni çıkan fıstıklı pasta çok beğenildi!", "Cumartesi akustik gece, "
                  "herkesi bekleriz", "Öğrencilere %10 indirim — İstiklal Caddesi şubemizde",
                  "Soğuk demleme geri döndü; ılık bir öğleden sonra için ideal",
                  "Çalışma köşemiz ücretsiz Wi-Fi ile açık", "Şef önerisi: İrmik helvası 🍮"],
        launch_shift={"instagram": PLANTED["launch_level_shift"]["ratio"]},
        messages_per_day=3.0,
    )

    shop_launch = dt.date(2026, 1, 12)
    shop_mgmt = dt.date(2026, 4, 6)
    exp1 = {"name": "hook_first", "platform": "instagram", "assign_by": "caption_marker",
            "format": "reel", "start": dt.date(2026, 6, 1), "end": dt.date(2026, 9, 30),
            "posts_per_arm": 45,
            "arms": [{"name": "standard", "match": "[A]", "lift": 1.0},
                     {"name": "hook_first", "match": "[B]",
                      "lift": PLANTED["experiments"]["nordwind-shop"]["hook_first"]}]}
    exp2 = {"name": "ugc_vs_studio", "platform": "tiktok", "assign_by": "tag",
            "format": "video", "start": dt.date(2026, 9, 14), "end": dt.date(2026, 12, 31),
            "posts_per_arm": 25,
            "arms": [{"name": "studio", "match": "#studio", "lift": 1.0},
                     {"name": "ugc", "match": "#ugc", "lift": 1.0}]}
    shop = ClientSpec(
        slug="nordwind-shop", seed=22,
        config={
            "name": "Nordwind Outfitters", "slug": "nordwind-shop", "industry": "Retail",
            "timezone": "Europe/Berlin", "currency": "EUR", "language": "en",
            "platforms": {"instagram": {"handle": "@nordwind"},
                          "facebook": {"handle": "nordwindoutfitters"},
                          "x": {"handle": "@nordwind_shop"}, "tiktok": {"handle": "@nordwind"}},
            "persona": {"ages": ["25-34", "35-44"], "genders": ["female"],
                        "countries": ["DE", "AT", "CH"],
                        "interests": ["outdoor", "sustainable fashion"],
                        "service_lines": SERVICE_LINES["nordwind-shop"]},
            "phases": {"launch_start": shop_launch.isoformat(),
                       "management_start": shop_mgmt.isoformat()},
            "plan_changes": [{"date": "2026-06-01", "description": "Reels-first content plan",
                              "platform": "instagram"}],
            "kpis": [{"metric": "er_reach", "target": 0.045, "platform": "instagram"},
                     {"metric": "posts_per_week", "target": 5, "platform": "instagram"},
                     {"metric": "followers", "target": 12000, "platform": "instagram",
                      "by": "2027-02-28"},
                     {"metric": "roas", "target": 3.0},
                     {"metric": "cpa", "target": 25.0, "direction": "at_most"}],
            "engagement_rate_basis": "reach",
            "experiments": [
                {"name": e["name"], "platform": e["platform"],
                 "hypothesis": h, "primary_metric": "er_reach", "assign_by": e["assign_by"],
                 "arms": [{"name": a["name"], "match": a["match"]} for a in e["arms"]],
                 "planned_posts_per_arm": pp, "start": e["start"].isoformat(),
                 "end": e["end"].isoformat()}
                for e, h, pp in [
                    (exp1, "Reels that show the product in the first second engage more "
                           "of the people they reach.", 45),
                    (exp2, "User-generated TikToks engage more than studio videos.", 40)]],
            "competitors": [{"platform": "instagram", "handle": "@fjellwear", "name": "Fjellwear"},
                            {"platform": "instagram", "handle": "@urbanpine", "name": "Urban Pine"}],
            "monthly_budget": {"instagram": 2500, "facebook": 1500, "tiktok": 1000},
        },
        platforms=[
            PlatformSpec("instagram", 5200, 14.0, 0.04, 3.0, 6.0,
                         {"image": 0.35, "carousel": 0.25, "reel": 0.35, "story": 0.05},
                         0.28, 0.045, shop_launch, paid_share=0.12),
            PlatformSpec("facebook", 3100, 4.0, 0.01, 2.0, 4.0,
                         {"image": 0.5, "video": 0.25, "link": 0.25}, 0.12, 0.025, shop_launch,
                         paid_share=0.15),
            PlatformSpec("x", 1800, 2.0, 0.0, 1.5, 5.0, {"text": 0.5, "image": 0.35, "link": 0.15},
                         0.10, 0.02, shop_launch, ctr=0.015),
            PlatformSpec("tiktok", 900, 18.0, 0.06, 4.0, 4.0, {"video": 1.0}, 0.9, 0.06,
                         shop_launch),
        ],
        weekday_reach=[1.0, 1.0, 1.0, 1.05, 1.0, 0.95, 1.25],
        captions=["New in: the Fjord parka, windproof to 90 km/h",
                  "Three ways to layer a merino knit", "Weekend sale: 20% off all bags",
                  "Behind the seams: how we test our zips", "Customer photo of the week!",
                  "Packing list for a rainy city break", "Our recycled down, explained",
                  "Care guide: wash your knitwear like this"],
        experiments=[exp1, exp2],
        spend={"instagram": {"mean": 80, "a": 9.0, "b": 60.0, "aov": 85.0,
                             "campaigns": [("ig-prospecting", "ad", 0.6),
                                           ("ig-boosts", "boost", 0.25),
                                           ("creator-collab-anna", "influencer", 0.15)]},
               "facebook": {"mean": 50, "a": 4.0, "b": 50.0, "aov": 80.0,
                            "campaigns": [("fb-retargeting", "ad", 1.0)]},
               "tiktok": {"mean": 30, "a": 2.0, "b": 40.0, "aov": 70.0,
                          "campaigns": [("tt-spark-ads", "ad", 1.0)]}},
        competitors=[
            {"platform": "instagram", "handle": "@fjellwear", "followers": 24000, "growth": 90,
             "posts_per_week": 7, "er": 0.004},
            {"platform": "instagram", "handle": "@urbanpine", "followers": 9000, "growth": 20,
             "posts_per_week": 3, "er": 0.009}],
        messages_per_day=6.0,
    )

    b2b_launch = dt.date(2024, 11, 4)
    sp = PLANTED["spend_response"]
    b2b = ClientSpec(
        slug="ledgerline", seed=33,
        config={
            "name": "Ledgerline", "slug": "ledgerline", "industry": "Tech & Software",
            "timezone": "America/New_York", "currency": "USD", "language": "en",
            "platforms": {"linkedin": {"handle": "ledgerline"},
                          "x": {"handle": "@ledgerline"}, "youtube": {"handle": "@ledgerline"}},
            "persona": {"ages": ["25-34", "35-44", "45-54"], "genders": [],
                        "countries": ["US", "CA"],
                        "interests": ["finance operations", "payroll", "small business"],
                        "service_lines": SERVICE_LINES["ledgerline"]},
            "phases": {"launch_start": b2b_launch.isoformat(),
                       "management_start": "2025-02-03", "improvement_start": "2026-03-02"},
            "kpis": [{"metric": "followers", "target": 16000, "platform": "linkedin",
                      "by": "2027-02-15"},
                     {"metric": "er_impressions", "target": 0.05, "platform": "linkedin"},
                     {"metric": "cpa", "target": 60.0, "direction": "at_most"},
                     {"metric": "roas", "target": 4.0}],
            "engagement_rate_basis": "impressions",
            "competitors": [{"platform": "linkedin", "handle": "paystackr", "name": "Paystackr"},
                            {"platform": "linkedin", "handle": "bookwise", "name": "Bookwise"},
                            {"platform": "x", "handle": "@paystackr", "name": "Paystackr"}],
            "monthly_budget": {"linkedin": 9000, "x": 2000, "youtube": 3000},
        },
        platforms=[
            PlatformSpec("linkedin", 4200, 12.0, 0.012, 2.5, 4.0,
                         {"image": 0.35, "carousel": 0.25, "video": 0.15, "text": 0.15,
                          "link": 0.10}, 0.22, 0.05, b2b_launch, paid_share=0.08, ctr=0.02),
            PlatformSpec("x", 2500, 2.5, 0.002, 1.5, 6.0, {"text": 0.55, "image": 0.3,
                                                            "link": 0.15},
                         0.08, 0.018, b2b_launch, ctr=0.012),
            PlatformSpec("youtube", 700, 2.0, 0.004, 0.3, 1.0, {"video": 1.0}, 0.6, 0.05,
                         b2b_launch),
        ],
        weekday_reach=[1.1, 1.15, 1.15, 1.1, 1.0, 0.5, 0.5],
        captions=["Close the books two days faster: a 5-step checklist",
                  "Payroll compliance changes in 2026, explained",
                  "Customer story: how a 40-person agency automated invoicing",
                  "Webinar: cash-flow forecasting for SMBs", "What auditors look for in AP",
                  "New: multi-entity consolidation", "5 signs your invoicing process leaks cash",
                  "Our Q3 product update in 90 seconds"],
        spend={plat: {"mean": m, "a": sp[plat]["a"], "b": sp[plat]["b"], "aov": aov,
                      "cpm": cpm, "campaigns": [(f"{plat}-leadgen", "ad", 1.0)]}
               for plat, m, aov, cpm in [("linkedin", 300, 400.0, 35.0), ("x", 60, 300.0, 6.0),
                                         ("youtube", 100, 350.0, 12.0)]},
        competitors=[
            {"platform": "linkedin", "handle": "paystackr", "followers": 30000, "growth": 150,
             "posts_per_week": 5, "er": 0.002},
            {"platform": "linkedin", "handle": "bookwise", "followers": 11000, "growth": 40,
             "posts_per_week": 3, "er": 0.003},
            {"platform": "x", "handle": "@paystackr", "followers": 8000, "growth": 10,
             "posts_per_week": 10, "er": 0.0008}],
    )
    return [cafe, shop, b2b]


#: Platforms whose posts and daily metrics are written as native exports (Meta Business
#: Suite content + overview files). The other platforms' native exports cannot carry
#: what the demo simulates without loss (X: no reach, no time of day in 2024+ post
#: exports; TikTok Studio: no clicks, views are not impressions; YouTube Studio: no time
#: of day, no reach; LinkedIn: no per-post reach or saves), so they stay canonical CSV.
NATIVE_PLATFORMS = ("instagram", "facebook")


def write_exports(tables: dict[str, pd.DataFrame], exports_dir: Path) -> list[Path]:
    """Write a client's tables as export files: Instagram and Facebook posts and daily
    metrics as native Meta Business Suite exports, everything else as canonical CSV
    (one file per table). Ingesting them gives back the simulated tables (see
    ``tests/ingest/test_demo_native.py``). A client whose boosted posts' spend exists
    only on the posts (no spend export) stays canonical, as no organic content export
    carries post spend."""
    from smm_nb.ingest.native_writers import write_mbs_content, write_mbs_overview

    exports_dir.mkdir(parents=True, exist_ok=True)
    written = []
    posts = tables.get("posts")
    # Boost spend per post is recorded nowhere natively but in Ads Manager; a client
    # without a spend export keeps it only in the canonical posts table (kahve-kosesi).
    boosts_only_in_posts = "spend" not in tables and posts is not None and bool(
        (pd.to_numeric(posts["spend"], errors="coerce").fillna(0) > 0).any())
    native_platforms = () if boosts_only_in_posts else NATIVE_PLATFORMS
    for name, df in tables.items():
        if name in ("posts", "account_daily") and native_platforms:
            native = df["platform"].isin(native_platforms)
            for plat in native_platforms:
                part = df[df["platform"] == plat]
                if part.empty:
                    continue
                if name == "posts":
                    written.append(write_mbs_content(
                        part, exports_dir / f"{plat.capitalize()}_content_export.csv", plat))
                else:
                    written += write_mbs_overview(part, exports_dir, plat)
            df = df[~native]
            if df.empty:
                continue
        path = exports_dir / f"{name}.csv"
        df.to_csv(path, index=False, encoding="utf-8")
        written.append(path)
    return written


def write_config(config: dict, path: Path) -> None:
    header = ("# Demo client generated by `smm-nb demo` (smm_nb/demo.py); regenerate, do not "
              "edit.\n")
    path.write_text(header + yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")


def generate_demo(data_dir: Path, slugs: list[str] | None = None) -> list[str]:
    """(Re)create the demo clients under ``data_dir/clients``; returns their slugs."""
    made = []
    for spec in demo_specs():
        if slugs and spec.slug not in slugs:
            continue
        client_dir = Path(data_dir) / "clients" / spec.slug
        if client_dir.exists():
            shutil.rmtree(client_dir)
        (client_dir / "exports").mkdir(parents=True)
        write_config(spec.config, client_dir / "client.yaml")
        write_exports(simulate_client(spec), client_dir / "exports")
        made.append(spec.slug)
    return made


def small_client(data_dir: Path, slug: str = "tiny-shop", days: int = 14,
                 platforms: tuple[str, ...] = ("instagram",), spend: bool = False,
                 seed: int = 7) -> Path:
    """A thin client for edge-case tests: few platforms, few days, no experiments,
    optionally with spend. Returns its ``client.yaml`` path."""
    base = {s.slug: s for s in demo_specs()}["nordwind-shop"]
    start = AS_OF - dt.timedelta(days=days)
    plats = [PlatformSpec(p.name, p.followers0, p.gains_base, p.gains_slope, p.losses,
                          p.posts_per_week, p.formats, p.reach_rate, p.er_reach, start,
                          p.paid_share if spend else 0.0, p.ctr)
             for p in base.platforms if p.name in platforms]
    config = dict(base.config)
    config.update({"name": slug.replace("-", " ").title(), "slug": slug,
                   "platforms": {k: v for k, v in base.config["platforms"].items()
                                 if k in platforms},
                   "phases": {"launch_start": start.isoformat()},
                   "plan_changes": [], "competitors": [],
                   "monthly_budget": {}, "experiments": [],
                   "kpis": [k for k in base.config["kpis"]
                            if k.get("platform") in (None, *platforms)
                            and k["metric"] not in ("roas", "cpa")]})
    spec = ClientSpec(slug, seed, config, plats, base.weekday_reach, base.captions,
                      spend={k: v for k, v in base.spend.items() if k in platforms}
                      if spend else {})
    client_dir = Path(data_dir) / "clients" / slug
    if client_dir.exists():
        shutil.rmtree(client_dir)
    (client_dir / "exports").mkdir(parents=True)
    write_config(spec.config, client_dir / "client.yaml")
    write_exports(simulate_client(spec), client_dir / "exports")
    return client_dir / "client.yaml"


# --------------------------------------------------------------------------- the large client

#: What :func:`large_client` plants besides the effects shared with the demo clients
#: (format ER multipliers, the Thursday 18-21 window, per-post dispersion).
LARGE_PLANTED = {
    "platform_share_of_posts": {"instagram": 0.3, "facebook": 0.2, "x": 0.25,
                                "linkedin": 0.1, "tiktok": 0.15},
    "launch_level_shift": {"platform": "instagram", "metric": "reach", "ratio": 1.5},
    "experiment": {"name": "hook_first", "platform": "instagram", "lift": 1.2},
}


def _messages_fast(rng: np.random.Generator, spec: ClientSpec) -> pd.DataFrame:
    """:func:`_messages` drawn as whole arrays (years of a busy inbox in milliseconds)."""
    tz = spec.config["timezone"]
    start = pd.Timestamp(spec.config["phases"]["launch_start"])
    days = pd.date_range(start, AS_OF - dt.timedelta(days=1), freq="D")
    per_day = rng.poisson(spec.messages_per_day, len(days))
    day = pd.DatetimeIndex(np.repeat(days.values, per_day))
    n = len(day)
    local = day + pd.to_timedelta(rng.uniform(7, 23, n), unit="h")
    business = (local.day_of_week < 5) & (local.hour >= 9) & (local.hour < 18)
    delay = pd.to_timedelta(rng.gamma(2.0, np.where(business, 0.6, 4.0)), unit="h")
    replied = rng.random(n) < 0.92
    received = local.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")
    plats = [p.name for p in spec.platforms][:2]
    df = pd.DataFrame({
        "platform": np.asarray(plats, dtype=object)[rng.integers(0, len(plats), n)],
        "message_id": pd.Series(np.arange(n)).astype("string").str.zfill(7)
        .radd(f"m{spec.seed}").array,
        "received_at": received,
        "first_reply_at": (received + delay).where(replied),
        "channel": np.where(rng.random(n) < 0.6, "dm", "comment"),
    })
    return df.dropna(subset=["received_at"]).reset_index(drop=True)


def large_spec(slug: str = "bigco", posts: int = 1_000_000, years: float = 5,
               seed: int = 505) -> ClientSpec:
    """The :class:`ClientSpec` behind :func:`large_client`: five platforms, ``years`` of
    daily data up to :data:`AS_OF`, about ``posts`` posts, all three phases, a KPI
    set, a caption-marker experiment, competitors, spend and a busy inbox."""
    n_days = max(int(round(years * 365.25)), 60)
    start = AS_OF - dt.timedelta(days=n_days)
    # the agency took over ~60% into the history; tests and improvement follow
    launch = start + dt.timedelta(days=int(n_days * 0.6))
    mgmt = launch + dt.timedelta(days=max(14, min(91, int(n_days * 0.1))))
    improve = mgmt + (AS_OF - mgmt) / 2
    exp_end = min(mgmt + dt.timedelta(days=max(14, min(120, int(n_days * 0.1)))),
                  AS_OF - dt.timedelta(days=1))
    share = LARGE_PLANTED["platform_share_of_posts"]
    per_week = {k: posts * v / n_days * 7 for k, v in share.items()}
    # the experiment takes a fifth of Instagram's posts in its window, at most 2,000 per arm
    exp_posts = int(per_week["instagram"] / 7 * (exp_end - mgmt).days * 0.2)
    per_arm = max(10, min(2000, exp_posts // 2))
    exp = {"name": "hook_first", "platform": "instagram", "assign_by": "caption_marker",
           "format": "reel", "start": mgmt, "end": exp_end, "posts_per_arm": per_arm,
           "arms": [{"name": "standard", "match": "[A]", "lift": 1.0},
                    {"name": "hook_first", "match": "[B]",
                     "lift": LARGE_PLANTED["experiment"]["lift"]}]}
    lines = {"outerwear": ["jackets", "outerwear"], "knitwear": ["knit"],
             "footwear": ["boots", "sneakers"], "accessories": ["accessories", "bags"]}
    # follower base sized so that reach stays plausible for this many posts
    scale = max(1.0, posts / 100_000)
    plats = [
        PlatformSpec("instagram", int(80_000 * scale), 40.0 * scale, 0.02 * scale, 12.0 * scale,
                     per_week["instagram"],
                     {"image": 0.35, "carousel": 0.25, "reel": 0.35, "story": 0.05},
                     0.05, 0.045, start, paid_share=0.08),
        PlatformSpec("facebook", int(60_000 * scale), 10.0 * scale, 0.0, 6.0 * scale,
                     per_week["facebook"], {"image": 0.5, "video": 0.25, "link": 0.25},
                     0.03, 0.025, start, paid_share=0.1),
        PlatformSpec("x", int(30_000 * scale), 6.0 * scale, 0.0, 4.0 * scale, per_week["x"],
                     {"text": 0.5, "image": 0.35, "link": 0.15}, 0.03, 0.02, start, ctr=0.015),
        PlatformSpec("linkedin", int(20_000 * scale), 8.0 * scale, 0.005 * scale,
                     2.0 * scale, per_week["linkedin"],
                     {"image": 0.35, "carousel": 0.25, "video": 0.15, "text": 0.15,
                      "link": 0.10}, 0.05, 0.05, start, paid_share=0.05, ctr=0.02),
        PlatformSpec("tiktok", int(40_000 * scale), 30.0 * scale, 0.03 * scale, 8.0 * scale,
                     per_week["tiktok"], {"video": 1.0}, 0.2, 0.06, start),
    ]
    config = {
        "name": "BigCo Outdoor Group", "slug": slug, "industry": "Retail",
        "timezone": "Europe/Berlin", "currency": "EUR", "language": "en",
        "platforms": {p.name: {"handle": f"@{slug}"} for p in plats},
        "persona": {"ages": ["25-34", "35-44"], "genders": ["female"],
                    "countries": ["DE", "AT", "CH"],
                    "interests": ["outdoor", "sustainable fashion"], "service_lines": lines},
        "phases": {"launch_start": launch.isoformat(), "management_start": mgmt.isoformat(),
                   "improvement_start": improve.isoformat()},
        "plan_changes": [{"date": mgmt.isoformat(), "description": "Reels-first content plan",
                          "platform": "instagram"}],
        "kpis": [{"metric": "er_reach", "target": 0.045, "platform": "instagram"},
                 {"metric": "posts_per_week", "target": round(per_week["instagram"]),
                  "platform": "instagram"},
                 {"metric": "followers", "target": int(100_000 * scale), "platform": "instagram",
                  "by": (AS_OF + dt.timedelta(days=90)).isoformat()},
                 {"metric": "roas", "target": 3.0},
                 {"metric": "cpa", "target": 25.0, "direction": "at_most"}],
        "engagement_rate_basis": "reach",
        "experiments": [{
            "name": exp["name"], "platform": exp["platform"],
            "hypothesis": "Reels that show the product in the first second engage more of "
                          "the people they reach.",
            "primary_metric": "er_reach", "assign_by": exp["assign_by"],
            "arms": [{"name": a["name"], "match": a["match"]} for a in exp["arms"]],
            "planned_posts_per_arm": per_arm, "start": exp["start"].isoformat(),
            "end": exp["end"].isoformat()}],
        "competitors": [{"platform": "instagram", "handle": "@fjellwear", "name": "Fjellwear"},
                        {"platform": "instagram", "handle": "@urbanpine", "name": "Urban Pine"},
                        {"platform": "linkedin", "handle": "alpinecorp", "name": "Alpine Corp"}],
        "monthly_budget": {"instagram": 25000, "facebook": 15000, "tiktok": 10000},
    }
    base = {s.slug: s for s in demo_specs()}["nordwind-shop"]
    spend = {k: dict(v, mean=v["mean"] * 10, a=v["a"] * 10, b=v["b"] * 10)
             for k, v in base.spend.items()}
    return ClientSpec(
        slug=slug, seed=seed, config=config, platforms=plats,
        weekday_reach=base.weekday_reach, captions=base.captions,
        launch_shift={"instagram": LARGE_PLANTED["launch_level_shift"]["ratio"]},
        experiments=[exp], spend=spend,
        competitors=[
            {"platform": "instagram", "handle": "@fjellwear", "followers": 240000,
             "growth": 900, "posts_per_week": 70, "er": 0.004},
            {"platform": "instagram", "handle": "@urbanpine", "followers": 90000, "growth": 200,
             "posts_per_week": 30, "er": 0.009},
            {"platform": "linkedin", "handle": "alpinecorp", "followers": 50000, "growth": 100,
             "posts_per_week": 10, "er": 0.003}],
        messages_per_day=max(2.0, 0.1 * posts / n_days))


def large_client(data_dir: Path, slug: str = "bigco", posts: int = 1_000_000,
                 years: float = 5, seed: int = 505) -> Path:
    """A large client for the scale run: about ``posts`` posts on five platforms over
    ``years`` of daily data (see :func:`large_spec`), written as an agency's warehouse
    dump: posts as one Parquet file per platform (``exports/posts_<platform>.parquet``),
    every other table as canonical CSV. Returns its ``client.yaml`` path.

    Generation is vectorised: a million posts take seconds.
    """
    spec = large_spec(slug, posts, years, seed)
    tables = simulate_client(spec, fast=True)
    client_dir = Path(data_dir) / "clients" / slug
    if client_dir.exists():
        shutil.rmtree(client_dir)
    exports = client_dir / "exports"
    exports.mkdir(parents=True)
    write_config(spec.config, client_dir / "client.yaml")
    for name, df in tables.items():
        if name == "posts":
            for plat, part in df.groupby("platform", sort=False):
                part.to_parquet(exports / f"posts_{plat}.parquet", index=False)
        else:
            df.to_csv(exports / f"{name}.csv", index=False, encoding="utf-8")
    return client_dir / "client.yaml"
