"""ROAS chart of notebook 04."""
from smm_nb.analysis.roi import roi
from smm_nb.model.workspace import load_client
from smm_nb.viz.roi import roas_chart


def test_roas_chart(demo_data_dir):
    ws = load_client("nordwind-shop", demo_data_dir)
    ax = roas_chart(roi(ws.spend, ws.conversions, None, "EUR"), target=3.0).axes[0]
    assert "ROAS" in ax.get_xlabel() and "×" in ax.get_title()
    kahve = load_client("kahve-kosesi", demo_data_dir)
    none = roas_chart(roi(kahve.spend, kahve.conversions, None, "TRY"))
    assert none.axes[0].texts
