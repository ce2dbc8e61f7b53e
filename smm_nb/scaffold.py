"""``smm-nb new-client SLUG``: a commented ``client.yaml`` and an empty ``exports/``."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from smm_nb.errors import ConfigError, SmmError
from smm_nb.model.config import SLUG_RE, parse_config

TEMPLATE = """\
# {name}: client configuration for smm-nb. Every field is explained in docs/client-config.md.
name: {name}
slug: {slug}                    # must equal the folder name
industry: All industries        # as in data/reference benchmarks, e.g. "Retail", "Food & Beverage"
timezone: Europe/Istanbul       # IANA time zone; every time in the reports is shown in it
currency: TRY                   # ISO 4217 code of spend and revenue
language: en                    # report language: en or tr

platforms:                      # the accounts the agency runs (instagram, facebook, x, linkedin, tiktok, youtube)
  instagram:
    handle: "@{slug}"

persona:                        # the target audience
  ages: ["25-34", "35-44"]      # buckets as the platforms report them
  genders: []                   # female, male, other; empty = everyone
  countries: [TR]               # ISO 3166 alpha-2
  interests: []
  service_lines: {{}}             # service line -> tags of the posts that promote it, e.g. {{coffee: [kahve]}}

phases:                         # the three phases of the engagement (later ones may stay empty)
  launch_start: {today}
  management_start: null
  improvement_start: null

plan_changes: []                # dated changes to test for an effect: [{{date: 2026-06-01, description: "..."}}]

kpis: []                        # targets: [{{metric: er_reach, target: 0.05, platform: instagram}}]
engagement_rate_basis: reach    # reach, impressions or followers: the headline definition

experiments: []                 # content tests, see docs/client-config.md#experiments

competitors: []                 # [{{platform: instagram, handle: "@rival"}}]

monthly_budget: {{}}              # per platform, in the currency above: {{instagram: 1000}}
"""


def new_client(slug: str, data_dir: Path, name: str | None = None) -> Path:
    """Create ``data_dir/clients/<slug>/client.yaml`` and ``exports/``; never overwrite."""
    if not SLUG_RE.fullmatch(slug):
        raise ConfigError(None, "slug", f"{slug!r} must be lower case letters, digits and "
                                        f"hyphens")
    client_dir = Path(data_dir) / "clients" / slug
    cfg = client_dir / "client.yaml"
    if cfg.exists():
        raise SmmError(f"{cfg}: already exists; not overwritten")
    text = TEMPLATE.format(name=name or slug.replace("-", " ").title(), slug=slug,
                           today=dt.date.today().isoformat())
    import yaml

    parse_config(yaml.safe_load(text), cfg)  # the template itself must always be valid
    (client_dir / "exports").mkdir(parents=True, exist_ok=True)
    cfg.write_text(text, encoding="utf-8")
    return cfg
