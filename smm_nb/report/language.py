"""The report's language: English or Turkish words, numbers and dates.

Sentences are written next to the numbers they describe, in both languages:
``lang.text(en=f"...", tr=f"...")`` picks one. Numbers and dates are formatted
with Babel, so Turkish reads ``1.234,5`` and ``23 Kasım 2026``.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

LOCALES = {"en": "en_US", "tr": "tr_TR"}


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
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(x, format=pattern, locale=self.locale)

    def percent(self, x: float | None, digits: int = 1) -> str:
        """``x`` is a ratio (0.041 -> 4.1%)."""
        if x is None or (isinstance(x, float) and not math.isfinite(x)):
            return "–"
        # the locale's own pattern puts the sign where readers expect it (tr: %4,1)
        from babel import Locale

        base = Locale.parse(self.locale).percent_formats[None].pattern
        pattern = base.replace("#,##0", "#,##0" + ("." + "0" * digits if digits else ""), 1)
        return format_percent(x, format=pattern, locale=self.locale)

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
        return format_date(d, format=fmt, locale=self.locale)

    def money(self, x: float | None, currency: str) -> str:
        from babel.numbers import format_currency

        if x is None or (isinstance(x, float) and not math.isfinite(x)):
            return "–"
        return format_currency(x, currency, locale=self.locale)
