"""KPI bullet chart of notebook 04."""
import pandas as pd

from smm_nb.analysis.kpis import KpiStatus, collect_targets, kpi_status
from smm_nb.analysis.prepare import prepare_posts
from smm_nb.model.workspace import load_client
from smm_nb.viz.kpis import kpi_bullets


def test_kpi_bullets(demo_data_dir):
    ws = load_client("nordwind-shop", demo_data_dir)
    posts = prepare_posts(ws.posts, ws.account_daily, ws.config)
    st = kpi_status(collect_targets(ws.config), posts, ws.account_daily, ws.spend,
                    ws.conversions)
    ax = kpi_bullets(st).axes[0]
    assert "KPIs" in ax.get_title() and "target" in ax.get_xlabel()
    assert len(ax.get_yticklabels()) == len(st.frame)
    empty = KpiStatus(pd.DataFrame(columns=st.frame.columns), None, None)
    assert kpi_bullets(empty).axes[0].texts
