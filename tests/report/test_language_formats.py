"""Language's cached Babel patterns give exactly what format_decimal / format_percent give."""
from __future__ import annotations

import itertools

import pytest
from babel import Locale
from babel.numbers import format_decimal, format_percent

from smm_nb.report.language import LOCALES, Language

VALUES = [0, 1, -1, 0.5, 0.0412, -0.0412, 1234.5, 1234567.891, 1e-9, 2.675, 0.125, 1.005,
          99.995, 123456789012.5, 7, -3, 10**12, 0.99999]


@pytest.mark.parametrize("code", sorted(LOCALES))
def test_number_and_percent_match_babel(code):
    lang, loc = Language(code), LOCALES[code]
    base = Locale.parse(loc).percent_formats[None].pattern
    for x, digits in itertools.product(VALUES, range(4)):
        frac = "." + "0" * digits if digits else ""
        assert lang.number(x, digits) == format_decimal(x, format="#,##0" + frac, locale=loc)
        assert lang.percent(x, digits) == format_percent(
            x, format=base.replace("#,##0", "#,##0" + frac, 1), locale=loc)


def test_turkish_forms():
    tr = Language("tr")
    assert tr.number(1234.5, 1) == "1.234,5"
    assert tr.percent(0.041) == "%4,1"
    assert tr.ratio(2.1, 1) == "2,1×"
