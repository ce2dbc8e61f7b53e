"""Notebook 02 end to end on every demo client and both thin clients: it runs, recovers the
planted best posting window inside its interval, writes Turkish for the Turkish client and
says "insufficient data" when cells are thin."""
import pytest

from smm_nb.analysis.timing import window_key
from smm_nb.demo import PLANTED
from notebook_outputs import outputs_text as _outputs

pytestmark = pytest.mark.e2e

CLIENTS = [("kahve-kosesi", "demo_data_dir"), ("nordwind-shop", "demo_data_dir"),
           ("ledgerline", "demo_data_dir"), ("tiny-shop", "edge_data_dir"),
           ("month-shop", "edge_data_dir")]


@pytest.mark.parametrize("client,folder", CLIENTS)
def test_audience_runs_and_records(run_notebook, request, client, folder):
    nb, rec = run_notebook("02_audience", client, request.getfixturevalue(folder))
    f = {x["key"]: x for x in rec["findings"]}
    html = _outputs(nb)
    assert any(k.startswith("audience.persona.share_inside.") for k in f)
    assert any(k.startswith("audience.platform_fit.reachable_share.") for k in f)
    assert "Pew" in html
    bw = PLANTED["best_window"]
    if client in ("nordwind-shop", "ledgerline"):
        block = f"{bw['hours'][0]:02d}-{bw['hours'][1]:02d}"
        assert f["audience.timing.best.all.window"]["value"] == window_key(bw["weekday"], block)
        best = f["audience.timing.best.all"]
        assert best["low"] <= bw["er_multiplier"] <= best["high"]
    if client == "kahve-kosesi":
        assert "TÜİK" in html and "Perşembe" in html and "%95 GA" in html
    if client == "tiny-shop":
        assert f["audience.timing.best.instagram"]["value"] is None
        assert "insufficient data" in f["audience.timing.best.instagram"]["text"]
        assert "insufficient data" in html
