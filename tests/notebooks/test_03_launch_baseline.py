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
    assert _pictures(nb) == (2, 0)  # baseline and ITS charts as pictures, none as text


def test_thin_client_without_a_before_says_so(run_notebook, edge_data_dir):
    nb, rec = run_notebook("03_launch_baseline", "month-shop", edge_data_dir)
    f = {x["key"]: x for x in rec["findings"]}
    assert f["its.launch.reach.instagram"]["value"] is None
    assert "no daily data before" in f["its.launch.reach.instagram"]["text"] or \
        "no data before" in f["its.launch.reach.instagram"]["text"]
    assert "no data before the launch" in _outputs(nb)


def _pictures(nb) -> tuple[int, int]:
    """(charts shown as SVG, charts shown only as "<Figure ...>" text)."""
    shown = [o.get("data", {}) for c in nb.cells for o in c.get("outputs", [])]
    return (sum("image/svg+xml" in d for d in shown),
            sum("image/svg+xml" not in d and "<Figure" in "".join(d.get("text/plain", ""))
                for d in shown))
