"""Lift chart of notebook 04."""
from smm_nb.analysis.experiments import ExperimentsResult, analyze_experiments
from smm_nb.analysis.prepare import prepare_posts
from smm_nb.model.workspace import load_client
from smm_nb.viz.experiments import lift_chart


def test_lift_chart(demo_data_dir):
    ws = load_client("nordwind-shop", demo_data_dir)
    res = analyze_experiments(prepare_posts(ws.posts, ws.account_daily, ws.config), ws.config)
    fig = lift_chart(res)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and "rate ratio" in ax.get_xlabel()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert any("hook_first" in t for t in labels) and any("ugc" in t for t in labels)
    assert any("early look" in t.get_text() for t in ax.texts)
    assert len(lift_chart(res.results[0], cuts=True).axes[0].get_yticklabels()) > 1
    assert lift_chart(ExperimentsResult(())).axes[0].texts  # "no experiments"
