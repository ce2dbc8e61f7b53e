import pandas as pd
import pytest

from smm_nb.errors import ExportError
from smm_nb.model.schemas import ACCOUNT_DAILY, POSTS, TABLES, conform, validate_frame


def _posts(**cols):
    base = {"platform": ["instagram", "instagram"], "post_id": ["1", "2"],
            "published_at": ["2026-03-28T23:30:00+00:00", "2026-03-29T01:30:00+00:00"],
            "likes": ["3", "4"], "source_row": [2, 3]}
    base.update(cols)
    return pd.DataFrame(base)


def test_conform_types_and_timezone_across_dst():
    df = conform(_posts(), POSTS, tz="Europe/Berlin", source="p.csv")
    validate_frame(df, POSTS)
    # 2026-03-29 is the spring-forward day in Berlin: +01:00 before 02:00 UTC-ish, +02:00 after
    assert str(df.published_at[0]) == "2026-03-29 00:30:00+01:00"
    assert str(df.published_at[1]) == "2026-03-29 03:30:00+02:00"
    assert df.likes.tolist() == [3, 4]
    assert df.source_file.tolist() == ["p.csv", "p.csv"]
    assert df.reach.isna().all()  # not reported is missing, not zero


def test_naive_timestamps_are_taken_as_client_local():
    df = conform(_posts(published_at=["2026-01-05 09:00", "2026-01-05 10:00"]), POSTS,
                 tz="Europe/Istanbul", source="p.csv")
    assert str(df.published_at[0]) == "2026-01-05 09:00:00+03:00"


@pytest.mark.parametrize("col, values, reason", [
    ("likes", ["3", "many"], "is not a whole number"),
    ("likes", ["3", "-1"], "is negative"),
    ("likes", ["3", "2.5"], "is not a whole number"),
    ("published_at", ["2026-01-01", "yesterday"], "is not a date and time"),
    ("platform", ["instagram", "myspace"], "must be one of"),
    ("post_id", ["1", ""], "required value is empty"),
])
def test_bad_values_name_file_row_column_value(col, values, reason):
    with pytest.raises(ExportError) as e:
        conform(_posts(**{col: values}), POSTS, tz="UTC", source="exports/p.csv")
    err = e.value
    assert (err.path, err.row, err.column) == ("exports/p.csv", 3, col)
    assert reason in str(err)
    assert "row 3" in str(err) and repr(col) in str(err)


def test_missing_required_column():
    with pytest.raises(ExportError, match="missing required column.*post_id"):
        conform(pd.DataFrame({"platform": ["x"], "published_at": ["2026-01-01"]}), POSTS,
                tz="UTC", source="f.csv")


def test_dates_are_naive_days():
    df = conform(pd.DataFrame({"platform": ["x"], "date": ["2026-02-03"], "followers": ["10"]}),
                 ACCOUNT_DAILY, tz="UTC", source="d.csv")
    validate_frame(df, ACCOUNT_DAILY)
    assert df.date[0] == pd.Timestamp("2026-02-03")


def test_every_table_has_an_empty_form():
    for schema in TABLES.values():
        validate_frame(schema.empty(), schema)
