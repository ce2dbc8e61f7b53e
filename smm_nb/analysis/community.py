"""Community management: inbound message volume and first-response time.

From the canonical ``messages`` table (inbox or comments exports): messages per week per
platform and channel, the median hours to the first reply with a bootstrap interval, and
the same split by whether the message arrived in business hours (Monday-Friday,
09:00-18:00 client time by default) or off hours. Unanswered messages are counted, not
dropped silently: a median over answered messages only flatters the team.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from smm_nb.analysis.metrics import bootstrap_rates
from smm_nb.report.findings import Finding

BUSINESS_HOURS = (9, 18)


@dataclass(frozen=True)
class Community:
    """``frame``: platform, hours (business/off/all), messages, per_week, answered_share,
    median_hours, low, high."""

    frame: pd.DataFrame
    weeks: float
    reason: str = ""

    title = "Community: inbound messages and first-response time"

    @property
    def available(self) -> bool:
        return not self.frame.empty

    def summary_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def get(self, platform: str = "all", hours: str = "all") -> pd.Series | None:
        if not self.available:
            return None
        f = self.frame[(self.frame["platform"] == platform) & (self.frame["hours"] == hours)]
        return None if f.empty else f.iloc[0]

    def to_findings(self, key: str) -> list[Finding]:
        if not self.available:
            return [Finding(f"{key}.median_response_hours", None, self.reason, "hours")]
        out = []
        for r in self.frame.itertuples():
            suffix = r.platform if r.hours == "all" else f"{r.platform}.{r.hours}"
            if r.hours == "all":
                out.append(Finding(f"{key}.messages_per_week.{r.platform}", float(r.per_week),
                                   f"{r.platform}: {r.per_week:.1f} inbound messages a week",
                                   "per_week", "inbound messages / weeks covered",
                                   n=int(r.messages)))
            if np.isfinite(r.median_hours):
                out.append(Finding(f"{key}.median_response_hours.{suffix}",
                                   float(r.median_hours),
                                   f"{r.platform} ({r.hours} hours): median first reply "
                                   f"after {r.median_hours:.1f} h (95% CI {r.low:.1f}–"
                                   f"{r.high:.1f}); {r.answered_share:.0%} answered",
                                   "hours", "hours from message to first reply, median of "
                                   "answered messages", _f(r.low), _f(r.high),
                                   int(r.messages)))
            else:
                out.append(Finding(f"{key}.median_response_hours.{suffix}", None,
                                   f"{r.platform} ({r.hours} hours): no answered messages",
                                   "hours", n=int(r.messages)))
        return out


def _f(x):
    return float(x) if np.isfinite(x) else None


def community(messages: pd.DataFrame | None, business_hours: tuple[int, int] = BUSINESS_HOURS,
              n_boot: int = 1000, seed: int = 0) -> Community:
    """Volume and first-response time of inbound messages, per platform and overall."""
    if messages is None or messages.empty:
        return Community(pd.DataFrame(), 0.0, "no inbox or comments export: response times "
                                              "not computed")
    # plain arrays and row positions: sub-frames per platform and hours cost more than
    # the bootstrap of a small group
    rec = messages["received_at"]
    local = rec.dt.tz_localize(None) if isinstance(rec.dtype, pd.DatetimeTZDtype) else rec
    hours = ((messages["first_reply_at"] - rec).dt.total_seconds() / 3600).to_numpy(
        dtype="float64", na_value=np.nan)
    clock = local.dt.hour.to_numpy()
    business = ((local.dt.day_of_week.to_numpy() < 5) & (clock >= business_hours[0])
                & (clock < business_hours[1]))
    weeks = max(((local.max() - local.min()).total_seconds() / 86400 + 1) / 7, 1 / 7)
    rows = []
    codes, names = pd.factorize(messages["platform"], sort=True)  # missing platform: -1
    groups = [("all", np.arange(len(messages)))] + [
        (plat, np.flatnonzero(codes == i)) for i, plat in enumerate(names)]
    rng = np.random.SeedSequence(seed)
    for (plat, pos), child in zip(groups, rng.spawn(len(groups))):
        biz = business[pos]
        for which, part in (("all", pos), ("business", pos[biz]), ("off", pos[~biz])):
            h = hours[part]
            answered = h[np.isfinite(h) & (h >= 0)]
            est = bootstrap_rates(answered, np.ones_like(answered), ("median",), n_boot,
                                  np.random.default_rng(child))["median"]
            rows.append({"platform": str(plat), "hours": which, "messages": len(part),
                         "per_week": len(part) / weeks,
                         "answered_share": len(answered) / len(part) if len(part) else np.nan,
                         "median_hours": est.value, "low": est.low, "high": est.high})
    return Community(pd.DataFrame(rows), float(weeks))
