"""Notebook 01 end to end on every demo client and both thin clients: it runs, records its
findings, recovers the planted reel/image lift, writes Turkish for the Turkish client, says
what it could not compute, and escapes captions."""
import pandas as pd
import pytest

from smm_nb.demo import PLANTED
from notebook_outputs import outputs_text as _outputs

pytestmark = pytest.mark.e2e

CLIENTS = [("kahve-kosesi", "demo_data_dir"), ("nordwind-shop", "data_dir"),
           ("ledgerline", "demo_data_dir"), ("tiny-shop", "edge_data_dir"),
           ("month-shop", "edge_data_dir")]


@pytest.mark.parametrize("client,folder", CLIENTS)
def test_audit_runs_and_records(run_notebook, request, client, folder):
    data = request.getfixturevalue(folder)
    if client == "nordwind-shop":  # a caption that must reach the report as text
        path = data / "clients" / client / "exports" / "posts.csv"
        posts = pd.read_csv(path, dtype=str, keep_default_na=False)
        posts["text"] = "<script>alert(1)</script> " + posts["text"]
        posts.to_csv(path, index=False)
    nb, rec = run_notebook("01_audit", client, data)
    f = {x["key"]: x for x in rec["findings"]}
    html = _outputs(nb)
    assert 3 <= len([k for k in f if k.startswith("audit.headline.")]) <= 7 or \
        client in ("tiny-shop", "month-shop")
    assert any(k.startswith("audit.scorecard.") for k in f)
    assert any(k.startswith("audit.engagement.er_reach_median.") for k in f)
    assert any(k.startswith("audit.engagement.er_followers_ratio.") for k in f)
    for x in f.values():  # a missing value always carries its reason
        assert x["value"] is not None or x["text"]
    if client == "nordwind-shop":
        reel = f["audit.format_lift.instagram.reel"]
        assert reel["low"] <= PLANTED["format_er_lift"]["ratio"] <= reel["high"]
        assert "<script>alert" not in html and "&lt;script&gt;" in html
        assert f["audit.competitors.share_of_voice_posts.instagram"]["value"] > 0
    if client == "kahve-kosesi":
        assert "takipçi" in html and "%95 GA" in html and "Rakip dışa aktarımı yok" in html
    if client == "tiny-shop":
        assert f["audit.growth.monthly_growth.instagram"]["value"] is None
        assert f["audit.competitors.share_of_voice"]["value"] is None
        assert "could not be judged" in html or "n/a" in html
