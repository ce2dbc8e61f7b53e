"""Percent ticks follow the report language: 4.5% in English, %4,5 in Turkish."""
import matplotlib.pyplot as plt

from smm_nb.report import display
from smm_nb.report.language import Language
from smm_nb.viz.common import percent_axis


def _labels(lang=None):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0.045, 0.05])
    percent_axis(ax, digits=1, lang=lang)
    return ax.yaxis.get_major_formatter()(0.045, 0)


def test_english_and_turkish_ticks():
    assert _labels(Language("en")) == "4.5%"
    assert _labels(Language("tr")) == "%4,5"


def test_follows_the_notebook_language_when_not_given():
    display.set_language("tr")
    try:
        assert _labels() == "%4,5"
    finally:
        display.set_language("en")
    assert _labels() == "4.5%"
