"""Corrections for many comparisons.

Two families, two corrections:

* the comparisons an experiment was designed for (each arm against the control) are
  confirmatory: :func:`holm` controls the family-wise error rate, the chance of *any*
  false winner;
* exploratory cuts (the same test within service lines, weekdays, ...) are many and
  are read as leads, not verdicts: :func:`benjamini_hochberg` controls the false
  discovery rate, the expected share of false leads.

Missing p-values (a comparison that could not be estimated) stay missing and do not
count towards the family size.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _clean(p_values: Sequence[float | None]) -> tuple[np.ndarray, np.ndarray]:
    p = np.array([np.nan if v is None else float(v) for v in p_values], dtype=float)
    ok = np.isfinite(p)
    if np.any((p[ok] < 0) | (p[ok] > 1)):
        raise ValueError("p-values must lie in [0, 1]")
    return p, ok


def holm(p_values: Sequence[float | None]) -> np.ndarray:
    """Holm-Bonferroni adjusted p-values (step-down; family-wise error rate).

    Returns an array of the same length; missing inputs give NaN.
    """
    p, ok = _clean(p_values)
    out = np.full(p.shape, np.nan)
    q = p[ok]
    m = q.size
    if m == 0:
        return out
    order = np.argsort(q, kind="mergesort")
    adj = np.maximum.accumulate((m - np.arange(m)) * q[order])
    res = np.empty(m)
    res[order] = np.minimum(adj, 1.0)
    out[ok] = res
    return out


def benjamini_hochberg(p_values: Sequence[float | None]) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values; false discovery rate).

    Returns an array of the same length; missing inputs give NaN.
    """
    p, ok = _clean(p_values)
    out = np.full(p.shape, np.nan)
    q = p[ok]
    m = q.size
    if m == 0:
        return out
    order = np.argsort(q, kind="mergesort")[::-1]  # largest first
    ranks = m - np.arange(m)  # rank of each sorted p (largest has rank m)
    adj = np.minimum.accumulate(q[order] * m / ranks)
    res = np.empty(m)
    res[order] = np.minimum(adj, 1.0)
    out[ok] = res
    return out
