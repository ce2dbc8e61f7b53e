import pytest
import yaml

from smm_nb.errors import ConfigError
from smm_nb.model.config import load_config


def _write(tmp_path, data, slug="acme"):
    d = tmp_path / "clients" / slug
    d.mkdir(parents=True)
    p = d / "client.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True) if isinstance(data, dict) else data,
                 encoding="utf-8")
    return p


VALID = {
    "name": "Acme", "slug": "acme", "timezone": "Europe/Istanbul", "currency": "TRY",
    "platforms": {"instagram": {"handle": "@acme"}},
    "phases": {"launch_start": "2026-01-05"},
}


def test_valid_minimal_config(tmp_path):
    cfg = load_config(_write(tmp_path, VALID))
    assert cfg.language == "en" and cfg.engagement_rate_basis == "reach"
    assert cfg.phases.launch_start.isoformat() == "2026-01-05"


def test_demo_configs_are_valid(demo_data_dir):
    for d in (demo_data_dir / "clients").iterdir():
        load_config(d / "client.yaml")


def test_bad_date_names_file_field_and_value(tmp_path):
    text = (yaml.safe_dump({**VALID, "phases": {"launch_start": "2025-01-01"}})
            .replace("launch_start: '2025-01-01'", "launch_start: '2025-01-01'\n  "
                     "management_start: '2025-13-01'"))
    p = _write(tmp_path, text)
    with pytest.raises(ConfigError) as e:
        load_config(p)
    msg = str(e.value)
    assert msg.endswith("client.yaml: phases.management_start: '2025-13-01' is not a date")
    assert "\n" not in msg


@pytest.mark.parametrize("change, field, reason", [
    ({"timezone": "Mars/Olympus"}, "timezone", "IANA"),
    ({"language": "de"}, "language", "'de'"),
    ({"currency": "euro"}, "currency", "pattern"),
    ({"platforms": {"myspace": {"handle": "x"}}}, "platforms.myspace", ""),
    ({"kpis": [{"metric": "vibes", "target": 1}]}, "kpis.0.metric", "not a KPI metric"),
    ({"surprise": 1}, "surprise", "not a known field"),
])
def test_invalid_fields(tmp_path, change, field, reason):
    p = _write(tmp_path, {**VALID, **change})
    with pytest.raises(ConfigError) as e:
        load_config(p)
    assert e.value.field.startswith(field)
    assert reason in e.value.reason


def test_missing_required_field(tmp_path):
    data = dict(VALID)
    del data["timezone"]
    with pytest.raises(ConfigError, match="timezone: is required"):
        load_config(_write(tmp_path, data))


def test_phases_out_of_order(tmp_path):
    data = {**VALID, "phases": {"launch_start": "2026-03-01", "management_start": "2026-01-01"}}
    with pytest.raises(ConfigError, match="management_start .* is before launch_start"):
        load_config(_write(tmp_path, data))


def test_experiment_arms_need_their_assignment(tmp_path):
    exp = {"name": "t1", "hypothesis": "h", "assign_by": "tag", "planned_posts_per_arm": 10,
           "start": "2026-01-01", "end": "2026-02-01",
           "arms": [{"name": "a", "match": "#a"}, {"name": "b"}]}
    with pytest.raises(ConfigError, match="experiments.0: arm 'b' needs match"):
        load_config(_write(tmp_path, {**VALID, "experiments": [exp]}))


def test_yaml_syntax_error_names_line(tmp_path):
    p = _write(tmp_path, "name: [unclosed\nslug: acme\n")
    with pytest.raises(ConfigError, match=r"client.yaml: line \d+: not valid YAML"):
        load_config(p)


def test_slug_must_match_folder(tmp_path):
    with pytest.raises(ConfigError, match="slug: 'acme' does not match the folder name 'other'"):
        load_config(_write(tmp_path, VALID, slug="other"))
