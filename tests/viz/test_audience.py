"""Audience charts: finding titles, units, blank cells for thin data."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from smm_nb.analysis import audience as AU
from smm_nb.analysis.prepare import prepare_posts
from smm_nb.analysis.timing import post_timing
from smm_nb.model.workspace import load_client
from smm_nb.report.language import Language
from smm_nb.viz import audience as V

REF = Path(__file__).resolve().parents[2] / "data" / "reference" / "platform_usage.csv"


@pytest.mark.parametrize("client,lang", [("ledgerline", "en"), ("kahve-kosesi", "tr")])
def test_audience_charts(demo_data_dir, client, lang):
    ws = load_client(client, demo_data_dir)
    posts = prepare_posts(ws.posts, ws.account_daily, ws.config)
    L = Language(lang)
    figs = [V.persona_chart(AU.persona_fit(ws.audience, ws.config), lang=L),
            V.platform_fit_chart(AU.platform_fit(pd.read_csv(REF), ws.config), L),
            V.online_heatmap(AU.online_hours(ws.activity), lang=L),
            V.timing_heatmap(post_timing(posts), lang=L),
            V.service_lines_chart(AU.service_lines(posts, n_boot=100), L)]
    for fig in figs:
        title = fig._suptitle.get_text()
        assert title and any(ch.isdigit() for ch in title), title
    notes = " ".join(t.get_text() for t in figs[1].texts)
    assert "Pew" in notes and "TurkStat" not in notes
    if lang == "tr":
        assert "Perşembe" in figs[2]._suptitle.get_text()


def test_timing_heatmap_thin_data_says_insufficient(edge_data_dir):
    ws = load_client("tiny-shop", edge_data_dir)
    posts = prepare_posts(ws.posts, ws.account_daily, ws.config)
    fig = V.timing_heatmap(post_timing(posts, min_posts=50), lang=Language("en"))
    assert "insufficient data" in " ".join(t.get_text() for t in fig.axes[0].texts)
