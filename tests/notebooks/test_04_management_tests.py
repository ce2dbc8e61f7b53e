"""Notebook 04 end to end: the management-phase client (experiments, spend) and a client
with neither."""
import pytest

from smm_nb.demo import PLANTED
from notebook_outputs import outputs_text as _outputs

pytestmark = pytest.mark.e2e


def test_nordwind_experiments_kpis_and_roi(run_notebook, demo_data_dir):
    nb, rec = run_notebook("04_management_tests", "nordwind-shop", demo_data_dir)
    f = {x["key"]: x for x in rec["findings"]}
    hook = f["tests.hook_first.lift"]
    assert hook["low"] <= PLANTED["experiments"]["nordwind-shop"]["hook_first"] <= hook["high"]
    assert f["tests.ugc_vs_studio.verdict"]["value"] == "early_look"
    assert f["tests.ugc_vs_studio.early_look"]["value"] == 1.0
    assert f["roi.roas.all"]["low"] <= f["roi.roas.all"]["value"] <= f["roi.roas.all"]["high"]
    assert "kpi.roas.all" in f and "kpi.er_reach.instagram" in f
    html = _outputs(nb)
    assert "early look" in html and "attributes" in html
    # lift, KPI and ROAS charts are figures made without pyplot: they must reach the
    # report as pictures, not as "<Figure size ...>" text
    assert _pictures(nb) == (3, 0)


def test_client_without_experiments_or_spend(run_notebook, edge_data_dir):
    nb, rec = run_notebook("04_management_tests", "tiny-shop", edge_data_dir)
    f = {x["key"]: x for x in rec["findings"]}
    assert f["tests.count"]["value"] == 0.0
    assert f["roi.roas.all"]["value"] is None
    html = _outputs(nb)
    assert "No experiments are configured" in html and "No spend is recorded" in html


def _pictures(nb) -> tuple[int, int]:
    """(charts shown as SVG, charts shown only as "<Figure ...>" text)."""
    shown = [o.get("data", {}) for c in nb.cells for o in c.get("outputs", [])]
    return (sum("image/svg+xml" in d for d in shown),
            sum("image/svg+xml" not in d and "<Figure" in "".join(d.get("text/plain", ""))
                for d in shown))
