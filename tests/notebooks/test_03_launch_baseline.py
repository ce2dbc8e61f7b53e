"""Notebook 03 end to end: the Turkish launch client (planted launch shift) and a thin
client with no data before its launch."""
import pytest

from smm_nb.demo import PLANTED
from notebook_outputs import outputs_text as _outputs

pytestmark = pytest.mark.e2e


def test_kahve_kosesi_in_turkish_recovers_the_launch_shift(run_notebook, demo_data_dir):
    nb, rec = run_notebook("03_launch_baseline", "kahve-kosesi", demo_data_dir)
    f = {x["key"]: x for x in rec["findings"]}
    shift = f["its.launch.reach.instagram"]
    assert shift["low"] <= PLANTED["launch_level_shift"]["ratio"] <= shift["high"]
    assert f["its.launch.reach.facebook"]["value"] is None  # Facebook starts at launch
    assert f["baseline.er_reach.instagram"]["value"] > 0
    assert f["targets.er_reach.instagram"]["value"] > f["baseline.er_reach.instagram"]["value"]
    assert "power.min_detectable_lift.instagram" in f
    html = _outputs(nb)
    assert "lansman öncesine ait veri yok" in html and "katı" in html  # Turkish sentences
    assert "%95 GA" in html


def test_thin_client_without_a_before_says_so(run_notebook, edge_data_dir):
    nb, rec = run_notebook("03_launch_baseline", "month-shop", edge_data_dir)
    f = {x["key"]: x for x in rec["findings"]}
    assert f["its.launch.reach.instagram"]["value"] is None
    assert "no daily data before" in f["its.launch.reach.instagram"]["text"] or \
        "no data before" in f["its.launch.reach.instagram"]["text"]
    assert "no data before the launch" in _outputs(nb)
