"""A client's ``client.yaml``, validated by one pydantic model.

:func:`load_config` is the only way in: any problem becomes a one-line
:class:`~smm_nb.errors.ConfigError` naming the file, the field and the reason,
e.g. ``data/clients/acme/client.yaml: phases.management_start: '2025-13-01' is not a date``.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from smm_nb.errors import ConfigError
from smm_nb.model.schemas import PLATFORMS

Platform = Literal["instagram", "facebook", "x", "linkedin", "tiktok", "youtube"]
Language = Literal["en", "tr"]
ErBasis = Literal["reach", "impressions", "followers"]

#: Per-post rates an experiment or KPI can be about: numerator / denominator.
RATE_METRICS: dict[str, tuple[str, str]] = {
    "er_reach": ("engagements", "reach"),
    "er_impressions": ("engagements", "impressions"),
    "er_followers": ("engagements", "followers_at_post"),
    "ctr": ("clicks", "impressions"),
    "save_rate": ("saves", "reach"),
    "share_rate": ("shares", "reach"),
    "view_rate": ("video_views", "impressions"),
}

#: KPI metrics a target can be set on (rates above plus levels).
KPI_METRICS = tuple(RATE_METRICS) + (
    "followers", "net_follower_growth_monthly", "posts_per_week", "reach_per_post",
    "impressions_per_post", "engagements_per_post", "roas", "cpa", "cpc", "cpm",
    "conversions_monthly", "response_time_hours",
)

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Account(_Strict):
    handle: str
    url: str | None = None
    opened: dt.date | None = Field(None, description="date the account was opened, if known")


class Persona(_Strict):
    ages: list[str] = Field(default_factory=list, description='age buckets such as "25-34"')
    genders: list[Literal["female", "male", "other"]] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list, description="ISO 3166 alpha-2 codes")
    cities: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    interests: list[str] = Field(default_factory=list)
    service_lines: dict[str, list[str]] = Field(
        default_factory=dict,
        description="service line -> tags or categories of the posts that promote it")

    @field_validator("ages")
    @classmethod
    def _age_buckets(cls, v: list[str]) -> list[str]:
        for b in v:
            if not re.fullmatch(r"\d{1,2}-\d{1,2}|\d{1,2}\+", b):
                raise ValueError(f"{b!r} is not an age bucket like '25-34' or '65+'")
        return v


class Phases(_Strict):
    launch_start: dt.date
    management_start: dt.date | None = None
    improvement_start: dt.date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> "Phases":
        seq = [("launch_start", self.launch_start), ("management_start", self.management_start),
               ("improvement_start", self.improvement_start)]
        known = [(k, d) for k, d in seq if d is not None]
        for (k1, d1), (k2, d2) in zip(known, known[1:]):
            if d2 < d1:
                raise ValueError(f"{k2} ({d2}) is before {k1} ({d1})")
        return self


class PlanChange(_Strict):
    date: dt.date
    description: str
    platform: Platform | None = None


class KpiTarget(_Strict):
    metric: str
    target: float
    platform: Platform | None = None
    by: dt.date | None = None
    direction: Literal["at_least", "at_most"] = "at_least"

    @field_validator("metric")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in KPI_METRICS:
            raise ValueError(f"{v!r} is not a KPI metric (one of {', '.join(KPI_METRICS)})")
        return v


class Arm(_Strict):
    name: str
    match: str | None = Field(None, description="the tag or caption marker of this arm")
    post_ids: list[str] = Field(default_factory=list)


class Experiment(_Strict):
    name: str
    hypothesis: str
    platform: Platform | None = None
    primary_metric: str = "er_reach"
    assign_by: Literal["tag", "caption_marker", "post_ids"]
    arms: list[Arm] = Field(min_length=2, description="the first arm is the control")
    planned_posts_per_arm: int = Field(gt=0)
    start: dt.date
    end: dt.date
    sequential: bool = Field(False, description="true if a sequential design allows early looks")

    @field_validator("name")
    @classmethod
    def _slug_like(cls, v: str) -> str:
        if not re.fullmatch(r"[a-z0-9_]+", v):
            raise ValueError(f"{v!r} must be lower case letters, digits and _")
        return v

    @field_validator("primary_metric")
    @classmethod
    def _rate(cls, v: str) -> str:
        if v not in RATE_METRICS:
            raise ValueError(f"{v!r} is not a rate metric (one of {', '.join(RATE_METRICS)})")
        return v

    @model_validator(mode="after")
    def _arms_assignable(self) -> "Experiment":
        if self.end < self.start:
            raise ValueError(f"end ({self.end}) is before start ({self.start})")
        for arm in self.arms:
            if self.assign_by == "post_ids" and not arm.post_ids:
                raise ValueError(f"arm {arm.name!r} needs post_ids when assign_by is post_ids")
            if self.assign_by != "post_ids" and not arm.match:
                raise ValueError(f"arm {arm.name!r} needs match when assign_by is "
                                 f"{self.assign_by}")
        names = [a.name for a in self.arms]
        if len(set(names)) != len(names):
            raise ValueError("arm names must be unique")
        return self


class Competitor(_Strict):
    platform: Platform
    handle: str
    name: str | None = None


class ClientConfig(_Strict):
    """Everything the workbook knows about a client besides its exports."""

    name: str
    slug: str
    industry: str = "All industries"
    timezone: str
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    language: Language = "en"
    platforms: dict[Platform, Account] = Field(min_length=1)
    persona: Persona = Field(default_factory=Persona)
    phases: Phases
    plan_changes: list[PlanChange] = Field(default_factory=list)
    kpis: list[KpiTarget] = Field(default_factory=list)
    engagement_rate_basis: ErBasis = "reach"
    experiments: list[Experiment] = Field(default_factory=list)
    competitors: list[Competitor] = Field(default_factory=list)
    monthly_budget: dict[Platform, float] = Field(default_factory=dict)

    @field_validator("slug")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG_RE.fullmatch(v):
            raise ValueError(f"{v!r} must be lower case letters, digits and hyphens")
        return v

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{v!r} is not an IANA time zone such as 'Europe/Istanbul'") from None
        return v

    @field_validator("monthly_budget")
    @classmethod
    def _budget(cls, v: dict) -> dict:
        for k, amount in v.items():
            if amount < 0:
                raise ValueError(f"{k}: budget {amount} is negative")
        return v

    @model_validator(mode="after")
    def _cross(self) -> "ClientConfig":
        names = [e.name for e in self.experiments]
        if len(set(names)) != len(names):
            raise ValueError("experiment names must be unique")
        return self

    @property
    def phase(self) -> Literal["launch", "management", "improvement"]:
        """The phase the client is in today (by the configured dates)."""
        today = dt.date.today()
        if self.phases.improvement_start and self.phases.improvement_start <= today:
            return "improvement"
        if self.phases.management_start and self.phases.management_start <= today:
            return "management"
        return "launch"


assert set(Platform.__args__) == set(PLATFORMS)  # type: ignore[attr-defined]


def _message(err: dict) -> str:
    kind = err.get("type", "")
    value = err.get("input")
    if kind.startswith("date") or kind.startswith("datetime"):
        return f"{value!r} is not a date"
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"{value!r} is not one of {expected}"
    msg = err.get("msg", "invalid")
    return msg.removeprefix("Value error, ")


def parse_config(data: object, path: str | Path | None = None) -> ClientConfig:
    """Validate already-parsed YAML data; raise :class:`ConfigError` on the first problem."""
    if not isinstance(data, dict):
        raise ConfigError(path, None, "must be a mapping of fields (name, slug, timezone, ...)")
    try:
        return ClientConfig.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or None
        raise ConfigError(path, field, _message(err)) from None


def load_config(path: str | Path) -> ClientConfig:
    """Read and validate a ``client.yaml``."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(path, None, "file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "YAML"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(path, where, f"not valid YAML: {problem}") from None
    except UnicodeDecodeError:
        raise ConfigError(path, None, "is not UTF-8 text") from None
    cfg = parse_config(data, path)
    if cfg.slug != path.parent.name:
        raise ConfigError(path, "slug", f"{cfg.slug!r} does not match the folder name "
                                        f"{path.parent.name!r}")
    return cfg
