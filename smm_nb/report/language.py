"""The report's language: English or Turkish words, numbers and dates.

Sentences are written next to the numbers they describe, in both languages:
``lang.text(en=f"...", tr=f"...")`` picks one. Numbers and dates are formatted
with Babel, so Turkish reads ``1.234,5`` and ``23 Kasım 2026``.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberPattern, parse_pattern

LOCALES = {"en": "en_US", "tr": "tr_TR"}


# A report formats hundreds of numbers: the Locale and each parsed pattern are looked up
# once, then applied exactly as format_decimal / format_percent apply them (their
# defaults: decimal quantization, group separator, latn digits).
@lru_cache(maxsize=None)
def _locale(name: str) -> Locale:
    return Locale.parse(name)


@lru_cache(maxsize=None)
def _number_pattern(name: str, digits: int) -> NumberPattern:
    return parse_pattern("#,##0" + ("." + "0" * digits if digits else ""))


@lru_cache(maxsize=None)
def _percent_pattern(name: str, digits: int) -> NumberPattern:
    # the locale's own pattern puts the sign where readers expect it (tr: %4,1)
    base = _locale(name).percent_formats[None].pattern
    return parse_pattern(base.replace("#,##0", "#,##0" + ("." + "0" * digits if digits else ""),
                                      1))


def _apply(pattern: NumberPattern, x, name: str) -> str:
    return pattern.apply(x, _locale(name), decimal_quantization=True, group_separator=True,
                         numbering_system="latn")


@dataclass(frozen=True)
class Language:
    code: str = "en"

    def __post_init__(self) -> None:
        if self.code not in LOCALES:
            raise ValueError(f"language {self.code!r} is not one of {', '.join(LOCALES)}")

    @property
    def locale(self) -> str:
        return LOCALES[self.code]

    def text(self, en: str, tr: str) -> str:
        return tr if self.code == "tr" else en

    def number(self, x: float | int | None, digits: int = 0) -> str:
        if x is None or (isinstance(x, float) and not math.isfinite(x)):
            return "–"
        return _apply(_number_pattern(self.locale, digits), x, self.locale)

    def percent(self, x: float | None, digits: int = 1) -> str:
        """``x`` is a ratio (0.041 -> 4.1%)."""
        if x is None or (isinstance(x, float) and not math.isfinite(x)):
            return "–"
        return _apply(_percent_pattern(self.locale, digits), x, self.locale)

    def ratio(self, x: float | None, digits: int = 2) -> str:
        """A multiplier such as a rate ratio: ``2.1×``."""
        if x is None or (isinstance(x, float) and not math.isfinite(x)):
            return "–"
        return self.number(x, digits) + "×"

    def interval(self, low: float | None, high: float | None, kind: str = "percent",
                 digits: int = 1) -> str:
        fmt = {"percent": self.percent, "ratio": self.ratio, "number": self.number}[kind]
        return f"{fmt(low, digits)}–{fmt(high, digits)}"

    def date(self, d: dt.date | dt.datetime, fmt: str = "long") -> str:
        return format_date(d, format=fmt, locale=_locale(self.locale))

    def money(self, x: float | None, currency: str) -> str:
        from babel.numbers import format_currency

        if x is None or (isinstance(x, float) and not math.isfinite(x)):
            return "–"
        return format_currency(x, currency, locale=_locale(self.locale))
