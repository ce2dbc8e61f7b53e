"""Audit charts: a Figure with a finding as title, labelled axes, and a message when empty."""
from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.figure import Figure

from smm_nb.analysis import audit as A
from smm_nb.analysis import community as CM
from smm_nb.analysis import competitors as C
from smm_nb.analysis import metrics as M
from smm_nb.analysis.prepare import prepare_posts
from smm_nb.model.workspace import load_client
from smm_nb.report.language import Language
from smm_nb.viz import audit as V


@pytest.fixture(scope="module")
def nordwind(demo_data_dir):
    ws = load_client("nordwind-shop", demo_data_dir)
    return ws, prepare_posts(ws.posts, ws.account_daily, ws.config)


def _title(fig: Figure) -> str:
    return fig._suptitle.get_text() if fig._suptitle else ""


@pytest.mark.parametrize("lang", ["en", "tr"])
def test_charts_state_their_finding(nordwind, lang):
    ws, posts = nordwind
    L = Language(lang)
    figs = [V.engagement_rates_chart(M.engagement_rates(posts, n_boot=100), "reach", "median", L),
            V.monthly_trend_chart(A.monthly_trend(posts, n_boot=50), L),
            V.rate_ratio_chart(M.rate_ratios(posts, "format"), L, "format"),
            V.activity_chart(A.activity(posts), L),
            V.growth_chart(A.growth(ws.account_daily), L),
            V.share_of_voice_chart(C.compare_competitors(ws.competitors, posts,
                                                         ws.account_daily), L),
            V.response_time_chart(CM.community(ws.messages, n_boot=100), L),
            V.competitor_followers_chart(C.compare_competitors(ws.competitors, posts,
                                                               ws.account_daily), L)]
    for fig in figs:
        assert isinstance(fig, Figure)
        title = _title(fig)
        assert any(ch.isdigit() for ch in title), title  # the finding has its number
        ax = fig.axes[0]
        assert ax.get_xlabel() or ax.get_ylabel()
    if lang == "tr":
        assert "herkese açık" in " ".join(t.get_text() for t in figs[0].texts)
    else:
        assert "reach" in " ".join(t.get_text() for t in figs[0].texts)


def test_empty_results_give_a_message_figure():
    L = Language("en")
    fig = V.share_of_voice_chart(C.compare_competitors(pd.DataFrame(), pd.DataFrame(),
                                                       pd.DataFrame()), L)
    assert "no competitor" in " ".join(t.get_text() for t in fig.axes[0].texts)
    fig = V.response_time_chart(CM.community(None), L)
    assert "no inbox" in " ".join(t.get_text() for t in fig.axes[0].texts)
