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


def test_one_number_of_decimals_per_axis_from_the_tick_step():
    from smm_nb.viz.common import PercentFormatter

    assert PercentFormatter().format_ticks([0, 0.1, 0.2]) == ["0%", "10%", "20%"]  # not 0.00%
    assert PercentFormatter().format_ticks([0, 0.005, 0.01]) == ["0.0%", "0.5%", "1.0%"]
    assert PercentFormatter().format_ticks([0, 0.0025, 0.005]) == ["0.00%", "0.25%", "0.50%"]
    assert PercentFormatter(turkish=True).format_ticks([0, 0.025]) == ["%0,0", "%2,5"]
    assert PercentFormatter(turkish=True).format_ticks([-0.02, 0, 0.02]) == ["−%2", "%0", "%2"]
    assert PercentFormatter().format_ticks([-0.02, 0]) == ["-2%", "0%"]  # English as before
