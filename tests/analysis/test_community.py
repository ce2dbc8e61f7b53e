"""Message volume and first-response time by hand."""
from __future__ import annotations

import pandas as pd
import pytest

from smm_nb.analysis.community import community


def test_response_times_business_and_off_hours():
    rec = pd.to_datetime(["2026-03-02 10:00", "2026-03-02 11:00", "2026-03-02 12:00",
                          "2026-03-02 22:00", "2026-03-07 10:00"]).tz_localize("Europe/Berlin")
    reply = rec + pd.to_timedelta([1, 2, 3, 10, None], unit="h")
    m = pd.DataFrame({"platform": "instagram", "message_id": list("abcde"),
                      "received_at": rec, "first_reply_at": reply, "channel": "dm"})
    c = community(m, n_boot=200)
    allh = c.get("instagram", "all")
    assert allh["messages"] == 5 and allh["answered_share"] == pytest.approx(0.8)
    assert allh["median_hours"] == pytest.approx(2.5)
    assert c.get("instagram", "business")["median_hours"] == pytest.approx(2.0)
    off = c.get("instagram", "off")  # Monday 22:00 and a Saturday
    assert off["messages"] == 2 and off["median_hours"] == pytest.approx(10.0)
    keys = {f.key for f in c.to_findings("audit.community")}
    assert "audit.community.median_response_hours.instagram.off" in keys


def test_no_messages_says_so():
    f = community(None).to_findings("audit.community")
    assert f[0].value is None and "no inbox" in f[0].text
