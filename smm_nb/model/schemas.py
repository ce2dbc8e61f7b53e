"""The canonical tables: the data contract between ingest and analysis.

Every importer produces frames that :func:`conform` turns into exactly these
columns and dtypes, or refuses with an :class:`~smm_nb.errors.ExportError`
naming the file, row and column. Timestamps are time-zone aware in the client's
zone, dates are naive local calendar days, counts are nullable non-negative
integers (``Int64``: a platform that does not report a metric leaves it empty,
which is not the same as zero), and every row keeps ``source_file`` and
``source_row`` (the 1-based row of the raw file) so a number can be traced back.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from smm_nb.errors import ExportError

Kind = Literal["str", "int", "float", "bool", "timestamp", "date"]

PLATFORMS = ("instagram", "facebook", "x", "linkedin", "tiktok", "youtube")
FORMATS = ("image", "video", "reel", "carousel", "story", "text", "link")


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False
    nonnegative: bool = False
    choices: tuple[str, ...] | None = None
    description: str = ""


@dataclass(frozen=True)
class TableSchema:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    description: str = ""
    time_column: str | None = None

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def empty(self) -> pd.DataFrame:
        """An empty frame with the canonical columns and dtypes."""
        return conform(pd.DataFrame({c: [] for c in self.required}), self, tz="UTC",
                       source="<empty>")


_LINEAGE = (
    Column("source_file", "str", description="export file the row came from"),
    Column("source_row", "int", description="1-based row of that file"),
)


def _count(name: str, description: str = "") -> Column:
    return Column(name, "int", nonnegative=True, description=description)


POSTS = TableSchema(
    "posts",
    (
        Column("platform", "str", required=True, choices=PLATFORMS),
        Column("post_id", "str", required=True),
        Column("published_at", "timestamp", required=True),
        Column("format", "str", choices=FORMATS),
        Column("category", "str", description="content category or service line"),
        Column("tags", "str", description="space-separated tags / hashtags"),
        Column("text", "str", description="caption; untrusted, escape before display"),
        Column("paid", "bool"),
        Column("spend", "float", nonnegative=True),
        _count("impressions"),
        _count("reach"),
        _count("likes"),
        _count("comments"),
        _count("shares"),
        _count("saves"),
        _count("clicks"),
        _count("video_views"),
        _count("engagements", "total as reported by the platform, if it reports one"),
        _count("followers_at_post"),
        Column("experiment", "str"),
        Column("arm", "str"),
        *_LINEAGE,
    ),
    key=("platform", "post_id"),
    time_column="published_at",
    description="one row per post (lifetime metrics at export time)",
)

ACCOUNT_DAILY = TableSchema(
    "account_daily",
    (
        Column("platform", "str", required=True, choices=PLATFORMS),
        Column("date", "date", required=True),
        _count("followers"),
        _count("follower_gains"),
        _count("follower_losses"),
        _count("impressions"),
        _count("reach"),
        _count("engagements"),
        _count("profile_visits"),
        _count("website_clicks"),
        _count("video_views"),
        *_LINEAGE,
    ),
    key=("platform", "date"),
    time_column="date",
    description="one row per platform and day",
)

AUDIENCE = TableSchema(
    "audience",
    (
        Column("platform", "str", required=True, choices=PLATFORMS),
        Column("snapshot_date", "date", required=True),
        Column("dimension", "str", required=True,
               choices=("age", "gender", "age_gender", "country", "city", "language")),
        Column("bucket", "str", required=True),
        Column("share", "float", required=True, nonnegative=True,
               description="share of the audience, 0-1"),
        *_LINEAGE,
    ),
    key=("platform", "snapshot_date", "dimension", "bucket"),
    time_column="snapshot_date",
)

ACTIVITY = TableSchema(
    "activity",
    (
        Column("platform", "str", required=True, choices=PLATFORMS),
        Column("weekday", "int", required=True, description="0 = Monday"),
        Column("hour", "int", required=True, description="0-23, client time zone"),
        Column("online_followers", "float", required=True, nonnegative=True),
        *_LINEAGE,
    ),
    key=("platform", "weekday", "hour"),
)

COMPETITORS = TableSchema(
    "competitors",
    (
        Column("platform", "str", required=True, choices=PLATFORMS),
        Column("handle", "str", required=True),
        Column("date", "date", required=True),
        _count("followers"),
        _count("posts"),
        _count("engagements"),
        *_LINEAGE,
    ),
    key=("platform", "handle", "date"),
    time_column="date",
)

SPEND_KINDS = ("ad", "boost", "influencer", "sponsorship", "other")

SPEND = TableSchema(
    "spend",
    (
        Column("date", "date", required=True),
        Column("platform", "str", required=True, choices=PLATFORMS),
        Column("campaign", "str", required=True),
        Column("kind", "str", choices=SPEND_KINDS),
        Column("spend", "float", required=True, nonnegative=True),
        Column("currency", "str"),
        _count("impressions"),
        _count("reach"),
        _count("clicks"),
        *_LINEAGE,
    ),
    key=("date", "platform", "campaign"),
    time_column="date",
)

CONVERSIONS = TableSchema(
    "conversions",
    (
        Column("date", "date", required=True),
        Column("platform", "str", required=True, choices=PLATFORMS),
        Column("campaign", "str", required=True),
        Column("conversions", "float", required=True, nonnegative=True),
        Column("revenue", "float", nonnegative=True),
        Column("currency", "str"),
        *_LINEAGE,
    ),
    key=("date", "platform", "campaign"),
    time_column="date",
)

MESSAGES = TableSchema(
    "messages",
    (
        Column("platform", "str", required=True, choices=PLATFORMS),
        Column("message_id", "str", required=True),
        Column("received_at", "timestamp", required=True),
        Column("first_reply_at", "timestamp"),
        Column("channel", "str", choices=("dm", "comment")),
        *_LINEAGE,
    ),
    key=("platform", "message_id"),
    time_column="received_at",
)

MENTIONS = TableSchema(
    "mentions",
    (
        Column("platform", "str", required=True, choices=PLATFORMS),
        Column("mentioned_at", "timestamp", required=True),
        Column("author", "str"),
        Column("text", "str"),
        _count("author_followers"),
        _count("reach"),
        Column("sentiment", "str", choices=("positive", "neutral", "negative")),
        *_LINEAGE,
    ),
    key=("platform", "mentioned_at", "author"),
    time_column="mentioned_at",
)

TABLES: dict[str, TableSchema] = {
    t.name: t
    for t in (POSTS, ACCOUNT_DAILY, AUDIENCE, ACTIVITY, COMPETITORS, SPEND, CONVERSIONS,
              MESSAGES, MENTIONS)
}


def _row_of(df: pd.DataFrame, idx) -> int | None:
    if "source_row" in df.columns:
        v = df.at[idx, "source_row"]
        if pd.notna(v):
            return int(v)
    return None


def _file_of(df: pd.DataFrame, idx, default: str) -> str:
    if "source_file" in df.columns:
        v = df.at[idx, "source_file"]
        if isinstance(v, str) and v:
            return v
    return default


def _fail(df, bad_mask, col: str, reason: str, source: str):
    idx = bad_mask[bad_mask].index[0]
    raise ExportError(_file_of(df, idx, source), reason, row=_row_of(df, idx), column=col,
                      value=df.at[idx, col])


def _to_timestamp(s: pd.Series, tz: str) -> pd.Series:
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return s.dt.tz_convert(tz)
    if pd.api.types.is_datetime64_dtype(s.dtype):
        # naive timestamps are taken to be in the client's zone already
        return s.dt.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")
    parsed = pd.to_datetime(s, errors="coerce", utc=True, format="ISO8601")
    has_offset = s.astype("string").str.contains(r"(?:[+-]\d\d:?\d\d|Z)\s*$", regex=True)
    if bool(has_offset.fillna(True).all()):
        return parsed.dt.tz_convert(tz)
    naive = pd.to_datetime(s, errors="coerce", format="ISO8601")
    if isinstance(naive.dtype, pd.DatetimeTZDtype):
        return naive.dt.tz_convert(tz)
    return naive.dt.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")


def _coerce(s: pd.Series, col: Column, tz: str) -> pd.Series:
    if col.kind == "str":
        out = s.astype("string")
        return out.where(out.str.len() > 0)  # empty string means missing
    if col.kind == "int":
        num = pd.to_numeric(s, errors="coerce")
        whole = num.isna() | (np.floor(num) == num)
        num = num.where(whole, np.nan)  # fractional counts are flagged as invalid below
        return num.astype("Float64").round().astype("Int64") if len(num) else num.astype("Int64")
    if col.kind == "float":
        return pd.to_numeric(s, errors="coerce").astype("float64")
    if col.kind == "bool":
        if pd.api.types.is_bool_dtype(s.dtype):
            return s.astype("boolean")
        mapping = {"true": True, "1": True, "yes": True, "y": True, "paid": True,
                   "false": False, "0": False, "no": False, "n": False, "organic": False,
                   "1.0": True, "0.0": False}
        low = s.astype("string").str.strip().str.lower()
        return low.map(mapping).astype("boolean")
    if col.kind == "timestamp":
        return _to_timestamp(s, tz)
    if col.kind == "date":
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            s = s.dt.tz_convert(tz).dt.tz_localize(None)
        out = pd.to_datetime(s, errors="coerce", format="ISO8601") \
            if not pd.api.types.is_datetime64_dtype(s.dtype) else s
        if isinstance(out.dtype, pd.DatetimeTZDtype):
            out = out.dt.tz_convert(tz).dt.tz_localize(None)
        return out.dt.normalize().astype("datetime64[ns]")
    raise AssertionError(col.kind)


def conform(df: pd.DataFrame, schema: TableSchema, *, tz: str, source: str) -> pd.DataFrame:
    """Return ``df`` with exactly the canonical columns of ``schema``, typed and checked.

    Missing optional columns are added empty; extra columns are dropped. A value that
    cannot be read as its type, a negative count or an unknown category raises
    :class:`ExportError` naming ``source`` (or the row's own ``source_file``), the row
    and the column.
    """
    missing = [c for c in schema.required if c not in df.columns]
    if missing:
        raise ExportError(source, f"missing required column(s) for table "
                                  f"{schema.name!r}: {', '.join(missing)}",
                          column=missing[0])
    df = df.reset_index(drop=True)
    out = {}
    n = len(df)
    for col in schema.columns:
        if col.name not in df.columns:
            raw = pd.Series([pd.NA] * n, dtype="object")
        else:
            raw = df[col.name]
        values = _coerce(raw, col, tz)
        if pd.api.types.is_numeric_dtype(raw.dtype) or pd.api.types.is_bool_dtype(raw.dtype) \
                or pd.api.types.is_datetime64_any_dtype(raw.dtype):
            # a typed value (Parquet, Excel) is given when present: its text is never blank,
            # and formatting a million timestamps as text to find that out took ~15 s
            given = raw.notna()
        else:
            given = raw.notna() & (raw.astype("string").str.strip().str.len() > 0).fillna(False)
        unreadable = given & values.isna()
        if unreadable.any():
            what = {"int": "a whole number", "float": "a number", "bool": "true/false",
                    "timestamp": "a date and time", "date": "a date", "str": "text"}[col.kind]
            _fail(df.assign(**{col.name: raw}), unreadable, col.name, f"is not {what}", source)
        if col.required and values.isna().any():
            _fail(df.assign(**{col.name: raw}), values.isna(), col.name,
                  "required value is empty", source)
        if col.nonnegative and col.kind in ("int", "float"):
            neg = (values < 0).fillna(False)
            if neg.any():
                _fail(df.assign(**{col.name: raw}), neg, col.name, "is negative", source)
        if col.choices is not None:
            bad = values.notna() & ~values.isin(col.choices).fillna(False)
            if bad.any():
                _fail(df.assign(**{col.name: raw}), bad, col.name,
                      f"must be one of {', '.join(col.choices)}", source)
        out[col.name] = values
    result = pd.DataFrame(out)
    if "source_file" in result.columns:
        result["source_file"] = result["source_file"].fillna(source)
    return result


def validate_frame(df: pd.DataFrame, schema: TableSchema) -> None:
    """Check that ``df`` already has the canonical columns and dtypes (for tests and caches)."""
    if list(df.columns) != schema.names:
        raise AssertionError(f"{schema.name}: columns {list(df.columns)} != {schema.names}")
    for col in schema.columns:
        dt = df[col.name].dtype
        ok = {
            "str": lambda: pd.api.types.is_string_dtype(dt),
            "int": lambda: str(dt) == "Int64",
            "float": lambda: str(dt) == "float64",
            "bool": lambda: str(dt) == "boolean",
            "timestamp": lambda: isinstance(dt, pd.DatetimeTZDtype),
            "date": lambda: str(dt) == "datetime64[ns]",
        }[col.kind]()
        if not ok:
            raise AssertionError(f"{schema.name}.{col.name}: dtype {dt} is not {col.kind}")
