"""KPIs: targets from client.yaml and 03's proposals, current values against targets."""
import pandas as pd
import pytest

from smm_nb.analysis.baseline import baseline
from smm_nb.analysis.kpis import collect_targets, kpi_status, propose_targets
from smm_nb.analysis.power import plan_tests
from smm_nb.analysis.prepare import prepare_posts
from smm_nb.model.workspace import load_client
from smm_nb.report.findings import FindingsRecorder


def _ws(data_dir, client):
    ws = load_client(client, data_dir)
    return ws, prepare_posts(ws.posts, ws.account_daily, ws.config)


def test_proposals_feed_collect_targets(demo_data_dir):
    ws, posts = _ws(demo_data_dir, "kahve-kosesi")
    b = baseline(posts, ws.account_daily, ws.config)
    plan = plan_tests(posts, "er_reach", posts_per_week=b.cadence())
    prop = propose_targets(b, plan, ws.config)
    er_ig = prop.frame.set_index(["metric", "platform"]).loc[("er_reach", "instagram")]
    lift = plan.frame.set_index("platform").loc["instagram", "min_detectable_lift"]
    assert er_ig["target"] == pytest.approx(er_ig["baseline"] * lift)
    rec = FindingsRecorder("03_launch_baseline")
    rec.record(prop.to_findings("targets"))
    t = collect_targets(ws.config, rec.as_dict())
    # client.yaml's agreed er_reach target for instagram wins over the proposal
    ig = t.loc[(t["metric"] == "er_reach") & (t["platform"] == "instagram")]
    assert len(ig) == 1 and ig["source"].iloc[0] == "client.yaml"
    assert "proposed in 03" in set(t["source"])
    assert len(collect_targets(ws.config, None)) == len(ws.config.kpis)


def test_status_against_hand_computation(demo_data_dir):
    ws, posts = _ws(demo_data_dir, "nordwind-shop")
    t = collect_targets(ws.config)
    st = kpi_status(t, posts, ws.account_daily, ws.spend, ws.conversions, ws.messages)
    f = st.frame.set_index(["metric", st.frame["platform"].fillna("all")])
    end = pd.Timestamp(st.window_end) + pd.Timedelta(days=1)
    local = posts["published_at"].dt.tz_localize(None)
    recent = posts.loc[(local >= end - pd.Timedelta(days=28)) & (local < end)
                       & (posts["platform"] == "instagram")]
    assert f.loc[("er_reach", "instagram"), "value"] == pytest.approx(recent["er_reach"].median())
    assert f.loc[("posts_per_week", "instagram"), "value"] == pytest.approx(len(recent) / 4)
    s = ws.spend.loc[ws.spend["date"] >= end - pd.Timedelta(days=28)]
    c = ws.conversions.loc[ws.conversions["date"] >= end - pd.Timedelta(days=28)]
    assert f.loc[("roas", "all"), "value"] == pytest.approx(c["revenue"].sum() / s["spend"].sum())
    assert f.loc[("cpa", "all"), "direction"] == "at_most"
    assert set(st.frame["status"]) <= {"met", "within noise", "behind", "on track", "no data"}
    keys = {f.key for f in st.to_findings("kpi")}
    assert {"kpi.roas.all", "kpi.cpa.all", "kpi.er_reach.instagram"} <= keys


def test_no_spend_client_says_no_data(edge_data_dir):
    ws, posts = _ws(edge_data_dir, "tiny-shop")
    targets = pd.DataFrame([{"metric": "roas", "platform": None, "target": 3.0,
                             "direction": "at_least", "by": None, "source": "client.yaml"}])
    st = kpi_status(targets, posts, ws.account_daily, ws.spend, ws.conversions)
    assert st.frame["status"].iloc[0] == "no data"
    assert st.to_findings("kpi")[0].value is None
