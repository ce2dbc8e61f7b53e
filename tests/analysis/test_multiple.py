"""Holm and Benjamini-Hochberg against statsmodels' multipletests."""
import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from smm_nb.analysis.multiple import benjamini_hochberg, holm


@pytest.mark.parametrize("fn, method", [(holm, "holm"), (benjamini_hochberg, "fdr_bh")])
def test_matches_statsmodels(rng, fn, method):
    for _ in range(4):  # multipletests forces a gc per call: slow with a large heap
        p = rng.uniform(0, 0.2, rng.integers(1, 12))
        np.testing.assert_allclose(fn(p), multipletests(p, method=method)[1], rtol=1e-12)


def test_missing_values_stay_missing_and_do_not_count():
    out = holm([0.01, None, 0.04])
    assert np.isnan(out[1])
    np.testing.assert_allclose(out[[0, 2]], [0.02, 0.04])
    assert np.isnan(benjamini_hochberg([None])).all()
    assert holm([]).size == 0


def test_rejects_out_of_range():
    with pytest.raises(ValueError):
        holm([1.2])
