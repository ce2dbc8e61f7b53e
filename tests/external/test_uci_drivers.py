"""The driver model on real posts: the UCI Facebook metrics data set.

Moro, S., Rita, P., & Vala, B. (2016). Predicting social media performance metrics and
evaluation of the impact on brand building: A data mining approach. Journal of Business
Research, 69(9), 3341-3351. https://doi.org/10.1016/j.jbusres.2016.02.010

"Lifetime Post Consumers" is modelled from the seven inputs known before posting (page
total likes, type, category, month, weekday, hour, paid) with the same NB2 model the
notebook uses (no exposure: reach is not known before posting). Run with ``-s`` to print
the numbers quoted in docs/validation.md::

    .venv/bin/pytest tests/external/test_uci_drivers.py -s -q
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smm_nb.analysis.drivers import fit_count_model, holdout_check, sensitivity_importance
from smm_nb.analysis.prepare import hour_block

pytestmark = pytest.mark.external

FACTORS = ["type", "category", "paid", "weekday", "hour_block", "month"]
REFS = {"type": "Photo", "weekday": "1", "hour_block": "09-12", "month": "1"}
PAPER = {"mape": 0.27, "type_importance": 0.36}


@pytest.fixture
def uci(external_dir):
    path = external_dir / "uci-facebook-metrics" / "dataset_Facebook.csv"
    if not path.is_file():
        pytest.skip("uci-facebook-metrics is absent")
    raw = pd.read_csv(path, sep=";")
    raw = raw.dropna(subset=["Paid", "Lifetime Post Consumers"])
    df = pd.DataFrame({
        "y": raw["Lifetime Post Consumers"].astype(float),
        "type": raw["Type"].astype("string"),
        "category": raw["Category"].astype(int).astype(str).astype("string"),
        "paid": raw["Paid"].map({0: "organic", 1: "paid"}).astype("string"),
        "weekday": raw["Post Weekday"].astype(int).astype(str).astype("string"),
        "hour_block": hour_block(raw["Post Hour"].astype(int)).astype("string"),
        "month": raw["Post Month"].astype(int).astype(str).astype("string"),
        "log_likes": np.log(raw["Page total likes"].astype(float)),
        # the file lists posts newest first
        "order": -np.arange(len(raw)),
    })
    return df.reset_index(drop=True)


ERRORS = {
    "MAPE": lambda y, p: float(np.mean(np.abs(y - p) / y)),
    "median APE": lambda y, p: float(np.median(np.abs(y - p) / y)),
    "WAPE": lambda y, p: float(np.abs(y - p).sum() / y.sum()),  # sum |e| / sum y
    "sMAPE": lambda y, p: float(np.mean(2 * np.abs(y - p) / (y + p))),
    "MAPE (y >= 100)": lambda y, p: float(np.mean((np.abs(y - p) / y)[y >= 100])),
    "APE of log y": lambda y, p: float(np.mean(np.abs(np.log(y) - np.log(p)) / np.log(y))),
}


def _cv_predictions(df, seed=1, folds=10):
    """The pooled 10-fold predictions behind ``holdout_check(..., folds=10, seed=seed)``:
    the model's predictive median and the naive training median, per post."""
    from smm_nb.analysis.drivers import _recode_like

    idx = np.random.default_rng(seed).permutation(len(df))
    y, pred, naive = (np.empty(len(df)) for _ in range(3))
    for part in np.array_split(idx, folds):
        train = df.iloc[np.setdiff1d(idx, part)]
        res = fit_count_model(train, "y", FACTORS, ["log_likes"], references=REFS)
        test = _recode_like(df.iloc[part], res.design)
        y[part] = df["y"].to_numpy()[part]
        pred[part] = res.predict_median(test, None)
        naive[part] = np.median(train["y"])
    return y, pred, naive


def test_uci_consumers_driver_model(uci):
    res = fit_count_model(uci, "y", FACTORS, ["log_likes"], references=REFS)
    assert res.ok and res.left_out == ()
    cv = holdout_check(uci, "y", FACTORS, ["log_likes"], folds=10, naive_group=None,
                       references=REFS, seed=1)
    # month as a factor cannot be scored on later months; the time split drops it and
    # keeps page likes, which carries the same trend
    tsplit = holdout_check(uci, "y", [f for f in FACTORS if f != "month"], ["log_likes"],
                           time_column="order", naive_group=None, references=REFS)
    imp = sensitivity_importance(res, uci, {
        "type": ["type"], "category": ["category"], "paid": ["paid"], "weekday": ["weekday"],
        "hour": ["hour_block"], "month + page likes": ["month", "log_likes"]})
    status = res.effect("type", "Status")
    others = {lv: res.effect("type", lv)["rate_ratio"] for lv in ("Link", "Video")}
    print("\nUCI Facebook metrics, Lifetime Post Consumers, n =", res.n,
          f"NB2 alpha = {res.alpha:.3f}")
    for name, h in (("10-fold CV", cv), ("time split", tsplit)):
        print(f"{name}: MAPE model {h.mape_model:.3f} naive {h.mape_naive:.3f} | median APE "
              f"model {h.mdape_model:.3f} naive {h.mdape_naive:.3f} | MAE model "
              f"{h.mae_model:.1f} naive {h.mae_naive:.1f} | n_test {h.n_test}")
    print(imp.round(3).to_string(index=False))
    print(res.summary_frame()[lambda d: d["term"] == "type"].to_string(index=False))
    print(f"Status vs Photo {status['rate_ratio']:.2f} ({status['low']:.2f}-{status['high']:.2f});"
          f" Link vs Photo {others['Link']:.2f}; Video vs Photo {others['Video']:.2f}")
    # the model beats the naive forecast out of sample, on both schemes and all errors
    for h in (cv, tsplit):
        assert h.mae_model < h.mae_naive and h.mape_model < h.mape_naive
        assert h.mdape_model < h.mdape_naive
    # why the MAPE is far from the paper's 27%: the same 10-fold predictions under other
    # error definitions, and how much of the MAPE the few tiny posts make
    y, pred, naive = _cv_predictions(uci, seed=1)
    rows = {"model": pred, "naive (training median)": naive}
    print("definition             " + "  ".join(f"{k:>24s}" for k in rows))
    table = {name: {d: f(y, p) for d, f in ERRORS.items()} for name, p in rows.items()}
    for d in ERRORS:
        print(f"{d:22s} " + "  ".join(f"{table[k][d]:24.3f}" for k in rows))
    ape = np.abs(y - pred) / y
    small = y < 100
    share = ape[small].sum() / ape.sum()
    print(f"posts with < 100 consumers: {small.sum()} of {len(y)}; their share of the "
          f"model's MAPE: {share:.2f}")
    assert table["model"]["MAPE"] == pytest.approx(cv.mape_model, rel=1e-9)
    for d in ERRORS:  # the model beats the naive forecast under every definition
        assert table["model"][d] < table["naive (training median)"][d], d
    assert small.mean() < 0.05 and share > 0.4  # 3% of posts make about half the MAPE
    # no standard definition reaches the paper's figure on the published 500 posts
    assert min(table["model"][d] for d in ("MAPE", "WAPE", "sMAPE", "median APE")) > PAPER["mape"]
    # as in the paper, post type is the most relevant input, and status posts draw the
    # most attention (about twice or more of every other type)
    assert imp.iloc[0]["input"] == "type"
    assert status["low"] > 1 and status["rate_ratio"] > 1.8 * max(1.0, *others.values())
