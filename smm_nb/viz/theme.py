"""One chart style for every report: readable on a phone, prints in grey scale."""
from __future__ import annotations

import matplotlib

PALETTE = ["#1f4e79", "#e07a1f", "#3a9d5d", "#b03a48", "#7f6a93", "#8c8c8c", "#c9a227"]
PLATFORM_COLORS = {"instagram": "#c13584", "facebook": "#1877f2", "x": "#222222",
                   "linkedin": "#0a66c2", "tiktok": "#25a59a", "youtube": "#d62728"}


def apply_theme() -> None:
    """Set the report's matplotlib defaults (non-interactive backend, sizes, colours)."""
    import seaborn as sns

    if matplotlib.get_backend().lower() not in ("agg", "module://matplotlib_inline.backend_inline"):
        matplotlib.use("Agg")
    sns.set_theme(style="whitegrid", palette=PALETTE, rc={
        "figure.figsize": (7.5, 3.8), "figure.dpi": 96, "savefig.dpi": 96,
        "axes.titlesize": 12, "axes.titleweight": "bold", "axes.titlelocation": "left",
        "axes.labelsize": 10, "xtick.labelsize": 9, "ytick.labelsize": 9,
        "legend.fontsize": 9, "legend.frameon": False,
        "axes.spines.top": False, "axes.spines.right": False,
        "font.family": "DejaVu Sans",
    })
    from smm_nb.viz.text_metrics import install

    install()  # each font's line metrics read once, not at every text's every layout
