"""Charts of notebook 03: they draw from result objects and say what they show."""
from matplotlib.figure import Figure

from smm_nb.analysis.baseline import baseline
from smm_nb.analysis.its import interrupted_time_series
from smm_nb.analysis.prepare import prepare_posts
from smm_nb.model.workspace import load_client
from smm_nb.report.language import Language
from smm_nb.viz.baseline import baseline_chart, its_chart


def test_baseline_and_its_charts(demo_data_dir):
    ws = load_client("kahve-kosesi", demo_data_dir)
    posts = prepare_posts(ws.posts, ws.account_daily, ws.config)
    fig = baseline_chart(baseline(posts, ws.account_daily, ws.config), Language("tr"))
    assert isinstance(fig, Figure)
    assert "Lansman" in fig._suptitle.get_text()
    assert any("/ erişim" in t.get_text() for t in fig.texts)  # says which ER definition
    its = interrupted_time_series(ws.account_daily, ws.config)
    ig = its_chart(its.effect("launch", "reach", "instagram"))
    assert "×" in ig.axes[0].get_title() and ig.axes[0].get_ylabel()
    fb = its_chart(its.effect("launch", "reach", "facebook"))  # no pre-period: a note
    assert isinstance(fb, Figure)
